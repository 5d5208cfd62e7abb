// A self-contained SVG line plot (no scripts, no fonts to fetch, no network): axes with ticks and labels,
// a linear or log10 y axis, one line per series, a legend. Used by `recur diagnose gradients` for norm
// against lag and meant for the run report's curves too.

/** One line: y[i] at x[i]; null, non-finite (and, on a log axis, non-positive) values leave a gap. */
export interface PlotSeries {
  label: string;
  x: readonly number[];
  y: readonly (number | null)[];
}

/** Layout and labels; sizes are in SVG pixels. */
export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** 'log' (default) for a base-10 log axis with a tick per decade, or 'linear'. */
  yScale?: 'log' | 'linear';
  /** Default 720. */
  width?: number;
  /** Default 440. */
  height?: number;
  /** Prefix of the SVG's element ids, unique per plot when several share one HTML page (default 'plot'). */
  id?: string;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const DASHES = ['', '6 3', '2 2', '8 3 2 3'];

/** Escapes text for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Round tick values 1, 2 or 5 × 10^k apart covering [lo, hi] with about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('-', '−');
  return String(Number(v.toPrecision(6))).replace('-', '−');
}

// [min, max] without spreading (long series would overflow the argument list)
function extent(v: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of v) {
    if (a < lo) lo = a;
    if (a > hi) hi = a;
  }
  return [lo, hi];
}

const px = (v: number): string => (Math.round(v * 100) / 100).toString();

/**
 * An SVG document of the series as lines over shared axes. The y axis is log10 by default: ticks at each
 * power of ten (every k-th when the range spans many decades) labelled 10^k; the range snaps outwards to
 * whole decades. x ticks are round numbers. Labels are XML-escaped; the result parses as XML.
 *
 * @example
 * writeFileSync('flow.svg', linePlotSvg([{ label: 'rnn', x: [1, 2, 3], y: [0.5, 0.2, 0.05] }],
 *   { title: 'gradient flow', xLabel: 'lag', yLabel: 'norm' }));
 */
