// Optimizer: the base class of recur's torch.optim ports. It owns the parameter list, the per-parameter
// state buffers (lazily created, as PyTorch does), zeroGrad, and saving/restoring that state exactly.
// Update formulas live in the subclasses (sgd.ts, adam.ts, rmsprop.ts); option checks are shared here.
import { CheckpointError, ConfigError, ShapeError } from '../errors.js';
import { expectKnownKeys } from '../tensor/shape.js';
import { type Buf, Tensor, allocBuf } from '../tensor/tensor.js';

/** Parameters to optimize: plain tensors (state keyed by index) or `module.namedParameters()` (keyed by name). */
export type ParamList = readonly Tensor[] | readonly (readonly [string, Tensor])[];

/** Hyper-parameters as saved in a checkpoint: the optimizer's resolved options, `lr` included. */
export type Hyper = Record<string, number | boolean | readonly number[]>;

/**
 * Everything needed to continue an optimizer exactly: `buffers` are keyed "<kind>.<param key>"
 * (e.g. "exp_avg.3" or "exp_avg.rnn.weight_ih_l0"); a parameter that never had a gradient has none.
 */
export interface OptimizerState {
  name: string;
  /** Number of `step()` calls so far. */
  step: number;
  hyper: Hyper;
  buffers: Record<string, Buf>;
}

/** Per-parameter buffers, by kind ("exp_avg", "momentum_buffer", …). */
export type ParamState = Map<string, Buf>;

/**
 * Base of SGD, Adam, AdamW and RMSprop. `step()` reads each parameter's `.grad` (parameters whose grad is
 * null are skipped and their state is left alone) and updates `param.data` in place; no graph is recorded.
 */
export abstract class Optimizer {
  /** The parameters, in the order given. */
  readonly params: readonly Tensor[];
  /** Each parameter's state key: its name when built from named parameters, else its index. */
  readonly keys: readonly string[];
  /** Number of `step()` calls so far. */
  stepCount = 0;
  protected readonly state: ParamState[];
  private lrValue = 0;

  /** `name` is PyTorch's class name ("SGD", "Adam", …); a saved state only loads into the same kind. */
  constructor(readonly name: string, params: ParamList, lr: number) {
    [this.params, this.keys] = splitParams(`${name} params`, params);
    this.state = this.params.map(() => new Map<string, Buf>());
    this.lr = lr;
  }

  /** Learning rate used by the next `step()`; learning-rate schedules set it. */
  get lr(): number {
    return this.lrValue;
  }
  set lr(value: number) {
    this.lrValue = nonNegative(this.name, 'lr', value, 'the learning rate scales every update; typical values are 1e-3 to 1e-1');
  }

  /** Applies one update to every parameter that has a gradient; ShapeError if a gradient's size is not its parameter's. */
  step(): void {
    for (let k = 0; k < this.params.length; k++) {
      const g = this.params[k]!.grad;
      if (g !== null && g.length !== this.params[k]!.size) {
        throw new ShapeError(`${this.name} param '${this.keys[k]!}' grad`, [this.params[k]!.size], [g.length],
          'a gradient must have one value per parameter value; set .grad only through backward()');
      }
    }
    this.stepCount++;
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k]!;
      if (p.grad === null) continue;
      this.update(p.data, p.grad, this.state[k]!);
    }
  }

  /** Drops every parameter's gradient (PyTorch's `zero_grad(set_to_none=True)`, like `Module.zeroGrad`). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** A copy of the optimizer's state; `loadStateDict` on a fresh optimizer over the same parameters resumes it exactly. */
  stateDict(): OptimizerState {
    const buffers: Record<string, Buf> = {};
    this.state.forEach((s, k) => {
      for (const [kind, b] of s) buffers[`${kind}.${this.keys[k]!}`] = b.slice();
    });
    return { name: this.name, step: this.stepCount, hyper: { lr: this.lr, ...this.hyper() }, buffers };
  }

  /**
   * Restores a state from `stateDict()` (hyper-parameters, step count and every buffer), replacing the current one.
   * Throws CheckpointError, changing nothing, when it was saved by another optimizer or for other parameters.
   */
  loadStateDict(saved: { name: string; step: number; hyper: Hyper; buffers: Record<string, ArrayLike<number>> }): void {
    const hint = 'the optimizer state was saved for another optimizer or other parameters; build the same optimizer over the same model';
    if (saved?.name !== this.name) {
      throw new CheckpointError(`optimizer state: expected name '${this.name}', got ${JSON.stringify(saved?.name)}`, hint);
    }
    if (!Number.isInteger(saved.step) || saved.step < 0) {
      throw new CheckpointError(`optimizer state step: expected an integer ≥ 0, got ${JSON.stringify(saved.step)}`, hint);
    }
    const mine = Object.keys({ lr: 0, ...this.hyper() }).sort();
    const theirs = Object.keys(saved.hyper ?? {}).sort();
    if (mine.join(',') !== theirs.join(',')) {
      throw new CheckpointError(`optimizer state hyper: expected keys [${mine.join(', ')}], got [${theirs.join(', ')}]`, hint);
    }
    const sizes = this.bufferSizes();
    const fresh = this.params.map(() => new Map<string, Buf>());
    for (const [key, src] of Object.entries(saved.buffers ?? {})) {
      const dot = key.indexOf('.');
      const kind = key.slice(0, dot);
      const k = dot > 0 ? this.keys.indexOf(key.slice(dot + 1)) : -1;
      if (k < 0 || !Object.hasOwn(sizes, kind)) {
        throw new CheckpointError(`optimizer state buffer '${key}': expected one of ${Object.keys(sizes).join('|')}.<${this.keys.length} parameter keys>, got an unknown key`, hint);
      }
      const p = this.params[k]!;
      const n = sizes[kind] === 'param' ? p.size : 1;
      if (src?.length !== n) {
        throw new CheckpointError(`optimizer state buffer '${key}': expected ${n} values, got ${src?.length}`, hint);
      }
      const b = kind === 'step' ? new Float64Array(1) : allocBuf(p.dtype, n);
      for (let i = 0; i < n; i++) b[i] = src[i]!;
      fresh[k]!.set(kind, b);
    }
    const { lr, ...rest } = saved.hyper;
    try {
      const lrValue = nonNegative(this.name, 'lr', lr, 'the learning rate must be a number ≥ 0');
      this.setHyper(rest);
      this.lr = lrValue;
    } catch (e) {
      if (e instanceof ConfigError) throw new CheckpointError(`optimizer state hyper: ${e.message}`, hint);
      throw e;
    }
    this.stepCount = saved.step;
    fresh.forEach((s, k) => {
      this.state[k] = s;
    });
  }

  /** One parameter's update: `w` (the parameter's data) from `g` (its gradient), with its state `s`. */
  protected abstract update(w: Buf, g: Buf, s: ParamState): void;
  /** Resolved hyper-parameters other than `lr`. */
  protected abstract hyper(): Hyper;
  /** Validates and installs saved hyper-parameters (all but `lr`); throws ConfigError when they are invalid. */
  protected abstract setHyper(h: Hyper): void;
  /** Buffer kinds this optimizer keeps: 'param' sized like the parameter, or 1 value. */
  protected abstract bufferSizes(): Record<string, 'param' | 1>;

  /** The state buffer `kind` of a parameter shaped like `w`, created zeroed on first use. */
  protected buffer(s: ParamState, kind: string, w: Buf): Buf {
    let b = s.get(kind);
    if (b === undefined) {
      b = w instanceof Float64Array ? new Float64Array(w.length) : new Float32Array(w.length);
      s.set(kind, b);
    }
    return b;
  }

  /** Increments and returns this parameter's own step count (PyTorch's per-parameter `state['step']`). */
  protected paramStep(s: ParamState): number {
    let b = s.get('step');
    if (b === undefined) s.set('step', (b = new Float64Array(1)));
    return ++b[0]!;
  }
}

