// AVX2 + FMA kernels: 8-float vectors, micro-tile 6 × 16 (12 ymm accumulators), selected at run time.
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC target("avx2,fma")
#define VW 8
#define NV 2
#define MR 6
#define OPS_NAME recur_ops_avx2
#define ISA_NAME "avx2"
#include "kernels.h"
#endif
