// Per-thread workspaces: WS_SLOTS buffers per thread that only ever grow, so repeated calls of the same
// size allocate nothing (and touch no fresh pages). OpenMP workers keep theirs for the process lifetime.
#include <stdio.h>
#include <stdlib.h>
#include "recur.h"

static _Thread_local struct {
  float *p;
  size_t n;
} slots[WS_SLOTS];

float *recur_ws(int slot, size_t nfloats) {
  if (nfloats == 0) nfloats = 1; /* a zero-sized request still gets a valid pointer */
  if (slots[slot].n < nfloats) {
    free(slots[slot].p);
    size_t bytes = (nfloats * sizeof(float) + 4095) & ~(size_t)4095;
    slots[slot].p = aligned_alloc(64, bytes);
    if (!slots[slot].p) {
      fprintf(stderr, "recur native: out of memory allocating a %zu-byte workspace\n", bytes);
      abort();
    }
    slots[slot].n = bytes / sizeof(float);
  }
  return slots[slot].p;
}
