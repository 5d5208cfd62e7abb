// An SVG of a forecast: the recent history as a line, the forecast mean after it, and its 80 % and 95 %
// intervals as shaded bands. Self-contained (no scripts or fonts to fetch); ticks from diagnose/plot-svg.
import { escapeXml, niceTicks } from '../../diagnose/plot-svg.js';
import { formatTime } from './time.js';

/** What to draw: x positions are step indices (history ≤ 0 < forecast); `labels` name some of them. */
export interface ForecastPlot {
  title: string;
  history: { t: number; y: number }[];
  forecast: { t: number; mean: number; lo80: number; hi80: number; lo95: number; hi95: number }[];
  /** The time stamp (ms) of each step index drawn (history and forecast), for date labels; null: indices. */
  time?: ((t: number) => number) | null;
}

const px = (v: number): string => (Math.round(v * 100) / 100).toString();

/**
 * The SVG document of a forecast plot (720 × 400 by default). The 95 % band is pale, the 80 % band darker,
 * the history black and the forecast mean blue; x ticks are dates when `time` is given.
 * @example
 * writeFileSync('forecast.svg', forecastSvg({ title: 'temp_max', history, forecast }));
 */
export function forecastSvg(p: ForecastPlot, width = 720, height = 400): string {
  const xs = [...p.history.map((h) => h.t), ...p.forecast.map((f) => f.t)];
  const ys = [...p.history.map((h) => h.y), ...p.forecast.flatMap((f) => [f.lo95, f.hi95, f.mean])].filter((v) => Number.isFinite(v));
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const [left, right, top, bottom] = [70, 150, 40, 50];
  const pw = width - left - right;
  const ph = height - top - bottom;
  const sx = (v: number): number => left + ((v - x0) / (x1 - x0)) * pw;
  const sy = (v: number): number => top + ph - ((v - y0) / (y1 - y0)) * ph;
  const line = (pts: [number, number][]): string => pts.map(([x, y], i) => `${i ? 'L' : 'M'}${px(sx(x))} ${px(sy(y))}`).join('');
  const band = (lo: (f: ForecastPlot['forecast'][number]) => number, hi: (f: ForecastPlot['forecast'][number]) => number): string => {
    const last = p.history[p.history.length - 1];
    const start: [number, number][] = last ? [[last.t, last.y]] : [];
    const upper = [...start, ...p.forecast.map((f) => [f.t, hi(f)] as [number, number])];
    const lower = [...p.forecast.map((f) => [f.t, lo(f)] as [number, number]).reverse(), ...start];
    return `${line([...upper, ...lower])}Z`;
  };
  const stampOf = p.time;
  const xLabel = (v: number): string => (stampOf ? formatTime(stampOf(v)) : String(v));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${px(left + pw / 2)}" y="24" text-anchor="middle" font-size="15">${escapeXml(p.title)}</text>`);
  for (const v of niceTicks(y0, y1)) {
    out.push(`<path d="M${px(left)} ${px(sy(v))} H${px(left + pw)}" stroke="#e6e6e6"/><text x="${px(left - 8)}" y="${px(sy(v) + 4)}" text-anchor="end">${String(v).replace('-', '−')}</text>`);
  }
  for (const v of niceTicks(x0, x1, 5).filter((t) => !stampOf || Number.isInteger(t))) { // a date only at a step
    out.push(`<path d="M${px(sx(v))} ${px(top + ph)} V${px(top + ph + 5)}" stroke="#000000"/><text x="${px(sx(v))}" y="${px(top + ph + 19)}" text-anchor="middle">${escapeXml(xLabel(v))}</text>`);
  }
  out.push(`<path d="M${px(left)} ${px(top)} V${px(top + ph)} H${px(left + pw)}" stroke="#000000" fill="none"/>`);
  if (p.forecast.length) {
    out.push(`<path class="band95" d="${band((f) => f.lo95, (f) => f.hi95)}" fill="#c6dbef" stroke="none"/>`);
    out.push(`<path class="band80" d="${band((f) => f.lo80, (f) => f.hi80)}" fill="#6baed6" fill-opacity="0.6" stroke="none"/>`);
  }
  out.push(`<path class="history" d="${line(p.history.map((h) => [h.t, h.y]))}" fill="none" stroke="#000000" stroke-width="1.5"/>`);
  const last = p.history[p.history.length - 1];
  out.push(`<path class="forecast" d="${line([...(last ? [[last.t, last.y] as [number, number]] : []), ...p.forecast.map((f) => [f.t, f.mean] as [number, number])])}" fill="none" stroke="#08519c" stroke-width="2"/>`);
  const lx = left + pw + 12;
  const legend: [string, string][] = [['#000000', 'history'], ['#08519c', 'forecast'], ['#6baed6', '80 % interval'], ['#c6dbef', '95 % interval']];
  legend.forEach(([c, label], i) => out.push(`<rect x="${lx}" y="${top + i * 20}" width="16" height="10" fill="${c}"/><text x="${lx + 22}" y="${top + i * 20 + 10}">${escapeXml(label)}</text>`));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
