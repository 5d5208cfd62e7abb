// Module: named parameters (PyTorch's state_dict names), child modules, train/eval mode.
import { CheckpointError, ShapeError } from '../errors.js';
import { Rng } from '../tensor/rng.js';
import { type DType, Tensor } from '../tensor/tensor.js';

/** Construction options every module accepts. */
export interface ModuleInit {
  /** Seeded generator for the initial weights (default: seed 0). */
  rng?: Rng;
  /** float32 (default) or float64 (the js backend; gradient checks). */
  dtype?: DType;
}

export abstract class Module {
  training = true;
  private readonly params = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /** Registers a parameter under its PyTorch name. */
  protected addParameter(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    this.params.set(name, t);
    return t;
  }

  protected addModule<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Every parameter with its dotted name ("rnn.weight_ih_l0", "0.weight"), in registration order. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this.params) out.push([prefix + n, t]);
    for (const [n, m] of this.children) out.push(...m.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Number of trainable values. */
  parameterCount(): number {
    return this.parameters().reduce((s, t) => s + t.size, 0);
  }

  /** Looks a parameter up by its dotted name. */
  parameter(name: string): Tensor {
    const t = this.namedParameters().find(([n]) => n === name)?.[1];
    if (!t) throw new CheckpointError(`no parameter named '${name}'`, `known: ${this.namedParameters().map(([n]) => n).join(', ')}`);
    return t;
  }

  zeroGrad(): void {
    for (const t of this.parameters()) t.grad = null;
  }

  /** Sets training mode here and in every child (dropout is active only in training). */
  train(on = true): this {
    this.training = on;
    for (const m of this.children.values()) m.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** name → tensor, PyTorch's state_dict. */
  stateDict(): Map<string, Tensor> {
    return new Map(this.namedParameters());
  }

  /** Copies values in by name; every parameter must be present with its exact shape (strict, as PyTorch). */
  loadStateDict(state: ReadonlyMap<string, { shape: readonly number[]; data: ArrayLike<number> }>): void {
    const mine = this.namedParameters();
    const missing = mine.filter(([n]) => !state.has(n)).map(([n]) => n);
    const extra = [...state.keys()].filter((k) => !mine.some(([n]) => n === k));
    if (missing.length > 0 || extra.length > 0) {
      throw new CheckpointError(
        `state dict does not fit the model: missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`,
        'the file was saved from a model with another configuration');
    }
    // Check every shape before copying anything, so a bad file leaves the model untouched.
    for (const [n, t] of mine) {
      const src = state.get(n)!;
      if (src.shape.length !== t.shape.length || src.shape.some((d, i) => d !== t.shape[i])) {
        throw new ShapeError(n, t.shape, src.shape, 'the file was saved from a model with other sizes');
      }
    }
    for (const [n, t] of mine) {
      const src = state.get(n)!.data;
      for (let i = 0; i < t.size; i++) t.data[i] = src[i]!;
    }
  }
}

/** The Rng and dtype a module should use, with defaults. */
export function initOf(init: ModuleInit | undefined): { rng: Rng; dtype: DType } {
  return { rng: init?.rng ?? new Rng(0), dtype: init?.dtype ?? 'float32' };
}
