import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { DataError } from '../../../src/errors.js';
import { decodeLineImage, imageFormat, loadLineImage } from '../../../src/tasks/ocr/image-io.js';

const dir = mkdtempSync(join(tmpdir(), 'ocr-img-'));

/** A w×h picture of a dark bar (text stand-in) on a light page, encoded as PNG or JPEG. */
function picture(w: number, h: number, format: 'png' | 'jpeg', light = false): Buffer {
  const c = createCanvas(w, h);
  const ctx = c.getContext('2d');
  ctx.fillStyle = light ? '#000' : '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = light ? '#fff' : '#000';
  ctx.fillRect(Math.round(w * 0.1), Math.round(h * 0.3), Math.round(w * 0.8), Math.round(h * 0.4));
  return format === 'png' ? c.encodeSync('png') : c.encodeSync('jpeg', 90);
}

test('PNG and JPEG files of any size load as 32 px high lines with ink high', () => {
  for (const [w, h, f] of [[400, 100, 'png'], [1600, 200, 'jpeg'], [30, 12, 'png']] as const) {
    const p = join(dir, `ok-${w}.${f}`);
    writeFileSync(p, picture(w, h, f));
    const line = loadLineImage(p);
    assert.equal(line.height, 32);
    assert.ok(line.width > 32, `width ${line.width}`);
    assert.ok(line.data[16 * line.width + (line.width >> 1)]! > 0.9);
    assert.ok(line.data[0]! < 0.1);
  }
});

test('light text on a dark background reads the same as dark on light', () => {
  const a = decodeLineImage(picture(200, 50, 'png'));
  const b = decodeLineImage(picture(200, 50, 'png', true));
  for (let i = 0; i < a.data.length; i++) assert.ok(Math.abs(a.data[i]! - b.data[i]!) < 1e-4);
});

test('bad files give DataErrors, never a crash: missing, folder, empty, not an image, corrupt, huge, blank', () => {
  const cases: [string, Buffer | 'dir' | null, RegExp][] = [
    ['missing.png', null, /expected a PNG or JPEG file, got no such file/],
    ['folder', 'dir', /got a folder/],
    ['empty.png', Buffer.alloc(0), /got an empty file/],
    ['text.png', Buffer.from('hello, this is text'), /got a file that is neither/],
    ['corrupt.png', Buffer.concat([picture(100, 40, 'png').subarray(0, 40), Buffer.alloc(30, 7)]), /damaged/],
    ['corrupt.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(50, 3)]), /damaged/],
    ['blank.png', (() => { const c = createCanvas(50, 20); c.getContext('2d').fillStyle = '#fff'; c.getContext('2d').fillRect(0, 0, 50, 20); return c.encodeSync('png'); })(), /without contrast/],
  ];
  const huge = picture(20, 20, 'png');
  huge.writeUInt32BE(100000, 16); // IHDR width
  cases.push(['huge.png', huge, /expected at most 16384 px a side.*got 100000×20/]);
  for (const [name, content, pattern] of cases) {
    const p = join(dir, name);
    if (content === 'dir') mkdirSync(p);
    else if (content) writeFileSync(p, content);
    assert.throws(() => loadLineImage(p), (e) => e instanceof DataError && e.code === 'bad_data' && pattern.test(e.message) && e.hint !== '', name);
  }
});

test('image formats are told by their first bytes', () => {
  assert.equal(imageFormat(picture(8, 8, 'png')), 'png');
  assert.equal(imageFormat(picture(8, 8, 'jpeg')), 'jpeg');
  assert.equal(imageFormat(Buffer.from('GIF89a')), null);
});
