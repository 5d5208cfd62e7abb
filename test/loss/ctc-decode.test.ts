import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DataError, ShapeError } from '../../src/errors.js';
import { ctcBeamSearch, ctcGreedyDecode } from '../../src/loss/ctc-decode.js';
import { normal } from '../../src/tensor/init.js';
import { Rng } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** Log-probabilities [T, 1, C] from one-hot-ish rows of probabilities. */
function fromProbs(rows: number[][]): Tensor {
  return Tensor.from(rows.map((r) => [r.map(Math.log)]), undefined, 'float64');
}

/** Σ of path probabilities per collapsed label sequence (key "1,2"), over all C^T paths of sequence b. */
function exhaustive(logits: Tensor, b: number, T: number, blank: number): Map<string, number> {
  const [, B, C] = logits.shape as [number, number, number];
  const y: number[][] = [];
  for (let t = 0; t < T; t++) {
    const row = Array.from(logits.data.subarray((t * B + b) * C, (t * B + b + 1) * C));
    const z = row.reduce((s, v) => s + Math.exp(v), 0);
    y.push(row.map((v) => Math.exp(v) / z));
  }
  const sums = new Map<string, number>();
  const path = new Array<number>(T).fill(0);
  for (let k = 0; k < C ** T; k++) {
    let r = k;
    for (let t = 0; t < T; t++) { path[t] = r % C; r = Math.floor(r / C); }
    const key = path.filter((c, t) => c !== blank && (t === 0 || c !== path[t - 1])).join(',');
    sums.set(key, (sums.get(key) ?? 0) + path.reduce((p, c, t) => p * y[t]![c]!, 1));
  }
  return sums;
}

test('greedy decoding takes the argmax path, merges repeats and drops blanks', () => {
  // argmax path: 1 1 0 1 2 2 0 → [1, 1, 2]
  const hi = 0.9, lo = 0.05;
  const row = (c: number): number[] => [0, 1, 2].map((k) => (k === c ? hi : lo));
  const x = fromProbs([1, 1, 0, 1, 2, 2, 0].map(row));
  assert.deepEqual(ctcGreedyDecode(x), [[1, 1, 2]]);
  assert.deepEqual(ctcGreedyDecode(x, [4]), [[1, 1]]);
  assert.deepEqual(ctcGreedyDecode(x, [7], 1), [[0, 2, 0]]);
});

test('greedy decoding reads a Float32Array with its shape and each sequence of a batch', () => {
  // [T=3, B=2, C=3]: sequence 0 path 2 0 2, sequence 1 path 1 1 1
  const data = new Float32Array([0, 0, 5, 0, 5, 0, 5, 0, 0, 0, 5, 0, 0, 0, 5, 0, 5, 0]);
  assert.deepEqual(ctcGreedyDecode({ data, shape: [3, 2, 3] }, [3, 2]), [[2, 2], [1]]);
});

test('beam search with a wide beam gives every prefix its exact summed alignment probability', () => {
  const rng = new Rng(11);
  for (const [T, C, blank] of [[3, 2, 0], [4, 3, 0], [5, 3, 0], [5, 3, 2], [5, 2, 1]] as const) {
    const logits = normal(Tensor.zeros([T, 2, C], 'float64'), 0, 1.5, rng);
    const beams = ctcBeamSearch(logits, [T, T - 1], { beamWidth: 1000, blank });
    for (let b = 0; b < 2; b++) {
      const ref = exhaustive(logits, b, b === 0 ? T : T - 1, blank);
      const got = beams[b]!;
      assert.equal(got.length, ref.size, `every reachable prefix is returned (T=${T}, C=${C})`);
      for (const h of got) {
        const p = ref.get(h.labels.join(','));
        assert.ok(p !== undefined, `prefix ${h.labels} is reachable`);
        assert.ok(Math.abs(h.logProb - Math.log(p)) < 1e-12, `log p(${h.labels}): ${h.logProb} vs ${Math.log(p)}`);
      }
      const best = [...ref.entries()].reduce((u, v) => (v[1] > u[1] ? v : u));
      assert.equal(got[0]!.labels.join(','), best[0], 'the first beam is the most probable labelling');
      for (let i = 1; i < got.length; i++) assert.ok(got[i - 1]!.logProb >= got[i]!.logProb, 'beams are sorted');
    }
  }
});

