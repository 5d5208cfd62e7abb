// Packed SGEMM (BLIS structure): B is packed in KC×NC blocks of NR-wide panels (absorbing its transpose)
// and the ISA's register-blocked micro-kernel runs on one MR×NR tile of C at a time, reading A in place
// (row-major or transposed: on this cache hierarchy packing A bought nothing). Small M reads a plain B
// in place too, and NT products with M ≤ 4 stream B's rows as dot products. Threads split C into
// column (or row) blocks; each thread packs into its own workspace.
#include <string.h>
#include <omp.h>
#include "recur.h"

#define KC 256
#define MC 144 /* rows of A walked per B block: they stay in L2 across the panels */
#define NC 3072
#define SLOT_A 0
#define SLOT_B 1

static inline int imin(int a, int b) { return a < b ? a : b; }

/* op(B)[k0 : k0+kc, j0 : j0+nc] → panels of nr columns, each [kc][nr], zero-padded on the right. */
static void pack_b(float *Bp, const float *B, long ldb, int tB, int k0, int kc, int j0, int nc, int nr) {
  for (int p = 0; p < nc; p += nr) {
    int n = imin(nr, nc - p);
    if (tB) {
      if (n < nr) memset(Bp, 0, (size_t)kc * nr * 4);
      recur_isa()->pack_nt(Bp, B + (long)(j0 + p) * ldb + k0, ldb, kc, n, nr);
    } else {
      for (int k = 0; k < kc; k++) {
        float *dst = Bp + (long)k * nr;
        memcpy(dst, B + (long)(k0 + k) * ldb + j0 + p, (size_t)n * 4);
        if (n < nr) memset(dst + n, 0, (size_t)(nr - n) * 4);
      }
    }
    Bp += (long)kc * nr;
  }
}

/* One thread's block C[M, N] of the product; A, B, C already offset to the block. */
static void gemm_serial(const isa_ops *o, float *C, long ldc, const float *A, long lda, int tA,
                        const float *B, long ldb, int tB, int M, int N, int K, float alpha, float beta,
                        const float *bias) {
  const int mr = o->mr, nr = o->nr;
  if (tB && M <= 4) { /* matrix–vector-like: stream B's rows, nothing to pack */
    if (tA) { /* the dot kernel wants rows of op(A): only M ≤ 4 of them, gather them */
      float *At = recur_ws(SLOT_A, (size_t)4 * K);
      for (int i = 0; i < M; i++)
        for (int k = 0; k < K; k++) At[(long)i * K + k] = A[(long)k * lda + i];
      A = At;
      lda = K;
    }
    o->dot(M, 0, N, K, A, lda, B, ldb, C, ldc, alpha, beta, bias);
    return;
  }
  /* Few row slivers: each B element is used ≤ 2 times, so packing B would cost more than it saves;
   * a short k block keeps the rows it touches few (TLB) while C stays in L1. */
  const int direct = !tB && M <= 2 * mr;
  const int kcmax = direct && M <= 4 ? 8 : KC;
  float *Bp = recur_ws(SLOT_B, direct ? (size_t)KC * nr : (size_t)KC * (NC + nr));
  for (int jc = 0; jc < N; jc += NC) {
    int nc = imin(NC, N - jc);
    for (int pc = 0; pc < K; pc += kcmax) {
      int kc = imin(kcmax, K - pc);
      float be = pc == 0 ? beta : 1.0f;
      const float *bi = pc == 0 && bias ? bias + jc : NULL;
      int tail = nc % nr;
      if (direct) {
        if (tail) pack_b(Bp, B, ldb, 0, pc, kc, jc + nc - tail, tail, nr);
      } else {
        pack_b(Bp, B, ldb, tB, pc, kc, jc, nc, nr);
      }
      for (int ic = 0; ic < M; ic += MC) {
        int mc = imin(MC, M - ic);
        for (int jr = 0; jr < nc; jr += nr) {
          int n = imin(nr, nc - jr);
          const float *bp;
          long lb = nr;
          if (!direct) bp = Bp + (long)(jr / nr) * kc * nr;
          else if (n < nr) bp = Bp;
          else { bp = B + (long)pc * ldb + jc + jr; lb = ldb; }
          for (int ir = 0; ir < mc; ir += mr) {
            int m = imin(mr, mc - ir);
            float *cp = C + (long)(ic + ir) * ldc + jc + jr;
            const float *bip = bi ? bi + jr : NULL;
            if (tA) {
              o->kk[m](kc, A + (long)pc * lda + ic + ir, lda, bp, lb, cp, ldc, n, alpha, be, bip);
            } else {
              o->ki[m](kc, A + (long)(ic + ir) * lda + pc, lda, bp, lb, cp, ldc, n, alpha, be, bip);
            }
          }
        }
      }
    }
  }
}

void recur_gemm(float *C, const float *A, const float *B, int M, int N, int K, int transA, int transB,
                float alpha, float beta, const float *bias, int nt) {
  recur_gemm_ex(C, N, A, transA ? M : K, B, transB ? K : N, M, N, K, transA, transB, alpha, beta, bias, nt);
}

