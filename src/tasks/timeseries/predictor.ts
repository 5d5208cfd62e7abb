// A streaming forecaster for live data: feed one observation at a time, get the next step's forecast.
// It keeps the recent history the model reads (its window W, the highway lags and the anchor) and re-reads
// that window for each forecast — the model was trained on windows of W steps, so its forecast from the
// last W observations is exactly what batch forecasting (and the test metrics) compute.
import { DataError } from '../../errors.js';
import { Rng } from '../../tensor/rng.js';
import { type Forecast, forecast } from './forecast.js';
import { ANCHOR_SPAN, type TimeSeriesSpec, expectHistory, fitSeriesScaling, prepareSeries } from './inputs.js';
import type { TimeSeriesModel } from './model.js';
import type { Series } from './series.js';
import { formatTime } from './time.js';

/** The next step's forecast: the mean path value and the 80 % / 95 % intervals, in the series' units. */
export interface NextForecast {
  /** Time stamp of the forecast step (ms), or its index without a time column. */
  time: number;
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

/**
 * Stateful one-step-ahead forecasting. The series' scaling is the model's stored one for `key`, else fitted
 * once on the first 80 % of the initial `history` (as in training) and then kept fixed.
 * @example
 * const p = new StreamingPredictor(model, spec, { values: past, times: pastTimes, features: [] });
 * const next = p.observe(12.5, Date.UTC(2016, 0, 1)); // forecast for 2016-01-02 with intervals
 */
export class StreamingPredictor {
  private values: number[];
  private times: number[];
  private features: number[][];
  private readonly spec: TimeSeriesSpec;
  private readonly keep: number;
  private readonly keyName: string;
  private index: number;

  constructor(readonly model: TimeSeriesModel, spec: TimeSeriesSpec, history: Pick<Series, 'values' | 'times' | 'features'> & { key?: string }) {
    const key = history.key ?? '';
    expectHistory(history.values.length, spec, 'StreamingPredictor history');
    // a 'cycle' alone reads index stamps, as in training without a time column
    if (spec.calendar.some((k) => k !== 'cycle') && !history.times) throw new DataError('StreamingPredictor history: expected time stamps (the model reads calendar features), got none');
    const scaling = spec.scaling[key] ?? fitSeriesScaling({ key, values: Float64Array.from(history.values), times: null, features: history.features.map((f) => Float64Array.from(f)) }, Math.max(2, Math.round(0.8 * history.values.length)), spec.transform);
    this.spec = { ...spec, scaling: { [key]: scaling } };
    this.keyName = key;
    this.values = Array.from(history.values);
    this.times = history.times ? Array.from(history.times) : this.values.map((_, i) => i);
    const back = this.times.findIndex((t, i) => i > 0 && !(t > this.times[i - 1]!));
    if (back > 0) {
      throw new DataError(`StreamingPredictor history: expected increasing time stamps, got ${formatTime(this.times[back]!)} at index ${back} after ${formatTime(this.times[back - 1]!)}`,
        'sort the history by time and keep one observation per step');
    }
    this.features = history.features.map((f) => Array.from(f));
    if (this.features.length !== spec.columns.features.length) throw new DataError(`StreamingPredictor history: expected ${spec.columns.features.length} feature columns, got ${this.features.length}`);
    this.keep = spec.window + Math.max(spec.lags, ANCHOR_SPAN) + 2;
    this.index = this.values.length;
    this.trim();
  }

  private trim(): void {
    const extra = this.values.length - this.keep;
    if (extra > 0) {
      this.values = this.values.slice(extra);
      this.times = this.times.slice(extra);
      this.features = this.features.map((f) => f.slice(extra));
    }
  }

  /** Adds the observation of the next step (with its time stamp and feature values) and forecasts the step after it. */
  observe(value: number, time?: number, features: readonly number[] = []): NextForecast {
    if (!Number.isFinite(value)) throw new DataError(`observe(value): expected a finite number, got ${value}`);
    if (features.length !== this.features.length) throw new DataError(`observe(features): expected ${this.features.length} values, got ${features.length}`);
    if (this.spec.calendar.length > 0 && time === undefined) throw new DataError('observe(time): expected a time stamp (the model reads calendar features), got none');
    const last = this.times[this.times.length - 1]!;
    if (time !== undefined && !(time > last)) {
      throw new DataError(`observe(time): expected a time after the last observation's (${formatTime(last)}), got ${formatTime(time)}`, 'observe each step once, in order');
    }
    this.values.push(value);
    this.times.push(time ?? this.index);
    this.index++;
    features.forEach((v, f) => this.features[f]!.push(v));
    this.trim();
    return this.next();
  }

  /** The forecast for the step after the last observation. */
  next(): NextForecast {
    const f = this.forecast(1, 0)[0]!;
    return { time: f.time, mean: f.mean, lo80: f.lo80, hi80: f.hi80, lo95: f.lo95, hi95: f.hi95 };
  }

  /** H steps from the last observation (intervals of steps ≥ 2 from `samples` sample paths). */
  forecast(H: number, samples = 200, rng = new Rng(1)): (NextForecast & { sigma: number })[] {
    const s = prepareSeries({ key: this.keyName, values: Float64Array.from(this.values), times: Float64Array.from(this.times),
      features: this.features.map((f) => Float64Array.from(f)) }, this.spec, H);
    const fc: Forecast = forecast(this.model, this.spec, [{ s, origin: s.n - 1 }], H, { samples, rng })[0]!;
    return Array.from({ length: H }, (_, h) => ({ time: s.times[s.n + h]!, mean: fc.mean[h]!, lo80: fc.lo80[h]!, hi80: fc.hi80[h]!, lo95: fc.lo95[h]!, hi95: fc.hi95[h]!, sigma: fc.sigma[h]! }));
  }
}
