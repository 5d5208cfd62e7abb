// `recur forecast MODEL --csv FILE`: forecasts H steps after the end of each series in the CSV with a model
// from `recur train timeseries` (mean, 80 % and 95 % intervals), as CSV, JSON or an SVG plot.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadModelFile, loadWeightsInto } from '../io/model-file.js';
import { readCsv } from '../tasks/timeseries/csv.js';
import { resolveCsv } from '../tasks/timeseries/data.js';
import { forecast } from '../tasks/timeseries/forecast.js';
import { expectHistory, prepareSeries } from '../tasks/timeseries/inputs.js';
import { forecastSvg } from '../tasks/timeseries/plot.js';
import { seriesFromTable } from '../tasks/timeseries/series.js';
import { modelFromSpec } from '../tasks/timeseries/task.js';
import { formatTime } from '../tasks/timeseries/time.js';
import { Rng } from '../tensor/rng.js';
import { int, usage } from './args.js';
import type { Io } from './io.js';
import { modelPath } from './model-arg.js';

export const forecastHelp = `usage: recur forecast MODEL --csv FILE [--horizon H] [--out FILE.csv] [--plot FILE.svg] [--json]

Forecasts the H steps after the last row of each series in FILE with a model from \`recur train timeseries\`
(MODEL: its model.safetensors or run folder). FILE needs the columns the model was trained on (target,
time, features, group); it is the history the forecast starts from (the whole history is read; the model
looks at its last W values). Series the model was not trained on are scaled by their own first 80 %.
  --csv FILE         the history (a path, vega:NAME or us-births, as for recur train timeseries)
  --horizon H        steps to forecast (default: the model's horizon)
  --out FILE.csv     write the forecast as CSV (default: print it)
  --plot FILE.svg    draw the last 4·H (at least 60) values, the forecast and its 80 % / 95 % intervals
                     (the first series, or --series KEY)
  --series KEY       the group value to plot
  --json             print JSON instead of CSV
  --samples N        sample paths for the intervals of steps 2…H (default 200)
  --seed N           seed of the sample paths (default 1)
  --skip-bad         leave out rows with missing or non-numeric cells, or a repeated date's later rows (counted on stderr)
The point forecast feeds each step's predicted mean back as the next input; the intervals come from sample
paths that feed draws back, so they widen as errors compound, then stretched by the per-horizon calibration
stored in the model (split conformal on the training run's validation spans; beyond its horizons, the last).`;

export function forecastCommand(argv: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
    csv: { type: 'string' }, horizon: { type: 'string' }, out: { type: 'string' }, plot: { type: 'string' }, series: { type: 'string' },
    json: { type: 'boolean', default: false }, samples: { type: 'string', default: '200' }, seed: { type: 'string', default: '1' },
    'skip-bad': { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
  } });
  if (values.help) { io.out(forecastHelp); return 0; }
  const file = loadModelFile(modelPath(positionals[0] ?? usage('forecast MODEL --csv FILE')));
  const { model, spec } = modelFromSpec(file.config);
  loadWeightsInto(model, file.tensors);
  model.eval();
  if (values.csv === undefined) usage('forecast MODEL --csv FILE');
  const H = values.horizon !== undefined ? int('horizon', values.horizon, 1, 10_000) : spec.horizon;
  const c = spec.columns;
  const { series, skipped } = seriesFromTable(readCsv(resolveCsv(values.csv)), {
    target: c.target, time: c.time, features: c.features, ...(c.group !== null ? { group: c.group } : {}) }, values['skip-bad']);
  if (skipped > 0) io.err(`skipped ${skipped} rows (missing or non-numeric cells, repeated dates)`);
  for (const s of series) expectHistory(s.values.length, spec, `--csv${s.key ? ` series '${s.key}'` : ''}`);
  const prepared = series.map((s) => prepareSeries(s, spec, H, true));
  const fc = forecast(model, spec, prepared.map((s) => ({ s, origin: s.n - 1 })), H,
    { samples: int('samples', values.samples, 0), rng: new Rng(int('seed', values.seed, 0, 2 ** 32 - 1)) });
  const stamp = (ms: number): string => (c.time.length > 0 ? formatTime(ms) : String(ms));
  const rows = prepared.flatMap((s, i) => Array.from({ length: H }, (_, h) => {
    const f = fc[i]!;
    return { ...(c.group !== null ? { [c.group]: s.key } : {}), [c.time.length > 0 ? c.time.join('_') : 'step']: stamp(s.times[s.n + h]!),
      mean: f.mean[h]!, lo80: f.lo80[h]!, hi80: f.hi80[h]!, lo95: f.lo95[h]!, hi95: f.hi95[h]! };
  }));
  const fmt = (v: unknown): string => (typeof v === 'number' ? String(+v.toPrecision(7)) : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const text = values.json
    ? JSON.stringify({ target: c.target, horizon: H, forecasts: rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? +v.toPrecision(7) : v]))) })
    : [Object.keys(rows[0] ?? {}).join(','), ...rows.map((r) => Object.values(r).map(fmt).join(','))].join('\n');
  if (values.out !== undefined) { writeFileSync(values.out, `${text}\n`); io.err(`wrote ${rows.length} forecast rows to ${values.out}`); } else io.out(text);
  if (values.plot !== undefined) {
    const k = values.series !== undefined ? prepared.findIndex((s) => s.key === values.series) : 0;
    if (k < 0) usage(`forecast: --series ${values.series} is not a group in the CSV (${prepared.map((s) => s.key).join(', ')})`);
    const s = prepared[k]!;
    const f = fc[k]!;
    const show = Math.min(s.n, Math.max(60, 4 * H));
    const ys = series[k]!.values;
    writeFileSync(values.plot, forecastSvg({
      title: `${c.target}${s.key ? ` (${s.key})` : ''}: ${H}-step forecast`,
      history: Array.from({ length: show }, (_, i) => ({ t: i - show + 1, y: ys[s.n - show + i]! })),
      forecast: Array.from({ length: H }, (_, h) => ({ t: h + 1, mean: f.mean[h]!, lo80: f.lo80[h]!, hi80: f.hi80[h]!, lo95: f.lo95[h]!, hi95: f.hi95[h]! })),
      time: c.time.length > 0 ? (t: number) => s.times[s.n - 1 + t]! : null, // the observed stamps, then the future ones
    }));
    io.err(`wrote ${values.plot}`);
  }
  return 0;
}
