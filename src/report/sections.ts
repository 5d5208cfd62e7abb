// The sections of a run report, each an HTML fragment: loss curves, other validation metrics, gradient
// flow logged during training (grad_h_lag_*), the exact ‖∂h_T/∂h_k‖ of the saved model, gate saturation
// (gate_sat_*). A section whose data the run lacks says so and why, in place of its plot.
import { cellsOfModel } from '../diagnose/model-source.js';
import { randomSequence } from '../diagnose/input-sequence.js';
import { type GradientReport, gradientPlotSvg, gradientReport } from '../diagnose/report.js';
import { escapeXml, linePlotSvg, type PlotSeries } from '../diagnose/plot-svg.js';
import { RecurError } from '../errors.js';
import { Rng } from '../tensor/rng.js';
import { type RunFolder, fieldsWithPrefix, stepSeries } from './run-folder.js';

/** One section of the page: an id (the HTML anchor), a heading and its body (HTML). */
export interface Section {
  id: string;
  title: string;
  body: string;
  /** False when the run lacks what the section shows (the body then says why). */
  present: boolean;
}

const esc = escapeXml;
const missing = (id: string, title: string, why: string): Section => ({ id, title, body: `<p class="missing">${esc(why)}</p>`, present: false });
const figure = (svg: string, caption: string): string => `<figure>${svg}<figcaption>${esc(caption)}</figcaption></figure>`;

// Log axis when every value is positive and they span more than ~1.3 decades.
function scaleOf(series: readonly PlotSeries[]): 'log' | 'linear' {
  const ys = series.flatMap((s) => s.y.filter((v): v is number => v !== null && Number.isFinite(v)));
  if (ys.length === 0 || ys.some((v) => v <= 0)) return 'linear';
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of ys) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return hi / lo > 20 ? 'log' : 'linear';
}

/** Training loss (logging steps) and validation loss (evaluations) against step. */
export function lossSection(run: RunFolder): Section {
  const [id, title] = ['loss', 'Loss'];
  if (run.metricsProblem) return missing(id, title, `No loss curves: ${run.metricsProblem}.`);
  const series = [stepSeries(run.records.filter((r) => !('val_loss' in r)), 'loss', 'train loss'), stepSeries(run.records, 'val_loss', 'val loss')]
    .filter((s) => s.x.length > 0).map((s) => ({ label: s.name, x: s.x, y: s.y }));
  if (series.length === 0) return missing(id, title, 'No loss curves: metrics.jsonl has no loss or val_loss fields.');
  const yScale = scaleOf(series);
  const svg = linePlotSvg(series, { title: 'Loss against step', xLabel: 'step', yLabel: `loss${yScale === 'log' ? ' (log scale)' : ''}`, yScale, id: 'plot-loss' });
  return { id, title, body: figure(svg, 'train loss: mean over each logging window; val loss: the held-out/test set at each evaluation.'), present: true };
}

/** Every other val_* metric (accuracy, bpc, mse when it differs from the loss…) against step, or null. */
export function validationSection(run: RunFolder): Section | null {
  const fields = fieldsWithPrefix(run.records, 'val_').filter((f) => f !== 'val_loss'
    && run.records.some((r) => typeof r[f] === 'number' && r[f] !== r['val_loss']));
  if (fields.length === 0) return null;
  const series = fields.map((f) => stepSeries(run.records, f)).map((s) => ({ label: s.name, x: s.x, y: s.y }));
  const yScale = scaleOf(series);
  const svg = linePlotSvg(series, { title: 'Validation metrics against step', xLabel: 'step', yLabel: `value${yScale === 'log' ? ' (log scale)' : ''}`, yScale, id: 'plot-val' });
  return { id: 'validation', title: 'Validation metrics', body: figure(svg, fields.join(', ')), present: true };
}

/** grad_h_lag_k (mean ‖∂L/∂h_{T−1−k}‖₂ over the batch, at each logging step) against step, log scale. */
export function trainingFlowSection(run: RunFolder): Section {
  const [id, title] = ['gradient-flow', 'Gradient flow during training'];
  const fields = fieldsWithPrefix(run.records, 'grad_h_lag_');
  if (fields.length === 0) {
    return missing(id, title, `Not logged in this run: metrics.jsonl has no grad_h_lag_* fields${run.metricsProblem ? ` (${run.metricsProblem})` : ''}. `
      + 'Train with --grad-lags (e.g. --grad-lags 0,10,50) on a task with a recurrent layer to record them.');
  }
  const series = fields.map((f) => stepSeries(run.records, f, `lag ${f.slice('grad_h_lag_'.length)}`)).map((s) => ({ label: s.name, x: s.x, y: s.y }));
  const svg = linePlotSvg(series, { title: '‖∂L/∂h_(T−1−k)‖₂ during training', xLabel: 'step', yLabel: 'gradient norm (log scale)', yScale: 'log', id: 'plot-grad-flow' });
  return { id, title, body: figure(svg, 'Mean over the batch of the loss gradient reaching the state k steps before the last; lines far below lag 0 mean the early steps barely learn.'), present: true };
}

