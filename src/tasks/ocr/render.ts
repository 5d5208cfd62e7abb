// Draws a text line in a font with @napi-rs/canvas (text shaping, so Devanagari conjuncts and matras come
// out right), applies a RenderStyle, and normalises the result to a LineImage.
import { Image, createCanvas } from '@napi-rs/canvas';
import type { Rng } from '../../tensor/rng.js';
import { type RenderStyle, addNoise } from './augment.js';
import type { OcrFont } from './fonts.js';
import { type LineImage, type NormaliseOptions, inkFromLuminance, normaliseInk, rgbaToLuminance } from './line-image.js';
import { DataError } from '../../errors.js';

function gray(v: number): string {
  const c = Math.round(255 * Math.min(1, Math.max(0, v)));
  return `rgb(${c},${c},${c})`;
}

/**
 * Renders `text` in `font` with `style` (all but the noise) and returns its page luminance [h, w].
 * The canvas is sized from measureText plus room for slant and rotation.
 */
export function renderLuminance(text: string, font: OcrFont, style: RenderStyle): { lum: Float32Array; width: number; height: number } {
  const probe = createCanvas(8, 8).getContext('2d');
  probe.font = `${style.size}px "${font.family}"`;
  probe.letterSpacing = `${style.letterSpacing}px`;
  const textW = Math.max(1, probe.measureText(text).width);
  const pad = Math.ceil(style.size * 0.6 + Math.abs(style.slant) * style.size + Math.abs(style.rotation) * textW * 0.5 + 2 * style.blur + style.stroke);
  const w = Math.ceil(textW + 2 * pad);
  const h = Math.ceil(style.size * 1.6 + 2 * pad);
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  const grad = ctx.createLinearGradient(0, 0, w, 0);
  grad.addColorStop(0, gray(style.background[0]));
  grad.addColorStop(1, gray(style.background[1]));
  ctx.fillStyle = grad;
  ctx.fillRect(0, 0, w, h);
  ctx.translate(w / 2, h / 2);
  ctx.rotate(style.rotation);
  ctx.transform(1, 0, -style.slant, 1, 0, 0);
  ctx.font = `${style.size}px "${font.family}"`;
  ctx.letterSpacing = `${style.letterSpacing}px`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'center';
  if (style.blur > 0) ctx.filter = `blur(${style.blur.toFixed(2)}px)`;
  ctx.fillStyle = gray(style.ink);
  ctx.fillText(text, 0, 0);
  if (style.stroke > 0) {
    ctx.strokeStyle = gray(style.ink);
    ctx.lineWidth = style.stroke;
    ctx.strokeText(text, 0, 0);
  }
  let rgba: Uint8ClampedArray | Uint8Array = ctx.getImageData(0, 0, w, h).data;
  if (style.jpeg !== null) {
    const img = new Image();
    img.src = canvas.encodeSync('jpeg', style.jpeg);
    const back = createCanvas(w, h).getContext('2d');
    back.drawImage(img, 0, 0);
    rgba = back.getImageData(0, 0, w, h).data;
  }
  return { lum: rgbaToLuminance(rgba, w, h), width: w, height: h };
}

/**
 * A text line drawn in `font` with `style`, normalised (ink high, height 32 by default; see normaliseInk).
 * With `options.rng` the crop margins vary too. DataError if nothing visible was drawn (e.g. only spaces).
 * @example
 * const line = renderLine('Call me Ishmael.', font, plainStyle(), rng); // { data, height: 32, width }
 */
export function renderLine(text: string, font: OcrFont, style: RenderStyle, rng: Rng, options: NormaliseOptions = {}): LineImage {
  const { lum, width, height } = renderLuminance(text, font, style);
  const ink = inkFromLuminance(lum);
  if (!ink) throw new DataError(`text ${JSON.stringify(text)}: expected visible glyphs, got a blank rendering in ${font.family}`, 'give text with at least one visible character');
  const line = normaliseInk(ink, width, height, options);
  addNoise(line.data, style.noise, rng); // on the small normalised image: cheap, and in ink units
  return line;
}
