// recur native backend: shared declarations. One table of kernels per instruction set (isa_ops), the
// packed SGEMM driver (gemm.c), the fused recurrent sequence kernels (rec_*.c) and a per-thread arena.
// Row-major float32 everywhere; kernels trust their callers (the N-API layer checks buffer sizes).
#ifndef RECUR_H
#define RECUR_H

#include <stddef.h>
#include <stdint.h>

#define RECUR_MR_MAX 16

/* Micro-kernel: C[m, nr] = alpha · A[m, kc] · B[kc, NR] + beta · C (+ bias[nr]). A is read as
 * a[k·lda + i] (kk: packed slivers, lda = m, or a transposed A) or a[i·lda + k] (ki: rows in place);
 * B rows are ldb floats apart (packed panels: ldb = NR). nr ≤ NR columns are stored; beta == 0 never
 * reads C. */
typedef void (*kern_fn)(int kc, const float *a, long lda, const float *b, long ldb, float *c, long ldc,
                        int nr, float alpha, float beta, const float *bias);
/* C[i, j0:j1] = alpha · Σ_k A[i, k] B[j, k] (+ bias[j]) + beta · C for M ≤ 4 rows (matrix–vector). */
typedef void (*dot_fn)(int M, int j0, int j1, int K, const float *a, long lda, const float *b, long ldb,
                       float *c, long ldc, float alpha, float beta, const float *bias);

/* Fused cells, one row, units [u0, u1) of H. Gate blocks are H apart in act/gates/dG rows. */
typedef struct {
  /* RNN: act row [H] holds the pre-activation on entry, the activation on exit; h row [H] (output). */
  void (*rnn_fwd)(float *h, float *act, int relu, int u0, int u1);
  /* dG [H] (may alias dh) = dh ∘ act'. */
  void (*rnn_bwd)(float *dg, const float *dh, const float *act, int relu, int u0, int u1);
  /* LSTM: act [4H] pre-activations in, σ/tanh out; c [H] = f∘cp + i∘g; h [H] = o∘tanh(c). */
  void (*lstm_fwd)(float *h, float *c, float *act, const float *cp, int H, int u0, int u1);
  /* dG [4H]; dc [H] in: grad of c_t, out: grad of c_{t−1}. */
  void (*lstm_bwd)(float *dg, float *dc, const float *dh, const float *act, const float *c,
                   const float *cp, int H, int u0, int u1);
  /* GRU (reset after): act [3H] holds gIn on entry, r|z|n on exit; gh [3H] = W_hh h (no bias). */
  void (*gru_fwd)(float *h, float *act, float *ghn, const float *gh, const float *bhh, const float *hp,
                  int H, int u0, int u1);
  /* dGIn [3H], dGH [3H]; dh [H] in, out: dh∘z (the direct path to h_{t−1}). */
  void (*gru_bwd)(float *dgin, float *dgh, float *dh, const float *act, const float *ghn,
                  const float *hp, int H, int u0, int u1);
  /* GRU reset before: stage 1 r, z from act (gIn) + grz [2H] (+ bhh) → rh [H] = r∘hp. */
  void (*grb_gates)(float *rh, float *act, const float *grz, const float *bhh, const float *hp, int H,
                    int u0, int u1);
  /* Stage 2: gn [H] = W_hn (r∘h) (no bias) → n, h. */
  void (*grb_finish)(float *h, float *act, const float *gn, const float *bhn, const float *hp, int H,
                     int u0, int u1);
  /* Backward stage 1: dh [H] in, out dh∘z; dgin z|n blocks; dghn [H]. */
  void (*grb_bwd1)(float *dgin, float *dghn, float *dh, const float *act, const float *hp, int H,
                   int u0, int u1);
  /* Backward stage 2: drh [H] → dgin r block, dghrz [2H], dh += drh∘r. */
  void (*grb_bwd2)(float *dgin, float *dghrz, float *dh, const float *drh, const float *act,
                   const float *hp, int H, int u0, int u1);
  /* Vector math used by the unit tests of accuracy: out[i] = f(x[i]), f = 0 exp, 1 tanh, 2 sigmoid. */
  void (*math)(float *out, const float *x, long n, int f);
} cell_ops;

