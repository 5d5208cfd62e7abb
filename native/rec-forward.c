// Recurrent forward, one layer and direction (cuDNN's structure): one GEMM projects all T·B inputs with
// both biases folded in, then per step one GEMM on h_{t−1} (W_hh packed once) and one fused cell. Each
// thread owns a range of hidden units: it projects, packs, multiplies and activates only their gate
// columns, so nothing waits between the GEMM and the cell; one barrier ends each step (two with a
// projection or a GRU reset-before). Each step reads h_{t−1} in place from y (or h0), writes h_t into y.
#include <omp.h>
#include "rec-common.h"

int rec_gates(int kind) { return kind == REC_LSTM ? 4 : kind == REC_GRU || kind == REC_GRU_RB ? 3 : 1; }

/* For each row r, the forward-order step that last wrote it (−1: none yet, the state is h0). */
static void last_steps(int *last, const rec_args *a) {
  for (int r = 0; r < a->B; r++) last[r] = -1;
  for (int st = 0; st < a->T; st++) {
    int t = rec_step(a, st), n = rec_rows(a, t);
    for (int r = 0; r < n; r++) last[r] = t;
  }
}

void rec_forward(const rec_args *a, const rec_fwd_io *io, const rec_saved *s) {
  const isa_ops *o = recur_isa();
  const int T = a->T, B = a->B, H = a->H, P = a->P, G = rec_gates(a->kind), GH = G * H, nr = o->nr;
  const long TB = (long)T * B;
  const int lstm = a->kind == REC_LSTM, gru = a->kind == REC_GRU, rb = a->kind == REC_GRU_RB;
  const int relu = a->kind == REC_RNN_RELU;
  float *act = s ? s->act : recur_ws(WS_A, (size_t)TB * GH); /* [T, B, GH] */

  /* 1. input projection of all steps; b_hh joins b_ih unless a GRU needs it apart (r scales W_hn h + b_hn) */
  const float *bias = a->bih;
  if (!gru && !rb && a->bhh) {
    float *bb = recur_ws(WS_E, (size_t)GH);
    for (int j = 0; j < GH; j++) bb[j] = (a->bih ? a->bih[j] : 0.0f) + a->bhh[j];
    bias = bb;
  }

  rec_zero_pad(a, io->y, P);
  rec_zero_pad(a, io->cAll, H);
  if (s) { /* the saved buffers arrive uninitialised; backward's big GEMMs read these rows too */
    rec_zero_pad(a, s->hprev, P);
    rec_zero_pad(a, s->hraw, H);
    rec_zero_pad(a, s->aux, H);
  }
  float *cst = lstm ? (s ? s->c : io->cAll ? io->cAll : recur_ws(WS_C, (size_t)TB * H)) : NULL; /* c_t */
  float *gt = gru || rb ? recur_ws(WS_B, (size_t)B * GH) : NULL;  /* [B, GH] W_hh h_{t−1} */
  float *hraw = a->whr ? (s ? s->hraw : recur_ws(WS_D, (size_t)B * H)) : NULL; /* o∘tanh(c) */
  float *rh = rb ? (s ? s->aux : recur_ws(WS_D, (size_t)B * H)) : NULL;       /* r∘h_{t−1} */
  const long hrawT = s ? (long)B * H : 0, rhT = s ? (long)B * H : 0;          /* per-step stride */

  int maxn = 0, steps = 0;
  for (int t = 0; t < T; t++) {
    maxn = rec_imin(B, a->bs[t] > maxn ? a->bs[t] : maxn);
    steps += a->bs[t] > 0;
  }
  /* Packing W_hh costs about two passes over it; a step of ≤ 4 rows streams it once as dot products. */
  const int pack = a->pre || maxn > 4 || steps >= 4;
  packed_b pk[4] = {{0}}, pkr = {0}, pki[4] = {{0}};
  float *pmem = NULL;
  size_t gsz = recur_packed_size(P, H, nr), rsz = a->whr ? recur_packed_size(H, P, nr) : 0;
  if (a->pre) {
    rec_pack_views(a->pre, a->kind, a->I, H, P, a->whr != NULL, pki, pk, &pkr);
  } else if (pack) {
    pmem = recur_ws(WS_PACK, G * gsz + rsz);
    for (int g = 0; g < G; g++) recur_packed_init(&pk[g], pmem + g * gsz, P, H, nr);
    if (a->whr) recur_packed_init(&pkr, pmem + G * gsz, H, P, nr);
  }
  const int nt = rec_threads(a, nr);
  double waits[nt > 0 ? nt : 1], started = omp_get_wtime();
  memset(waits, 0, sizeof waits);

#pragma omp parallel num_threads(nt)
  {
    int tid = omp_get_thread_num(), nth = omp_get_num_threads(), u0, u1, p0, p1;
    double waited = 0;
    rec_part(H, nr, tid, nth, &u0, &u1);
    rec_part(P, nr, tid, nth, &p0, &p1);
    /* 1. (continued) each thread projects the gate columns of its own units: no barrier before step 0 */
    for (int g = 0; g < G; g++) {
      if (a->pre)
        recur_packed_gemm(act + g * H, GH, a->x, (int)TB, a->I, &pki[g], u0, u1, bias ? bias + g * H : NULL);
      else
        recur_gemm_ex(act + g * H + u0, GH, a->x, a->I, a->wih + ((long)g * H + u0) * a->I, a->I, (int)TB, u1 - u0,
                      a->I, 0, 1, 1.0f, 0.0f, bias ? bias + g * H + u0 : NULL, 1);
    }
    int *last = (int *)recur_ws(WS_SCRATCH, (size_t)B * 7 + 2); /* last [B], then 3 × B pointers */
    const float **hs = (const float **)(last + B + (B & 1)), **cs = hs + B, **rows = cs + B;
    if (pack && !a->pre) {
      for (int g = 0; g < G; g++) recur_pack_b(&pk[g], a->whh + (long)g * H * P, P, 1, u0, u1);
      if (a->whr) recur_pack_b(&pkr, a->whr, H, 1, p0, p1);
    }
    for (int r = 0; r < B; r++) last[r] = -1;
    for (int st = 0; st < T; st++) {
      const int t = rec_step(a, st), n = rec_rows(a, t);
      if (n == 0) continue;
      for (int r = 0; r < n; r++) {
        hs[r] = last[r] >= 0 ? io->y + ((long)last[r] * B + r) * P : io->h0 + (long)r * P;
        if (lstm) cs[r] = last[r] >= 0 ? cst + ((long)last[r] * B + r) * H : io->c0 + (long)r * H;
      }
      float *at = act + (long)t * B * GH, *yt = io->y + (long)t * B * P;
      if (s) {
        float *hp = s->hprev + (long)t * B * P;
        for (int r = 0; r < n; r++) memcpy(hp + (long)r * P + p0, hs[r] + p0, (size_t)(p1 - p0) * 4);
        if (lstm) {
          float *cp = s->cprev + (long)t * B * H;
          for (int r = 0; r < n; r++) memcpy(cp + (long)r * H + u0, cs[r] + u0, (size_t)(u1 - u0) * 4);
        }
      }
      if (lstm || !(gru || rb)) {
        /* gates (pre-activation, both biases in) += W_hh h_{t−1}, own units of each gate block */
        for (int g = 0; g < G; g++)
          recur_step_gemm(at + g * H, GH, hs, n, P, pack ? &pk[g] : NULL, 0, a->whh + (long)g * H * P, P, u0, u1, 1.0f);
        if (!lstm) {
          for (int r = 0; r < n; r++) o->cell.rnn_fwd(yt + (long)r * P, at + (long)r * GH, relu, u0, u1);
        } else {
          float *ct = cst + (long)t * B * H, *hr = hraw ? hraw + t * hrawT : NULL;
          for (int r = 0; r < n; r++) {
            o->cell.lstm_fwd(hr ? hr + (long)r * H : yt + (long)r * P, ct + (long)r * H, at + (long)r * GH, cs[r], H, u0, u1);
            if (io->cAll && io->cAll != cst)
              memcpy(io->cAll + ((long)t * B + r) * H + u0, ct + (long)r * H + u0, (size_t)(u1 - u0) * 4);
          }
          if (hr) { /* h_t = W_hr (o∘tanh c_t): needs every unit of the row */
            REC_BARRIER(waited);
            for (int r = 0; r < n; r++) rows[r] = hr + (long)r * H;
            recur_step_gemm(yt, P, rows, n, H, pack ? &pkr : NULL, 0, a->whr, H, p0, p1, 0.0f);
          }
        }
      } else if (gru) {
        for (int g = 0; g < G; g++)
          recur_step_gemm(gt + g * H, GH, hs, n, P, pack ? &pk[g] : NULL, 0, a->whh + (long)g * H * P, P, u0, u1, 0.0f);
        float *ghn = s ? s->aux + (long)t * B * H : NULL;
        for (int r = 0; r < n; r++)
          o->cell.gru_fwd(yt + (long)r * P, at + (long)r * GH, ghn ? ghn + (long)r * H : NULL, gt + (long)r * GH, a->bhh, hs[r], H, u0, u1);
      } else {
        for (int g = 0; g < 2; g++)
          recur_step_gemm(gt + g * H, GH, hs, n, P, pack ? &pk[g] : NULL, 0, a->whh + (long)g * H * P, P, u0, u1, 0.0f);
        float *rht = rh + t * rhT;
        for (int r = 0; r < n; r++)
          o->cell.grb_gates(rht + (long)r * H, at + (long)r * GH, gt + (long)r * GH, a->bhh, hs[r], H, u0, u1);
        REC_BARRIER(waited);
        for (int r = 0; r < n; r++) rows[r] = rht + (long)r * H;
        recur_step_gemm(gt + 2 * H, GH, rows, n, H, pack ? &pk[2] : NULL, 0, a->whh + 2L * H * P, P, u0, u1, 0.0f);
        for (int r = 0; r < n; r++)
          o->cell.grb_finish(yt + (long)r * P, at + (long)r * GH, gt + (long)r * GH + 2 * H, a->bhh ? a->bhh + 2 * H : NULL, hs[r], H, u0, u1);
      }
      for (int r = 0; r < n; r++) last[r] = t;
      REC_BARRIER(waited);
    }
    waits[tid] = waited;
  }
  recur_note_waits(waits, nt, omp_get_wtime() - started);

  /* h_n, c_n: each sequence's last valid state (h0, c0 for a row no step touched) */
  int *last = (int *)recur_ws(WS_SCRATCH, (size_t)B);
  last_steps(last, a);
  for (int r = 0; r < B; r++) {
    memcpy(io->hN + (long)r * P, last[r] >= 0 ? io->y + ((long)last[r] * B + r) * P : io->h0 + (long)r * P, (size_t)P * 4);
    if (lstm && io->cN)
      memcpy(io->cN + (long)r * H, last[r] >= 0 ? cst + ((long)last[r] * B + r) * H : io->c0 + (long)r * H, (size_t)H * 4);
  }
}
