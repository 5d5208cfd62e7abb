// Tensor: a dense row-major typed array with a shape, plus what autograd needs (grad, parents, backward).
// Not a general array library: recur's ops are the few a recurrent network needs, each written once.

export type DType = 'float32' | 'float64';
export type Buf = Float32Array | Float64Array;

let gradEnabled = true;

/** Runs `fn` without recording anything for autograd (inference, evaluation, optimizer steps). */
export function noGrad<R>(fn: () => R): R {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** True when an op on `inputs` must record a backward step. */
export function needsGrad(...inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (t?.requiresGrad) return true;
  return false;
}

export function allocBuf(dtype: DType, n: number): Buf {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Nested number arrays, as JSON fixtures and `toArray()` use. */
export type Nested = number | Nested[];

export class Tensor {
  /** Gradient of the last `backward()` root w.r.t. this tensor (same length as `data`), or null. */
  grad: Buf | null = null;
  /** Inputs of the op that made this tensor; empty for leaves. */
  parents: readonly Tensor[] = [];
  /** Propagates `this.grad` into the parents' grads; null for leaves. */
  backwardFn: (() => void) | null = null;

  constructor(
    readonly data: Buf,
    readonly shape: readonly number[],
    public requiresGrad = false,
  ) {
    if (sizeOf(shape) !== data.length) throw new Error(`internal: shape [${shape}] does not fit ${data.length} values`);
  }

  get dtype(): DType {
    return this.data instanceof Float64Array ? 'float64' : 'float32';
  }
  get size(): number {
    return this.data.length;
  }
  get rank(): number {
    return this.shape.length;
  }

  static zeros(shape: readonly number[], dtype: DType = 'float32', requiresGrad = false): Tensor {
    return new Tensor(allocBuf(dtype, sizeOf(shape)), [...shape], requiresGrad);
  }

  static full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
    const t = Tensor.zeros(shape, dtype);
    t.data.fill(value);
    return t;
  }

  /** A tensor from nested arrays (shape inferred) or a flat array with an explicit shape. */
  static from(values: Nested | ArrayLike<number>, shape?: readonly number[], dtype: DType = 'float32'): Tensor {
    if (shape !== undefined) {
      const flat = values as ArrayLike<number>;
      const data = allocBuf(dtype, flat.length);
      for (let i = 0; i < flat.length; i++) data[i] = flat[i]!;
      return new Tensor(data, [...shape]);
    }
    const inferred: number[] = [];
    let v: Nested = values as Nested;
    while (Array.isArray(v)) {
      inferred.push(v.length);
      v = v[0] ?? 0;
    }
    const flat: number[] = [];
    const walk = (x: Nested): void => {
      if (Array.isArray(x)) for (const y of x) walk(y);
      else flat.push(x);
    };
    walk(values as Nested);
    return Tensor.from(flat, inferred, dtype);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item(): tensor has ${this.size} values, expected 1`);
    return this.data[0]!;
  }

  /** Values as nested arrays in this tensor's shape. */
  toArray(): Nested {
    const build = (dim: number, offset: number): Nested => {
      if (dim === this.shape.length) return this.data[offset]!;
      const inner = sizeOf(this.shape.slice(dim + 1));
      const out: Nested[] = [];
      for (let i = 0; i < this.shape[dim]!; i++) out.push(build(dim + 1, offset + i * inner));
      return out;
    };
    return build(0, 0);
  }

  /** A tensor sharing nothing with this one and recording nothing. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), [...this.shape]);
  }

  /** This tensor's values, cut off from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** Adds `g` into this tensor's gradient (allocating it on first use). */
  accumulateGrad(g: ArrayLike<number>): void {
    const grad = (this.grad ??= allocBuf(this.dtype, this.size));
    for (let i = 0; i < grad.length; i++) grad[i]! += g[i]!;
  }

  /** The gradient buffer, allocated (zeroed) if this tensor has none yet. */
  gradBuf(): Buf {
    return (this.grad ??= allocBuf(this.dtype, this.size));
  }

  /**
   * Backpropagates from this tensor: `grad` defaults to ones (a scalar loss). Leaves keep and accumulate
   * their `.grad` (zero them between steps); intermediate gradients are released afterwards.
   */
  backward(grad?: ArrayLike<number>): void {
    const order = topoOrder(this);
    this.accumulateGrad(grad ?? allocBuf(this.dtype, this.size).fill(1));
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      if (t.backwardFn && t.grad) t.backwardFn();
    }
    for (const t of order) {
      if (t.backwardFn) {
        t.grad = null;
        t.backwardFn = null;
        t.parents = [];
      }
    }
  }
}

/** Nodes reachable from `root` through parents that need grad, parents before children. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    if (i < t.parents.length) {
      top[1] = i + 1;
      const p = t.parents[i]!;
      if (p.requiresGrad && !seen.has(p)) {
        seen.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

/** Records `out` as made from `parents`, with `backward` reading `out.grad`. Returns `out`. */
export function record(out: Tensor, parents: readonly Tensor[], backward: (g: Buf) => void): Tensor {
  if (!needsGrad(...parents)) return out;
  out.requiresGrad = true;
  out.parents = parents;
  out.backwardFn = () => backward(out.grad!);
  return out;
}
