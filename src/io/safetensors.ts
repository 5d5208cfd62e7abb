// The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of UTF-8 JSON
// naming each tensor's dtype, shape and byte range, then the raw little-endian data. Encoding writes the
// same bytes as the reference Rust/Python library; decoding validates everything and never trusts the file.
import { endianness } from 'node:os';
import { CheckpointError } from '../errors.js';

/** Element types recur reads and writes (the reference's FP8/FP4/complex types are refused). */
export type SafeDType = 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

/** The array type holding each dtype's values; F16 and BF16 are widened (exactly) to Float32Array. */
export interface SafeDataOf {
  BOOL: Uint8Array; U8: Uint8Array; I8: Int8Array; I16: Int16Array; U16: Uint16Array;
  F16: Float32Array; BF16: Float32Array; I32: Int32Array; U32: Uint32Array;
  F32: Float32Array; F64: Float64Array; I64: BigInt64Array; U64: BigUint64Array;
}

/** One tensor: dtype, row-major shape, and its values (length = product of shape). */
export type SafeTensor = { [D in SafeDType]: { dtype: D; shape: readonly number[]; data: SafeDataOf[D] } }[SafeDType];

/** A decoded file: tensors by name (in file order) and the `__metadata__` strings. */
export interface Safetensors {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

type ArrayCtor = { new (b: ArrayBuffer, off: number, n: number): SafeDataOf[SafeDType]; new (n: number): SafeDataOf[SafeDType] };

// Ranks are the reference's `Dtype` enum order ("increasing alignment"); the writer sorts by rank, descending.
const DTYPES: Record<SafeDType, { rank: number; size: number; ctor: ArrayCtor }> = {
  BOOL: { rank: 0, size: 1, ctor: Uint8Array },
  U8: { rank: 1, size: 1, ctor: Uint8Array },
  I8: { rank: 2, size: 1, ctor: Int8Array },
  I16: { rank: 3, size: 2, ctor: Int16Array },
  U16: { rank: 4, size: 2, ctor: Uint16Array },
  F16: { rank: 5, size: 2, ctor: Float32Array },
  BF16: { rank: 6, size: 2, ctor: Float32Array },
  I32: { rank: 7, size: 4, ctor: Int32Array },
  U32: { rank: 8, size: 4, ctor: Uint32Array },
  F32: { rank: 9, size: 4, ctor: Float32Array },
  F64: { rank: 10, size: 8, ctor: Float64Array },
  I64: { rank: 11, size: 8, ctor: BigInt64Array as unknown as ArrayCtor },
  U64: { rank: 12, size: 8, ctor: BigUint64Array as unknown as ArrayCtor },
};
const DTYPE_NAMES = Object.keys(DTYPES).join(', ');

/** The reference refuses headers over 100 MB; so do we, before allocating anything. */
export const MAX_HEADER_BYTES = 100_000_000;
const LITTLE_ENDIAN = endianness() === 'LE';
const HINT_CORRUPT = 'the file is corrupt or was not written by a safetensors writer; re-save or re-export it';
const HINT_TRUNCATED = 'the file is truncated (an interrupted write or copy?); re-save or re-export it';

/**
 * Serialises tensors as safetensors, byte for byte as the reference library (`safetensors.torch.save`):
 * tensors ordered by dtype (descending alignment rank: U64, I64, F64, F32, U32, I32, BF16, F16, U16, I16,
 * I8, U8, BOOL) then by name, the header `{"__metadata__":{…},"name":{"dtype","shape","data_offsets"},…}`
 * written compactly and padded with spaces to a multiple of 8 bytes. `__metadata__` is written only when
 * `metadata` is given; its keys are sorted (the reference writes them in hash order, which varies by run).
 * F16/BF16 values are rounded to nearest-even (exact for values that came from such a file).
 *
 * @example
 * const bytes = encodeSafetensors(new Map([['weight', { dtype: 'F32', shape: [2, 3], data: new Float32Array(6) }]]), { format: 'pt' });
 */
export function encodeSafetensors(tensors: ReadonlyMap<string, SafeTensor>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const entries = [...tensors].map(([name, t]) => checkForWrite(name, t));
  entries.sort(([na, a], [nb, b]) => DTYPES[b.dtype].rank - DTYPES[a.dtype].rank || byCodePoint(na, nb));
  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(byCodePoint);
    const fields = keys.map((k) => {
      const v: unknown = metadata[k];
      if (typeof v !== 'string') throw new CheckpointError(`__metadata__ '${k}': expected a string, got ${kind(v)}`, 'safetensors metadata holds strings only; encode other values as JSON');
      checkText(`__metadata__ '${k}'`, k);
      checkText(`__metadata__ '${k}'`, v);
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
    });
    parts.push(`"__metadata__":{${fields.join(',')}}`);
  }
  let offset = 0;
  for (const [name, t] of entries) {
    const n = t.data.length * DTYPES[t.dtype].size;
    parts.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + n] })}`);
    offset += n;
  }
  const header = new TextEncoder().encode(`{${parts.join(',')}}`);
  const pad = (8 - (header.length % 8)) % 8;
  const N = header.length + pad;
  const out = new Uint8Array(8 + N + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(N), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + N);
  let at = 8 + N;
  for (const [, t] of entries) at = writeData(out, at, t);
  return out;
}

/**
 * Parses a safetensors file held in `bytes`. Tensors view `bytes`' memory where their offset is aligned
 * for their element type (no copy: writing into them writes into `bytes`), and are copied otherwise;
 * F16/BF16 become Float32Array (exactly). Throws CheckpointError (code 'bad_checkpoint') for a short file,
 * a header length over 100 MB or past the end, a header that is not UTF-8 JSON of an object, an unknown
 * dtype, a shape that does not fit its offsets, offsets out of range, overlapping or leaving gaps, and
 * non-string metadata. `source` names the file in messages.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(readFileSync('model.safetensors'), 'model.safetensors');
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors file'): Safetensors {
  if (bytes.length < 8) throw bad(`${source}: expected at least 8 bytes (the header length), got ${bytes.length}`, HINT_TRUNCATED);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) throw bad(`${source} header length: expected at most ${MAX_HEADER_BYTES} bytes, got ${n64}`, HINT_CORRUPT);
  const N = Number(n64);
  if (8 + N > bytes.length) throw bad(`${source} header length: expected at most ${bytes.length - 8} bytes (the file holds ${bytes.length}), got ${N}`, HINT_TRUNCATED);
  const header = parseHeader(bytes.subarray(8, 8 + N), source);
  const dataStart = 8 + N;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const infos: { name: string; dtype: SafeDType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') metadata = readMetadata(value, source);
    else infos.push({ name, ...readInfo(name, value, dataLength, source) });
  }
  infos.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous = '';
  for (const t of infos) {
    if (t.begin !== covered) {
      const what = t.begin < covered ? `overlapping '${previous}'` : 'leaving a gap';
      throw bad(`${source} tensor '${t.name}': expected data_offsets to start at byte ${covered}${previous ? ` where '${previous}' ends` : ''}, got [${t.begin}, ${t.end}] (${what})`, HINT_CORRUPT);
    }
    covered = t.end;
    previous = t.name;
  }
  if (covered !== dataLength) throw bad(`${source} data: expected ${covered} bytes (what the tensors cover), got ${dataLength}`, 'the file has bytes no tensor claims; it is corrupt or was appended to');
  const tensors = new Map<string, SafeTensor>();
  for (const t of infos) {
    const data = readData(bytes, dataStart + t.begin, (t.end - t.begin) / DTYPES[t.dtype].size, t.dtype);
    tensors.set(t.name, { dtype: t.dtype, shape: t.shape, data } as SafeTensor);
  }
  return { tensors, metadata };
}

function bad(message: string, hint: string): CheckpointError {
  return new CheckpointError(message, hint);
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

// Rust compares names as UTF-8 bytes, i.e. by code point (JS `<` compares UTF-16 units).
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// A lone surrogate has no UTF-8 form; JSON.stringify would write an escape the reference rejects.
function checkText(what: string, s: string): void {
  if (/[\uD800-\uDFFF]/.test(s) && Buffer.from(s, 'utf8').toString('utf8') !== s) {
    throw new CheckpointError(`${what}: expected well-formed Unicode text, got a lone surrogate`, 'names and metadata must be valid UTF-8');
  }
}

function checkForWrite(name: string, t: SafeTensor): [string, SafeTensor] {
  if (name === '__metadata__') throw new CheckpointError(`tensor name: expected anything but '__metadata__', got '__metadata__'`, 'the name is reserved by the safetensors header');
  checkText(`tensor '${name}'`, name);
  if (!Object.hasOwn(DTYPES, t.dtype)) throw new CheckpointError(`tensor '${name}' dtype: expected one of ${DTYPE_NAMES}, got '${String(t.dtype)}'`, 'pick a dtype safetensors defines');
  const spec = DTYPES[t.dtype];
  if (!(t.data instanceof spec.ctor)) {
    throw new CheckpointError(`tensor '${name}' data: expected ${spec.ctor.name} for ${t.dtype}, got ${t.data?.constructor?.name ?? kind(t.data)}`, 'F16/BF16 take Float32Array values; other dtypes their own typed array');
  }
  let size = 1;
  for (const d of t.shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new CheckpointError(`tensor '${name}' shape: expected non-negative integers, got [${t.shape.join(', ')}]`, 'shapes are lists of sizes');
    size *= d;
  }
  if (size !== t.data.length) throw new CheckpointError(`tensor '${name}': expected ${size} values for shape [${t.shape.join(', ')}], got ${t.data.length}`, 'data must hold product(shape) values, row-major');
  return [name, t];
}

function writeData(out: Uint8Array, at: number, t: SafeTensor): number {
  const n = t.data.length;
  if (t.dtype === 'F16' || t.dtype === 'BF16') {
    const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, n);
    const dv = new DataView(out.buffer, out.byteOffset + at, 2 * n);
    const conv = t.dtype === 'F16' ? f32ToF16 : f32ToBf16;
    for (let i = 0; i < n; i++) dv.setUint16(2 * i, conv(bits[i]!), true);
    return at + 2 * n;
  }
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  out.set(raw, at);
  if (!LITTLE_ENDIAN) swapBytes(out.subarray(at, at + raw.length), DTYPES[t.dtype].size);
  return at + raw.length;
}

function parseHeader(raw: Uint8Array, source: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    throw bad(`${source} header: expected UTF-8 text, got invalid bytes`, HINT_CORRUPT);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw bad(`${source} header: expected JSON, got invalid JSON (${(e as Error).message})`, HINT_CORRUPT);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw bad(`${source} header: expected a JSON object, got ${kind(parsed)}`, HINT_CORRUPT);
  }
  return parsed as Record<string, unknown>;
}

function readMetadata(value: unknown, source: string): Record<string, string> {
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw bad(`${source} __metadata__: expected an object of strings, got ${kind(value)}`, HINT_CORRUPT);
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw bad(`${source} __metadata__ '${k}': expected a string, got ${kind(v)}`, 'safetensors metadata holds strings only; the file breaks the format');
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function readInfo(name: string, value: unknown, dataLength: number, source: string): { dtype: SafeDType; shape: number[]; begin: number; end: number } {
  const what = `${source} tensor '${name}'`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${what}: expected {dtype, shape, data_offsets}, got ${kind(value)}`, HINT_CORRUPT);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(DTYPES, dtype)) {
    throw bad(`${what} dtype: expected one of ${DTYPE_NAMES}, got ${JSON.stringify(dtype) ?? 'nothing'}`, 'recur reads these dtypes only; convert the tensor (e.g. to F32) before saving');
  }
  const isCount = (d: unknown): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) throw bad(`${what} shape: expected a list of non-negative integers, got ${JSON.stringify(shape) ?? 'nothing'}`, HINT_CORRUPT);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0]! > offsets[1]!) {
    throw bad(`${what} data_offsets: expected [begin, end] with 0 ≤ begin ≤ end, got ${JSON.stringify(offsets) ?? 'nothing'}`, HINT_CORRUPT);
  }
  const [begin, end] = offsets as [number, number];
  const d = dtype as SafeDType;
  let bytes = DTYPES[d].size;
  for (const s of shape) bytes *= s;
  if (!Number.isSafeInteger(bytes) || bytes !== end - begin) {
    throw bad(`${what}: expected data_offsets spanning ${bytes} bytes (${d} × [${shape.join(', ')}]), got [${begin}, ${end}] (${end - begin} bytes)`, HINT_CORRUPT);
  }
  if (end > dataLength) throw bad(`${what} data_offsets: expected to end within the ${dataLength}-byte data section, got [${begin}, ${end}]`, HINT_TRUNCATED);
  return { dtype: d, shape: [...shape], begin, end };
}