/** Tensors and their state keys from either form of `ParamList`; ConfigError on anything else. */
export function splitParams(what: string, params: ParamList | Tensor): [Tensor[], string[]] {
  if (params instanceof Tensor) return [[params], ['0']];
  if (!Array.isArray(params) || params.length === 0) {
    throw new ConfigError(`${what}: expected a non-empty list of tensors or [name, tensor] pairs, got ${Array.isArray(params) ? 'an empty list' : typeof params}`,
      'pass model.parameters() or model.namedParameters()');
  }
  const tensors: Tensor[] = [];
  const keys: string[] = [];
  const namedForm = Array.isArray(params[0]);
  params.forEach((e: unknown, i) => {
    const named = Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && e[1] instanceof Tensor;
    if (!named && !(e instanceof Tensor)) {
      throw new ConfigError(`${what}[${i}]: expected a Tensor or a [name, Tensor] pair, got ${describe(e)}`,
        'pass model.parameters() or model.namedParameters()');
    }
    if (named !== namedForm) {
      throw new ConfigError(`${what}[${i}]: expected the same form as entry 0, got a mix of tensors and [name, tensor] pairs`,
        'pass either model.parameters() or model.namedParameters()');
    }
    const t = named ? (e as [string, Tensor])[1] : (e as Tensor);
    if (tensors.includes(t)) {
      throw new ConfigError(`${what}[${i}]: expected each parameter once, got a repeat of entry ${tensors.indexOf(t)}`,
        'a repeated parameter would be updated twice per step; pass each tensor once');
    }
    const key = named ? (e as [string, Tensor])[0] : String(i);
    if (keys.includes(key)) {
      throw new ConfigError(`${what}[${i}]: expected unique names, got '${key}' twice`, 'parameter names key the saved optimizer state');
    }
    tensors.push(t);
    keys.push(key);
  });
  return [tensors, keys];
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === 'object' ? (v.constructor?.name ?? 'an object') : JSON.stringify(v);
}

/** Rejects keys of `options` not in `known` (ConfigError naming the known ones). */
export function checkOptions(who: string, options: object, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(`${who} options: expected an object, got ${describe(options)}`, `known options: ${known.join(', ')}`);
  }
  expectKnownKeys(`${who} options`, options, known);
}

/** A finite number ≥ 0. */
export function nonNegative(who: string, key: string, v: unknown, hint: string): number {
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) {
    throw new ConfigError(`${who} ${key}: expected a number ≥ 0, got ${JSON.stringify(v)}`, hint);
  }
  return v;
}

/** A number in [0, 1) (decay rates such as betas). */
export function unitRate(who: string, key: string, v: unknown, hint: string): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    throw new ConfigError(`${who} ${key}: expected a number in [0, 1), got ${JSON.stringify(v)}`, hint);
  }
  return v;
}

export function flag(who: string, key: string, v: unknown): boolean {
  if (typeof v !== 'boolean') {
    throw new ConfigError(`${who} ${key}: expected true or false, got ${JSON.stringify(v)}`, `${key} is a switch; pass a boolean`);
  }
  return v;
}
