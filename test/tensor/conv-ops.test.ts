import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { ConfigError, ShapeError } from '../../src/errors.js';
import { conv2d, expectPair, maxPool2d, slidingOut } from '../../src/tensor/conv-ops.js';
import { dot } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { type DType, Tensor } from '../../src/tensor/tensor.js';
import { compare, loadFixture } from '../golden/fixture.js';
import { convHandler } from '../golden/kinds/conv.js';
import { expectClose, gradcheck } from '../helpers/gradcheck.js';

function randn(shape: number[], rng: Rng, dtype: DType = 'float64'): Tensor {
  const t = Tensor.zeros(shape, dtype);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

/** Direct six-loop convolution: the definition, with no im2col. */
function naiveConv(x: Tensor, w: Tensor, b: Tensor | null, [sh, sw]: number[], [ph, pw]: number[]): Float64Array {
  const [N, C, H, W] = x.shape as number[] as [number, number, number, number];
  const [O, , kh, kw] = w.shape as number[] as [number, number, number, number];
  const Ho = slidingOut(H, kh, sh!, ph!);
  const Wo = slidingOut(W, kw, sw!, pw!);
  const y = new Float64Array(N * O * Ho * Wo);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
    let s = b ? b.data[o]! : 0;
    for (let c = 0; c < C; c++) for (let u = 0; u < kh; u++) for (let v = 0; v < kw; v++) {
      const ih = i * sh! - ph! + u;
      const iw = j * sw! - pw! + v;
      if (ih >= 0 && ih < H && iw >= 0 && iw < W) s += w.data[((o * C + c) * kh + u) * kw + v]! * x.data[((n * C + c) * H + ih) * W + iw]!;
    }
    y[((n * O + o) * Ho + i) * Wo + j] = s;
  }
  return y;
}

const geometries = [
  { name: '3×3, stride 1, padding 1', x: [2, 2, 6, 7], w: [3, 2, 3, 3], stride: [1, 1], padding: [1, 1] },
  { name: 'non-square 3×2 kernel, stride [2, 1], padding [1, 2]', x: [2, 3, 7, 5], w: [4, 3, 3, 2], stride: [2, 1], padding: [1, 2] },
  { name: '2×4 kernel, stride 3, no padding', x: [1, 2, 8, 9], w: [2, 2, 2, 4], stride: [3, 3], padding: [0, 0] },
  { name: '1×1 kernel (the no-im2col path)', x: [2, 3, 4, 5], w: [2, 3, 1, 1], stride: [1, 1], padding: [0, 0] },
  { name: 'padding wider than the input', x: [1, 1, 1, 2], w: [2, 1, 5, 7], stride: [1, 2], padding: [2, 3] },
];

for (const g of geometries) {
  test(`conv2d matches the direct definition (${g.name})`, () => {
    const rng = new Rng(1);
    const x = randn(g.x, rng);
    const w = randn(g.w, rng);
    const b = randn([g.w[0]!], rng);
    const y = conv2d(x, w, b, { stride: g.stride as [number, number], padding: g.padding as [number, number] });
    expectClose(y.data, naiveConv(x, w, b, g.stride, g.padding), { atol: 1e-12, name: 'y' });
    const y0 = conv2d(x, w, null, { stride: g.stride as [number, number], padding: g.padding as [number, number] });
    expectClose(y0.data, naiveConv(x, w, null, g.stride, g.padding), { atol: 1e-12, name: 'y without bias' });
  });

  test(`conv2d gradients match finite differences (${g.name})`, () => {
    const rng = new Rng(2);
    const x = randn(g.x, rng);
    const w = randn(g.w, rng);
    const b = randn([g.w[0]!], rng);
    const opts = { stride: g.stride as [number, number], padding: g.padding as [number, number] };
    const gy = randn([...conv2d(x, w, b, opts).shape], rng).data;
    gradcheck(() => dot(conv2d(x, w, b, opts), gy), [x, w, b], { names: ['x', 'weight', 'bias'], maxPerInput: 200 });
  });
}

