// N-API entry points of recur_native.node: gemm, recurrentForward/Backward, the vector math used by the
// accuracy tests, and the ISA / thread controls. Every buffer is checked for type and length here, so a
// wrong call throws a TypeError/RangeError instead of touching memory it does not own.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "recur.h"

#define MAXARGS 40

typedef struct {
  napi_env env;
  napi_value *argv;
  size_t argc;
  int failed;
} args;

static void fail(args *a, const char *what, const char *msg) {
  if (a->failed) return;
  char buf[256];
  snprintf(buf, sizeof buf, "recur native: %s: %s", what, msg);
  napi_throw_type_error(a->env, NULL, buf);
  a->failed = 1;
}

static int is_null(args *a, size_t i) {
  napi_valuetype t = napi_undefined;
  if (i < a->argc) napi_typeof(a->env, a->argv[i], &t);
  return t == napi_null || t == napi_undefined;
}

static double num(args *a, size_t i, const char *what) {
  double v = 0;
  if (a->failed) return 0;
  if (i >= a->argc || napi_get_value_double(a->env, a->argv[i], &v) != napi_ok) fail(a, what, "expected a number");
  return v;
}

static int integer(args *a, size_t i, const char *what, int lo) {
  double v = num(a, i, what);
  if (!a->failed && (v != (double)(int)v || v < lo)) fail(a, what, "expected an integer in range");
  return (int)v;
}

static int boolean(args *a, size_t i, const char *what) {
  bool v = false;
  if (!a->failed && (i >= a->argc || napi_get_value_bool(a->env, a->argv[i], &v) != napi_ok)) fail(a, what, "expected a boolean");
  return v;
}

/* A typed array of the given type with at least `need` elements; NULL when null is allowed and given. */
static void *typed(args *a, size_t i, const char *what, napi_typedarray_type want, size_t need, int nullable) {
  if (a->failed) return NULL;
  if (nullable && is_null(a, i)) return NULL;
  bool ok = false;
  if (i < a->argc) napi_is_typedarray(a->env, a->argv[i], &ok);
  napi_typedarray_type type;
  size_t len = 0;
  void *data = NULL;
  if (ok) napi_get_typedarray_info(a->env, a->argv[i], &type, &len, &data, NULL, NULL);
  if (!ok || type != want) {
    fail(a, what, want == napi_float32_array ? "expected a Float32Array" : want == napi_float64_array ? "expected a Float64Array" : "expected an Int32Array");
    return NULL;
  }
  if (len < need) {
    char msg[96];
    snprintf(msg, sizeof msg, "expected at least %zu elements, got %zu", need, len);
    fail(a, what, msg);
    return NULL;
  }
  return data ? data : (void *)a; /* an empty array still reads as "given" */
}
#define F32(i, what, need) ((float *)typed(&a, i, what, napi_float32_array, (size_t)(need), 0))
#define F32N(i, what, need) ((float *)typed(&a, i, what, napi_float32_array, (size_t)(need), 1))

static args get_args(napi_env env, napi_callback_info info, napi_value *argv) {
  args a = {env, argv, MAXARGS, 0};
  napi_get_cb_info(env, info, &a.argc, argv, NULL, NULL);
  return a;
}

