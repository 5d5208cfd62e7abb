// The time-series training task for the shared trainer: minibatches of random windows from the training
// spans (teacher forcing: the true previous value is the input), Gaussian NLL on every step; evaluation by
// one-step forecasts over a validation span (the last 10 % of each training span, never trained on).
// The test span (last 20 %) is never touched here.
import { CheckpointError, ConfigError, DataError } from '../../errors.js';
import type { Rng } from '../../tensor/rng.js';
import { Tensor } from '../../tensor/tensor.js';
import type { TaskState, TrainTask } from '../../train/task.js';
import { Rng as SeededRng } from '../../tensor/rng.js';
import { forecast } from './forecast.js';
import { gaussianNll } from './gaussian.js';
import { type PreparedSeries, type TimeSeriesSpec, calendarSize, fromModelUnits, inputSize, windowBatch } from './inputs.js';
import { ErrorAccumulator, naiveScale } from './metrics.js';
import { TimeSeriesModel } from './model.js';
import { testStart } from './series.js';
import type { CalendarKind } from './time.js';

/** Where the spans of one series start: training [0, valStart), validation [valStart, testStart), test after. */
export interface Spans {
  valStart: number;
  testStart: number;
}

/** Spans of a series of n values: test = last 20 %, validation = last 10 % of what is left (at least 1). */
export function spansOf(n: number): Spans {
  const ts = testStart(n);
  return { valStart: ts - Math.max(1, Math.round(0.1 * ts)), testStart: ts };
}

export interface TimeSeriesTaskOptions {
  model: TimeSeriesModel;
  spec: TimeSeriesSpec;
  /** Every series in model units (scaled by its training span). */
  series: readonly PreparedSeries[];
  /** B: windows per minibatch. */
  batch: number;
  /** λ of the penalty on the recurrent mean offset (see `gaussianNll`; default 0). */
  shrink?: number;
}

/**
 * Forecasting as a `TrainTask`. Each step draws B windows (a series with probability proportional to its
 * number of windows, then a uniform start) of W consecutive targets that all lie before the series'
 * validation span, and returns the mean Gaussian NLL of the W·B one-step predictions (count W·B).
 * `evaluate()` scores rolling-origin forecasts over the validation spans (see there).
 * @example
 * const task = new TimeSeriesTask({ model, spec, series, batch: 32 });
 * const { loss } = task.trainStep(rng); loss.backward();
 */
export class TimeSeriesTask implements TrainTask {
  readonly name = 'timeseries';
  readonly unit = 'points';
  readonly model: TimeSeriesModel;
  readonly spec: TimeSeriesSpec;
  readonly series: readonly PreparedSeries[];
  readonly batch: number;
  readonly shrink: number;
  private readonly spans: Spans[];
  private readonly starts: number[];

  constructor(o: TimeSeriesTaskOptions) {
    this.model = o.model;
    this.spec = o.spec;
    this.series = o.series;
    this.batch = o.batch;
    this.shrink = o.shrink ?? 0;
    if (o.model.options.inputSize !== inputSize(o.spec) || o.model.options.lags + o.model.options.exo !== o.spec.lags + calendarSize(o.spec)) {
      throw new ConfigError('TimeSeriesTask: the model sizes do not fit the spec', 'build the model from the spec (modelFromSpec)');
    }
    this.spans = o.series.map((s) => spansOf(s.n));
    // Window starts t ∈ [1, valStart − W]: targets t … t+W−1 all before the validation span.
    this.starts = this.spans.map((sp) => Math.max(0, sp.valStart - o.spec.window));
    this.spans.forEach((sp, i) => {
      if (sp.valStart - o.spec.window < 1) {
        const s = o.series[i]!;
        throw new DataError(`series${s.key ? ` '${s.key}'` : ''}: expected more than --window ${o.spec.window} training values before the validation span, got ${sp.valStart}`,
          `use --window ${Math.max(2, sp.valStart - 1)} or less`);
      }
    });
  }

