// One micro-kernel FN with A layout AMODE, for sliver height MRc and KS accumulator sets (see
// kern-body.h). No include guard on purpose.
#if AMODE == 0
#define AAT(i, k) a[(long)(k) * lda + (i)]
#else
#define AAT(i, k) a[(long)(i) * lda + (k)]
#endif
static void FN(int kc, const float *restrict a, long lda, const float *restrict b, long ldb,
               float *restrict c, long ldc, int nr, float alpha, float beta, const float *restrict bias)
{
  VF acc[KS][MRc][NV];
#pragma GCC unroll 4
  for (int s = 0; s < KS; s++)
#pragma GCC unroll 16
    for (int i = 0; i < MRc; i++)
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[s][i][v] = vzero();
  int k = 0;
  for (; k + KS <= kc; k += KS) {
#pragma GCC unroll 4
    for (int s = 0; s < KS; s++) {
      const float *bk = b + (long)(k + s) * ldb;
      VF bv[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) bv[v] = vload(bk + v * VW);
#pragma GCC unroll 16
      for (int i = 0; i < MRc; i++) {
        VF ai = vsplat(AAT(i, k + s));
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) acc[s][i][v] += ai * bv[v];
      }
    }
  }
  for (; k < kc; k++) {
    const float *bk = b + (long)k * ldb;
    VF bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) bv[v] = vload(bk + v * VW);
#pragma GCC unroll 16
    for (int i = 0; i < MRc; i++) {
      VF ai = vsplat(AAT(i, k));
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[0][i][v] += ai * bv[v];
    }
  }
#pragma GCC unroll 4
  for (int s = 1; s < KS; s++)
#pragma GCC unroll 16
    for (int i = 0; i < MRc; i++)
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[0][i][v] += acc[s][i][v];
  if (nr == NV * VW) { /* every decision made once, outside the unrolled tile loops */
    if (alpha != 1.0f)
#pragma GCC unroll 16
      for (int i = 0; i < MRc; i++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) acc[0][i][v] *= alpha;
    if (bias)
#pragma GCC unroll 16
      for (int i = 0; i < MRc; i++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) acc[0][i][v] += vload(bias + v * VW);
    if (beta == 0.0f) {
#pragma GCC unroll 16
      for (int i = 0; i < MRc; i++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) vstore(c + i * ldc + v * VW, acc[0][i][v]);
    } else if (beta == 1.0f) {
#pragma GCC unroll 16
      for (int i = 0; i < MRc; i++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) vstore(c + i * ldc + v * VW, acc[0][i][v] + vload(c + i * ldc + v * VW));
    } else {
#pragma GCC unroll 16
      for (int i = 0; i < MRc; i++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) vstore(c + i * ldc + v * VW, acc[0][i][v] + beta * vload(c + i * ldc + v * VW));
    }
  } else {
    float t[MRc][NV * VW];
#pragma GCC unroll 16
    for (int i = 0; i < MRc; i++)
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) vstore(&t[i][v * VW], acc[0][i][v]);
    for (int i = 0; i < MRc; i++)
      for (int j = 0; j < nr; j++) {
        float r = alpha * t[i][j];
        if (bias) r += bias[j];
        if (beta != 0.0f) r += beta * c[i * ldc + j];
        c[i * ldc + j] = r;
      }
  }
}
#undef AAT
#undef FN
#undef AMODE