test('conv2d in float32 agrees with float64', () => {
  const rng = new Rng(3);
  const x = randn([2, 3, 9, 8], rng);
  const w = randn([4, 3, 3, 3], rng);
  const b = randn([4], rng);
  const f32 = (t: Tensor): Tensor => Tensor.from(t.data, t.shape, 'float32');
  const opts = { stride: 2, padding: 1 } as const;
  const y64 = conv2d(x, w, b, opts);
  const y32 = conv2d(f32(x), f32(w), f32(b), opts);
  assert.equal(y32.dtype, 'float32');
  expectClose(y32.data, y64.data, { atol: 1e-5, rtol: 1e-5 });
});

test('conv2d accumulates into existing gradients and leaves constant inputs alone', () => {
  const rng = new Rng(4);
  const x = randn([1, 1, 4, 4], rng);
  const w = randn([1, 1, 3, 3], rng);
  w.requiresGrad = true;
  dot(conv2d(x, w, null, { padding: 1 }), new Float64Array(16).fill(1)).backward();
  const once = Float64Array.from(w.grad!);
  dot(conv2d(x, w, null, { padding: 1 }), new Float64Array(16).fill(1)).backward();
  expectClose(w.grad!, once.map((v) => 2 * v), { atol: 1e-12 });
  assert.equal(x.grad, null);
});

/** Direct max pooling with PyTorch's first-maximum rule; returns values and winner offsets. */
function naivePool(x: Tensor, [kh, kw]: number[], [sh, sw]: number[], [ph, pw]: number[]): { y: number[]; at: number[] } {
  const [N, C, H, W] = x.shape as number[] as [number, number, number, number];
  const Ho = slidingOut(H, kh!, sh!, ph!);
  const Wo = slidingOut(W, kw!, sw!, pw!);
  const y: number[] = [];
  const at: number[] = [];
  for (let p = 0; p < N * C; p++) for (let i = 0; i < Ho; i++) for (let j = 0; j < Wo; j++) {
    let best = -Infinity;
    let arg = -1;
    for (let u = 0; u < kh!; u++) for (let v = 0; v < kw!; v++) {
      const ih = i * sh! - ph! + u;
      const iw = j * sw! - pw! + v;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const k = p * H * W + ih * W + iw;
      if (arg < 0 || x.data[k]! > best) { best = x.data[k]!; arg = k; }
    }
    y.push(best);
    at.push(arg);
  }
  return { y, at };
}

const pools = [
  { name: '2×2, stride 2', x: [2, 3, 6, 8], k: [2, 2], s: [2, 2], p: [0, 0] },
  { name: 'overlapping 3×2 windows, stride [1, 2], padding [1, 1]', x: [1, 2, 5, 7], k: [3, 2], s: [1, 2], p: [1, 1] },
  { name: 'odd sizes with floor mode', x: [2, 1, 7, 5], k: [2, 3], s: [2, 2], p: [0, 1] },
];

for (const g of pools) {
  test(`maxPool2d matches the direct definition and finite differences (${g.name})`, () => {
    const rng = new Rng(5);
    const x = randn(g.x, rng);
    const opts = { stride: g.s as [number, number], padding: g.p as [number, number] };
    const y = maxPool2d(x, g.k as [number, number], opts);
    assert.deepEqual(Array.from(y.data), naivePool(x, g.k, g.s, g.p).y);
    const gy = randn([...y.shape], rng).data;
    gradcheck(() => dot(maxPool2d(x, g.k as [number, number], opts), gy), [x], { names: ['x'], maxPerInput: 500 });
  });
}

test('maxPool2d sends a tied window\'s gradient to its first maximum in scan order, as PyTorch', () => {
  // Window (0, 0) is all equal → its top-left wins. Window (0, 1) ties at (0, 3) and (1, 2): row-major scan
  // reaches (0, 3) first (a column-major scan would pick (1, 2)). Window (1, 0) ties at (2, 1) and (3, 1).
  const x = Tensor.from([[[[5, 5, 1, 7], [5, 5, 7, 2], [0, 3, 7, 1], [-1, 3, 2, 2]]]], undefined, 'float64');
  x.requiresGrad = true;
  const y = maxPool2d(x, 2);
  assert.deepEqual(Array.from(y.data), [5, 7, 3, 7]);
  dot(y, [10, 20, 30, 40]).backward();
  assert.deepEqual(Array.from(x.grad!), [10, 0, 0, 20, 0, 0, 0, 0, 0, 30, 40, 0, 0, 0, 0, 0]);
});