  trainStep(rng: Rng): { loss: Tensor; count: number } {
    const W = this.spec.window;
    const total = this.starts.reduce((a, b) => a + b, 0);
    const items: { s: PreparedSeries; t: number }[] = [];
    for (let b = 0; b < this.batch; b++) {
      let r = rng.int(total);
      let i = 0;
      while (r >= this.starts[i]!) r -= this.starts[i++]!;
      items.push({ s: this.series[i]!, t: 1 + r });
    }
    const B = items.length;
    const { x, a, y } = windowBatch(items, this.spec, W);
    const out = this.model.forward(Tensor.from(x, [W, B, inputSize(this.spec)]), Tensor.from(a, [W, B, this.spec.lags + calendarSize(this.spec)]));
    return { loss: gaussianNll(out.head, out.highway, y, this.shrink), count: W * B };
  }

  /**
   * Rolling-origin forecasts over the validation spans (mean path, H = spec.horizon): `loss` is the mean of
   * the MASE at horizon 1 and at H, what the model is judged on, so the trainer keeps the model that
   * forecasts best rather than the one with the best one-step likelihood; `nll` is the one-step Gaussian
   * NLL (scaled units), `mase1`, `maseH`, and `coverage80` of the one-step 80 % interval.
   */
  evaluate(): Record<string, number> & { loss: number } {
    const H = this.spec.horizon;
    const tr = this.spec.transform;
    const reqs = this.series.flatMap((s, i) => {
      const sp = this.spans[i]!;
      const first = Math.max(0, sp.valStart - H);
      return Array.from({ length: sp.testStart - 1 - first }, (_, k) => ({ s, i, origin: first + k }));
    });
    const scales = this.series.map((s, i) => naiveScale(Float64Array.from(s.z.subarray(0, this.spans[i]!.valStart), (v) => fromModelUnits(s, v, tr)), this.spans[i]!.valStart));
    const fc = forecast(this.model, this.spec, reqs, H, { samples: 0, rng: new SeededRng(0) });
    const one = new ErrorAccumulator();
    const far = new ErrorAccumulator();
    let nll = 0;
    reqs.forEach(({ s, i, origin }, k) => {
      const sp = this.spans[i]!;
      const f = fc[k]!;
      const at = (h: number): number => origin + h;
      if (at(1) >= sp.valStart && at(1) < sp.testStart) {
        const zs = (s.z[at(1)]! - f.zMean[0]!) / f.zSigma[0]!;
        nll += Math.log(f.zSigma[0]!) + 0.5 * zs * zs + 0.5 * Math.log(2 * Math.PI);
        const y = fromModelUnits(s, s.z[at(1)]!, tr);
        one.addPoints([y], [f.mean[0]!], scales[i]!);
        one.addInterval(0.8, [y], [f.lo80[0]!], [f.hi80[0]!]);
      }
      if (at(H) >= sp.valStart && at(H) < sp.testStart) far.addPoints([fromModelUnits(s, s.z[at(H)]!, tr)], [f.mean[H - 1]!], scales[i]!);
    });
    const m1 = one.point().mase;
    const mH = far.point().mase;
    return { loss: (m1 + mH) / 2, nll: nll / Math.max(1, one.count), mase1: m1, maseH: mH, coverage80: one.coverage(0.8) };
  }

  saveState(): TaskState {
    return { json: { windows: 'random' }, tensors: new Map() };
  }

  loadState(state: TaskState): void {
    if (state.json['windows'] !== 'random') throw new CheckpointError(`timeseries task state: expected { windows: 'random' }, got ${JSON.stringify(state.json)}`);
  }

  stepsPerEpoch(): number {
    const targets = this.spans.reduce((s, sp) => s + sp.valStart - 1, 0);
    return Math.max(1, Math.ceil(targets / (this.batch * this.spec.window)));
  }

  modelConfig(): Record<string, unknown> {
    return { ...this.spec };
  }
}

const KINDS: readonly unknown[] = ['day', 'week', 'year', 'cycle'] satisfies CalendarKind[];