static napi_value undef(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

/* gemm(C, A, B, M, N, K, transA, transB, alpha, beta) */
static napi_value js_gemm(napi_env env, napi_callback_info info) {
  napi_value argv[MAXARGS];
  args a = get_args(env, info, argv);
  int M = integer(&a, 3, "M", 0), N = integer(&a, 4, "N", 0), K = integer(&a, 5, "K", 0);
  int tA = boolean(&a, 6, "transA"), tB = boolean(&a, 7, "transB");
  float alpha = (float)num(&a, 8, "alpha"), beta = (float)num(&a, 9, "beta");
  float *C = F32(0, "C", (size_t)M * N);
  const float *A = F32(1, "A", (size_t)M * K), *B = F32(2, "B", (size_t)K * N);
  if (a.failed) return NULL;
  recur_gemm(C, A, B, M, N, K, tA, tB, alpha, beta, NULL, recur_threads());
  return undef(env);
}

/* Reads kind, T, B, I, H, P, reverse, batchSizes, x, wIh, wHh, bIh, bHh, wHr from argv[0 … 13]. */
static rec_args rec_common(args *ap) {
  args a = *ap;
  rec_args r = {0};
  r.kind = integer(&a, 0, "kind", 0);
  r.T = integer(&a, 1, "T", 0);
  r.B = integer(&a, 2, "B", 0);
  r.I = integer(&a, 3, "I", 0);
  r.H = integer(&a, 4, "H", 1);
  r.P = integer(&a, 5, "P", 1);
  r.reverse = boolean(&a, 6, "reverse");
  if (!a.failed && r.kind > REC_GRU_RB) fail(&a, "kind", "expected 0 … 4");
  const size_t GH = a.failed ? 0 : (size_t)rec_gates(r.kind) * r.H;
  r.bs = typed(&a, 7, "batchSizes", napi_int32_array, (size_t)r.T, 0);
  r.x = F32(8, "x", (size_t)r.T * r.B * r.I);
  r.wih = F32(9, "wIh", GH * r.I);
  r.whh = F32(10, "wHh", GH * r.P);
  r.bih = F32N(11, "bIh", GH);
  r.bhh = F32N(12, "bHh", GH);
  r.whr = F32N(13, "wHr", (size_t)r.P * r.H);
  if (!a.failed && r.whr && r.kind != REC_LSTM) fail(&a, "wHr", "a projection needs an LSTM");
  if (!a.failed && !r.whr && r.P != r.H) fail(&a, "P", "expected P = H without a projection");
  *ap = a;
  return r;
}

/* recurrentForward(…14 common…, h0, c0, y, hN, cN, cAll, act, hprev, c, cprev, hraw, aux, pre) */
static napi_value js_rec_forward(napi_env env, napi_callback_info info) {
  napi_value argv[MAXARGS];
  args a = get_args(env, info, argv);
  rec_args r = rec_common(&a);
  if (a.failed) return NULL;
  const size_t TB = (size_t)r.T * r.B, GH = (size_t)rec_gates(r.kind) * r.H;
  const int lstm = r.kind == REC_LSTM, train = !is_null(&a, 20);
  rec_fwd_io io = {0};
  io.h0 = F32(14, "h0", (size_t)r.B * r.P);
  io.c0 = lstm ? F32(15, "c0", (size_t)r.B * r.H) : NULL;
  io.y = F32(16, "y", TB * r.P);
  io.hN = F32(17, "hN", (size_t)r.B * r.P);
  io.cN = lstm ? F32N(18, "cN", (size_t)r.B * r.H) : NULL;
  io.cAll = lstm ? F32N(19, "cAll", TB * r.H) : NULL;
  rec_saved s = {0};
  if (train) {
    s.act = F32(20, "act", TB * GH);
    s.hprev = F32(21, "hprev", TB * r.P);
    if (lstm) s.c = F32(22, "c", TB * r.H), s.cprev = F32(23, "cprev", TB * r.H);
    if (r.whr) s.hraw = F32(24, "hraw", TB * r.H);
    if (r.kind == REC_GRU || r.kind == REC_GRU_RB) s.aux = F32(25, "aux", TB * r.H);
  }
  if (!a.failed && !is_null(&a, 26)) {
    const int proj = r.whr != NULL;
    const size_t n = rec_packed_size(r.kind, r.I, r.H, r.P, proj);
    r.pre = F32(26, "pre", n);
    if (!a.failed && !rec_pack_matches(r.pre, n, r.kind, r.I, r.H, r.P, proj))
      fail(&a, "pre", "packed for other sizes or another instruction set: pack again");
  }
  if (a.failed) return NULL;
  rec_forward(&r, &io, train ? &s : NULL);
  return undef(env);
}

/* recurrentPackedSize(kind, I, H, P, proj): floats recurrentPack writes under the active ISA */
static napi_value js_rec_packed_size(napi_env env, napi_callback_info info) {
  napi_value argv[MAXARGS], res;
  args a = get_args(env, info, argv);
  int kind = integer(&a, 0, "kind", 0), I = integer(&a, 1, "I", 1), H = integer(&a, 2, "H", 1),
      P = integer(&a, 3, "P", 1), proj = boolean(&a, 4, "proj");
  if (!a.failed && kind > REC_GRU_RB) fail(&a, "kind", "expected 0 … 4");
  if (a.failed) return NULL;
  napi_create_double(env, (double)rec_packed_size(kind, I, H, P, proj), &res);
  return res;
}

/* recurrentPack(out, kind, I, H, P, wIh, wHh, wHr) */
static napi_value js_rec_pack(napi_env env, napi_callback_info info) {
  napi_value argv[MAXARGS];
  args a = get_args(env, info, argv);
  int kind = integer(&a, 1, "kind", 0), I = integer(&a, 2, "I", 1), H = integer(&a, 3, "H", 1),
      P = integer(&a, 4, "P", 1);
  if (!a.failed && kind > REC_GRU_RB) fail(&a, "kind", "expected 0 … 4");
  if (a.failed) return NULL;
  const size_t GH = (size_t)rec_gates(kind) * H;
  const float *whr = F32N(7, "wHr", (size_t)P * H);
  if (!a.failed && !whr && P != H) fail(&a, "P", "expected P = H without a projection");
  float *out = F32(0, "out", rec_packed_size(kind, I, H, P, whr != NULL));
  const float *wih = F32(5, "wIh", GH * I), *whh = F32(6, "wHh", GH * P);
  if (a.failed) return NULL;
  rec_pack(out, kind, I, H, P, wih, whh, whr);
  return undef(env);
}

/* recurrentBackward(…14 common…, act, hprev, c, cprev, hraw, aux, dy, dhN, dcN, dcAll,
 *                   dx, dh0, dc0, dwIh, dwHh, dbIh, dbHh, dwHr, dhAll) */
static napi_value js_rec_backward(napi_env env, napi_callback_info info) {
  napi_value argv[MAXARGS];
  args a = get_args(env, info, argv);
  rec_args r = rec_common(&a);
  if (a.failed) return NULL;
  const size_t TB = (size_t)r.T * r.B, GH = (size_t)rec_gates(r.kind) * r.H;
  const int lstm = r.kind == REC_LSTM;
  rec_saved s = {0};
  s.act = F32(14, "act", TB * GH);
  s.hprev = F32(15, "hprev", TB * r.P);
  if (lstm) s.c = F32(16, "c", TB * r.H), s.cprev = F32(17, "cprev", TB * r.H);
  if (r.whr) s.hraw = F32(18, "hraw", TB * r.H);
  if (r.kind == REC_GRU || r.kind == REC_GRU_RB) s.aux = F32(19, "aux", TB * r.H);
  rec_bwd_io io = {0};
  io.dy = F32(20, "dy", TB * r.P);
  io.dhN = F32(21, "dhN", (size_t)r.B * r.P);
  io.dcN = lstm ? F32N(22, "dcN", (size_t)r.B * r.H) : NULL;
  io.dcAll = lstm ? F32N(23, "dcAll", TB * r.H) : NULL;
  io.dx = F32(24, "dx", TB * r.I);
  io.dh0 = F32(25, "dh0", (size_t)r.B * r.P);
  io.dc0 = lstm ? F32N(26, "dc0", (size_t)r.B * r.H) : NULL;
  io.dwih = F32(27, "dwIh", GH * r.I);
  io.dwhh = F32(28, "dwHh", GH * r.P);
  io.dbih = r.bih ? F32N(29, "dbIh", GH) : NULL;
  io.dbhh = r.bhh ? F32N(30, "dbHh", GH) : NULL;
  io.dwhr = r.whr ? F32N(31, "dwHr", (size_t)r.P * r.H) : NULL;
  io.dhall = F32N(32, "dhAll", TB * r.P);
  if (a.failed) return NULL;
  rec_backward(&r, &io, &s);
  return undef(env);
}

static double *f64(args *a, size_t i, const char *what, size_t need) {
  return (double *)typed(a, i, what, napi_float64_array, need, 0);
}
static int32_t *i32(args *a, size_t i, const char *what, size_t need) {
  return (int32_t *)typed(a, i, what, napi_int32_array, need, 0);
}

/* softmaxXent(p, loss, x, y, N, C, eps): p [N, C] softmax, loss [N] (Float64Array), y [N] (−1: ignored) */
static napi_value js_xent(napi_env env, napi_callback_info info) {
  napi_value argv[MAXARGS];
  args a = get_args(env, info, argv);
  const int N = integer(&a, 4, "N", 0), C = integer(&a, 5, "C", 1);
  const double eps = num(&a, 6, "eps");
  float *p = F32(0, "p", (size_t)N * C);
  double *loss = f64(&a, 1, "loss", (size_t)N);
  const float *x = F32(2, "x", (size_t)N * C);
  const int32_t *y = i32(&a, 3, "y", (size_t)N);
  if (a.failed) return NULL;
  for (int n = 0; n < N; n++)
    if (y[n] >= C) { fail(&a, "y", "expected class indices below C"); return NULL; }
  recur_softmax_xent(x, y, N, C, eps, p, loss);
  return undef(env);
}

/* softmaxXentBackward(dx, p, y, N, C, eps, scale, rowScale | null) */
static napi_value js_xent_backward(napi_env env, napi_callback_info info) {
  napi_value argv[MAXARGS];
  args a = get_args(env, info, argv);
  const int N = integer(&a, 3, "N", 0), C = integer(&a, 4, "C", 1);
  const double eps = num(&a, 5, "eps"), scale = num(&a, 6, "scale");
  float *dx = F32(0, "dx", (size_t)N * C);
  const float *p = F32(1, "p", (size_t)N * C);
  const int32_t *y = i32(&a, 2, "y", (size_t)N);
  const float *rs = F32N(7, "rowScale", (size_t)N);
  if (a.failed) return NULL;
  for (int n = 0; n < N; n++)
    if (y[n] >= C) { fail(&a, "y", "expected class indices below C"); return NULL; }
  recur_softmax_xent_backward(dx, p, y, N, C, eps, scale, rs);
  return undef(env);
}

/* adam(w, g, m, v, vmax | null, hyper [8] Float64Array) */
static napi_value js_adam(napi_env env, napi_callback_info info) {
  napi_value argv[MAXARGS];
  args a = get_args(env, info, argv);
  size_t n = 0;
  if (!is_null(&a, 0)) {
    bool ok = false;
    napi_is_typedarray(env, argv[0], &ok);
    napi_typedarray_type t;
    if (ok) napi_get_typedarray_info(env, argv[0], &t, &n, NULL, NULL, NULL);
  }
  float *w = F32(0, "w", n);
  const float *g = F32(1, "g", n);
  float *m = F32(2, "m", n), *v = F32(3, "v", n), *vmax = F32N(4, "vmax", n);
  const double *h = f64(&a, 5, "hyper", 8);
  if (a.failed) return NULL;
  recur_adam(w, g, m, v, vmax, (long)n, h);
  return undef(env);
}

/* math(out, x, f): f = 0 exp, 1 tanh, 2 sigmoid with the active ISA's vector code (accuracy tests). */
static napi_value js_math(napi_env env, napi_callback_info info) {
  napi_value argv[MAXARGS];
  args a = get_args(env, info, argv);
  int f = integer(&a, 2, "f", 0);
  size_t n = 0;
  if (!a.failed && !is_null(&a, 1)) {
    napi_typedarray_type t;
    bool ok = false;
    napi_is_typedarray(env, argv[1], &ok);
    if (ok) napi_get_typedarray_info(env, argv[1], &t, &n, NULL, NULL, NULL);
  }
  const float *x = F32(1, "x", n);
  float *out = F32(0, "out", n);
  if (a.failed) return NULL;
  recur_isa()->cell.math(out, x, (long)n, f);
  return undef(env);
}

static napi_value str(napi_env env, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

/* info() → { isa, best, threads } */
static napi_value js_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value o, t;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "isa", str(env, recur_isa()->name));
  napi_set_named_property(env, o, "best", str(env, recur_best_isa()));
  napi_create_int32(env, recur_threads(), &t);
  napi_set_named_property(env, o, "threads", t);
  return o;
}

