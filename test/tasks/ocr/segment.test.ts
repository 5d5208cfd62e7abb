import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plainStyle } from '../../../src/tasks/ocr/augment.js';
import { composeDigits } from '../../../src/tasks/ocr/digits.js';
import { type OcrFont, type Script, type Split, fontsFor } from '../../../src/tasks/ocr/fonts.js';
import { renderLine } from '../../../src/tasks/ocr/render.js';
import { deslant, shear } from '../../../src/tasks/ocr/deslant.js';
import { joinUnits, segmentCrops, segmentLine, textUnits } from '../../../src/tasks/ocr/segment.js';
import { Rng } from '../../../src/tensor/rng.js';

function font(script: Script, split: Split, pkg: string): OcrFont {
  const f = fontsFor(script, split, []).fonts.find((x) => x.pkg === pkg && x.weight === 400);
  assert.ok(f, `${pkg} is installed`);
  return f;
}

function flags(text: string, script: Script, pkg: string, split: Split): { got: boolean[]; want: boolean[] } {
  const line = renderLine(text, font(script, split, pkg), plainStyle(32), new Rng(1));
  return { got: segmentLine(line, script).segments.map((s) => s.spaceBefore), want: textUnits(text, script).spaceBefore };
}

test('textUnits splits Latin into code points and Devanagari into aksharas, spaces becoming flags', () => {
  assert.deepEqual(textUnits('to be', 'latin'), { units: ['t', 'o', 'b', 'e'], spaceBefore: [false, false, true, false] });
  assert.deepEqual(textUnits('क्षत्रिय कि', 'devanagari').units, ['क्ष', 'त्रि', 'य', 'कि']);
  assert.equal(joinUnits(['क्ष', 'त्रि', 'य', 'कि'], [false, false, false, true]), 'क्षत्रिय कि');
});

test('a plain monospace Latin line gives one segment per non-space character and finds its spaces', () => {
  for (const text of ['HELLO WORLD 42', 'Call me Ishmael.', 'fish oil, ship; 3 mates']) {
    const { got, want } = flags(text, 'latin', 'ibm-plex-mono', 'test');
    assert.deepEqual(got, want, text);
  }
});

test('plain Devanagari words give one segment per akshara: stems join their consonant, the i-matra its next one', () => {
  for (const [pkg, split] of [['hind', 'train'], ['noto-sans-devanagari', 'test']] as const) {
    for (const text of ['कमल नयन', 'काम', 'किताब', 'नमस्ते दुनिया', 'फ़ाइल खोलें']) {
      const { got, want } = flags(text, 'devanagari', pkg, split);
      assert.deepEqual(got, want, `${text} in ${pkg}`);
    }
  }
});

test('digit strings with clear gaps give one segment per digit and no spaces', () => {
  const rng = new Rng(3);
  for (const digits of ['7', '90210', '31415926']) {
    const line = composeDigits(digits, 'test', rng, { minGap: 4, maxGap: 6 });
    const { segments } = segmentLine(line, 'digits');
    assert.equal(segments.length, digits.length, digits);
    assert.ok(segments.every((s) => !s.spaceBefore));
    assert.ok(segments.every((s, i) => i === 0 || s.x0 >= segments[i - 1]!.x0), 'left to right');
  }
});

test('deslanting undoes a shear applied to an upright line', () => {
  const line = renderLine('minimum hull', font('latin', 'train', 'roboto'), plainStyle(32), new Rng(1));
  const { shear: found } = deslant(shear(line, 0.25));
  assert.ok(Math.abs(found + 0.25) <= 0.051, `found shear ${found}`);
  assert.equal(deslant(line).shear, 0);
});

test('segment crops are size × size, hold only their own segment and keep vertical position', () => {
  const line = renderLine('g.', font('latin', 'train', 'roboto'), plainStyle(32), new Rng(1));
  const seg = segmentLine(line, 'latin');
  assert.equal(seg.segments.length, 2);
  const S = 24;
  const crops = segmentCrops(seg, S);
  assert.equal(crops.length, 2 * S * S);
  assert.ok(crops.every((v) => v >= 0 && v <= 1));
  // The period sits low: its ink is in the bottom half of the crop; g has ink in both halves.
  const mass = (n: number, y0: number, y1: number): number => {
    let s = 0;
    for (let y = y0; y < y1; y++) for (let x = 0; x < S; x++) s += crops[(n * S + y) * S + x]!;
    return s;
  };
  assert.ok(mass(1, S / 2, S) > 0 && mass(1, 0, S / 2) === 0, 'the period is low');
  assert.ok(mass(0, 0, S / 2) > 0 && mass(0, S / 2, S) > 0, 'g spans both halves');
});

test('a blank line gives no segments', () => {
  const seg = segmentLine({ data: new Float32Array(32 * 40), height: 32, width: 40 }, 'latin');
  assert.equal(seg.segments.length, 0);
  assert.equal(segmentCrops(seg, 24).length, 0);
});
