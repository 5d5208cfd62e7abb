// safetensors encode/decode: byte-for-byte parity with the reference library (its Rust test vectors and
// files written by pip safetensors 0.8.0 in fixtures/), every dtype, F16/BF16 exactness, alignment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors, encodeSafetensors, f16ToF32, f32ToBf16, f32ToF16, type SafeTensor } from '../../src/io/safetensors.js';
import { Rng } from '../../src/tensor/rng.js';

const fixture = (name: string): Uint8Array => readFileSync(fileURLToPath(new URL(`../../../test/io/fixtures/${name}`, import.meta.url)));
const ascii = (s: string): number[] => [...Buffer.from(s, 'utf8')];
const u64le = (n: number): number[] => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(n)); return [...b]; };
const f32le = (...xs: number[]): number[] => [...new Uint8Array(new Float32Array(xs).buffer)];
const bitsOf = (a: Float32Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** A file as the Python library lays it out: u64 length, header padded with spaces to 8 bytes, data. */
function pythonFile(header: string, data: number[]): Uint8Array {
  const h = ascii(header);
  while (h.length % 8 !== 0) h.push(0x20);
  return new Uint8Array([...u64le(h.length), ...h, ...data]);
}

const PT_HEADER = '{"__metadata__":{"format":"pt"},"bias":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"weight":{"dtype":"F32","shape":[2,3],"data_offsets":[8,32]}}';
const linear = (): Map<string, SafeTensor> => new Map<string, SafeTensor>([
  ['weight', { dtype: 'F32', shape: [2, 3], data: new Float32Array([1.5, -2, 0.25, 3, -0.125, 8]) }],
  ['bias', { dtype: 'F32', shape: [2], data: new Float32Array([0.5, -1.25]) }],
]);

test('encoding matches the reference Rust test vectors byte for byte', () => {
  const six = new Float32Array([0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...encodeSafetensors(new Map([['attn.0', { dtype: 'F32', shape: [1, 2, 3], data: six }]]))], [
    64, 0, 0, 0, 0, 0, 0, 0, ...ascii('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'), ...f32le(0, 1, 2, 3, 4, 5)]);
  assert.deepEqual([...encodeSafetensors(new Map([['attn0', { dtype: 'F32', shape: [1, 1, 2, 3], data: six }]]))], [
    72, 0, 0, 0, 0, 0, 0, 0, ...ascii('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       '), ...f32le(0, 1, 2, 3, 4, 5)]);
  assert.deepEqual([...encodeSafetensors(new Map())], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  assert.deepEqual([...encodeSafetensors(new Map(), { framework: 'pt' })], [40, 0, 0, 0, 0, 0, 0, 0, ...ascii('{"__metadata__":{"framework":"pt"}}     ')]);
});

test('a PyTorch Linear state dict encodes exactly as safetensors.torch.save_file writes it', () => {
  const expected = pythonFile(PT_HEADER, f32le(0.5, -1.25, 1.5, -2, 0.25, 3, -0.125, 8));
  const ours = encodeSafetensors(linear(), { format: 'pt' });
  assert.deepEqual([...ours], [...expected]);
  assert.deepEqual([...ours], [...fixture('pt-linear.safetensors')]);
});

test('a file hand-built as the Python library writes it decodes to its tensors and metadata', () => {
  const { tensors, metadata } = decodeSafetensors(pythonFile(PT_HEADER, f32le(0.5, -1.25, 1.5, -2, 0.25, 3, -0.125, 8)));
  assert.deepEqual(metadata, { format: 'pt' });
  assert.deepEqual([...tensors.keys()], ['bias', 'weight']);
  const w = tensors.get('weight')!;
  assert.equal(w.dtype, 'F32');
  assert.deepEqual(w.shape, [2, 3]);
  assert.ok(w.data instanceof Float32Array);
  assert.deepEqual([...w.data], [1.5, -2, 0.25, 3, -0.125, 8]);
  assert.deepEqual([...tensors.get('bias')!.data], [0.5, -1.25]);
});

test('every dtype reads from a file the Python library wrote and re-encodes to the same bytes', () => {
  const bytes = fixture('mixed-dtypes.safetensors');
  const { tensors, metadata } = decodeSafetensors(bytes);
  assert.deepEqual(metadata, {});
  // the reference's order: dtype alignment rank descending, then name
  assert.deepEqual([...tensors.keys()], ['u64', 'i64', 'f64', 'empty', 'f32', 'u32', 'i32', 'f16', 'u16', 'i16', 'i8', 'u8', 'bool']);
  const get = (n: string): SafeTensor => tensors.get(n)!;
  assert.deepEqual([...get('f64').data], [1 / 3, -1e300]);
  assert.deepEqual([...get('i64').data], [-(2n ** 62n), 7n]);
  assert.deepEqual([...get('u64').data], [2n ** 64n - 1n]);
  assert.deepEqual([...get('f32').data], [1, -0, Infinity, Math.fround(1e-45)]);
  assert.ok(get('f16').data instanceof Float32Array);
  assert.deepEqual([...get('f16').data], [1.5, -0, 65504, -Infinity, 2 ** -24]);
  assert.deepEqual([...get('i32').data], [-(2 ** 31), 2 ** 31 - 1, 0]);
  assert.deepEqual([...get('u32').data], [2 ** 32 - 1]);
  assert.deepEqual([...get('i16').data], [-32768, 32767]);
  assert.deepEqual([...get('u16').data], [65535]);
  assert.deepEqual([...get('i8').data], [-128, 127]);
  assert.deepEqual([...get('u8').data], [0, 255, 7]);
  assert.deepEqual([...get('bool').data], [1, 0, 1]);
  assert.deepEqual(get('empty').shape, [0, 3]);
  assert.equal(get('empty').data.length, 0);
  assert.deepEqual([...encodeSafetensors(tensors)], [...bytes]);
});

test('BF16 tensors decode exactly to float32 and encode back to the same bits', () => {
  const raw = [0x3f80, 0x8000, 0x7f80, 0xff80, 0x0001, 0x7fc1, 0x4049]; // 1, -0, Inf, -Inf, subnormal, NaN, 3.140625
  const data = raw.flatMap((h) => [h & 0xff, h >> 8]);
  const file = pythonFile(`{"b":{"dtype":"BF16","shape":[${raw.length}],"data_offsets":[0,${2 * raw.length}]}}`, data);
  const t = decodeSafetensors(file).tensors.get('b')!;
  assert.ok(t.data instanceof Float32Array);
  assert.deepEqual([...bitsOf(t.data)], raw.map((h) => (h << 16) >>> 0));
  assert.equal(t.data[6], 3.140625);
  assert.deepEqual([...encodeSafetensors(new Map([['b', t]]))], [...file]);
});

test('all 65536 F16 bit patterns widen exactly and narrow back to the same bits', () => {
  const buf = new Float32Array(1);
  const bits = bitsOf(buf);
  for (let h = 0; h < 0x10000; h++) {
    bits[0] = f16ToF32(h);
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    const sign = h & 0x8000 ? -1 : 1;
    if (exp === 0x1f) assert.ok(mant === 0 ? buf[0] === sign * Infinity : Number.isNaN(buf[0]), `f16 ${h}`);
    else assert.equal(buf[0], sign * (exp === 0 ? mant * 2 ** -24 : (1 + mant / 1024) * 2 ** (exp - 15)), `f16 ${h}`);
    assert.equal(f32ToF16(bits[0]!), h, `f16 ${h} round trip`);
  }
});

test('float32 narrows to F16 and BF16 by round-to-nearest-even', () => {
  const finite: number[] = [];
  for (let h = 0; h < 0x7c00; h++) finite.push(f16ToF32(h)); // positive finite f16 as f32 bits
  const value = new Float32Array(new Uint32Array(finite).buffer);
  const rng = new Rng(7);
  const x = new Float32Array(1);
  const xb = bitsOf(x);
  for (let k = 0; k < 20000; k++) {
    xb[0] = k < 10000 ? (0x33000000 + rng.int(0x47800000 - 0x33000000)) >>> 0 : rng.nextU32(); // dense in f16 range, then anywhere
    if (Number.isNaN(x[0])) continue;
    const a = Math.abs(x[0]!);
    // nearest f16 by search; ties to the even pattern; 65520 and above overflow to Inf
    let lo = 0;
    let hi = value.length - 1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (value[mid]! <= a) lo = mid; else hi = mid; }
    let want: number;
    if (a >= 65520) want = 0x7c00;
    else if (a >= value[hi]!) want = hi;
    else { const dl = a - value[lo]!; const dh = value[hi]! - a; want = dl < dh ? lo : dh < dl ? hi : (lo % 2 === 0 ? lo : hi); }
    assert.equal(f32ToF16(xb[0]!), want | (x[0]! < 0 || Object.is(x[0], -0) ? 0x8000 : 0), `f16 of ${x[0]}`);
    // BF16: the two neighbours are the truncation and the next pattern up
    const t = xb[0]! >>> 16;
    const down = new Float32Array(new Uint32Array([(t << 16) >>> 0]).buffer)[0]!;
    const up = new Float32Array(new Uint32Array([((t + 1) << 16) >>> 0]).buffer)[0]!;
    const dd = Math.abs(x[0]! - down);
    const du = Math.abs(up - x[0]!);
    assert.equal(f32ToBf16(xb[0]!), dd < du ? t : du < dd ? t + 1 : t % 2 === 0 ? t : t + 1, `bf16 of ${x[0]}`);
  }
  assert.equal(f32ToF16(bitsOf(new Float32Array([65519]))[0]!), 0x7bff);
  assert.equal(f32ToF16(bitsOf(new Float32Array([2 ** -25]))[0]!), 0); // a tie between 0 and the smallest subnormal
  assert.equal(f32ToF16(bitsOf(new Float32Array([NaN]))[0]!) & 0x7c00, 0x7c00);
  assert.notEqual(f32ToF16(0x7f800001) & 0x3ff, 0); // a NaN whose payload is only in low bits stays NaN
  assert.equal(f32ToBf16(0x7f800001) & 0x7f, 0x40);
  assert.equal(f32ToBf16(0x7f7fffff), 0x7f80); // the largest float rounds up to Inf
});

test('aligned tensors are views of the file bytes; unaligned ones are copied and aligned', () => {
  const bytes = encodeSafetensors(new Map<string, SafeTensor>([
    ['a', { dtype: 'F64', shape: [2], data: new Float64Array([1.25, -3]) }],
    ['b', { dtype: 'I32', shape: [1], data: new Int32Array([-7]) }],
  ]));
  const aligned = decodeSafetensors(bytes).tensors;
  assert.equal(aligned.get('a')!.data.buffer, bytes.buffer);
  assert.equal(aligned.get('b')!.data.buffer, bytes.buffer);
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  const copied = decodeSafetensors(shifted.subarray(3)).tensors;
  for (const t of copied.values()) {
    assert.notEqual(t.data.buffer, shifted.buffer);
    assert.equal(t.data.byteOffset % t.data.BYTES_PER_ELEMENT, 0);
  }
  assert.deepEqual([...copied.get('a')!.data], [1.25, -3]);
  assert.deepEqual([...copied.get('b')!.data], [-7]);
});

test('names sort by UTF-8 bytes, not as numbers or UTF-16 units, and metadata keys are written sorted', () => {
  const one = (): SafeTensor => ({ dtype: 'U8', shape: [1], data: new Uint8Array([1]) });
  const names = ['2', '10', '0', '\u{1F600}', '\uFF5E', 'é'];
  const bytes = encodeSafetensors(new Map(names.map((n) => [n, one()])), { z: '1', a: 'quote " and \n', é: 'ü' });
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd();
  assert.ok(header.startsWith('{"__metadata__":{"a":"quote \\" and \\n","z":"1","é":"ü"},"0":'), header);
  const { tensors, metadata } = decodeSafetensors(bytes);
  assert.deepEqual([...tensors.keys()], ['0', '10', '2', 'é', '\uFF5E', '\u{1F600}']);
  assert.deepEqual(metadata, { z: '1', a: 'quote " and \n', é: 'ü' });
});

test('__metadata__ is written only when metadata is given, and null metadata reads as empty', () => {
  assert.equal(new TextDecoder().decode(encodeSafetensors(new Map(), {}).subarray(8)), '{"__metadata__":{}}     ');
  assert.deepEqual(decodeSafetensors(pythonFile('{"__metadata__":null}', [])).metadata, {});
});

function expectBad(fn: () => unknown, message: RegExp, code = 'bad_checkpoint'): void {
  assert.throws(fn, (e: unknown) => {
    assert.equal((e as Error).name, 'CheckpointError', String(e));
    assert.equal((e as { code: string }).code, code);
    assert.match((e as Error).message, message);
    assert.ok((e as { hint: string }).hint.length > 0, 'has a hint');
    return true;
  });
}

test('encoding refuses a reserved name, wrong arrays, bad shapes and non-string metadata', () => {
  const f = new Float32Array(2);
  expectBad(() => encodeSafetensors(new Map([['__metadata__', { dtype: 'F32', shape: [2], data: f }]])), /tensor name: expected anything but '__metadata__'/);
  expectBad(() => encodeSafetensors(new Map([['w', { dtype: 'F64', shape: [2], data: f } as unknown as SafeTensor]])), /tensor 'w' data: expected Float64Array for F64, got Float32Array/);
  expectBad(() => encodeSafetensors(new Map([['w', { dtype: 'F32', shape: [3], data: f }]])), /tensor 'w': expected 3 values for shape \[3\], got 2/);
  expectBad(() => encodeSafetensors(new Map([['w', { dtype: 'F32', shape: [-2], data: f }]])), /tensor 'w' shape: expected non-negative integers, got \[-2\]/);
  expectBad(() => encodeSafetensors(new Map([['w', { dtype: 'F8_E4M3', shape: [2], data: f } as unknown as SafeTensor]])), /tensor 'w' dtype: expected one of .*got 'F8_E4M3'/);
  expectBad(() => encodeSafetensors(new Map(), { n: 3 as unknown as string }), /__metadata__ 'n': expected a string, got number/);
  expectBad(() => encodeSafetensors(new Map([['bad\uD800', { dtype: 'F32', shape: [2], data: f }]])), /expected well-formed Unicode text, got a lone surrogate/);
});

test('corrupt or truncated files throw CheckpointError with a hint', () => {
  const good = encodeSafetensors(linear(), { format: 'pt' });
  const withLength = (n: bigint): Uint8Array => { const b = good.slice(); new DataView(b.buffer).setBigUint64(0, n, true); return b; };
  const data = f32le(0.5, -1.25, 1.5, -2, 0.25, 3, -0.125, 8);
  const entry = (dtype: string, shape: string, offsets: string): string => `{"dtype":"${dtype}","shape":${shape},"data_offsets":${offsets}}`;
  expectBad(() => decodeSafetensors(new Uint8Array(5)), /expected at least 8 bytes \(the header length\), got 5/);
  expectBad(() => decodeSafetensors(withLength(0xffff_ffff_ffff_ffffn)), /header length: expected at most 100000000 bytes, got 18446744073709551615/);
  expectBad(() => decodeSafetensors(withLength(100_000_001n)), /header length: expected at most 100000000 bytes/);
  expectBad(() => decodeSafetensors(good.subarray(0, 100)), /header length: expected at most 92 bytes \(the file holds 100\), got 152/);
  expectBad(() => decodeSafetensors(good.subarray(0, good.length - 1)), /tensor 'weight' data_offsets: expected to end within the 31-byte data section, got \[8, 32\]/);
  expectBad(() => decodeSafetensors(withLength(152n ^ 0x10n)), /header: expected JSON, got invalid JSON/); // one flipped bit
  expectBad(() => decodeSafetensors(pythonFile('{"a":', [])), /header: expected JSON, got invalid JSON/);
  expectBad(() => decodeSafetensors(new Uint8Array([...u64le(8), 0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d, 0x20])), /header: expected UTF-8 text, got invalid bytes/);
  expectBad(() => decodeSafetensors(pythonFile('[1,2]', [])), /header: expected a JSON object, got an array/);
  expectBad(() => decodeSafetensors(pythonFile('null', [])), /header: expected a JSON object, got null/);
  expectBad(() => decodeSafetensors(pythonFile(`{"w":${entry('F8_E4M3', '[2]', '[0,2]')}}`, [0, 0])), /tensor 'w' dtype: expected one of BOOL, .*, got "F8_E4M3"/);
  expectBad(() => decodeSafetensors(pythonFile(`{"w":${entry('F32', '[2,3]', '[0,20]')}}`, data.slice(0, 20))), /tensor 'w': expected data_offsets spanning 24 bytes \(F32 × \[2, 3\]\), got \[0, 20\] \(20 bytes\)/);
  expectBad(() => decodeSafetensors(pythonFile(`{"a":${entry('F32', '[4]', '[0,16]')},"b":${entry('F32', '[4]', '[8,24]')}}`, data.slice(0, 24))), /tensor 'b': expected data_offsets to start at byte 16 where 'a' ends, got \[8, 24\] \(overlapping 'a'\)/);
  expectBad(() => decodeSafetensors(pythonFile(`{"a":${entry('F32', '[2]', '[0,8]')},"b":${entry('F32', '[2]', '[16,24]')}}`, data.slice(0, 24))), /tensor 'b': expected data_offsets to start at byte 8 where 'a' ends, got \[16, 24\] \(leaving a gap\)/);
  expectBad(() => decodeSafetensors(pythonFile(`{"a":${entry('F32', '[2]', '[8,16]')}}`, data.slice(0, 16))), /tensor 'a': expected data_offsets to start at byte 0, got \[8, 16\] \(leaving a gap\)/);
  expectBad(() => decodeSafetensors(pythonFile(`{"a":${entry('F32', '[2]', '[0,8]')}}`, data.slice(0, 12))), /data: expected 8 bytes \(what the tensors cover\), got 12/);
  expectBad(() => decodeSafetensors(pythonFile(`{"a":${entry('F32', '[2]', '[8,0]')}}`, data.slice(0, 8))), /tensor 'a' data_offsets: expected \[begin, end\] with 0 ≤ begin ≤ end, got \[8,0\]/);
  expectBad(() => decodeSafetensors(pythonFile(`{"a":${entry('F32', '[-2]', '[0,8]')}}`, data.slice(0, 8))), /tensor 'a' shape: expected a list of non-negative integers, got \[-2\]/);
  expectBad(() => decodeSafetensors(pythonFile(`{"a":${entry('F32', '[1.5]', '[0,6]')}}`, data.slice(0, 6))), /tensor 'a' shape: expected a list of non-negative integers/);
  expectBad(() => decodeSafetensors(pythonFile('{"a":{"dtype":"F32","shape":[2]}}', data.slice(0, 8))), /tensor 'a' data_offsets: expected \[begin, end\].*got nothing/);
  expectBad(() => decodeSafetensors(pythonFile('{"a":[1]}', [])), /tensor 'a': expected \{dtype, shape, data_offsets\}, got an array/);
  expectBad(() => decodeSafetensors(pythonFile(`{"a":${entry('F64', '[1e300,1e300]', '[0,8]')}}`, data.slice(0, 8))), /tensor 'a' shape: expected a list of non-negative integers/);
  expectBad(() => decodeSafetensors(pythonFile(`{"a":${entry('F64', '[4294967296,4294967296]', '[0,8]')}}`, data.slice(0, 8))), /tensor 'a': expected data_offsets spanning/);
  expectBad(() => decodeSafetensors(pythonFile('{"__metadata__":{"n":3}}', [])), /__metadata__ 'n': expected a string, got number/);
  expectBad(() => decodeSafetensors(pythonFile('{"__metadata__":["x"]}', [])), /__metadata__: expected an object of strings, got an array/);
  expectBad(() => decodeSafetensors(good.subarray(0, 10), 'model.safetensors'), /^model\.safetensors header length/);
});

test('every truncation and every single-byte corruption of the header is a CheckpointError or a valid file', () => {
  const good = encodeSafetensors(linear(), { format: 'pt' });
  const N = Number(new DataView(good.buffer).getBigUint64(0, true));
  const okOrBad = (bytes: Uint8Array, what: string): void => {
    try {
      decodeSafetensors(bytes);
    } catch (e) {
      assert.equal((e as Error).name, 'CheckpointError', `${what}: ${String(e)}`);
    }
  };
  for (let len = 0; len < good.length; len++) {
    assert.throws(() => decodeSafetensors(good.subarray(0, len)), (e: unknown) => (e as Error).name === 'CheckpointError', `truncated to ${len}`);
  }
  for (let i = 0; i < 8 + N; i++) {
    for (const x of [0x01, 0x10, 0x80, 0xff]) {
      const b = good.slice();
      b[i]! ^= x;
      okOrBad(b, `byte ${i} ^ ${x}`);
    }
  }
});

test('random files round-trip bit for bit through encode and decode', () => {
  const rng = new Rng(11);
  for (let trial = 0; trial < 20; trial++) {
    const tensors = new Map<string, SafeTensor>();
    for (let k = 0; k < 1 + rng.int(5); k++) {
      const shape = Array.from({ length: rng.int(3) }, () => rng.int(4));
      const n = shape.reduce((a, b) => a * b, 1);
      const bits = Uint32Array.from({ length: n }, () => rng.nextU32());
      tensors.set(`t${rng.int(1000)}.w`, rng.int(2) === 0
        ? { dtype: 'F32', shape, data: new Float32Array(bits.buffer) }
        : { dtype: 'I32', shape, data: new Int32Array(bits.buffer) });
    }
    const bytes = encodeSafetensors(tensors, { trial: String(trial) });
    const back = decodeSafetensors(bytes);
    assert.deepEqual(back.metadata, { trial: String(trial) });
    assert.equal(back.tensors.size, tensors.size);
    for (const [name, t] of tensors) {
      const u = back.tensors.get(name)!;
      assert.equal(u.dtype, t.dtype);
      assert.deepEqual(u.shape, t.shape);
      assert.deepEqual(new Uint8Array(u.data.buffer, u.data.byteOffset, u.data.byteLength), new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
    assert.deepEqual([...encodeSafetensors(back.tensors, back.metadata)], [...bytes]);
  }
});

test('a dtype named like an Object property is refused on both sides', () => {
  const f = new Float32Array(1);
  expectBad(() => encodeSafetensors(new Map([['w', { dtype: 'toString', shape: [1], data: f } as unknown as SafeTensor]])), /tensor 'w' dtype: expected one of .*got 'toString'/);
  expectBad(() => decodeSafetensors(pythonFile('{"w":{"dtype":"constructor","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0, 0])), /tensor 'w' dtype: expected one of .*got "constructor"/);
});
