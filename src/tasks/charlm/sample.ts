// Text generation from a CharLM: feed a prompt to warm the state up, then draw one character at a time
// (temperature, top-k, or greedy at temperature 0), carrying the state. Seeded: the same Rng state gives
// the same text. The unknown symbol is never produced.
import { ConfigError } from '../../errors.js';
import { Rng } from '../../tensor/rng.js';
import { expectInt, expectKnownKeys } from '../../tensor/shape.js';
import { noGrad } from '../../tensor/tensor.js';
import type { CharLM } from './model.js';
import { Vocab } from './vocab.js';

/** Options of `sampleText`. */
export interface SampleOptions {
  /** Text the generated characters continue (default ''; unknown characters enter as the unknown symbol). */
  prompt?: string;
  /** Characters to generate, ≥ 0 (default 200). */
  length?: number;
  /** τ ≥ 0: p ∝ exp(logit/τ) (default 0.8); 0 picks the most likely character (greedy). */
  temperature?: number;
  /** Draw only among the k most likely characters; 0 = all (default 0). */
  topK?: number;
  /** The random source (default: seed 0). */
  rng?: Rng;
}

/** The next id from one row of logits: argmax (τ = 0) or a draw from softmax(logits/τ) over the top k, never id 0. */
function pick(logits: ArrayLike<number>, offset: number, V: number, temperature: number, topK: number, rng: Rng): number {
  if (temperature === 0) {
    let best = 1;
    for (let v = 2; v < V; v++) if (logits[offset + v]! > logits[offset + best]!) best = v;
    return best;
  }
  let cand = Array.from({ length: V - 1 }, (_, i) => i + 1); // every id but the unknown symbol
  if (topK > 0 && topK < cand.length) cand = cand.sort((a, b) => logits[offset + b]! - logits[offset + a]! || a - b).slice(0, topK);
  let m = -Infinity;
  for (const v of cand) m = Math.max(m, logits[offset + v]! / temperature);
  const w = cand.map((v) => Math.exp(logits[offset + v]! / temperature - m));
  let u = rng.next() * w.reduce((s, x) => s + x, 0);
  for (let i = 0; i < cand.length; i++) {
    u -= w[i]!;
    if (u < 0) return cand[i]!;
  }
  return cand[cand.length - 1]!;
}

/**
 * Generates `length` characters continuing `prompt` and returns them (without the prompt). The prompt is
 * fed in one forward pass from a zero state; an empty prompt starts from "\n" (or the unknown symbol if
 * the vocabulary has no newline). Each next character is drawn from p(c) ∝ exp(logit_c/τ) restricted to
 * the `topK` most likely (ties: lower id first) and never the unknown symbol; τ = 0 takes the argmax.
 * The model runs in eval mode (restored afterwards) without a graph. ConfigError for bad options or a
 * vocabulary that is not the model's.
 * @example
 * sampleText(model, vocab, { prompt: 'Call me ', length: 100, temperature: 0.7, rng: new Rng(1) });
 */
export function sampleText(model: CharLM, vocab: Vocab, options: SampleOptions = {}): string {
  expectKnownKeys('sampleText', options, ['prompt', 'length', 'temperature', 'topK', 'rng']);
  const prompt = options.prompt ?? '';
  if (typeof prompt !== 'string') throw new ConfigError(`sampleText prompt: expected a string, got ${typeof prompt}`);
  const length = expectInt('sampleText length', options.length ?? 200, 0);
  const temperature = options.temperature ?? 0.8;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) {
    throw new ConfigError(`sampleText temperature: expected a number ≥ 0, got ${typeof temperature === 'number' ? temperature : JSON.stringify(temperature)}`,
      'lower is more conservative: 0 is greedy, 1 samples the model as it is, above 1 is more random');
  }
  const topK = expectInt('sampleText topK', options.topK ?? 0, 0);
  const rng = options.rng ?? new Rng(0);
  if (!(rng instanceof Rng)) throw new ConfigError(`sampleText rng: expected an Rng, got ${String(rng)}`, 'pass new Rng(seed)');
  const V = model.options.vocabSize;
  if (vocab.size !== V) {
    throw new ConfigError(`vocab: expected ${V} symbols (the model's vocabSize), got ${vocab.size}`,
      'sample with the vocabulary the model was trained with (stored in its model file)');
  }
  if (length === 0) return '';
  const start = prompt.length > 0 ? vocab.encode(prompt) : Int32Array.of(vocab.id('\n'));
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let out = model.forward(start, start.length, 1);
      const ids = new Int32Array(length);
      for (let i = 0; i < length; i++) {
        ids[i] = pick(out.logits.data, (out.logits.shape[0]! - 1) * V, V, temperature, topK, rng);
        if (i + 1 < length) out = model.forward(ids.subarray(i, i + 1), 1, 1, out.state);
      }
      return vocab.decode(ids);
    });
  } finally {
    model.train(wasTraining);
  }
}
