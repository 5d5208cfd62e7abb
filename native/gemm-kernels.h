// GEMM kernels of one instruction set (part of the kernels.h bundle): the register-blocked micro-kernels
// kk_m (A read k-major) and ki_m (A read row-major) for sliver heights m = 1 … MR, the dot-product
// kernel for NT products with a few rows, and the transposing pack of B panels.
#define KS_FOR(m) ((m) * NV >= 8 ? 1 : (m) * NV >= 4 ? 2 : 4)
#define MRc 1
#include "kern-body.h"
#define MRc 2
#include "kern-body.h"
#define MRc 3
#include "kern-body.h"
#define MRc 4
#include "kern-body.h"
#if MR >= 6
#define MRc 5
#include "kern-body.h"
#define MRc 6
#include "kern-body.h"
#endif
#if MR >= 8
#define MRc 7
#include "kern-body.h"
#define MRc 8
#include "kern-body.h"
#endif
#if MR >= 12
#define MRc 9
#include "kern-body.h"
#define MRc 10
#include "kern-body.h"
#define MRc 11
#include "kern-body.h"
#define MRc 12
#include "kern-body.h"
#endif

/* NT product for a few rows of A (M ≤ 4): C[i, j] = alpha·Σ_k A[i, k]·B[j, k] (+ bias[j]) + beta·C,
 * for j in [j0, j1): dot products along contiguous rows of both, 4 rows of B at a time. Streams B once,
 * so a matrix–vector product needs no packing pass. */
INL float hsum(VF v) {
  float t[VW], s = 0;
  vstore(t, v);
  for (int l = 0; l < VW; l++) s += t[l];
  return s;
}

INL void dot_body(const int M, const int R, int j0, int j1, int K, const float *a, long lda, const float *b,
                  long ldb, float *c, long ldc, float alpha, float beta, const float *bias) {
  for (int j = j0; j < j1; j += R) {
    int nj = j1 - j < R ? j1 - j : R;
    const float *br[8];
#pragma GCC unroll 8
    for (int q = 0; q < R; q++) br[q] = b + (long)(j + (q < nj ? q : 0)) * ldb;
    VF acc[4][8];
#pragma GCC unroll 4
    for (int i = 0; i < M; i++)
#pragma GCC unroll 8
      for (int q = 0; q < R; q++) acc[i][q] = vzero();
    for (int k = 0; k < K; k += VW) {
      int cnt = K - k < VW ? K - k : VW;
      VF bv[8];
#pragma GCC unroll 8
      for (int q = 0; q < R; q++) bv[q] = ldn(br[q] + k, cnt);
#pragma GCC unroll 4
      for (int i = 0; i < M; i++) {
        VF av = ldn(a + (long)i * lda + k, cnt);
#pragma GCC unroll 8
        for (int q = 0; q < R; q++) acc[i][q] += av * bv[q];
      }
    }
    for (int i = 0; i < M; i++)
      for (int q = 0; q < nj; q++) {
        float *cp = c + (long)i * ldc + j + q;
        float r = alpha * hsum(acc[i][q]);
        if (bias) r += bias[j + q];
        if (beta != 0.0f) r += beta * *cp;
        *cp = r;
      }
  }
}

static void dot_nt(int M, int j0, int j1, int K, const float *a, long lda, const float *b, long ldb, float *c,
                   long ldc, float alpha, float beta, const float *bias) {
  switch (M) {
  case 1: dot_body(1, 4, j0, j1, K, a, lda, b, ldb, c, ldc, alpha, beta, bias); break;
  case 2: dot_body(2, 4, j0, j1, K, a, lda, b, ldb, c, ldc, alpha, beta, bias); break;
  case 3: dot_body(3, 4, j0, j1, K, a, lda, b, ldb, c, ldc, alpha, beta, bias); break;
  default: dot_body(4, 4, j0, j1, K, a, lda, b, ldb, c, ldc, alpha, beta, bias); break;
  }
}

/* ---- transposing pack: one NR-wide panel of op(B) = Bᵀ, in VW×VW register transposes ------------- */
#define LO(l, s) (((l) & (s)) ? VW + (l) - (s) : (l))
#define HI(l, s) (((l) & (s)) ? VW + (l) : (l) + (s))
#if VW == 16
#define MASK(F, s) (VI){F(0, s), F(1, s), F(2, s), F(3, s), F(4, s), F(5, s), F(6, s), F(7, s), F(8, s), F(9, s), \
                        F(10, s), F(11, s), F(12, s), F(13, s), F(14, s), F(15, s)}
#elif VW == 8
#define MASK(F, s) (VI){F(0, s), F(1, s), F(2, s), F(3, s), F(4, s), F(5, s), F(6, s), F(7, s)}
#else
#define MASK(F, s) (VI){F(0, s), F(1, s), F(2, s), F(3, s)}
#endif
/* r[i][l] ← r[l][i]: log2(VW) stages, each swapping the off-diagonal s×s blocks of every 2s×2s block. */
#define STAGE(s)                                                                      \
  if (VW > (s))                                                                       \
    for (int i = 0; i < VW; i++)                                                      \
      if (!(i & (s))) {                                                               \
        VF x0 = r[i], x1 = r[i + (s)];                                                \
        r[i] = __builtin_shuffle(x0, x1, MASK(LO, (s)));                              \
        r[i + (s)] = __builtin_shuffle(x0, x1, MASK(HI, (s)));                        \
      }
INL void transpose(VF *r) {
  STAGE(8) STAGE(4) STAGE(2) STAGE(1)
}

/* Bp[k·nr + j] = B[j·ldb + k] for k < kc, j < n (B at the panel's first row and k0). */
static void pack_nt(float *restrict Bp, const float *restrict B, long ldb, int kc, int n, int nr) {
  int j = 0;
  for (; j + VW <= n; j += VW) {
    int k = 0;
    for (; k + VW <= kc; k += VW) {
      VF r[VW];
#pragma GCC unroll 16
      for (int i = 0; i < VW; i++) r[i] = vload(B + (long)(j + i) * ldb + k);
      transpose(r);
#pragma GCC unroll 16
      for (int i = 0; i < VW; i++) vstore(Bp + (long)(k + i) * nr + j, r[i]);
    }
    for (; k < kc; k++)
      for (int i = 0; i < VW; i++) Bp[(long)k * nr + j + i] = B[(long)(j + i) * ldb + k];
  }
  for (; j < n; j++)
    for (int k = 0; k < kc; k++) Bp[(long)k * nr + j] = B[(long)j * ldb + k];
}
