// Fused recurrent cells of one instruction set (part of the kernels.h bundle): float32 exp, tanh and
// sigmoid (Cephes' algorithms, within 2 ulp, tested in native-math.test.ts) and the forward/backward
// cells of RNN, LSTM and both GRU forms, one row and a range of hidden units at a time.

/* ---- float32 transcendental functions ---------------------------------------------------------- */
/* exp: Cody–Waite reduction x = n·ln2 + r, Cephes' degree-7 polynomial for e^r, 2^n through the
 * exponent bits. Arguments are clamped to [−87, 88] (results stay normal); NaN passes through. */
INL VF vexp(VF x) {
  VF xc = vsel(x > 88.0f, vsplat(88.0f), x);
  xc = vsel(xc < -87.0f, vsplat(-87.0f), xc);
  VF t = xc * 1.44269504088896341f + 12582912.0f; /* 1.5·2^23: rounds to the nearest integer */
  VF n = t - 12582912.0f;
  VF r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  VF p = 1.9875691500e-4f * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  VF y = p * (r * r) + r + 1.0f;
  VI e = ((VI)t - 0x4B400000 + 127) << 23;
  y = y * (VF)e;
  return vsel(x != x, x, y);
}

INL VF vsigmoid(VF x) { return 1.0f / (1.0f + vexp(-x)); }

/* tanh: odd polynomial below 0.625, 1 − 2/(e^{2|x|} + 1) above, sign restored (Cephes tanhf). */
INL VF vtanh(VF x) {
  VI sign = (VI)x & (int32_t)0x80000000;
  VF z = (VF)((VI)x & 0x7fffffff);
  VF s = x * x;
  VF p = -5.70498872745e-3f * s + 2.06390887954e-2f;
  p = p * s - 5.37397155531e-2f;
  p = p * s + 1.33314422036e-1f;
  p = p * s - 3.33332819422e-1f;
  VF small = p * s * x + x;
  VF big = 1.0f - 2.0f / (vexp(z + z) + 1.0f);
  big = (VF)((VI)big | sign);
  return vsel(z < 0.625f, small, big);
}

static void math_fn(float *out, const float *x, long n, int f) {
  for (long i = 0; i < n; i += VW) {
    int cnt = n - i < VW ? (int)(n - i) : VW;
    VF v = ldn(x + i, cnt);
    stn(out + i, f == 0 ? vexp(v) : f == 1 ? vtanh(v) : vsigmoid(v), cnt);
  }
}

/* ---- fused cells --------------------------------------------------------------------------------- */
#define UNITS(j, cnt, u0, u1) \
  for (int j = (u0), cnt; j < (u1) && ((cnt = (u1) - j < VW ? (u1) - j : VW), 1); j += VW)

static void rnn_fwd(float *h, float *act, int relu, int u0, int u1) {
  UNITS(j, cnt, u0, u1) {
    VF v = ldn(act + j, cnt);
    VF a = relu ? vsel(v > 0.0f, v, vzero()) : vtanh(v);
    stn(act + j, a, cnt);
    stn(h + j, a, cnt);
  }
}

static void rnn_bwd(float *dg, const float *dh, const float *act, int relu, int u0, int u1) {
  UNITS(j, cnt, u0, u1) {
    VF a = ldn(act + j, cnt), d = ldn(dh + j, cnt);
    stn(dg + j, relu ? vsel(a > 0.0f, d, vzero()) : d * (1.0f - a * a), cnt);
  }
}

static void lstm_fwd(float *h, float *c, float *act, const float *cp, int H, int u0, int u1) {
  UNITS(j, cnt, u0, u1) {
    VF ig = vsigmoid(ldn(act + j, cnt));
    VF fg = vsigmoid(ldn(act + H + j, cnt));
    VF gg = vtanh(ldn(act + 2 * H + j, cnt));
    VF og = vsigmoid(ldn(act + 3 * H + j, cnt));
    stn(act + j, ig, cnt);
    stn(act + H + j, fg, cnt);
    stn(act + 2 * H + j, gg, cnt);
    stn(act + 3 * H + j, og, cnt);
    VF cv = fg * ldn(cp + j, cnt) + ig * gg;
    stn(c + j, cv, cnt);
    stn(h + j, og * vtanh(cv), cnt);
  }
}

static void lstm_bwd(float *dg, float *dc, const float *dh, const float *act, const float *c,
                     const float *cp, int H, int u0, int u1) {
  UNITS(j, cnt, u0, u1) {
    VF ig = ldn(act + j, cnt), fg = ldn(act + H + j, cnt);
    VF gg = ldn(act + 2 * H + j, cnt), og = ldn(act + 3 * H + j, cnt);
    VF tc = vtanh(ldn(c + j, cnt));
    VF d = ldn(dh + j, cnt);
    VF dct = ldn(dc + j, cnt) + d * og * (1.0f - tc * tc);
    stn(dg + j, dct * gg * ig * (1.0f - ig), cnt);
    stn(dg + H + j, dct * ldn(cp + j, cnt) * fg * (1.0f - fg), cnt);
    stn(dg + 2 * H + j, dct * ig * (1.0f - gg * gg), cnt);
    stn(dg + 3 * H + j, d * tc * og * (1.0f - og), cnt);
    stn(dc + j, dct * fg, cnt);
  }
}

