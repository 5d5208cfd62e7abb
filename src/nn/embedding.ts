// Embedding: a learned lookup table of V vectors of size E, PyTorch's nn.Embedding (parameter `weight`
// [V, E] initialised N(0, 1); an optional padding row starts at zero and is never updated by gradients).
import { ConfigError } from '../errors.js';
import { embedding } from '../tensor/gather-ops.js';
import { normal } from '../tensor/init.js';
import { expectInt, expectKnownKeys } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleInit, initOf } from './module.js';

export interface EmbeddingOptions {
  /** V: rows in the table (vocabulary size). */
  numEmbeddings: number;
  /** E: size of each vector. */
  embeddingDim: number;
  /** A row (in [−V, V); negative counts from the end) that is zero at start and gets no gradient. */
  paddingIdx?: number;
}

/**
 * out[..., :] = weight[indices[...], :]: integer indices of shape S → vectors [...S, E]. weight [V, E] ~ N(0, 1).
 * The `paddingIdx` row is zero at initialisation and receives no gradient (PyTorch's padding_idx).
 * Out-of-range or non-integer indices throw DataError naming their position.
 * @example
 * const emb = new Embedding({ numEmbeddings: 100, embeddingDim: 16, paddingIdx: 0 });
 * const x = emb.forward(tokens, [T, B]); // Int32Array of T·B ids → [T, B, 16]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The padding row in [0, V), or null. */
  readonly paddingIdx: number | null;
  readonly weight: Tensor;

  constructor(options: EmbeddingOptions, init?: ModuleInit) {
    super();
    expectKnownKeys('Embedding', options, ['numEmbeddings', 'embeddingDim', 'paddingIdx']);
    const V = (this.numEmbeddings = expectInt('Embedding.numEmbeddings', options.numEmbeddings, 1));
    const E = (this.embeddingDim = expectInt('Embedding.embeddingDim', options.embeddingDim, 1));
    const pad = options.paddingIdx;
    if (pad !== undefined && (!Number.isInteger(pad) || pad < -V || pad >= V)) {
      throw new ConfigError(`Embedding.paddingIdx: expected an integer in [${-V}, ${V}), got ${JSON.stringify(pad)}`,
        'paddingIdx names a row of the table; negative values count from the end');
    }
    this.paddingIdx = pad === undefined ? null : pad < 0 ? pad + V : pad;
    const { rng, dtype } = initOf(init);
    this.weight = this.addParameter('weight', normal(Tensor.zeros([V, E], dtype), 0, 1, rng));
    if (this.paddingIdx !== null) this.weight.data.fill(0, this.paddingIdx * E, (this.paddingIdx + 1) * E);
  }

  /** indices (integers in [0, V), row-major in `shape`, default [indices.length]) → [...shape, E]. */
  forward(indices: Int32Array | readonly number[], shape: readonly number[] = [indices.length]): Tensor {
    return embedding(this.weight, indices, shape, this.paddingIdx);
  }
}