typedef struct {
  const char *name;
  int mr, nr;
  kern_fn kk[RECUR_MR_MAX + 1]; /* [m] for sliver heights m = 1 … mr; A k-major */
  kern_fn ki[RECUR_MR_MAX + 1]; /* A row-major, read in place */
  dot_fn dot;
  /* Bp[k·nr + j] = B[j·ldb + k], k < kc, j < n: one panel of a transposed B */
  void (*pack_nt)(float *Bp, const float *B, long ldb, int kc, int n, int nr);
  cell_ops cell;
} isa_ops;

extern const isa_ops recur_ops_portable;
#if defined(__x86_64__) || defined(__i386__)
extern const isa_ops recur_ops_avx2;
extern const isa_ops recur_ops_avx512;

#endif

/* ops.c: softmax cross-entropy (p = softmax rows, loss per row; y < 0 ignored) and its backward
 * dx[n] += scale·row_scale[n]·(p[n] − q[n]), q = (1 − ε)·onehot + ε/C; Adam with h = {β1, β2, lr/(1 − β1ᵗ),
 * √(1 − β2ᵗ), ε, λ (L2), 1 − lr·λ (decoupled), ±1}, vmax NULL without amsgrad. */
void recur_softmax_xent(const float *x, const int32_t *y, int N, int C, double eps, float *p, double *loss);
void recur_softmax_xent_backward(float *dx, const float *p, const int32_t *y, int N, int C, double eps, double scale,
                                 const float *row_scale);
void recur_adam(float *w, const float *g, float *m, float *v, float *vmax, long n, const double *h);

/* isa.c: the active instruction set and thread count. */
const isa_ops *recur_isa(void);
int recur_set_isa(const char *name); /* 0 ok, -1 unknown or unsupported */
const char *recur_best_isa(void);
int recur_threads(void);
void recur_set_threads(int n);
/* Threads for loops with a barrier per step: 1 while the machine looks contended (see isa.c). */
int recur_loop_threads(void);
/* Creates the OpenMP team (called once when the addon loads). */
void recur_start_threads(void);
/* Reports each thread's seconds at barriers during a call that took `elapsed` seconds. */
void recur_note_waits(const double *waited, int nt, double elapsed);

/* arena.c: per-thread workspace that grows and is reused across calls (never inside a time loop). */
float *recur_ws(int slot, size_t nfloats);
#define WS_SLOTS 8 /* 0, 1: gemm and per-thread scratch; 2 … 7: recurrent workspaces (main thread) */

/* gemm.c ------------------------------------------------------------------------------------------ */

/* C[M, N] = alpha · op(A) · op(B) + beta · C (+ bias[N] per column), row-major; threads ≤ nt. */
void recur_gemm(float *C, const float *A, const float *B, int M, int N, int K, int transA, int transB,
                float alpha, float beta, const float *bias, int nt);
/* The same with explicit leading dimensions (C rows ldc floats apart; A, B stored rows lda, ldb apart). */
void recur_gemm_ex(float *C, long ldc, const float *A, long lda, const float *B, long ldb, int M, int N, int K,
                   int transA, int transB, float alpha, float beta, const float *bias, int nt);

/* B operand packed once and reused: panels of NR columns, each [K][NR], zero-padded. */
typedef struct {
  float *p;
  int K, N, nr;
} packed_b;

/* Floats needed to pack a K×N operand. */
size_t recur_packed_size(int K, int N, int nr);
/* Describes op(B) [K, N] packed at mem (recur_packed_size floats). */
void recur_packed_init(packed_b *dst, float *mem, int K, int N, int nr);
/* Packs the panels covering columns [j0, j1) (j0 a multiple of nr; each thread packs the panels it
 * uses). op(B)[k][j] = B[k·ldb + j], or B[j·ldb + k] with transB. */
void recur_pack_b(const packed_b *dst, const float *B, long ldb, int transB, int j0, int j1);