/** Rebuilds a model (untrained) from a stored spec; load the weights into it afterwards. */
export function modelFromSpec(config: Record<string, unknown>): { model: TimeSeriesModel; spec: TimeSeriesSpec } {
  if (config['task'] !== 'timeseries' || typeof config['model'] !== 'object') {
    throw new CheckpointError(`model config: expected a timeseries model (task 'timeseries'), got task '${String(config['task'])}'`, 'train one with recur train timeseries');
  }
  const spec = config as unknown as TimeSeriesSpec;
  const cal = spec.calibration as unknown;
  const multipliers = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.every((m) => typeof m === 'number' && Number.isFinite(m) && m >= 0);
  if (cal !== undefined && !(typeof cal === 'object' && cal !== null && multipliers((cal as Record<string, unknown>)['level80']) && multipliers((cal as Record<string, unknown>)['level95']))) {
    throw new CheckpointError(`model config calibration: expected { level80, level95 } with a finite multiplier ≥ 0 per horizon, got ${JSON.stringify(cal)}`, 'retrain with recur train timeseries');
  }
  const vol = spec.volatility as unknown;
  if (vol !== undefined && !(typeof vol === 'object' && vol !== null && typeof (vol as Record<string, unknown>)['halfLife'] === 'number' && (vol as { halfLife: number }).halfLife > 0)) {
    throw new CheckpointError(`model config volatility: expected { halfLife } with a half-life > 0, got ${JSON.stringify(vol)}`, 'retrain with recur train timeseries');
  }
  const tr = spec.trend as unknown;
  const finite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
  if (tr !== undefined && !(typeof tr === 'object' && tr !== null && finite((tr as Record<string, unknown>)['origin']) &&
    finite((tr as Record<string, unknown>)['unit']) && (tr as { unit: number }).unit > 0)) {
    throw new CheckpointError(`model config trend: expected { origin, unit } with finite numbers and unit > 0, got ${JSON.stringify(tr)}`, 'retrain with recur train timeseries');
  }
  const hs = spec.harmonics as unknown;
  if (hs !== undefined && !(typeof hs === 'object' && hs !== null && Object.entries(hs).every(([k, v]) => KINDS.includes(k) && Number.isInteger(v) && v >= 1 && v <= 6))) {
    throw new CheckpointError(`model config harmonics: expected { day, week, year, cycle } integers 1 … 6, got ${JSON.stringify(hs)}`, 'retrain with recur train timeseries');
  }
  const kinds = spec.calendar as unknown;
  if (!(Array.isArray(kinds) && kinds.every((k) => KINDS.includes(k)) && Array.isArray(spec.rnnCalendar) && spec.rnnCalendar.every((k) => kinds.includes(k)))) {
    throw new CheckpointError(`model config calendar: expected kinds of ${KINDS.join(', ')} (rnnCalendar among them), got ${JSON.stringify(kinds)} and ${JSON.stringify(spec.rnnCalendar)}`, 'retrain with recur train timeseries');
  }
  const alt = spec.alternating as unknown;
  if (alt !== undefined && !(Array.isArray(alt) && alt.every((k) => kinds.includes(k)))) {
    throw new CheckpointError(`model config alternating: expected calendar kinds of the model (${kinds.join(', ')}), got ${JSON.stringify(alt)}`, 'retrain with recur train timeseries');
  }
  if (kinds.includes('cycle') && !(Number.isInteger(spec.period) && spec.period! >= 3)) {
    throw new CheckpointError(`model config period: expected an integer ≥ 3 for the 'cycle' calendar, got ${JSON.stringify(spec.period)}`, 'retrain with recur train timeseries');
  }
  const transforms: readonly unknown[] = ['none', 'log', 'log1p'];
  if (!transforms.includes(spec.transform)) {
    throw new CheckpointError(`model config transform: expected 'none', 'log' or 'log1p', got ${JSON.stringify(spec.transform)}`, 'retrain with recur train timeseries');
  }
  const badShift = spec.transform === 'log1p' ? Object.entries(spec.scaling ?? {}).find(([, sc]) => !(finite(sc?.target?.shift) && sc.target.shift! > 0)) : undefined;
  if (badShift) {
    throw new CheckpointError(`model config scaling '${badShift[0]}': expected log1p's shift c > 0, got ${JSON.stringify(badShift[1]?.target?.shift)}`, 'retrain with recur train timeseries');
  }
  return { model: new TimeSeriesModel(spec.model), spec };
}