test('beam search finds the best labelling where greedy decoding does not', () => {
  // Best path is blank blank (→ []), but [1] collects more mass over its alignments.
  const x = fromProbs([[0.4, 0.3, 0.3], [0.4, 0.3, 0.3]]);
  assert.deepEqual(ctcGreedyDecode(x), [[]]);
  const [beams] = ctcBeamSearch(x, undefined, { beamWidth: 4 });
  const ref = exhaustive(x, 0, 2, 0);
  assert.deepEqual(beams![0]!.labels, [1]);
  assert.ok(Math.abs(beams![0]!.logProb - Math.log(ref.get('1')!)) < 1e-12);
  assert.ok(ref.get('1')! > ref.get('')!);
});

test('a repeated label needs a blank between its copies', () => {
  const x = fromProbs([[0.1, 0.9], [0.1, 0.9]]);
  const [two] = ctcBeamSearch(x, undefined, { beamWidth: 10 });
  assert.ok(two!.every((h) => h.labels.length <= 1), 'two steps cannot spell [1, 1]');
  const y = fromProbs([[0.1, 0.9], [0.8, 0.2], [0.1, 0.9]]);
  const [three] = ctcBeamSearch(y, undefined, { beamWidth: 10 });
  assert.deepEqual(three![0]!.labels, [1, 1]);
  assert.ok(Math.abs(three![0]!.logProb - Math.log(0.9 * 0.8 * 0.9)) < 1e-12);
});

test('a narrow beam keeps at most beamWidth hypotheses and never overstates a probability', () => {
  const logits = normal(Tensor.zeros([5, 1, 3], 'float64'), 0, 1, new Rng(12));
  const ref = exhaustive(logits, 0, 5, 0);
  const [beams] = ctcBeamSearch(logits, undefined, { beamWidth: 2 });
  assert.ok(beams!.length <= 2);
  for (const h of beams!) assert.ok(h.logProb <= Math.log(ref.get(h.labels.join(','))!) + 1e-12);
});

test('raw logits and log-probabilities decode the same way', () => {
  const logits = normal(Tensor.zeros([5, 2, 3], 'float64'), 0, 2, new Rng(13));
  const shifted = logits.clone(); // log_softmax(logits) row by row
  for (let r = 0; r < 10; r++) {
    const row = shifted.data.subarray(r * 3, r * 3 + 3);
    const lse = Math.log(Array.from(row).reduce((s, v) => s + Math.exp(v), 0));
    for (let c = 0; c < 3; c++) row[c]! -= lse;
  }
  const a = ctcBeamSearch(logits, undefined, { beamWidth: 5 });
  const b = ctcBeamSearch(shifted, undefined, { beamWidth: 5 });
  assert.deepEqual(a.map((s) => s.map((h) => h.labels)), b.map((s) => s.map((h) => h.labels)));
  a.forEach((s, i) => s.forEach((h, j) => assert.ok(Math.abs(h.logProb - b[i]![j]!.logProb) < 1e-12)));
  assert.deepEqual(ctcGreedyDecode(logits), ctcGreedyDecode(shifted));
});

test('bad decoder inputs throw typed errors', () => {
  const x = Tensor.zeros([3, 1, 3]);
  assert.throws(() => ctcGreedyDecode(Tensor.zeros([3, 3])), (e: unknown) => {
    assert.ok(e instanceof ShapeError);
    assert.equal(e.code, 'shape_mismatch');
    assert.equal(e.message, 'ctcGreedyDecode: scores: expected shape [*, *, *], got [3, 3]');
    assert.match(e.hint, /batch dimension/);
    return true;
  });
  assert.throws(() => ctcBeamSearch({ data: new Float32Array(8), shape: [3, 1, 3] }), (e: unknown) => {
    assert.ok(e instanceof ShapeError);
    assert.equal(e.message, 'ctcBeamSearch: scores.data: expected shape [9], got [8]');
    return true;
  });
  assert.throws(() => ctcGreedyDecode(x, [4]), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.equal(e.code, 'bad_data');
    assert.equal(e.message, 'inputLengths[0]: expected an integer in [0, 3], got 4');
    return true;
  });
  assert.throws(() => ctcGreedyDecode(x, undefined, 3), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, 'bad_config');
    assert.equal(e.message, 'ctcGreedyDecode: blank: expected an integer in [0, 2], got 3');
    return true;
  });
  assert.throws(() => ctcBeamSearch(x, undefined, { beamWidth: 0 }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, 'ctcBeamSearch: beamWidth: expected an integer ≥ 1, got 0');
    return true;
  });
  assert.throws(() => ctcBeamSearch(x, undefined, { width: 3 } as never), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, "ctcBeamSearch: unknown option 'width'");
    return true;
  });
});
