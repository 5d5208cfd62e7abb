// Helpers shared by the recurrent forward and backward: step order, thread partitions, workspace slots.
#ifndef REC_COMMON_H
#define REC_COMMON_H
#include <omp.h>
#include <string.h>
#include "recur.h"

enum { WS_SCRATCH = 0, WS_PACK = 2, WS_A = 3, WS_B = 4, WS_C = 5, WS_D = 6, WS_E = 7 };

static inline int rec_imin(int a, int b) { return a < b ? a : b; }

/* Rows of step t, clamped to [0, B] so a bad batchSizes can never write out of bounds. */
static inline int rec_rows(const rec_args *a, int t) {
  int n = a->bs[t];
  return n < 0 ? 0 : n > a->B ? a->B : n;
}

/* Forward order: the st-th step visited. */
static inline int rec_step(const rec_args *a, int st) { return a->reverse ? a->T - 1 - st : st; }

/* Thread tid's share [*c0, *c1) of the columns [0, N), in whole nr-wide panels. */
static inline void rec_part(int N, int nr, int tid, int nt, int *c0, int *c1) {
  int panels = (N + nr - 1) / nr;
  *c0 = rec_imin(N, panels * tid / nt * nr);
  *c1 = rec_imin(N, panels * (tid + 1) / nt * nr);
}

/* Threads for the time loop: one per panel of H at most, and one when a step is too small to share. */
static inline int rec_threads(const rec_args *a, int nr) {
  int nt = recur_loop_threads(), panels = (a->H + nr - 1) / nr;
  int maxn = 0;
  for (int t = 0; t < a->T; t++) maxn = rec_imin(a->B, a->bs[t] > maxn ? a->bs[t] : maxn);
  double work = (double)maxn * rec_gates(a->kind) * a->H * a->P;
  if (nt > panels) nt = panels;
  return work < 65536.0 || nt < 1 ? 1 : nt;
}

/* Zeroes rows [n_t, B) of every step of a [T, B, W] buffer. */
static inline void rec_zero_pad(const rec_args *a, float *buf, int W) {
  if (!buf) return;
  for (int t = 0; t < a->T; t++) {
    int n = rec_rows(a, t);
    if (n < a->B) memset(buf + ((long)t * a->B + n) * W, 0, (size_t)(a->B - n) * W * 4);
  }
}

/* acc[j] += Σ_{r<n} src[r·ld + j] for j in [j0, j1). */
static inline void rec_colsum(float *acc, const float *src, long ld, int n, int j0, int j1) {
  if (!acc) return;
  for (int r = 0; r < n; r++)
    for (int j = j0; j < j1; j++) acc[j] += src[r * ld + j];
}

/* A barrier that adds the seconds this thread waited at it to `waited` (contention detection). */
#define REC_BARRIER(waited)                  \
  do {                                       \
    double t0_ = omp_get_wtime();            \
    _Pragma("omp barrier");                  \
    (waited) += omp_get_wtime() - t0_;       \
  } while (0)

#endif
