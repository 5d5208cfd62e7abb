// Model files: save → load is bit-exact for float32 and float64 modules, the config travels in
// __metadata__, PyTorch's files load into a module, and every broken file is a CheckpointError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_KEY, decodeModel, encodeModel, loadModelFile, loadWeightsInto, saveModel, VERSION_KEY } from '../../src/io/model-file.js';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from '../../src/io/safetensors.js';
import { Module } from '../../src/nn/module.js';
import { Rng } from '../../src/tensor/rng.js';
import { type DType, Tensor } from '../../src/tensor/tensor.js';
import { version } from '../../src/version.js';

/** nn.Linear(3, 2)'s parameters, plus a nested child to get dotted names. */
class Tiny extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  constructor(dtype: DType = 'float32', withChild = true) {
    super();
    this.weight = this.addParameter('weight', Tensor.zeros([2, 3], dtype));
    this.bias = this.addParameter('bias', Tensor.zeros([2], dtype));
    if (withChild) this.addModule('head', new Tiny(dtype, false));
  }
}

const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/io/fixtures/${name}`, import.meta.url));

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(join(tmpdir(), 'recur-model-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function expectBad(fn: () => unknown, message: RegExp, hint: RegExp, name = 'CheckpointError', code = 'bad_checkpoint'): void {
  assert.throws(fn, (e: unknown) => {
    assert.equal((e as Error).name, name, String(e));
    assert.equal((e as { code: string }).code, code);
    assert.match((e as Error).message, message);
    assert.match((e as { hint: string }).hint, hint);
    return true;
  });
}

/** Fills every parameter with random bit patterns (all exponents: subnormals, ±Inf, NaN) plus the edge cases. */
function fillSpecial(m: Module, seed: number): void {
  const rng = new Rng(seed);
  const specials = [-0, 0, 1e-45, -1.1754942e-38, Infinity, -Infinity, NaN, 3.4028235e38];
  for (const [, p] of m.namedParameters()) {
    if (p.data instanceof Float32Array) {
      const bits = new Uint32Array(p.data.buffer, p.data.byteOffset, p.size);
      for (let i = 0; i < p.size; i++) bits[i] = rng.nextU32();
    } else {
      for (let i = 0; i < p.size; i++) p.data[i] = (rng.next() - 0.5) * 2 ** (rng.int(2000) - 1000);
    }
    for (let i = 0; i < Math.min(p.size, specials.length); i++) p.data[i] = specials[(i + seed) % specials.length]!;
  }
}

/** Bit-exact equality, except that any NaN equals any NaN (payloads need not survive). */
function assertSameValues(a: ArrayLike<number>, b: ArrayLike<number>, name: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i])) assert.ok(Number.isNaN(b[i]), `${name}[${i}]`);
    else assert.ok(Object.is(a[i], b[i]), `${name}[${i}]: ${a[i]} vs ${b[i]}`);
  }
}

test('save then load restores every float32 parameter bit for bit', (t) => {
  const path = join(scratch(t), 'tiny.safetensors');
  const a = new Tiny();
  fillSpecial(a, 1);
  const config = { kind: 'tiny', hidden: 3, layers: [1, 2], nested: { dropout: 0.25, name: 'é"' }, on: true };
  saveModel(path, a, config);
  const file = loadModelFile(path);
  assert.deepEqual(file.config, config);
  assert.deepEqual([...file.tensors.keys()].sort(), ['bias', 'head.bias', 'head.weight', 'weight']);
  for (const t of file.tensors.values()) assert.equal(t.dtype, 'F32');
  const b = new Tiny();
  loadWeightsInto(b, file.tensors);
  for (const [name, p] of a.namedParameters()) assertSameValues(p.data, b.parameter(name).data, name);
  // the stored bytes are the parameters' own bytes, NaN payloads included
  for (const [name, p] of a.namedParameters()) {
    const stored = file.tensors.get(name)!.data as Float32Array;
    assert.deepEqual(new Uint32Array(stored.buffer, stored.byteOffset, stored.length), new Uint32Array(p.data.buffer, p.data.byteOffset, p.size));
  }
});

test('a float64 model is saved as F64 and restored bit for bit', (t) => {
  const path = join(scratch(t), 'tiny64.safetensors');
  const a = new Tiny('float64');
  fillSpecial(a, 2);
  saveModel(path, a, { kind: 'tiny' });
  const file = loadModelFile(path);
  for (const t of file.tensors.values()) assert.equal(t.dtype, 'F64');
  const b = new Tiny('float64');
  loadWeightsInto(b, file.tensors);
  for (const [name, p] of a.namedParameters()) assertSameValues(p.data, b.parameter(name).data, name);
});

test('the metadata holds format pt, the config as JSON, the version and extra strings', () => {
  const bytes = encodeModel(new Tiny(), { hidden: 3 }, { 'recur.vocab': '["a","b"]' });
  const { metadata, tensors } = decodeSafetensors(bytes);
  assert.deepEqual(metadata, { format: 'pt', [CONFIG_KEY]: '{"hidden":3}', [VERSION_KEY]: version, 'recur.vocab': '["a","b"]' });
  // plain safetensors with PyTorch names, laid out as the Python library would write the same tensors
  assert.deepEqual([...bytes], [...encodeSafetensors(tensors, metadata)]);
  assert.deepEqual([...tensors.keys()], ['bias', 'head.bias', 'head.weight', 'weight']);
  expectBad(() => encodeModel(new Tiny(), {}, { format: 'tf' }), /metadata key: expected anything but format, recur\.config, recur\.version, got 'format'/, /recur writes these keys/);
});

test('a config that JSON cannot hold is refused when saving', () => {
  expectBad(() => encodeModel(new Tiny(), { big: 1n }), /config: expected a JSON-serialisable object, got one that fails/, /plain numbers/);
  expectBad(() => encodeModel(new Tiny(), [1, 2] as unknown as Record<string, unknown>), /config: expected an object, got an array/, /plain object/);
});

test('saving over an existing model replaces it', (t) => {
  const path = join(scratch(t), 'm.safetensors');
  saveModel(path, new Tiny(), { v: 1 });
  saveModel(path, new Tiny(), { v: 2 });
  assert.deepEqual(loadModelFile(path).config, { v: 2 });
});

test('a missing model file is a CheckpointError that says to check the path', (t) => {
  const path = join(scratch(t), 'missing.safetensors');
  expectBad(() => loadModelFile(path), /missing\.safetensors: expected a model file, got no such file/, /check the path/);
  expectBad(() => loadModelFile(scratch(t)), /expected a model file, got a folder/, /check the path/);
});

test('a truncated or corrupt model file is a CheckpointError naming the file', (t) => {
  const dir = scratch(t);
  const bytes = encodeModel(new Tiny(), { hidden: 3 });
  fs.writeFileSync(join(dir, 'cut.safetensors'), bytes.subarray(0, bytes.length - 5));
  expectBad(() => loadModelFile(join(dir, 'cut.safetensors')), /cut\.safetensors tensor '.*' data_offsets: expected to end within/, /truncated/);
  fs.writeFileSync(join(dir, 'empty.safetensors'), '');
  expectBad(() => loadModelFile(join(dir, 'empty.safetensors')), /empty\.safetensors: expected at least 8 bytes/, /truncated/);
  const flipped = bytes.slice();
  flipped[3]! ^= 0x40;
  fs.writeFileSync(join(dir, 'flipped.safetensors'), flipped);
  expectBad(() => loadModelFile(join(dir, 'flipped.safetensors')), /flipped\.safetensors header length: expected at most 100000000 bytes/, /corrupt/);
});

test('a safetensors file without recur.config, or with a broken one, is refused with a hint', () => {
  expectBad(() => loadModelFile(fixture('pt-linear.safetensors')), /pt-linear\.safetensors __metadata__: expected a 'recur\.config' entry, got keys \[format\]/, /not saved by recur/);
  expectBad(() => decodeModel(encodeSafetensors(new Map())), /model file __metadata__: expected a 'recur\.config' entry, got no metadata/, /decodeSafetensors/);
  expectBad(() => decodeModel(encodeSafetensors(new Map(), { [CONFIG_KEY]: '{"a":' })), /'recur\.config': expected JSON, got invalid JSON/, /corrupt/);
  expectBad(() => decodeModel(encodeSafetensors(new Map(), { [CONFIG_KEY]: '[1]' })), /'recur\.config': expected a JSON object, got an array/, /corrupt/);
  expectBad(() => decodeModel(encodeSafetensors(new Map(), { [CONFIG_KEY]: 'null' })), /'recur\.config': expected a JSON object, got null/, /corrupt/);
});

test('weights written by PyTorch safetensors load into a module with the same names', () => {
  const { tensors } = decodeSafetensors(fs.readFileSync(fixture('pt-linear.safetensors')));
  const m = new Tiny('float32', false);
  loadWeightsInto(m, tensors);
  assert.deepEqual([...m.weight.data], [1.5, -2, 0.25, 3, -0.125, 8]);
  assert.deepEqual([...m.bias.data], [0.5, -1.25]);
  const m64 = new Tiny('float64', false);
  loadWeightsInto(m64, tensors);
  assert.deepEqual([...m64.bias.data], [0.5, -1.25]);
});

test('F16 and BF16 weights load as their exact values', () => {
  const m = new Tiny('float32', false);
  loadWeightsInto(m, new Map<string, SafeTensor>([
    ['weight', { dtype: 'F16', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) }],
    ['bias', { dtype: 'BF16', shape: [2], data: new Float32Array([0.5, -0.25]) }],
  ]));
  assert.deepEqual([...m.weight.data], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...m.bias.data], [0.5, -0.25]);
});

test('weights that do not fit the module are refused before any value is copied', () => {
  const m = new Tiny('float32', false);
  const w = { dtype: 'F32' as const, shape: [2, 3], data: new Float32Array(6).fill(9) };
  expectBad(() => loadWeightsInto(m, new Map<string, SafeTensor>([['weight', w]])), /missing \[bias\], unexpected \[\]/, /another configuration/);
  expectBad(() => loadWeightsInto(m, new Map<string, SafeTensor>([['weight', w], ['bias', { dtype: 'F32', shape: [2], data: new Float32Array(2) }], ['extra', { dtype: 'F32', shape: [1], data: new Float32Array(1) }]])), /unexpected \[extra\]/, /another configuration/);
  expectBad(() => loadWeightsInto(m, new Map<string, SafeTensor>([['weight', w], ['bias', { dtype: 'F32', shape: [3], data: new Float32Array(3) }]])), /bias: expected shape \[2\], got \[3\]/, /other sizes/, 'ShapeError', 'shape_mismatch');
  assert.deepEqual([...m.weight.data], [0, 0, 0, 0, 0, 0]);
  expectBad(() => loadWeightsInto(m, new Map<string, SafeTensor>([['weight', w], ['bias', { dtype: 'I64', shape: [2], data: new BigInt64Array(2) }]])), /tensor 'bias' dtype: expected F32, F64, F16 or BF16, got I64/, /floating point/);
});
