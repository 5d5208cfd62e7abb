// The choices made after training, on data before the test span: whether the trained recurrent part earns
// its place over its linear start (a paired test on blocks of the validation spans, as the highway's own
// choice against the last value), whether σ follows a local volatility scale, and the conformal calibration
// of the intervals.
import { loadWeightsInto } from '../../io/model-file.js';
import type { SafeTensor } from '../../io/safetensors.js';
import { Rng } from '../../tensor/rng.js';
import { calibrateIntervals, chooseVolatility } from './calibrate.js';
import { forecast } from './forecast.js';
import { type HighwayFit, seasonSteps } from './highway.js';
import { type IntervalCalibration, type PreparedSeries, type TimeSeriesSpec, fromModelUnits } from './inputs.js';
import { naiveScale } from './metrics.js';
import type { TimeSeriesModel } from './model.js';
import { type PairedGain, pairedGain } from './paired.js';
import { type TimeSeriesTask, spansOf } from './task.js';
import type { LocalVolatility } from './volatility.js';

/** Contiguous blocks per series' validation span, at most. */
const BLOCKS = 10;
/** The fewest blocks, all series together, on which the recurrent part can be judged (see `keepRecurrent`). */
const MIN_BLOCKS = 5;

/**
 * The validation loss of `TimeSeriesTask.evaluate` (mean of the MASE at horizon 1 and at H, mean path) per
 * block: each series' validation span cut into 10 contiguous blocks by target index, or fewer so that each
 * holds at least H targets (at least one block), so that two models' losses can be paired block by block:
 * H-step errors from neighbouring origins share H − 1 steps of their paths, and blocks shorter than that
 * are not the independent draws a standard error assumes. Order: series, then block (empty blocks left out).
 */
export function validationBlockLosses(model: TimeSeriesModel, spec: TimeSeriesSpec, series: readonly PreparedSeries[]): number[] {
  const H = spec.horizon;
  const out: number[] = [];
  for (const s of series) {
    const sp = spansOf(s.n);
    const len = sp.testStart - sp.valStart;
    const own = Float64Array.from(s.z.subarray(0, sp.valStart), (v) => fromModelUnits(s, v, spec.transform));
    const scale = naiveScale(own, sp.valStart);
    const first = Math.max(0, sp.valStart - H);
    const reqs = Array.from({ length: Math.max(0, sp.testStart - 1 - first) }, (_, k) => ({ s, origin: first + k }));
    const fc = forecast(model, spec, reqs, H, { samples: 0, rng: new Rng(0) });
    const blocks = Math.max(1, Math.min(BLOCKS, Math.floor(len / H)));
    const acc = Array.from({ length: blocks }, () => ({ one: 0, n1: 0, far: 0, nH: 0 }));
    reqs.forEach(({ origin }, k) => {
      for (const h of H === 1 ? [1] : [1, H]) {
        const j = origin + h;
        if (j < sp.valStart || j >= sp.testStart) continue;
        const b = acc[Math.min(blocks - 1, Math.floor((blocks * (j - sp.valStart)) / len))]!;
        const e = Math.abs(fromModelUnits(s, s.z[j]!, spec.transform) - fc[k]!.mean[h - 1]!) / scale;
        if (h === 1) { b.one += e; b.n1++; } else { b.far += e; b.nH++; }
      }
    });
    for (const b of acc) {
      const parts = [b.n1 > 0 ? b.one / b.n1 : null, b.nH > 0 ? b.far / b.nH : null].filter((v): v is number => v !== null);
      if (parts.length > 0) out.push(parts.reduce((a, v) => a + v, 0) / parts.length);
    }
  }
  return out;
}

