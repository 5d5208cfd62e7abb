// The gradient-flow report: every cell × W_hh scale run through `gradientFlow`, as the JSON object that
// `recur diagnose gradients` writes (gradients.json) and its plot (gradients.svg), written atomically.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { type CellParams, cellName, scaleRecurrent } from './cell-params.js';
import { gradientFlow } from './gradient-flow.js';
import { linePlotSvg } from './plot-svg.js';

/** A cell to diagnose: its name in the report, where it came from ('init' or a file), why it is a part. */
export interface DiagnosisModel {
  name: string;
  source: string;
  params: CellParams;
  note: string | null;
}

/** One line of the plot: a model at one W_hh scale. Norm arrays are indexed like `lag` (1…T). */
export interface GradientEntry {
  name: string;
  source: string;
  /** rnn, rnn_relu, gru, gru_reset_before or lstm. */
  cell: string;
  hidden: number;
  input_size: number;
  steps: number;
  /** Factor W_hh was multiplied by (1 = as built or trained). */
  scale: number;
  /** Which part of a stack this is (first layer, forward direction), or null. */
  note: string | null;
  lag: number[];
  /** ‖∂h_T/∂h_k‖₂ at lag T − k; for the LSTM with c_k held fixed. JSON null = beyond float64 (> 1.8e308). */
  spectral: (number | null)[];
  /** ‖∂h_T/∂h_k‖_F. */
  frobenius: (number | null)[];
  /** LSTM only: ‖∂s_T/∂s_k‖₂ and ‖·‖_F of the full state s = (h, c), a 2H×2H matrix. */
  state_spectral?: (number | null)[];
  state_frobenius?: (number | null)[];
}

/** What gradients.json holds. */
export interface GradientReport {
  diagnostic: 'gradients';
  /** What the norms are of, in words. */
  quantity: string;
  steps: number;
  /** 'random' (N(0, 1) from the seed) or the input file's path. */
  input: string;
  seed: number;
  models: GradientEntry[];
}

const QUANTITY = 'norms of dh_T/dh_k (exact Jacobian products through the cell, float64) for lag = T - k = 1..T; '
  + 'LSTM: spectral/frobenius are the h_T-from-h_k block (c_k fixed), state_* the full (h, c) Jacobian';

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Runs every model at every W_hh scale on its input x [T, I] (`inputFor` gives each model's; models of
 * equal I should share one) and collects the report. Entry names get ' ×s' when `scales` is not [1].
 */
export function gradientReport(models: readonly DiagnosisModel[], scales: readonly number[], T: number,
  inputFor: (m: DiagnosisModel) => Float64Array, meta: { input: string; seed: number }): GradientReport {
  const entries: GradientEntry[] = [];
  const sweep = !(scales.length === 1 && scales[0] === 1);
  for (const m of models) {
    const x = inputFor(m);
    for (const s of scales) {
      const p = s === 1 ? m.params : scaleRecurrent(m.params, s);
      const flow = gradientFlow(p, x, T);
      const e: GradientEntry = {
        name: sweep ? `${m.name} ×${s}` : m.name, source: m.source, cell: cellName(p.kind), hidden: p.H, input_size: p.I,
        steps: T, scale: s, note: m.note, lag: flow.lag, spectral: flow.spectral.map(finiteOrNull), frobenius: flow.frobenius.map(finiteOrNull),
      };
      if (flow.state) {
        e.state_spectral = flow.state.spectral.map(finiteOrNull);
        e.state_frobenius = flow.state.frobenius.map(finiteOrNull);
      }
      entries.push(e);
    }
  }
  return { diagnostic: 'gradients', quantity: QUANTITY, steps: T, input: meta.input, seed: meta.seed, models: entries };
}

/** The report's plot: ‖∂h_T/∂h_k‖₂ against lag on a log axis, one line per entry. */
export function gradientPlotSvg(report: GradientReport, id = 'gradients'): string {
  return linePlotSvg(report.models.map((e) => ({ label: e.name, x: e.lag, y: e.spectral })), {
    title: `Gradient flow: ‖∂h_T/∂h_k‖₂ against lag, T = ${report.steps}`,
    xLabel: 'lag T − k (steps)', yLabel: '‖∂h_T/∂h_k‖₂ (log scale)', yScale: 'log', id,
  });
}

/** Creates `dir` (and its parents) unless it exists; ConfigError when something else is in the way. */
export function ensureFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new ConfigError(`--out ${dir}: expected a folder to write into, got ${code === 'EEXIST' || code === 'ENOTDIR' ? 'a file in the way' : (e as Error).message}`,
      'give a new or existing folder; gradients.json and gradients.svg are written inside it');
  }
}

/**
 * Writes DIR/gradients.json and DIR/gradients.svg (each atomically: temporary file, fsync, rename),
 * creating DIR if needed. Returns the two paths. Throws ConfigError when DIR cannot be a folder and
 * CheckpointError when a file cannot be written.
 */
export function writeGradientReport(dir: string, report: GradientReport): { json: string; svg: string } {
  ensureFolder(dir);
  const json = join(dir, 'gradients.json');
  const svg = join(dir, 'gradients.svg');
  writeFileAtomic(json, new TextEncoder().encode(`${JSON.stringify(report)}\n`));
  writeFileAtomic(svg, new TextEncoder().encode(gradientPlotSvg(report)));
  return { json, svg };
}
