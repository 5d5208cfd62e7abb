// Recurrent weights packed once for many forwards: a streamed model runs one step per call, and packing
// W_ih and W_hh on every call would read them twice more than the step itself does. The buffer holds a
// header (panel width, kind, sizes), then G blocks of op(W_ih) [I, H], G of op(W_hh) [P, H] and op(W_hr).
#include <string.h>
#include "recur.h"

enum { HDR_NR, HDR_KIND, HDR_I, HDR_H, HDR_P, HDR_PROJ };

size_t rec_packed_size(int kind, int I, int H, int P, int proj) {
  const int G = rec_gates(kind), nr = recur_isa()->nr;
  return REC_PACK_HEADER + (size_t)G * (recur_packed_size(I, H, nr) + recur_packed_size(P, H, nr)) +
         (proj ? recur_packed_size(H, P, nr) : 0);
}

void rec_pack_views(const float *pre, int kind, int I, int H, int P, int proj, packed_b *ih, packed_b *hh, packed_b *hr) {
  const int G = rec_gates(kind), nr = recur_isa()->nr;
  const size_t isz = recur_packed_size(I, H, nr), hsz = recur_packed_size(P, H, nr);
  float *m = (float *)pre + REC_PACK_HEADER;
  for (int g = 0; g < G; g++) {
    recur_packed_init(&ih[g], m + g * isz, I, H, nr);
    recur_packed_init(&hh[g], m + G * isz + g * hsz, P, H, nr);
  }
  if (proj) recur_packed_init(hr, m + G * (isz + hsz), H, P, nr);
}

void rec_pack(float *out, int kind, int I, int H, int P, const float *wih, const float *whh, const float *whr) {
  const int G = rec_gates(kind), proj = whr != NULL;
  memset(out, 0, REC_PACK_HEADER * sizeof *out);
  out[HDR_NR] = (float)recur_isa()->nr;
  out[HDR_KIND] = (float)kind;
  out[HDR_I] = (float)I;
  out[HDR_H] = (float)H;
  out[HDR_P] = (float)P;
  out[HDR_PROJ] = (float)proj;
  packed_b ih[4], hh[4], hr;
  rec_pack_views(out, kind, I, H, P, proj, ih, hh, &hr);
  for (int g = 0; g < G; g++) {
    recur_pack_b(&ih[g], wih + (long)g * H * I, I, 1, 0, H);
    recur_pack_b(&hh[g], whh + (long)g * H * P, P, 1, 0, H);
  }
  if (proj) recur_pack_b(&hr, whr, H, 1, 0, P);
}

int rec_pack_matches(const float *pre, size_t n, int kind, int I, int H, int P, int proj) {
  return n == rec_packed_size(kind, I, H, P, proj) && pre[HDR_NR] == (float)recur_isa()->nr &&
         pre[HDR_KIND] == (float)kind && pre[HDR_I] == (float)I && pre[HDR_H] == (float)H &&
         pre[HDR_P] == (float)P && pre[HDR_PROJ] == (float)proj;
}
