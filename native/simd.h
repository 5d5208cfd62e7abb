// Vector types and loads/stores for the kernel files, written with GCC vector extensions: VW floats per
// vector, set by the including kernels-*.c. Part of the kernels.h bundle (no include guard on purpose).
#include <string.h>
#include <stdint.h>

typedef float VF __attribute__((vector_size(VW * 4)));
typedef int32_t VI __attribute__((vector_size(VW * 4)));
typedef float VFU __attribute__((vector_size(VW * 4), aligned(4), may_alias));

#define INL static inline __attribute__((always_inline))
INL VF vzero(void) { return (VF){0}; }
INL VF vsplat(float x) { return x - vzero(); } /* x − (+0) is exactly x, so this folds to a broadcast */
INL VF vload(const float *p) { return *(const VFU *)p; }
INL void vstore(float *p, VF v) { *(VFU *)p = v; }
INL VF vsel(VI m, VF a, VF b) { return (VF)(((VI)a & m) | ((VI)b & ~m)); }
/* Loads/stores cnt ≤ VW floats; the missing lanes read as zero. */
INL VF ldn(const float *p, int cnt) {
  if (cnt == VW) return vload(p);
  float t[VW] = {0};
  memcpy(t, p, (size_t)cnt * 4);
  return vload(t);
}
INL void stn(float *p, VF v, int cnt) {
  if (cnt == VW) { vstore(p, v); return; }
  float t[VW];
  vstore(t, v);
  memcpy(p, t, (size_t)cnt * 4);
}
