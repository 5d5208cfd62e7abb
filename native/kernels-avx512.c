// AVX-512 kernels: 16-float vectors, micro-tile 8 × 32 (16 zmm accumulators; batches of 8, 16, 32 or 64
// rows split evenly, and 12 × 32 measured no faster). Built with a function-level target so the addon
// needs no -march flag; selected at run time when the CPU has AVX-512F/BW/VL/DQ.
#if defined(__x86_64__) || defined(__i386__)
#pragma GCC target("avx512f,avx512bw,avx512vl,avx512dq,fma")
#define VW 16
#define NV 2
#define MR 8
#define OPS_NAME recur_ops_avx512
#define ISA_NAME "avx512"
#include "kernels.h"
#endif