/* setIsa(name) → true, or false when the name is unknown or the CPU lacks it */
static napi_value js_set_isa(napi_env env, napi_callback_info info) {
  napi_value argv[1], res;
  size_t argc = 1;
  char name[32] = "";
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, NULL) != napi_ok) name[0] = 0;
  napi_get_boolean(env, recur_set_isa(name) == 0, &res);
  return res;
}

/* setThreads(n): n ≤ 0 restores the default (the number of cores) */
static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  size_t argc = 1;
  int32_t n = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) napi_get_value_int32(env, argv[0], &n);
  recur_set_threads(n);
  return undef(env);
}

/* Training steps allocate and drop many megabyte-sized typed arrays. glibc serves those from fresh mmap
 * pages, so every step page-faults them in again inside the kernels (serialised across threads). Kept in
 * the heap instead, freed blocks are reused. Skipped when the user tunes glibc's malloc through its
 * environment variables. */
static void keep_large_blocks(void) {
#ifdef __GLIBC__
  if (getenv("MALLOC_MMAP_THRESHOLD_") || getenv("MALLOC_TRIM_THRESHOLD_")) return;
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

static napi_value init(napi_env env, napi_value exports) {
  keep_large_blocks();
  recur_start_threads();
  napi_property_descriptor props[] = {
    {"gemm", NULL, js_gemm, NULL, NULL, NULL, napi_default, NULL},
    {"recurrentForward", NULL, js_rec_forward, NULL, NULL, NULL, napi_default, NULL},
    {"recurrentBackward", NULL, js_rec_backward, NULL, NULL, NULL, napi_default, NULL},
    {"recurrentPackedSize", NULL, js_rec_packed_size, NULL, NULL, NULL, napi_default, NULL},
    {"recurrentPack", NULL, js_rec_pack, NULL, NULL, NULL, napi_default, NULL},
    {"softmaxXent", NULL, js_xent, NULL, NULL, NULL, napi_default, NULL},
    {"softmaxXentBackward", NULL, js_xent_backward, NULL, NULL, NULL, napi_default, NULL},
    {"adam", NULL, js_adam, NULL, NULL, NULL, napi_default, NULL},
    {"math", NULL, js_math, NULL, NULL, NULL, napi_default, NULL},
    {"info", NULL, js_info, NULL, NULL, NULL, napi_default, NULL},
    {"setIsa", NULL, js_set_isa, NULL, NULL, NULL, napi_default, NULL},
    {"setThreads", NULL, js_set_threads, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
