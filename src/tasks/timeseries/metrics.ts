// Forecast accuracy: MAE, RMSE, MASE (errors over the in-sample one-step naive MAE of the series' training
// span, Hyndman & Koehler 2006) and interval coverage. Pooled over several series by summing per point.

/** Point errors of one horizon, pooled over every test point of every series. */
export interface PointMetrics {
  mae: number;
  rmse: number;
  /** mean_j |y_j − ŷ_j| / s_series, with s the training span's one-step naive MAE of that point's series. */
  mase: number;
}

/** (1/(n−1)) Σ_{t=1}^{n−1} |y_t − y_{t−1}| over values[0, end): MASE's scale. 1 when it is 0. */
export function naiveScale(values: ArrayLike<number>, end: number): number {
  let s = 0;
  for (let t = 1; t < end; t++) s += Math.abs(values[t]! - values[t - 1]!);
  const v = end > 1 ? s / (end - 1) : 0;
  return v > 0 ? v : 1;
}

/** Accumulates point errors (and optionally interval hits) of one horizon over many series. */
export class ErrorAccumulator {
  private n = 0;
  private abs = 0;
  private sq = 0;
  private scaled = 0;
  private hits = new Map<number, number>();

  /** Adds |y − ŷ| for every point; `scale` is the series' naiveScale. */
  addPoints(y: ArrayLike<number>, yhat: ArrayLike<number>, scale: number): void {
    for (let i = 0; i < y.length; i++) {
      const e = Math.abs(y[i]! - yhat[i]!);
      this.n++;
      this.abs += e;
      this.sq += e * e;
      this.scaled += e / scale;
    }
  }

  /** Counts y inside [lo, hi] for the interval of nominal level `level` (0.8, 0.95). */
  addInterval(level: number, y: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>): void {
    let h = this.hits.get(level) ?? 0;
    for (let i = 0; i < y.length; i++) if (y[i]! >= lo[i]! && y[i]! <= hi[i]!) h++;
    this.hits.set(level, h);
  }

  get count(): number {
    return this.n;
  }

  point(): PointMetrics {
    const n = Math.max(1, this.n);
    return { mae: this.abs / n, rmse: Math.sqrt(this.sq / n), mase: this.scaled / n };
  }

  /** Share of points inside the interval of `level`. */
  coverage(level: number): number {
    return (this.hits.get(level) ?? 0) / Math.max(1, this.n);
  }
}

/** Mean absolute error. */
export function mae(y: ArrayLike<number>, yhat: ArrayLike<number>): number {
  const a = new ErrorAccumulator();
  a.addPoints(y, yhat, 1);
  return a.point().mae;
}

/** Root mean squared error. */
export function rmse(y: ArrayLike<number>, yhat: ArrayLike<number>): number {
  const a = new ErrorAccumulator();
  a.addPoints(y, yhat, 1);
  return a.point().rmse;
}

/** MASE of forecasts `yhat` of `y` with the naive scale of `train`. */
export function mase(y: ArrayLike<number>, yhat: ArrayLike<number>, train: ArrayLike<number>): number {
  const a = new ErrorAccumulator();
  a.addPoints(y, yhat, naiveScale(train, train.length));
  return a.point().mase;
}

/** Share of y inside [lo, hi]. */
export function coverage(y: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>): number {
  const a = new ErrorAccumulator();
  a.addPoints(y, y, 1);
  a.addInterval(1, y, lo, hi);
  return a.coverage(1);
}

/** Rounds every number of a metrics object for printing. */
export function rounded<T extends object>(m: T, digits = 4): T {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'number' ? +v.toFixed(digits) : v])) as T;
}
