// The ops around the recurrent kernels that would otherwise dominate a training step in JavaScript:
// softmax cross-entropy (forward keeps the softmax, backward writes softmax − q) with the active ISA's
// vector exp, and the Adam/AdamW update in double precision with the exact expression order of
// src/optim/adam.ts (no FMA contraction), so native and js give bit-identical weights.
#pragma GCC optimize("fp-contract=off")
#include <math.h>
#include <stdint.h>
#include "recur.h"

void recur_softmax_xent(const float *x, const int32_t *y, int N, int C, double eps, float *p, double *loss) {
  const isa_ops *o = recur_isa();
  for (int n = 0; n < N; n++) {
    const float *xr = x + (long)n * C;
    float *pr = p + (long)n * C;
    float m = xr[0];
    double sx = 0;
    for (int c = 0; c < C; c++) {
      if (xr[c] > m) m = xr[c];
      sx += xr[c];
    }
    for (int c = 0; c < C; c++) pr[c] = xr[c] - m;
    o->cell.math(pr, pr, C, 0);
    double s = 0;
    for (int c = 0; c < C; c++) s += pr[c];
    const float inv = (float)(1.0 / s);
    for (int c = 0; c < C; c++) pr[c] *= inv;
    const double lse = m + log(s);
    const int yn = y[n];
    loss[n] = yn < 0 ? 0.0 : -(1.0 - eps) * (xr[yn] - lse) - (eps / C) * (sx - C * lse);
  }
}

void recur_softmax_xent_backward(float *dx, const float *p, const int32_t *y, int N, int C, double eps, double scale,
                                 const float *row_scale) {
  const float off = (float)(eps / C), hit = (float)(1.0 - eps + eps / C);
  for (int n = 0; n < N; n++) {
    const int yn = y[n];
    if (yn < 0) continue;
    const float w = (float)(row_scale ? row_scale[n] * scale : scale);
    float *d = dx + (long)n * C;
    const float *pr = p + (long)n * C;
    for (int c = 0; c < C; c++) d[c] += w * (pr[c] - off);
    d[yn] -= w * (hit - off);
  }
}

void recur_adam(float *w, const float *g, float *m, float *v, float *vmax, long n, const double *h) {
  const double b1 = h[0], b2 = h[1], step = h[2], bc2 = h[3], eps = h[4], l2 = h[5], shrink = h[6], sign = h[7];
  for (long i = 0; i < n; i++) {
    const double gi = sign * (double)g[i] + l2 * (double)w[i];
    m[i] = (float)(b1 * (double)m[i] + (1 - b1) * gi);
    v[i] = (float)(b2 * (double)v[i] + (1 - b2) * gi * gi);
    float vv = v[i];
    if (vmax) {
      if (v[i] > vmax[i]) vmax[i] = v[i];
      vv = vmax[i];
    }
    w[i] = (float)((double)w[i] * shrink - (step * (double)m[i]) / (sqrt((double)vv) / bc2 + eps));
  }
}
