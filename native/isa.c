// Run-time choice of the kernel table (AVX-512, AVX2+FMA or portable) and of the OpenMP thread count.
// The best ISA the CPU supports is the default; recur_set_isa may force a lower one (RECUR_ISA, tests).
#include <string.h>
#include <omp.h>
#include "recur.h"

static const isa_ops *active;
static int nthreads;

const char *recur_best_isa(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
    return "avx512";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2";
#endif
  return "portable";
}

static int rank(const char *name) {
  return strcmp(name, "avx512") == 0 ? 2 : strcmp(name, "avx2") == 0 ? 1 : strcmp(name, "portable") == 0 ? 0 : -1;
}

int recur_set_isa(const char *name) {
  int r = rank(name);
  if (r < 0 || r > rank(recur_best_isa())) return -1;
#if defined(__x86_64__) || defined(__i386__)
  active = r == 2 ? &recur_ops_avx512 : r == 1 ? &recur_ops_avx2 : &recur_ops_portable;
#else
  active = &recur_ops_portable;
#endif
  return 0;
}

const isa_ops *recur_isa(void) {
  if (!active) recur_set_isa(recur_best_isa());
  return active;
}

int recur_threads(void) {
  if (nthreads <= 0) nthreads = omp_get_num_procs();
  return nthreads;
}

void recur_set_threads(int n) { nthreads = n > 0 ? n : omp_get_num_procs(); }

/* Fine-grained loops (a barrier per time step) collapse when another process holds one of the cores: a
 * descheduled thread makes every barrier wait a whole time slice. When, over about 0.1 s of parallel
 * calls, the most-waiting thread spent over half the time waiting, the machine is contended and the
 * kernels run on one thread for the next second, then try again. Results do not depend on the thread
 * count (threads own columns). */
static double contended_until;

/* Starts the thread team once, at load: a first parallel region waits for threads being created, which
 * must not read as contention. */
void recur_start_threads(void) {
  int n = recur_threads();
#pragma omp parallel num_threads(n)
  { (void)omp_get_thread_num(); }
}

int recur_loop_threads(void) { return omp_get_wtime() < contended_until ? 1 : recur_threads(); }

void recur_note_waits(const double *waited, int nt, double elapsed) {
  static double window_start, window_wait, window_time;
  if (nt < 2) return;
  double worst = 0;
  for (int i = 0; i < nt; i++) worst = waited[i] > worst ? waited[i] : worst;
  window_wait += worst;
  window_time += elapsed;
  /* judged over ~0.1 s of calls: a lone slow call (an interrupt, a page fault) is not contention */
  double now = omp_get_wtime();
  if (now - window_start < 0.1) return;
  if (window_time > 0.02 && window_wait > 0.5 * window_time) contended_until = now + 1.0;
  window_start = now;
  window_wait = window_time = 0;
}
