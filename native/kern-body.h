// The register-blocked GEMM micro-kernels for one sliver height MRc (defined by the includer): kk_MRc
// reads A as a[k·lda + i] (a transposed A, or packed slivers), ki_MRc as a[i·lda + k] (rows in place).
// KS interleaved accumulator sets keep FMA latency hidden for short slivers. No include guard.
#define KS KS_FOR(MRc)
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define AMODE 0
#define FN CAT(kk_, MRc)
#include "kern-one.h"
#define AMODE 1
#define FN CAT(ki_, MRc)
#include "kern-one.h"
#undef KS
#undef MRc
