// Bits per character, computed one way for everything that reports it: the model on any text (the task's
// evaluation, `recur eval`, the README table) and the unigram/bigram baselines beside it. All of them score
// the same characters: every character of the text but the first (which has nothing to be predicted from).
import { ConfigError, DataError } from '../../errors.js';
import { crossEntropy } from '../../loss/cross-entropy.js';
import { expectInt, expectKnownKeys } from '../../tensor/shape.js';
import { Tensor, noGrad } from '../../tensor/tensor.js';
import type { CharLM, CharLMState } from './model.js';
import { Vocab } from './vocab.js';

/** A score: mean loss in nats per character, the same in bits, and how many characters were scored. */
export interface Score {
  /** −(1/N) Σ ln p(char), nats per character. */
  loss: number;
  /** loss / ln 2: bits per character. */
  bpc: number;
  /** N: characters scored (the text's length in code points, minus one). */
  chars: number;
}

/** How `modelNats` / `modelBpc` cut the text into streams and chunks. */
export interface ScoreOptions {
  /** Contiguous streams scored side by side (default 32). */
  batch?: number;
  /** Steps per forward call; the state is carried between calls, so it changes no result (default 128). */
  seq?: number;
}

function toScore(nats: number, chars: number): Score {
  const loss = nats / chars;
  return { loss, bpc: loss / Math.LN2, chars };
}

/** Copies rows [0, B) of the batch dimension of a state [L, B0, H]: the streams still running. */
function firstStreams(t: Tensor, B: number): Tensor {
  const [L, B0, H] = [t.shape[0]!, t.shape[1]!, t.shape[2]!];
  const out = Tensor.zeros([L, B, H], t.dtype);
  for (let l = 0; l < L; l++) out.data.set(t.data.subarray(l * B0 * H, (l * B0 + B) * H), l * B * H);
  return out;
}

/**
 * The model's total log-loss on encoded text: Σ −ln p(ids[i] | ids[0..i)) over i = 1…N−1, with the
 * model in eval mode (restored afterwards) and no graph. The N−1 targets are cut into `batch` contiguous
 * streams (lengths differ by at most one, longer first) run side by side with the state carried between
 * chunks of `seq` steps; each character is scored exactly once, and the first character of each stream
 * is predicted from a zero state (given the character before it), so a larger `batch` is faster and
 * costs a little context at each of its `batch` cut points.
 */
export function modelNats(model: CharLM, ids: Int32Array, options: ScoreOptions = {}): { nats: number; chars: number } {
  expectKnownKeys('modelBpc', options, ['batch', 'seq']);
  const batch = expectInt('modelBpc batch', options.batch ?? 32, 1);
  const seq = expectInt('modelBpc seq', options.seq ?? 128, 1);
  const M = ids.length - 1; // targets: positions 1…N−1
  if (M < 1) {
    throw new DataError(`text to score: expected at least 2 characters, got ${Math.max(ids.length, 0)}`,
      'bits per character need at least one character predicted from the one before it');
  }
  const E = Math.min(batch, M);
  const L = Math.floor(M / E);
  const r = M - E * L; // streams 0…r−1 get one extra target
  const start = (b: number): number => 1 + b * L + Math.min(b, r); // first target position of stream b
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let nats = 0;
      let state: CharLMState | undefined;
      // Chunk [p, p + T) of every stream's targets; then, if r > 0, the last target of the first r streams.
      const run = (p: number, T: number, B: number): void => {
        const x = new Int32Array(T * B); // [T, B] inputs
        const y = new Int32Array(T * B); // [T, B] targets
        for (let t = 0; t < T; t++) {
          for (let b = 0; b < B; b++) {
            const pos = start(b) + p + t;
            x[t * B + b] = ids[pos - 1]!;
            y[t * B + b] = ids[pos]!;
          }
        }
        const out = model.forward(x, T, B, state);
        nats += crossEntropy(out.logits, y, { reduction: 'sum' }).item();
        state = out.state;
      };
      for (let p = 0; p < L; p += seq) run(p, Math.min(seq, L - p), E);
      if (r > 0) {
        if (state) state = state.c ? { h: firstStreams(state.h, r), c: firstStreams(state.c, r) } : { h: firstStreams(state.h, r) };
        run(L, 1, r);
      }
      return { nats, chars: M };
    });
  } finally {
    model.train(wasTraining);
  }
}

/**
 * Bits per character of `model` on `text` (any string; characters outside `vocab` count, as the unknown
 * symbol): every character but the first is scored exactly once, as in `modelNats` (the task's
 * evaluation runs this same code). ConfigError if `vocab` is not the model's, DataError for a text under
 * two characters.
 * @example
 * const { bpc, chars } = modelBpc(model, vocab, readTextFile('other.txt'), { batch: 32 });
 */
export function modelBpc(model: CharLM, vocab: Vocab, text: string, options: ScoreOptions = {}): Score {
  if (vocab.size !== model.options.vocabSize) {
    throw new ConfigError(`vocab: expected ${model.options.vocabSize} symbols (the model's vocabSize), got ${vocab.size}`,
      'score with the vocabulary the model was trained with (stored in its model file)');
  }
  const { nats, chars } = modelNats(model, vocab.encode(text), options);
  return toScore(nats, chars);
}

