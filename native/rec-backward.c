// Recurrent backward (BPTT), one layer and direction: walks the forward's steps in reverse computing the
// gate gradients dG_t with the fused cell (threads own unit ranges, bias gradients summed there too) and
// dh_{t−1} = dG_t · W_hh (threads own columns of P; W_hh packed once, each thread its own panels). After
// the loop, three big GEMMs over all T·B rows: dW_ih += dGᵀX, dW_hh += dGᵀH_prev, dX = dG·W_ih.
#include <omp.h>
#include "rec-common.h"

void rec_backward(const rec_args *a, const rec_bwd_io *io, const rec_saved *s) {
  const isa_ops *o = recur_isa();
  const int T = a->T, B = a->B, H = a->H, P = a->P, G = rec_gates(a->kind), GH = G * H, nr = o->nr;
  const long TB = (long)T * B;
  const int lstm = a->kind == REC_LSTM, gru = a->kind == REC_GRU, rb = a->kind == REC_GRU_RB;
  const int relu = a->kind == REC_RNN_RELU;
  const int WG = rb ? 2 * H : GH; /* width of the recurrent projection's gradient */
  float *dgin = recur_ws(WS_A, (size_t)TB * GH);                           /* [T, B, GH] */
  float *dgh = gru || rb ? recur_ws(WS_B, (size_t)TB * WG) : dgin;         /* [T, B, WG] */
  float *dghn = rb ? recur_ws(WS_C, (size_t)TB * H) : NULL;                /* [T, B, H] */
  float *dht = a->whr ? recur_ws(WS_D, (size_t)TB * P) : NULL;             /* [T, B, P] */
  float *dh = recur_ws(WS_E, (size_t)B * P + 3 * (size_t)B * H);          /* [B, P] */
  float *dc = dh + (long)B * P, *draw = dc + (long)B * H, *drh = draw + (long)B * H; /* [B, H] each */
  rec_zero_pad(a, dgin, GH);
  if (dgh != dgin) rec_zero_pad(a, dgh, WG);
  rec_zero_pad(a, dghn, H);
  rec_zero_pad(a, dht, P);
  rec_zero_pad(a, io->dhall, P);
  memcpy(dh, io->dhN, (size_t)B * P * 4);
  if (lstm) {
    if (io->dcN) memcpy(dc, io->dcN, (size_t)B * H * 4);
    else memset(dc, 0, (size_t)B * H * 4);
  }
  /* W_hh as the B operand of dG·W_hh ([GH, P], panels over P), W_hr of dh·W_hr ([P, H], panels over H) */
  size_t wsz = recur_packed_size(GH, P, nr), rsz = a->whr ? recur_packed_size(P, H, nr) : 0;
  float *pmem = recur_ws(WS_PACK, wsz + rsz);
  packed_b pkw, pkr;
  recur_packed_init(&pkw, pmem, GH, P, nr);
  recur_packed_init(&pkr, pmem + wsz, P, H, nr);
  const int nt = rec_threads(a, nr);
  double waits[nt > 0 ? nt : 1], started = omp_get_wtime();
  memset(waits, 0, sizeof waits);

#pragma omp parallel num_threads(nt)
  {
    int tid = omp_get_thread_num(), nth = omp_get_num_threads(), u0, u1, p0, p1;
    double waited = 0;
    rec_part(H, nr, tid, nth, &u0, &u1);
    rec_part(P, nr, tid, nth, &p0, &p1);
    const float **rows = (const float **)recur_ws(WS_SCRATCH, (size_t)B * 2);
    /* each thread packs the panels it will use: no barrier needed */
    recur_pack_b(&pkw, a->whh, P, 0, p0, p1);
    if (a->whr) recur_pack_b(&pkr, a->whr, H, 0, u0, u1);
    for (int st = T - 1; st >= 0; st--) {
      const int t = rec_step(a, st), n = rec_rows(a, t);
      if (n == 0) continue;
      const long o1 = (long)t * B;
      const float *at = s->act + o1 * GH, *hp = s->hprev + o1 * P, *dyt = io->dy + o1 * P;
      float *dgt = dgin + o1 * GH, *dght = dgh + o1 * WG;
      for (int r = 0; r < n; r++)
        for (int p = p0; p < p1; p++) dh[(long)r * P + p] += dyt[(long)r * P + p];
      if (io->dhall)
        for (int r = 0; r < n; r++) memcpy(io->dhall + (o1 + r) * P + p0, dh + (long)r * P + p0, (size_t)(p1 - p0) * 4);
      const float *dhr = dh; /* gradient of o∘tanh(c_t) (LSTM) or of h_t */
      if (dht) {
        for (int r = 0; r < n; r++) memcpy(dht + (o1 + r) * P + p0, dh + (long)r * P + p0, (size_t)(p1 - p0) * 4);
        REC_BARRIER(waited);
        for (int r = 0; r < n; r++) rows[r] = dh + (long)r * P;
        recur_step_gemm(draw, H, rows, n, P, &pkr, 0, NULL, 0, u0, u1, 0.0f);
        dhr = draw;
      }
      const long ldr = dht ? H : P;
      if (lstm) {
        const float *dca = io->dcAll ? io->dcAll + o1 * H : NULL;
        for (int r = 0; r < n; r++) {
          if (dca)
            for (int j = u0; j < u1; j++) dc[(long)r * H + j] += dca[(long)r * H + j];
          o->cell.lstm_bwd(dgt + (long)r * GH, dc + (long)r * H, dhr + r * ldr, at + (long)r * GH,
                           s->c + (o1 + r) * H, s->cprev + (o1 + r) * H, H, u0, u1);
        }
      } else if (gru) {
        for (int r = 0; r < n; r++)
          o->cell.gru_bwd(dgt + (long)r * GH, dght + (long)r * GH, dh + (long)r * P, at + (long)r * GH,
                          s->aux + (o1 + r) * H, hp + (long)r * P, H, u0, u1);
      } else if (rb) {
        float *dgn = dghn + o1 * H;
        for (int r = 0; r < n; r++)
          o->cell.grb_bwd1(dgt + (long)r * GH, dgn + (long)r * H, dh + (long)r * P, at + (long)r * GH, hp + (long)r * P, H, u0, u1);
        REC_BARRIER(waited);
        for (int r = 0; r < n; r++) rows[r] = dgn + (long)r * H;
        recur_step_gemm(drh, H, rows, n, H, &pkw, 2 * H, NULL, 0, u0, u1, 0.0f);
        for (int r = 0; r < n; r++)
          o->cell.grb_bwd2(dgt + (long)r * GH, dght + (long)r * WG, dh + (long)r * P, drh + (long)r * H, at + (long)r * GH,
                           hp + (long)r * P, H, u0, u1);
        if (io->dbhh) rec_colsum(io->dbhh + 2 * H, dgn, H, n, u0, u1);
      } else {
        for (int r = 0; r < n; r++) o->cell.rnn_bwd(dgt + (long)r * GH, dh + (long)r * P, at + (long)r * GH, relu, u0, u1);
      }
      for (int g = 0; g < G; g++) {
        rec_colsum(io->dbih ? io->dbih + g * H : NULL, dgt + g * H, GH, n, u0, u1);
        if (g * H < WG) rec_colsum(io->dbhh ? io->dbhh + g * H : NULL, dght + g * H, WG, n, u0, u1);
      }
      REC_BARRIER(waited);
      /* dh_{t−1} (own columns of P) = dG_t · W_hh, plus the direct path dh∘z a GRU cell left in dh */
      for (int r = 0; r < n; r++) rows[r] = dght + (long)r * WG;
      recur_step_gemm(dh, P, rows, n, WG, &pkw, 0, NULL, 0, p0, p1, gru || rb ? 1.0f : 0.0f);
      REC_BARRIER(waited);
    }
    waits[tid] = waited;
  }
  recur_note_waits(waits, nt, omp_get_wtime() - started);

  memcpy(io->dh0, dh, (size_t)B * P * 4);
  if (lstm && io->dc0) memcpy(io->dc0, dc, (size_t)B * H * 4);
  const int nth = recur_threads();
  recur_gemm(io->dwih, dgin, a->x, GH, a->I, (int)TB, 1, 0, 1.0f, 1.0f, NULL, nth);
  if (rb) {
    recur_gemm(io->dwhh, dgh, s->hprev, 2 * H, P, (int)TB, 1, 0, 1.0f, 1.0f, NULL, nth);
    recur_gemm(io->dwhh + 2L * H * P, dghn, s->aux, H, H, (int)TB, 1, 0, 1.0f, 1.0f, NULL, nth);
  } else {
    recur_gemm(io->dwhh, dgh, s->hprev, GH, P, (int)TB, 1, 0, 1.0f, 1.0f, NULL, nth);
  }
  if (a->whr && io->dwhr) recur_gemm(io->dwhr, dht, s->hraw, P, H, (int)TB, 1, 0, 1.0f, 1.0f, NULL, nth);
  recur_gemm(io->dx, dgin, a->wih, (int)TB, a->I, GH, 0, 0, 1.0f, 0.0f, NULL, nth);
}
