// Test-span evaluation by rolling origin, for the model and the baselines alike: for horizon h and every
// test point y_j (the last 20 % of each series), the forecast made at origin j − h from the true history
// y_0 … y_{j−h}. Point metrics pool all series (MASE scales each point by its own series' naive error).
import type { Rng } from '../../tensor/rng.js';
import { type PointForecaster, arForecaster, fitAR, meanForecaster, naiveForecaster, rollingForecasts, seasonalNaiveForecaster, selectArOrder } from './baselines.js';
import { type ForecastRequest, forecast } from './forecast.js';
import type { PreparedSeries, TimeSeriesSpec } from './inputs.js';
import { ErrorAccumulator, type PointMetrics, naiveScale, rounded } from './metrics.js';
import type { TimeSeriesModel } from './model.js';
import { type Series, testStart } from './series.js';

/** The model's metrics at one horizon. */
export interface ModelMetrics extends PointMetrics {
  coverage80: number;
  coverage95: number;
}

/** What `recur train timeseries --json` reports for the test span. */
export interface TestReport {
  /** Horizon h (as a string key) → the model's metrics. */
  horizons: Record<string, ModelMetrics>;
  /** Baseline name → horizon → point metrics (naive, seasonal_naive when a period is known, ar, mean). */
  baselines: Record<string, Record<string, PointMetrics>>;
  test_points: number;
  period: number | null;
  /** AR order (BIC) of the AR baseline, per series. */
  ar_order: Record<string, number>;
}

/** The baselines of one series (fitted on its training span only). */
export function baselinesFor(values: Float64Array, end: number, period: number | null): { forecasters: Record<string, PointForecaster>; arOrder: number } {
  const arOrder = selectArOrder(values, end);
  let mean = 0;
  for (let i = 0; i < end; i++) mean += values[i]!;
  mean /= end;
  const forecasters: Record<string, PointForecaster> = { naive: naiveForecaster };
  if (period !== null && period > 1) forecasters['seasonal_naive'] = seasonalNaiveForecaster(period);
  forecasters['ar'] = arForecaster(fitAR(values, end, arOrder));
  forecasters['mean'] = meanForecaster(mean);
  return { forecasters, arOrder };
}

/**
 * Rolling-origin test metrics of the model (mean path; 80/95 % intervals from sample paths) and of every
 * baseline, at each horizon in `report` (each ≤ H). `prepared[i]` is `series[i]` in model units with at
 * least H future calendar rows.
 */
export function evaluateTest(model: TimeSeriesModel, spec: TimeSeriesSpec, series: readonly Series[], prepared: readonly PreparedSeries[],
  H: number, report: readonly number[], rng: Rng, samples = 200): TestReport {
  const modelAcc = report.map(() => new ErrorAccumulator());
  const baseAcc = new Map<string, ErrorAccumulator[]>();
  const arOrder: Record<string, number> = {};
  let points = 0;
  series.forEach((s, i) => {
    const n = s.values.length;
    const ts = testStart(n);
    const scale = naiveScale(s.values, ts);
    const y = s.values.subarray(ts);
    points += y.length;
    const reqs: ForecastRequest[] = [];
    for (let o = Math.max(0, ts - H); o < n - 1; o++) reqs.push({ s: prepared[i]!, origin: o });
    const fc = forecast(model, spec, reqs, H, { samples, rng });
    report.forEach((h, r) => {
      const at = (pick: (f: (typeof fc)[number]) => Float64Array): Float64Array => {
        const out = new Float64Array(n - ts);
        reqs.forEach((q, k) => { const j = q.origin + h; if (j >= ts && j < n) out[j - ts] = pick(fc[k]!)[h - 1]!; });
        return out;
      };
      modelAcc[r]!.addPoints(y, at((f) => f.mean), scale);
      modelAcc[r]!.addInterval(0.8, y, at((f) => f.lo80), at((f) => f.hi80));
      modelAcc[r]!.addInterval(0.95, y, at((f) => f.lo95), at((f) => f.hi95));
    });
    const b = baselinesFor(s.values, ts, spec.period);
    arOrder[s.key] = b.arOrder;
    for (const [name, f] of Object.entries(b.forecasters)) {
      const preds = rollingForecasts(s.values, ts, H, f);
      if (!baseAcc.has(name)) baseAcc.set(name, report.map(() => new ErrorAccumulator()));
      report.forEach((h, r) => baseAcc.get(name)![r]!.addPoints(y, preds[h - 1]!, scale));
    }
  });
  const horizons = Object.fromEntries(report.map((h, r) => [String(h), rounded({ ...modelAcc[r]!.point(), coverage80: modelAcc[r]!.coverage(0.8), coverage95: modelAcc[r]!.coverage(0.95) })]));
  const baselines = Object.fromEntries([...baseAcc].map(([name, accs]) => [name, Object.fromEntries(report.map((h, r) => [String(h), rounded(accs[r]!.point())]))]));
  return { horizons, baselines, test_points: points, period: spec.period, ar_order: arOrder };
}
