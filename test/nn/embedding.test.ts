import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DataError, ShapeError } from '../../src/errors.js';
import { Embedding } from '../../src/nn/embedding.js';
import { dot } from '../../src/tensor/ops.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { gradcheck } from '../helpers/gradcheck.js';

function randn(n: number, rng: Rng): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

test('Embedding names its table weight [V, E] and draws it from N(0, 1)', () => {
  const emb = new Embedding({ numEmbeddings: 200, embeddingDim: 50 }, { rng: new Rng(1) });
  assert.deepEqual(emb.namedParameters().map(([n, t]) => [n, t.shape]), [['weight', [200, 50]]]);
  const d = Array.from(emb.weight.data);
  const mean = d.reduce((s, v) => s + v, 0) / d.length;
  const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length;
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
});

test('Embedding looks rows up into [...shape, E]', () => {
  const emb = new Embedding({ numEmbeddings: 4, embeddingDim: 2 }, { dtype: 'float64' });
  emb.weight.data.set([0, 1, 10, 11, 20, 21, 30, 31]);
  const y = emb.forward(new Int32Array([3, 0, 2, 2, 1, 3]), [2, 3]);
  assert.deepEqual(y.shape, [2, 3, 2]);
  assert.deepEqual(y.toArray(), [[[30, 31], [0, 1], [20, 21]], [[20, 21], [10, 11], [30, 31]]]);
  assert.deepEqual(emb.forward([1, 2]).shape, [2, 2], 'a plain array with the default shape [n]');
});

test('Embedding gradients match finite differences with repeated indices', () => {
  const rng = new Rng(2);
  const emb = new Embedding({ numEmbeddings: 5, embeddingDim: 3 }, { rng, dtype: 'float64' });
  const idx = [4, 1, 1, 0, 4, 4];
  const g = randn(idx.length * 3, rng);
  gradcheck(() => dot(emb.forward(idx, [3, 2]), g), [emb.weight], { names: ['weight'] });
  // Row 4 appears three times: its gradient is the sum of the three output rows' gradients.
  const row4 = [0, 1, 2].map((e) => g[0 * 3 + e]! + g[4 * 3 + e]! + g[5 * 3 + e]!);
  assert.deepEqual(Array.from(emb.weight.grad!.subarray(12, 15)), row4);
});

test('Embedding paddingIdx starts at zero and gets no gradient while other rows get theirs', () => {
  const rng = new Rng(3);
  for (const paddingIdx of [1, -3]) {
    const emb = new Embedding({ numEmbeddings: 4, embeddingDim: 3, paddingIdx }, { rng, dtype: 'float64' });
    assert.equal(emb.paddingIdx, 1);
    assert.deepEqual(Array.from(emb.weight.data.subarray(3, 6)), [0, 0, 0]);
    const idx = [1, 2, 1, 3, 2];
    const g = randn(idx.length * 3, rng);
    dot(emb.forward(idx), g).backward();
    const want = new Float64Array(12);
    idx.forEach((r, i) => { if (r !== 1) for (let e = 0; e < 3; e++) want[r * 3 + e]! += g[i * 3 + e]!; });
    assert.deepEqual(Array.from(emb.weight.grad!), Array.from(want));
    assert.deepEqual(Array.from(emb.forward([1]).data), [0, 0, 0]);
    // The same table without padding passes a finite-difference check; with it, only row 1 differs (zero).
    const plain = new Embedding({ numEmbeddings: 4, embeddingDim: 3 }, { dtype: 'float64' });
    plain.weight.data.set(emb.weight.data);
    gradcheck(() => dot(plain.forward(idx), g), [plain.weight], { names: ['weight'] });
    const masked = Array.from(plain.weight.grad!, (v, i) => (i >= 3 && i < 6 ? 0 : v));
    assert.deepEqual(Array.from(emb.weight.grad!), masked);
  }
});

test('Embedding rejects an index outside the table with DataError naming the index and its position', () => {
  const emb = new Embedding({ numEmbeddings: 10, embeddingDim: 2 });
  const cases: [number[], number[], string][] = [
    [[1, 2, 3, 4, 12, 0], [2, 3], 'indices[1, 1]: expected an integer in [0, 10), got 12'],
    [[-1], [1], 'indices[0]: expected an integer in [0, 10), got -1'],
    [[0, 1.5], [2], 'indices[1]: expected an integer in [0, 10), got 1.5'],
  ];
  for (const [idx, shape, message] of cases) {
    assert.throws(() => emb.forward(idx, shape), (e: unknown) =>
      e instanceof DataError && e.code === 'bad_data' && e.message === message && /10-row embedding table/.test(e.hint));
  }
});

test('Embedding rejects an index shape that does not hold the indices with ShapeError', () => {
  const emb = new Embedding({ numEmbeddings: 10, embeddingDim: 2 });
  assert.throws(() => emb.forward([1, 2, 3], [2, 2]), (e: unknown) =>
    e instanceof ShapeError && e.code === 'shape_mismatch' && e.message === 'indices: expected shape [2, 2], got [3]');
});

test('Embedding rejects unknown options, bad sizes and a paddingIdx outside the table with ConfigError', () => {
  const bad: [unknown, string][] = [
    [{ numEmbeddings: 4, embeddingDim: 2, padding_idx: 0 }, "Embedding: unknown option 'padding_idx'"],
    [{ numEmbeddings: 0, embeddingDim: 2 }, 'Embedding.numEmbeddings: expected an integer ≥ 1, got 0'],
    [{ numEmbeddings: 4, embeddingDim: -2 }, 'Embedding.embeddingDim: expected an integer ≥ 1, got -2'],
    [{ numEmbeddings: 4, embeddingDim: 2, paddingIdx: 4 }, 'Embedding.paddingIdx: expected an integer in [-4, 4), got 4'],
    [{ numEmbeddings: 4, embeddingDim: 2, paddingIdx: -5 }, 'Embedding.paddingIdx: expected an integer in [-4, 4), got -5'],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => new Embedding(options as never), (e: unknown) => e instanceof ConfigError && e.code === 'bad_config' && e.message === message);
  }
});