/* C[r, j] (beta·C +)= Σ_k rows[r][k] · op(B)[kb + k, j] for r < n, j in [j0, j1): one recurrent step.
 * op(B) is the packed pk (j0 a multiple of its NR) or, when pk is NULL, W read as rows (W[j·ldw + k],
 * the NT matrix–vector path, n ≤ 4 per run of rows). Runs of rows K floats apart are read in place.
 * Single-threaded: the recurrent kernels give each thread its own column range. */
void recur_step_gemm(float *C, long ldc, const float *const *rows, int n, int K, const packed_b *pk, int kb,
                     const float *W, long ldw, int j0, int j1, float beta);


/* rec-forward.c, rec-backward.c: one layer and direction over time (see backend.ts for the contract). */
enum { REC_RNN_TANH, REC_RNN_RELU, REC_LSTM, REC_GRU, REC_GRU_RB };

typedef struct {
  int kind, T, B, I, H, P, reverse;
  const int32_t *bs;                      /* batchSizes [T], non-increasing in t */
  const float *x;                         /* [T, B, I] */
  const float *wih, *whh, *bih, *bhh, *whr; /* [GH, I], [GH, P], [GH], [GH], [P, H]; biases, whr may be NULL */
  const float *pre;                       /* optional: wih, whh, whr packed once by rec_pack (inference) */
} rec_args;

/* Kept for backward (allocated by the caller): act [T, B, GH] (the input projection, then the activated
 * gates), hprev [T, B, P]; LSTM c, cprev [T, B, H]; hraw [T, B, H] with a projection; aux [T, B, H] for
 * GRU (W_hn h + b_hn, or r∘h when the reset comes first). They may arrive uninitialised: forward writes
 * every element backward reads and zeroes the rows past each step's batch size in hprev, hraw, aux. */
typedef struct {
  float *act, *hprev, *c, *cprev, *hraw, *aux;
} rec_saved;

typedef struct {
  float *y, *hN, *cN, *cAll; /* [T, B, P], [B, P], [B, H] (LSTM), [T, B, H] or NULL */
  const float *h0, *c0;
} rec_fwd_io;

typedef struct {
  float *dx, *dh0, *dc0;           /* assigned: [T, B, I], [B, P], [B, H] (LSTM) */
  float *dhall;                    /* optional, assigned: [T, B, P] total ∂L/∂h_t (zero past each length) */
  float *dwih, *dwhh, *dbih, *dbhh, *dwhr; /* accumulated; NULL where the weight is absent */
  const float *dy, *dhN, *dcN, *dcAll; /* [T, B, P], [B, P], [B, H] or NULL, [T, B, H] or NULL */
} rec_bwd_io;

int rec_gates(int kind);
/* rec-pack.c: W_ih, W_hh (and W_hr) packed once for many forwards (a streamed model). The buffer starts
 * with a header naming the ISA's panel width and the sizes, so a stale packing is refused, not misread. */
#define REC_PACK_HEADER 16
size_t rec_packed_size(int kind, int I, int H, int P, int proj);
void rec_pack(float *out, int kind, int I, int H, int P, const float *wih, const float *whh, const float *whr);
/* 1 if `pre` (n floats) was packed by rec_pack for these sizes under the active ISA. */
int rec_pack_matches(const float *pre, size_t n, int kind, int I, int H, int P, int proj);
/* The packed gate blocks of `pre`: ih[g] (op(B) [I, H]), hh[g] ([P, H]) and hr ([H, P]) when proj. */
void rec_pack_views(const float *pre, int kind, int I, int H, int P, int proj, packed_b *ih, packed_b *hh, packed_b *hr);
/* C[M, j0 : j1] = A [M, K] · pk (+ bias[j]): a product with op(B) packed once; j0 a multiple of pk's NR. */
void recur_packed_gemm(float *C, long ldc, const float *A, int M, int K, const packed_b *pk, int j0, int j1,
                       const float *bias);
/* Runs the forward; s is NULL for inference. */
void rec_forward(const rec_args *a, const rec_fwd_io *io, const rec_saved *s);
void rec_backward(const rec_args *a, const rec_bwd_io *io, const rec_saved *s);

#endif