test('maxPool2d ties across overlapping windows pick the first maximum of each window and accumulate', () => {
  const x = Tensor.from([[[[2, 2, 2], [2, 2, 2]]]], undefined, 'float64');
  x.requiresGrad = true;
  const y = maxPool2d(x, 2, { stride: 1 }); // two windows, each starting at its own top-left
  dot(y, [1, 1]).backward();
  assert.deepEqual(Array.from(x.grad!), [1, 1, 0, 0, 0, 0]);
  const { at } = naivePool(x, [2, 2], [1, 1], [0, 0]);
  assert.deepEqual(at, [0, 1]);
});

test('maxPool2d lets NaN win a window, as PyTorch does', () => {
  const x = Tensor.from([[[[1, NaN], [3, 2]]]], undefined, 'float64');
  assert.ok(Number.isNaN(maxPool2d(x, 2).data[0]!));
});

test('conv2d and maxPool2d reject bad shapes with ShapeError', () => {
  const x = Tensor.zeros([1, 2, 4, 4], 'float64');
  const cases: [() => unknown, RegExp][] = [
    [() => conv2d(x, Tensor.zeros([3, 2, 3], 'float64'), null), /^weight: expected shape \[\*, \*, \*, \*\], got \[3, 2, 3\]$/],
    [() => conv2d(x, Tensor.zeros([3, 1, 3, 3], 'float64'), null), /^x: expected shape \[\*, 1, \*, \*\], got \[1, 2, 4, 4\]$/],
    [() => conv2d(x, Tensor.zeros([3, 2, 3, 3], 'float64'), Tensor.zeros([2], 'float64')), /^bias: expected shape \[3\], got \[2\]$/],
    [() => conv2d(x, Tensor.zeros([3, 2, 5, 3], 'float64'), null), /^x: expected shape \[\*, \*, 5, 3\], got \[1, 2, 4, 4\]$/],
    [() => maxPool2d(Tensor.zeros([2, 4, 4]), 2), /^x: expected shape \[\*, \*, \*, \*\], got \[2, 4, 4\]$/],
    [() => maxPool2d(x, [5, 1]), /^x: expected shape \[\*, \*, 5, 1\], got \[1, 2, 4, 4\]$/],
  ];
  for (const [fn, message] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof ShapeError && e.code === 'shape_mismatch' && message.test(e.message));
  }
});

test('conv2d and maxPool2d reject bad window options with ConfigError', () => {
  const x = Tensor.zeros([1, 1, 4, 4]);
  const w = Tensor.zeros([1, 1, 3, 3]);
  const cases: [() => unknown, string][] = [
    [() => conv2d(x, w, null, { stride: 0 }), 'stride: expected an integer ≥ 1, got 0'],
    [() => conv2d(x, w, null, { padding: [1, -1] }), 'padding[1]: expected an integer ≥ 0, got -1'],
    [() => maxPool2d(x, [2, 2, 2] as unknown as [number, number]), 'kernelSize: expected an integer or [height, width], got [2,2,2]'],
    [() => maxPool2d(x, 2, { padding: 2 }), 'padding: expected at most half the kernel size 2×2, got [2, 2]'],
  ];
  for (const [fn, message] of cases) {
    assert.throws(fn, (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && e.message === message);
  }
  assert.deepEqual(expectPair('k', [2, 3], 1), [2, 3]);
});

const golden = `${process.env['RECUR_GOLDEN_DIR'] ?? '../shared/golden'}/conv2d_relu_maxpool.json`;
test('the conv2d_relu_maxpool2 golden fixture matches PyTorch closely in float64', { skip: !existsSync(golden) }, () => {
  const f = loadFixture(golden);
  const res = convHandler(f, 'float64');
  for (const [k, ref] of Object.entries(f.outputs)) assert.ok(compare(res.outputs[k]!, ref, 1e-10, 1e-10).ok, `outputs.${k}`);
  for (const [k, ref] of Object.entries(f.grads)) assert.ok(compare(res.grads[k]!, ref, 1e-10, 1e-10).ok, `grads.${k}`);
});

test('the golden handler rejects config keys it does not understand', { skip: !existsSync(golden) }, () => {
  const f = loadFixture(golden);
  f.config = { ...f.config, dilation: 2 };
  assert.throws(() => convHandler(f, 'float64'), (e: unknown) => e instanceof ConfigError && /config key 'dilation'/.test(e.message));
});