export function linePlotSvg(series: readonly PlotSeries[], options: PlotOptions = {}): string {
  const W = options.width ?? 720;
  const Hgt = options.height ?? 440;
  const log = (options.yScale ?? 'log') === 'log';
  const usable = (v: number | null): v is number => v !== null && Number.isFinite(v) && (!log || v > 0);
  const xs = series.flatMap((s) => s.x.filter((v) => Number.isFinite(v)));
  const ys = series.flatMap((s) => s.y.filter(usable)).map((v) => (log ? Math.log10(v) : v));
  let [x0, x1] = xs.length ? extent(xs) : [0, 1];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  let [y0, y1] = ys.length ? extent(ys) : log ? [-1, 1] : [0, 1];
  if (log) [y0, y1] = [Math.floor(y0), Math.ceil(y1)];
  if (y1 === y0) [y0, y1] = log ? [y0 - 1, y1 + 1] : [y0 - Math.max(1, Math.abs(y0)) * 0.5, y1 + Math.max(1, Math.abs(y1)) * 0.5];
  const legendW = series.length ? 36 + 7 * Math.max(...series.map((s) => s.label.length)) : 0;
  const left = 78;
  const right = 16 + legendW;
  const top = options.title ? 40 : 16;
  const bottom = 52;
  const pw = Math.max(50, W - left - right);
  const ph = Math.max(50, Hgt - top - bottom);
  const sx = (v: number): number => left + ((v - x0) / (x1 - x0)) * pw;
  const sy = (v: number): number => top + ph - ((v - y0) / (y1 - y0)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${Hgt}" viewBox="0 0 ${W} ${Hgt}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${W}" height="${Hgt}" fill="#ffffff"/>`);
  if (options.title) out.push(`<text x="${px(left + pw / 2)}" y="24" text-anchor="middle" font-size="15">${escapeXml(options.title)}</text>`);
  // grid and ticks
  out.push('<g class="axes" stroke="#000000" fill="none">');
  out.push(`<path d="M${px(left)} ${px(top)} V${px(top + ph)} H${px(left + pw)}"/>`);
  out.push('</g>');
  const yt: string[] = [];
  if (log) {
    // label every decade, or every 2nd, 5th, 10th, … so that about ten labels remain
    const every = [1, 2, 5, 10, 20, 50, 100, 200, 500].find((e) => (y1 - y0) / e <= 10) ?? 1000;
    for (let k = y0; k <= y1; k++) {
      const y = sy(k);
      const labelled = k % every === 0;
      yt.push(`<path d="M${px(left - (labelled ? 6 : 3))} ${px(y)} H${px(left)}" stroke="#000000"/>`);
      if (labelled) {
        yt.push(`<path d="M${px(left)} ${px(y)} H${px(left + pw)}" stroke="#e6e6e6"/>`);
        yt.push(`<text x="${px(left - 8)}" y="${px(y + 4)}" text-anchor="end">10<tspan dy="-6" font-size="9">${String(k).replace('-', '−')}</tspan></text>`);
      }
    }
  } else {
    for (const v of niceTicks(y0, y1)) {
      const y = sy(v);
      yt.push(`<path d="M${px(left)} ${px(y)} H${px(left + pw)}" stroke="#e6e6e6"/>`);
      yt.push(`<path d="M${px(left - 5)} ${px(y)} H${px(left)}" stroke="#000000"/>`);
      yt.push(`<text x="${px(left - 8)}" y="${px(y + 4)}" text-anchor="end">${fmt(v)}</text>`);
    }
  }
  out.push(`<g class="y-ticks">${yt.join('')}</g>`);
  const xt: string[] = [];
  for (const v of niceTicks(x0, x1)) {
    const x = sx(v);
    xt.push(`<path d="M${px(x)} ${px(top + ph)} V${px(top + ph + 5)}" stroke="#000000"/>`);
    xt.push(`<text x="${px(x)}" y="${px(top + ph + 19)}" text-anchor="middle">${fmt(v)}</text>`);
  }
  out.push(`<g class="x-ticks">${xt.join('')}</g>`);
  if (options.xLabel) out.push(`<text class="x-label" x="${px(left + pw / 2)}" y="${px(Hgt - 12)}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel) {
    out.push(`<text class="y-label" x="0" y="0" transform="translate(18 ${px(top + ph / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  }
  // lines, clipped to the plot area
  const clipId = `${escapeXml(options.id ?? 'plot')}-area`;
  out.push(`<clipPath id="${clipId}"><rect x="${px(left)}" y="${px(top)}" width="${px(pw)}" height="${px(ph)}"/></clipPath>`);
  out.push(`<g class="series" clip-path="url(#${clipId})" fill="none" stroke-width="1.8" stroke-linejoin="round">`);
  series.forEach((s, i) => {
    let d = '';
    let pen = false;
    for (let k = 0; k < s.x.length; k++) {
      const yv = s.y[k] ?? null;
      const xv = s.x[k]!;
      if (!usable(yv) || !Number.isFinite(xv)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${px(sx(xv))} ${px(sy(log ? Math.log10(yv) : yv))}`;
      pen = true;
    }
    const dash = DASHES[Math.floor(i / COLOURS.length) % DASHES.length]!;
    out.push(`<path class="line" data-label="${escapeXml(s.label)}" d="${d || `M${px(left)} ${px(top)}`}" stroke="${COLOURS[i % COLOURS.length]}"${dash ? ` stroke-dasharray="${dash}"` : ''}${d ? '' : ' stroke-opacity="0"'}><title>${escapeXml(s.label)}</title></path>`);
  });
  out.push('</g>');
  if (series.length) {
    const lx = left + pw + 14;
    const items = series.map((s, i) => {
      const y = top + 8 + i * 18;
      const dash = DASHES[Math.floor(i / COLOURS.length) % DASHES.length]!;
      return `<path d="M${px(lx)} ${px(y)} H${px(lx + 22)}" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`
        + `<text x="${px(lx + 28)}" y="${px(y + 4)}">${escapeXml(s.label)}</text>`;
    });
    out.push(`<g class="legend">${items.join('')}</g>`);
  }
  if (!ys.length) out.push(`<text x="${px(left + pw / 2)}" y="${px(top + ph / 2)}" text-anchor="middle" fill="#7f7f7f">no data to plot</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