/**
 * Keep the trained recurrent part only if it beats its linear start on the validation blocks by more than
 * three standard errors of the paired gains (`pairedGain`, z = 3), a higher bar than the two every linear
 * choice here must clear (see `fitHighway`): the trainer chose the checkpoint on these very spans (the best
 * of several evaluations), so the trained model's validation loss is optimistic, and the standard error comes
 * from at least 5 blocks in all, up to 10 per series (a t with 4 degrees of freedom or more: 3 is about its
 * one-sided 2 % point at 4, 1 % at 9). With two,
 * a recurrent part kept by chance on a linear series (a trend, a yearly season and AR(1) noise) forecast the
 * test span worse than its start and its week-ahead intervals covered 64–67 % instead of 80 %; the linear
 * start is also refitted up to the test span, which a kept recurrent part's highway is not.
 * Fewer than 5 blocks (validation spans shorter than 5·H targets in all): the start, untested. Ten years of
 * monthly data leave 12 validation targets; cut into 10 blocks of one or two, a recurrent part that had
 * learnt those months passed by 7 standard errors, then forecast the test span up to 2.7 times worse than
 * the last value, its week-ahead intervals covering 4–54 %.
 * `trained` and `linear` come from `validationBlockLosses` of the two models.
 */
export function keepRecurrent(trained: readonly number[], linear: readonly number[]): PairedGain {
  const gain = pairedGain(linear, trained, 3);
  return trained.length < MIN_BLOCKS ? { ...gain, keep: false } : gain;
}

/** What `finalizeModel` chose, for the run report. */
export interface FinalChoice {
  recurrent: boolean;
  /** Validation loss (as `TimeSeriesTask.evaluate`) of the trained model and of its linear start. */
  valTrained: number;
  valLinear: number;
  /** Mean per-block validation gain of the recurrent part over the linear start, and its standard error. */
  gain: number;
  gainSe: number;
  volatility: LocalVolatility | null;
  volatilityNll: Record<string, number>;
  volatilityGainSe: number;
  calibration: IntervalCalibration;
}

/**
 * Turns the trained task into the model to save: `trained` holds the best checkpoint's weights (loaded into
 * task.model first), `linearSigma` the highway fit's residual scale. Keeps the recurrent part only when
 * `keepRecurrent` says so (else the head is reset to the linear start; the highway itself never trains),
 * then sets task.spec.volatility (`chooseVolatility`) and task.spec.calibration (`calibrateIntervals` with
 * `samples` sample paths, as the forecasts it calibrates will use, and a span of one season, `seasonSteps`;
 * without the recurrent part and with validation spans shorter than two seasons in all, from refits of the
 * linear start, `linear.fitBefore`).
 * Without the recurrent part, the highway then takes `refit` (the same linear candidate fitted on every target
 * before the test span, `HighwayFit.refit`: weights over [lags, calendar], then the intercept), as a
 * least-squares baseline is fitted; the choices
 * above were all made with the fit before the validation spans, whose errors there are out of sample.
 */
export function finalizeModel(task: TimeSeriesTask, trained: ReadonlyMap<string, SafeTensor>, linearSigma: number, samples: number, linear?: Pick<HighwayFit, 'refit' | 'fitBefore'>): FinalChoice {
  const m = task.model;
  const spec = task.spec;
  delete spec.volatility;
  delete spec.calibration;
  loadWeightsInto(m, trained);
  const valTrained = task.evaluate().loss;
  const trainedBlocks = validationBlockLosses(m, task.spec, task.series);
  m.initFromAR(m.highwayWeights(), linearSigma);
  const valLinear = task.evaluate().loss;
  const gain = keepRecurrent(trainedBlocks, validationBlockLosses(m, task.spec, task.series));
  if (gain.keep) loadWeightsInto(m, trained);
  const vol = chooseVolatility(m, spec, task.series);
  if (vol.volatility) spec.volatility = vol.volatility;
  // the validation spans hold fewer targets than two seasons: their conformal quantile is noisy and sees one
  // phase of the season; a model that is its linear start is then calibrated on refits (see calibrate.ts)
  const valPoints = task.series.reduce((u, s) => u + spansOf(s.n).testStart - spansOf(s.n).valStart, 0);
  const refitBefore = !gain.keep && linear && valPoints < 2 * seasonSteps(spec) ? linear.fitBefore : undefined;
  spec.calibration = calibrateIntervals(m, spec, task.series, { samples, rng: new Rng(2), span: seasonSteps(spec), ...(refitBefore ? { refitBefore } : {}) });
  if (!gain.keep && linear !== undefined) m.setHighway(linear.refit);
  return { recurrent: gain.keep, valTrained, valLinear, gain: gain.mean, gainSe: gain.se, volatility: vol.volatility, volatilityNll: vol.nll, volatilityGainSe: vol.gainSe, calibration: spec.calibration };
}