/** gate_sat_<gate>: share of σ gate outputs below 0.05 or above 0.95, against step. */
export function gateSection(run: RunFolder): Section {
  const [id, title] = ['gate-saturation', 'Gate saturation'];
  const fields = fieldsWithPrefix(run.records, 'gate_sat_');
  if (fields.length === 0) {
    const cell = run.model?.config['cell'];
    if (cell === 'rnn' || cell === 'rnn_tanh' || cell === 'rnn_relu') return missing(id, title, 'None: a plain RNN has no gates.');
    return missing(id, title, 'Not logged in this run: metrics.jsonl has no gate_sat_* fields (they come with --grad-lags, for GRU and LSTM layers).');
  }
  const series = fields.map((f) => stepSeries(run.records, f, f.slice('gate_sat_'.length))).map((s) => ({ label: s.name, x: s.x, y: s.y }));
  const svg = linePlotSvg(series, { title: 'Saturated gates during training', xLabel: 'step', yLabel: 'share of σ outputs < 0.05 or > 0.95', yScale: 'linear', id: 'plot-gates' });
  return { id, title, body: figure(svg, 'Per gate, the share of its sigmoid outputs that are nearly 0 or 1, over all steps, rows and units.'), present: true };
}

/** Options of the exact gradient-flow section. */
export interface ExactFlowOptions {
  /** T (default: the model's sequence length if its config has `length`, else 100). */
  steps?: number;
  /** Seed of the random N(0, 1) input (default 0, as `recur diagnose gradients`). */
  seed?: number;
}

/** The sequence length of a model's task: `length` (+ 20 for copy), or null. */
export function taskSteps(config: Record<string, unknown>): number | null {
  const L = config['length'];
  if (typeof L !== 'number' || !Number.isInteger(L) || L < 1) return null;
  return config['task'] === 'copy' ? L + 20 : L;
}

/** ‖∂h_T/∂h_k‖₂ against lag for every recurrent layer of model.safetensors (see `recur diagnose gradients`). */
export function exactFlowSection(run: RunFolder, o: ExactFlowOptions = {}): Section & { report: GradientReport | null } {
  const [id, title] = ['exact-flow', 'Exact gradient flow of the saved model'];
  const none = (why: string): Section & { report: null } => ({ ...missing(id, title, why), report: null });
  if (!run.model) return none(`No exact gradient flow: ${run.modelProblem ?? 'no model'}.`);
  let report: GradientReport;
  const T = o.steps ?? Math.min(1000, taskSteps(run.model.config) ?? 100);
  const seed = o.seed ?? 0;
  try {
    const models = cellsOfModel(run.model.tensors, run.model.config, 'model.safetensors')
      .map((c) => ({ name: c.name, source: 'model.safetensors', params: c.params, note: c.note }));
    const inputs = new Map<number, Float64Array>();
    report = gradientReport(models, [1], T, (m) => {
      let x = inputs.get(m.params.I);
      if (!x) inputs.set(m.params.I, (x = randomSequence(T, m.params.I, new Rng(seed + 1)).x));
      return x;
    }, { input: 'random', seed });
  } catch (e) {
    if (!(e instanceof RecurError)) throw e;
    return none(`No exact gradient flow for this model: ${e.message}`);
  }
  const lags = [1, 10, 25, 50, 100, 200, 500, 1000].filter((l) => l < T).concat([T]);
  const rows = report.models.map((m) => `<tr><th>${esc(m.name)} (${esc(m.cell)}, H = ${m.hidden})</th>${lags.map((l) => `<td>${m.spectral[l - 1] == null ? 'overflow' : m.spectral[l - 1]!.toExponential(2)}</td>`).join('')}</tr>`);
  const table = `<table class="flow"><tr><th>‖∂h_T/∂h_k‖₂ at lag</th>${lags.map((l) => `<th>${l}</th>`).join('')}</tr>${rows.join('')}</table>`;
  const notes = report.models.filter((m) => m.note).map((m) => `<p>${esc(m.name)} is diagnosed through its ${esc(m.note!)}.</p>`).join('');
  const caption = `Exact Jacobian products through the trained cell over T = ${T} steps of random N(0, 1) input (seed ${seed}), `
    + 'as `recur diagnose gradients` computes them; for the LSTM, the h_T-from-h_k block with c_k held fixed.';
  return { id, title, body: figure(gradientPlotSvg(report, 'plot-exact-flow'), caption) + table + notes, present: true, report };
}
