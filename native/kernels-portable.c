// Portable kernels: 4-float vectors in the baseline instruction set (SSE2 on x86-64, NEON on arm64),
// micro-tile 4 × 8. The fallback everywhere and the reference the other two are tested against.
#define VW 4
#define NV 2
#define MR 4
#define OPS_NAME recur_ops_portable
#define ISA_NAME "portable"
#include "kernels.h"
