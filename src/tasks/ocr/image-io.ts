// Reading a user's picture of a text line (PNG or JPEG, any size) into the normalised LineImage format,
// with a DataError, never a crash, for a missing, empty, huge, corrupt or non-image file, or a blank page.
import { readFileSync, statSync } from 'node:fs';
import { Image, createCanvas } from '@napi-rs/canvas';
import { DataError } from '../../errors.js';
import { type LineImage, type NormaliseOptions, inkFromLuminance, normaliseInk, rgbaToLuminance } from './line-image.js';

/** Largest file read (bytes). */
export const MAX_IMAGE_BYTES = 50 * 1024 * 1024;
/** Largest image side and area (pixels) decoded. */
export const MAX_IMAGE_SIDE = 16384;
export const MAX_IMAGE_PIXELS = 40e6;

/** 'png', 'jpeg' or null from a file's first bytes. */
export function imageFormat(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** Whether the file ends as its format requires: a PNG with its IEND chunk, a JPEG with an end-of-image marker. */
function complete(bytes: Uint8Array, format: 'png' | 'jpeg'): boolean {
  const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(Math.max(0, bytes.length - 4096));
  return format === 'png' ? tail.includes('IEND', 0, 'latin1') : tail.includes(Buffer.from([0xff, 0xd9]));
}

function checkSize(what: string, w: number, h: number): void {
  if (w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE || w * h > MAX_IMAGE_PIXELS) {
    throw new DataError(`${what}: expected at most ${MAX_IMAGE_SIDE} px a side and ${MAX_IMAGE_PIXELS / 1e6} M pixels, got ${w}×${h}`, 'crop the picture to the line of text, or scale it down');
  }
}

/**
 * Decodes PNG or JPEG bytes to a normalised line (ink high, `options.height` px, default 32). `what` names
 * the source in errors. DataError for an empty buffer, an unknown format, a damaged file, a zero-size or
 * huge image, and an image without visible text.
 * @example
 * const line = decodeLineImage(readFileSync('line.png'), 'line.png');
 */
export function decodeLineImage(bytes: Uint8Array, what = 'image', options: NormaliseOptions = {}): LineImage {
  if (bytes.length === 0) throw new DataError(`${what}: expected a PNG or JPEG image, got an empty file`, 'check the file was written completely');
  const format = imageFormat(bytes);
  if (!format) throw new DataError(`${what}: expected a PNG or JPEG image, got a file that is neither`, 'convert the picture to PNG or JPEG');
  if (format === 'png' && bytes.length >= 24) {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    checkSize(what, v.getUint32(16), v.getUint32(20));
  }
  if (!complete(bytes, format)) {
    throw new DataError(`${what}: expected a complete ${format.toUpperCase()} image, got a damaged (truncated) file`, 'the file is corrupt or was cut short; save the picture again');
  }
  const img = new Image();
  try {
    img.src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (e) {
    throw new DataError(`${what}: expected a readable ${format.toUpperCase()} image, got a damaged file (${(e as Error).message})`, 'the file is corrupt; save the picture again');
  }
  const [w, h] = [img.width, img.height];
  if (!(w > 0 && h > 0)) throw new DataError(`${what}: expected a readable ${format.toUpperCase()} image, got a damaged or empty one (0×0 after decoding)`, 'the file is corrupt; save the picture again');
  checkSize(what, w, h);
  const ctx = createCanvas(w, h).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const ink = inkFromLuminance(rgbaToLuminance(ctx.getImageData(0, 0, w, h).data, w, h));
  if (!ink) throw new DataError(`${what}: expected a line of text, got an image without contrast (blank)`, 'give a picture with visible text');
  try {
    return normaliseInk(ink, w, h, options);
  } catch (e) {
    if (e instanceof DataError) throw new DataError(`${what}: ${e.message.replace(/^image: /, '')}`, e.hint);
    throw e;
  }
}

/** Reads a PNG or JPEG file as a normalised line (see decodeLineImage); DataError for a missing, huge or bad file. */
export function loadLineImage(path: string, options: NormaliseOptions = {}): LineImage {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new DataError(`${path}: expected a PNG or JPEG file, got a folder`, 'give the path of an image file');
    size = st.size;
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as { code?: string }).code;
    throw new DataError(`${path}: expected a PNG or JPEG file, got ${code === 'ENOENT' ? 'no such file' : code ?? 'an error'}`, 'check the path (it is relative to the current folder)');
  }
  if (size > MAX_IMAGE_BYTES) throw new DataError(`${path}: expected at most ${MAX_IMAGE_BYTES / 1024 / 1024} MB, got ${(size / 1024 / 1024).toFixed(1)} MB`, 'crop the picture to the line of text, or scale it down');
  return decodeLineImage(readFileSync(path), path, options);
}