function readData(bytes: Uint8Array, start: number, n: number, dtype: SafeDType): SafeDataOf[SafeDType] {
  const { size, ctor } = DTYPES[dtype];
  if (dtype === 'F16' || dtype === 'BF16') {
    const out = new Float32Array(n);
    const bits = new Uint32Array(out.buffer);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + start, 2 * n);
    if (dtype === 'BF16') for (let i = 0; i < n; i++) bits[i] = dv.getUint16(2 * i, true) << 16;
    else for (let i = 0; i < n; i++) bits[i] = f16ToF32(dv.getUint16(2 * i, true));
    return out;
  }
  const at = bytes.byteOffset + start;
  if (LITTLE_ENDIAN && at % size === 0) return new ctor(bytes.buffer as ArrayBuffer, at, n);
  const copy = bytes.slice(start, start + n * size);
  if (!LITTLE_ENDIAN) swapBytes(copy, size);
  return new ctor(copy.buffer, 0, n);
}

function swapBytes(b: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i < b.length; i += size) b.subarray(i, i + size).reverse();
}

/** IEEE binary16 bits → binary32 bits (exact; NaN payloads kept). */
export function f16ToF32(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // subnormal m·2^−24: normalise the mantissa into an f32 exponent
  let e = 113;
  let m = mant;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

/** binary32 bits → binary16 bits, rounding to nearest even; overflow → ±Inf; NaN stays NaN. */
export function f32ToF16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant === 0 ? 0 : (mant >>> 13) || 0x200);
  const e = exp - 112; // rebias 127 → 15
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal
    const m = mant | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = sign | (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++; // a carry rounds into the exponent, up to Inf
  return h;
}

/** binary32 bits → bfloat16 bits, rounding to nearest even; NaN stays NaN. */
export function f32ToBf16(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) {
    const h = x >>> 16;
    return (h & 0x7f) === 0 ? h | 0x40 : h;
  }
  return ((x >>> 0) + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}