INL VF bias_at(const float *b, int j, int cnt) { return b ? ldn(b + j, cnt) : vzero(); }

static void gru_fwd(float *h, float *act, float *ghn, const float *gh, const float *bhh, const float *hp,
                    int H, int u0, int u1) {
  UNITS(j, cnt, u0, u1) {
    VF rg = vsigmoid(ldn(act + j, cnt) + (ldn(gh + j, cnt) + bias_at(bhh, j, cnt)));
    VF zg = vsigmoid(ldn(act + H + j, cnt) + (ldn(gh + H + j, cnt) + bias_at(bhh, H + j, cnt)));
    VF hn = ldn(gh + 2 * H + j, cnt) + bias_at(bhh, 2 * H + j, cnt);
    VF ng = vtanh(ldn(act + 2 * H + j, cnt) + rg * hn);
    if (ghn) stn(ghn + j, hn, cnt);
    stn(act + j, rg, cnt);
    stn(act + H + j, zg, cnt);
    stn(act + 2 * H + j, ng, cnt);
    stn(h + j, (1.0f - zg) * ng + zg * ldn(hp + j, cnt), cnt);
  }
}

static void gru_bwd(float *dgin, float *dgh, float *dh, const float *act, const float *ghn,
                    const float *hp, int H, int u0, int u1) {
  UNITS(j, cnt, u0, u1) {
    VF rg = ldn(act + j, cnt), zg = ldn(act + H + j, cnt), ng = ldn(act + 2 * H + j, cnt);
    VF d = ldn(dh + j, cnt);
    VF dn = d * (1.0f - zg) * (1.0f - ng * ng);
    VF dz = d * (ldn(hp + j, cnt) - ng) * zg * (1.0f - zg);
    VF dr = dn * ldn(ghn + j, cnt) * rg * (1.0f - rg);
    stn(dgin + j, dr, cnt);
    stn(dgin + H + j, dz, cnt);
    stn(dgin + 2 * H + j, dn, cnt);
    stn(dgh + j, dr, cnt);
    stn(dgh + H + j, dz, cnt);
    stn(dgh + 2 * H + j, dn * rg, cnt);
    stn(dh + j, d * zg, cnt);
  }
}

static void grb_gates(float *rh, float *act, const float *grz, const float *bhh, const float *hp, int H,
                      int u0, int u1) {
  UNITS(j, cnt, u0, u1) {
    VF rg = vsigmoid(ldn(act + j, cnt) + (ldn(grz + j, cnt) + bias_at(bhh, j, cnt)));
    VF zg = vsigmoid(ldn(act + H + j, cnt) + (ldn(grz + H + j, cnt) + bias_at(bhh, H + j, cnt)));
    stn(act + j, rg, cnt);
    stn(act + H + j, zg, cnt);
    stn(rh + j, rg * ldn(hp + j, cnt), cnt);
  }
}

static void grb_finish(float *h, float *act, const float *gn, const float *bhn, const float *hp, int H,
                       int u0, int u1) {
  UNITS(j, cnt, u0, u1) {
    VF zg = ldn(act + H + j, cnt);
    VF ng = vtanh(ldn(act + 2 * H + j, cnt) + (ldn(gn + j, cnt) + bias_at(bhn, j, cnt)));
    stn(act + 2 * H + j, ng, cnt);
    stn(h + j, (1.0f - zg) * ng + zg * ldn(hp + j, cnt), cnt);
  }
}

static void grb_bwd1(float *dgin, float *dghn, float *dh, const float *act, const float *hp, int H,
                     int u0, int u1) {
  UNITS(j, cnt, u0, u1) {
    VF zg = ldn(act + H + j, cnt), ng = ldn(act + 2 * H + j, cnt);
    VF d = ldn(dh + j, cnt);
    VF dn = d * (1.0f - zg) * (1.0f - ng * ng);
    stn(dgin + H + j, d * (ldn(hp + j, cnt) - ng) * zg * (1.0f - zg), cnt);
    stn(dgin + 2 * H + j, dn, cnt);
    stn(dghn + j, dn, cnt);
    stn(dh + j, d * zg, cnt);
  }
}

static void grb_bwd2(float *dgin, float *dghrz, float *dh, const float *drh, const float *act,
                     const float *hp, int H, int u0, int u1) {
  UNITS(j, cnt, u0, u1) {
    VF rg = ldn(act + j, cnt);
    VF d = ldn(drh + j, cnt);
    VF dr = d * ldn(hp + j, cnt) * rg * (1.0f - rg);
    stn(dgin + j, dr, cnt);
    stn(dghrz + j, dr, cnt);
    stn(dghrz + H + j, ldn(dgin + H + j, cnt), cnt);
    stn(dh + j, ldn(dh + j, cnt) + d * rg, cnt);
  }
}