/** Options of `ngramBpc`. */
export interface NgramOptions {
  /** The symbols to smooth over (default `Vocab.fromText(train)`, as the model's). */
  vocab?: Vocab;
  /** The add-α constant; default: chosen by leave-one-out likelihood on the training text (see `ngramBpc`). */
  alpha?: number;
}

/** n-gram counts of encoded training text: counts[ctx·V + c] (order 2) or counts[c] (order 1), and per-context totals. */
function countNgrams(order: 1 | 2, ids: Int32Array, V: number): { counts: Float64Array; totals: Float64Array } {
  const counts = new Float64Array(order === 1 ? V : V * V);
  const totals = new Float64Array(order === 1 ? 1 : V);
  for (let i = order - 1; i < ids.length; i++) {
    const ctx = order === 1 ? 0 : ids[i - 1]!;
    counts[ctx * V + ids[i]!]!++;
    totals[ctx]!++;
  }
  return { counts, totals };
}

/** Candidate α: 10^(k/4) for k = −24…4, i.e. 1e-6 … 10. */
const ALPHA_GRID = Array.from({ length: 29 }, (_, k) => 10 ** ((k - 24) / 4));

/**
 * Leave-one-out log-likelihood of the training n-grams under add-α: each training n-gram is predicted from
 * the counts of all the others, Σ n(h, c)·ln((n(h, c) − 1 + α) / (n(h) − 1 + α·V)).
 */
function leaveOneOut(counts: Float64Array, totals: Float64Array, V: number, alpha: number): number {
  let ll = 0;
  for (let h = 0; h < totals.length; h++) {
    const nh = totals[h]!;
    if (nh === 0) continue;
    const denom = Math.log(nh - 1 + alpha * V);
    for (let c = 0; c < V; c++) {
      const n = counts[h * V + c]!;
      if (n > 0) ll += n * (Math.log(n - 1 + alpha) - denom);
    }
  }
  return ll;
}

/**
 * Bits per character of an add-α n-gram model (order 1: unigram, 2: bigram) trained on `train` and
 * scored on the same characters as `modelBpc` (every character of `val` but the first; the bigram's
 * context for character i is character i − 1 of `val`):
 *   p(c | h) = (n(h, c) + α) / (n(h) + α·V),  bpc = −(1/N) Σ log₂ p,
 * over the model's V symbols, the unknown symbol included (characters of `val` missing from the vocabulary
 * are scored as it). Unless `options.alpha` is given, α is the value on the grid 10^(k/4), k = −24…4 that
 * maximises the leave-one-out likelihood of the training n-grams — it looks at nothing but the training
 * text — and it is returned beside the score.
 * @example
 * const { train, val } = mobyDick();
 * ngramBpc(2, train, val); // { bpc ≈ 3.3, chars, alpha }
 */
export function ngramBpc(order: 1 | 2, train: string, val: string, options: NgramOptions = {}): Score & { alpha: number } {
  if (order !== 1 && order !== 2) {
    throw new ConfigError(`ngramBpc order: expected 1 (unigram) or 2 (bigram), got ${JSON.stringify(order)}`, 'the baselines are the unigram and bigram models');
  }
  expectKnownKeys('ngramBpc', options, ['vocab', 'alpha']);
  const vocab = options.vocab ?? Vocab.fromText(train);
  const V = vocab.size;
  const trainIds = vocab.encode(train);
  if (trainIds.length < order) {
    throw new DataError(`ngramBpc train: expected at least ${order} characters, got ${trainIds.length}`, 'give the training text the model was trained on');
  }
  const valIds = vocab.encode(val);
  if (valIds.length < 2) {
    throw new DataError(`text to score: expected at least 2 characters, got ${valIds.length}`,
      'bits per character need at least one character predicted from the one before it');
  }
  const { counts, totals } = countNgrams(order, trainIds, V);
  let alpha: number;
  if (options.alpha !== undefined) {
    alpha = options.alpha;
    if (typeof alpha !== 'number' || !(alpha > 0) || !Number.isFinite(alpha)) {
      throw new ConfigError(`ngramBpc alpha: expected a number > 0, got ${JSON.stringify(alpha)}`, 'α is added to every count; 1 is Laplace smoothing');
    }
  } else {
    alpha = ALPHA_GRID[0]!;
    let best = -Infinity;
    for (const a of ALPHA_GRID) {
      const ll = leaveOneOut(counts, totals, V, a);
      if (ll > best) [best, alpha] = [ll, a];
    }
  }
  let nats = 0;
  for (let i = 1; i < valIds.length; i++) {
    const h = order === 1 ? 0 : valIds[i - 1]!;
    nats -= Math.log((counts[h * V + valIds[i]!]! + alpha) / (totals[h]! + alpha * V));
  }
  return { ...toScore(nats, valIds.length - 1), alpha };
}