void recur_gemm_ex(float *C, long ldc, const float *A, long lda, const float *B, long ldb, int M, int N, int K,
                   int transA, int transB, float alpha, float beta, const float *bias, int nt) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    for (long i = 0; i < M; i++)
      for (long j = 0; j < N; j++) {
        float v = beta == 0.0f ? 0.0f : beta * C[i * ldc + j];
        C[i * ldc + j] = bias ? v + bias[j] : v;
      }
    return;
  }
  const isa_ops *o = recur_isa();
  const int mr = o->mr, nr = o->nr;
  double work = (double)M * N * K;
  if (nt > 1 && work < 1 << 17) nt = 1;
  /* Split N (each thread packs only its own panels of B) unless M is the longer side: then split M,
   * each thread packing all of the smaller B. Blocks are whole panels or slivers; none left idle. */
  int panels = (N + nr - 1) / nr, slivers = (M + mr - 1) / mr, byN = 1;
  if (nt > 1) {
    int canN = panels >= nt, canM = slivers >= nt;
    if (!canN && !canM) {
      byN = panels >= slivers;
      nt = byN ? panels : slivers;
    } else {
      byN = canN && (!canM || M <= N);
    }
  }
  if (nt > 1) nt = imin(nt, recur_loop_threads());
  if (nt <= 1) {
    gemm_serial(o, C, ldc, A, lda, transA, B, ldb, transB, M, N, K, alpha, beta, bias);
    return;
  }
  /* each thread's idle time (the region's length less its own block's) feeds the contention check */
  double waits[nt], started = omp_get_wtime();
  memset(waits, 0, sizeof waits);
#pragma omp parallel num_threads(nt)
  {
    int t = omp_get_thread_num(), T = omp_get_num_threads();
    double t0 = omp_get_wtime();
    if (byN) {
      int p0 = (int)((long)panels * t / T), p1 = (int)((long)panels * (t + 1) / T);
      int j0 = p0 * nr, j1 = imin(N, p1 * nr);
      if (j1 > j0)
        gemm_serial(o, C + j0, ldc, A, lda, transA, transB ? B + (long)j0 * ldb : B + j0, ldb, transB, M,
                    j1 - j0, K, alpha, beta, bias ? bias + j0 : NULL);
    } else {
      int s0 = (int)((long)slivers * t / T), s1 = (int)((long)slivers * (t + 1) / T);
      int i0 = s0 * mr, i1 = imin(M, s1 * mr);
      if (i1 > i0)
        gemm_serial(o, C + (long)i0 * ldc, ldc, transA ? A + i0 : A + (long)i0 * lda, lda, transA, B, ldb,
                    transB, i1 - i0, N, K, alpha, beta, bias);
    }
    waits[t] = -(omp_get_wtime() - t0);
  }
  const double elapsed = omp_get_wtime() - started;
  for (int i = 0; i < nt; i++) waits[i] = waits[i] < 0 ? elapsed + waits[i] : 0;
  recur_note_waits(waits, nt, elapsed);
}

size_t recur_packed_size(int K, int N, int nr) { return (size_t)K * (size_t)((N + nr - 1) / nr) * nr; }

void recur_packed_init(packed_b *dst, float *mem, int K, int N, int nr) {
  dst->p = mem;
  dst->K = K;
  dst->N = N;
  dst->nr = nr;
}

void recur_pack_b(const packed_b *dst, const float *B, long ldb, int transB, int j0, int j1) {
  if (j1 > dst->N) j1 = dst->N;
  if (j1 > j0) pack_b(dst->p + (long)(j0 / dst->nr) * dst->K * dst->nr, B, ldb, transB, 0, dst->K, j0, j1 - j0, dst->nr);
}

void recur_step_gemm(float *C, long ldc, const float *const *rows, int n, int K, const packed_b *pk, int kb,
                     const float *W, long ldw, int j0, int j1, float beta) {
  const isa_ops *o = recur_isa();
  const int mr = o->mr;
  for (int r0 = 0, len; r0 < n; r0 += len) {
    /* a run of rows that are K floats apart can be read in place as one row-major A */
    for (len = 1; r0 + len < n && rows[r0 + len] == rows[r0] + (long)len * K; len++) {}
    const float *a = rows[r0];
    float *c = C + (long)r0 * ldc;
    if (!pk) {
      for (int i = 0; i < len; i += 4)
        o->dot(imin(4, len - i), j0, j1, K, a + (long)i * K, K, W, ldw, c + (long)i * ldc, ldc, 1.0f, beta, NULL);
      continue;
    }
    const int nr = pk->nr;
    for (int j = j0; j < j1; j += nr) {
      const float *bp = pk->p + (long)(j / nr) * pk->K * nr + (long)kb * nr;
      int w = imin(nr, j1 - j);
      for (int i = 0; i < len; i += mr) {
        int m = imin(mr, len - i);
        o->ki[m](K, a + (long)i * K, K, bp, nr, c + (long)i * ldc + j, ldc, w, 1.0f, beta, NULL);
      }
    }
  }
}

void recur_packed_gemm(float *C, long ldc, const float *A, int M, int K, const packed_b *pk, int j0, int j1,
                       const float *bias) {
  const isa_ops *o = recur_isa();
  const int mr = o->mr, nr = pk->nr;
  if (j1 > pk->N) j1 = pk->N;
  for (int j = j0; j < j1; j += nr) {
    const float *bp = pk->p + (long)(j / nr) * pk->K * nr;
    int w = imin(nr, j1 - j);
    for (int i = 0; i < M; i += mr)
      o->ki[imin(mr, M - i)](K, A + (long)i * K, K, bp, nr, C + (long)i * ldc + j, ldc, w, 1.0f, 0.0f,
                             bias ? bias + j : NULL);
  }
}
