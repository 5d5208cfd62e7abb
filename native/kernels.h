// The kernels of one instruction set, written once with GCC vector extensions and compiled three times
// (kernels-avx512.c, kernels-avx2.c, kernels-portable.c define VW floats per vector, NV vectors per
// micro-tile row, MR rows, OPS_NAME and ISA_NAME), gathered into that set's isa_ops table.
#include "recur.h"
#include "simd.h"
#include "gemm-kernels.h"
#include "cell-kernels.h"

#define KTAB(p) { 0, p##_1, p##_2, p##_3, p##_4, KTAB6(p) KTAB8(p) KTAB12(p) }
#if MR >= 6
#define KTAB6(p) p##_5, p##_6,
#else
#define KTAB6(p)
#endif
#if MR >= 8
#define KTAB8(p) p##_7, p##_8,
#else
#define KTAB8(p)
#endif
#if MR >= 12
#define KTAB12(p) p##_9, p##_10, p##_11, p##_12,
#else
#define KTAB12(p)
#endif

const isa_ops OPS_NAME = {
  .name = ISA_NAME,
  .mr = MR,
  .nr = NV * VW,
  .kk = KTAB(kk),
  .ki = KTAB(ki),
  .dot = dot_nt,
  .pack_nt = pack_nt,
  .cell = { rnn_fwd, rnn_bwd, lstm_fwd, lstm_bwd, gru_fwd, gru_bwd, grb_gates, grb_finish, grb_bwd1,
            grb_bwd2, math_fn },
};
