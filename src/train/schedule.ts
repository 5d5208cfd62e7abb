// Learning-rate schedules. Each maps training progress to a learning rate; reduce-on-plateau also reacts
// to validation results. Progress is step/steps for step-limited runs and the share of time for timed ones.
import { ConfigError } from '../errors.js';
import { expectInt, expectNumber } from '../tensor/shape.js';

export type ScheduleName = 'constant' | 'step' | 'cosine' | 'plateau';

export interface ScheduleOptions {
  name: ScheduleName;
  /** Peak (initial) learning rate. */
  lr: number;
  /** Share of training spent warming up linearly from 0 (cosine; default 0.02). */
  warmup?: number;
  /** Final learning rate as a share of lr (cosine; default 0.05). */
  floor?: number;
  /** step: multiply by gamma every `every` steps (defaults 0.5, 1000). */
  gamma?: number;
  every?: number;
  /** plateau: multiply by factor after `patience` evaluations without improvement (defaults 0.5, 2). */
  factor?: number;
  patience?: number;
}

export interface ScheduleState {
  scale: number;
  best: number;
  bad: number;
}

export class Schedule {
  private state: ScheduleState = { scale: 1, best: Infinity, bad: 0 };

  constructor(readonly options: ScheduleOptions) {
    const o = options;
    if (!['constant', 'step', 'cosine', 'plateau'].includes(o.name)) {
      throw new ConfigError(`schedule: expected constant, step, cosine or plateau, got '${String(o.name)}'`);
    }
    expectNumber('lr', o.lr, 0);
    if (o.warmup !== undefined) expectNumber('warmup', o.warmup, 0, 1);
    if (o.floor !== undefined) expectNumber('floor', o.floor, 0, 1);
    if (o.gamma !== undefined) expectNumber('gamma', o.gamma, 0, 1);
    if (o.every !== undefined) expectInt('every', o.every, 1);
    if (o.factor !== undefined) expectNumber('factor', o.factor, 0, 1);
    if (o.patience !== undefined) expectInt('patience', o.patience, 0);
  }

  /**
   * Learning rate at `step` (0-based) with `progress` in [0, 1] of the whole run.
   * cosine: lr·p/w during warm-up w, then floor + (1 − floor)·(1 + cos(π·(p − w)/(1 − w)))/2, scaled by lr.
   */
  lrAt(step: number, progress: number): number {
    const o = this.options;
    const p = Math.min(1, Math.max(0, progress));
    switch (o.name) {
      case 'constant':
        return o.lr;
      case 'step':
        return o.lr * (o.gamma ?? 0.5) ** Math.floor(step / (o.every ?? 1000));
      case 'plateau':
        return o.lr * this.state.scale;
      case 'cosine': {
        const w = o.warmup ?? 0.02;
        const floor = o.floor ?? 0.05;
        if (p < w) return o.lr * Math.max(p / w, 1e-3);
        const t = w >= 1 ? 1 : (p - w) / (1 - w);
        return o.lr * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
      }
    }
  }

  /** Tells the schedule a validation result (lower is better); plateau may lower the rate. */
  observe(metric: number): void {
    if (this.options.name !== 'plateau') return;
    if (!Number.isFinite(this.state.best) || metric < this.state.best - 1e-4 * Math.abs(this.state.best)) {
      this.state.best = metric;
      this.state.bad = 0;
    } else if (++this.state.bad > (this.options.patience ?? 2)) {
      this.state.scale *= this.options.factor ?? 0.5;
      this.state.bad = 0;
    }
  }

  getState(): ScheduleState {
    return { ...this.state };
  }

  setState(s: ScheduleState): void {
    this.state = { scale: s.scale, best: s.best ?? Infinity, bad: s.bad };
  }
}
