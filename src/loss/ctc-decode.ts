// CTC decoders over per-step class scores [T, B, C]: greedy (best path: argmax, collapse repeats, drop
// blanks) and prefix beam search (merges every alignment of a prefix; exact when the beam holds them all).
// Neither records anything for autograd; both accept raw logits or log-probabilities.
import { ShapeError } from '../errors.js';
import { expectInt, expectKnownKeys } from '../tensor/shape.js';
import { logSoftmaxRows } from './cross-entropy.js';
import { expectCtcLengths, logAddExp } from './ctc.js';

/** Scores [T, B, C] in time-major order: a Tensor, or any `{ data, shape }` such as a Float32Array and its dims. */
export interface ScoreGrid {
  readonly data: ArrayLike<number>;
  readonly shape: readonly number[];
}

/** One decoded hypothesis: its labels (blanks and repeats removed) and log p(labels | x). */
export interface Beam {
  labels: number[];
  logProb: number;
}

export interface BeamSearchOptions {
  /** How many prefixes survive each step (default 10). */
  beamWidth?: number;
  /** Index of the blank class (default 0). */
  blank?: number;
}

function checkGrid(what: string, scores: ScoreGrid, inputLengths: ArrayLike<number> | undefined, blank: number):
  { T: number; B: number; C: number; lengths: Int32Array } {
  if (scores.shape.length !== 3) {
    throw new ShapeError(`${what}: scores`, [null, null, null], scores.shape,
      'decoders take time-major scores [T, B, C]; add a batch dimension of 1 for a single sequence');
  }
  const [T, B, C] = [scores.shape[0]!, scores.shape[1]!, scores.shape[2]!];
  if (scores.data.length !== T * B * C) {
    throw new ShapeError(`${what}: scores.data`, [T * B * C], [scores.data.length], 'data must hold T·B·C values, time-major');
  }
  if (C < 1) throw new ShapeError(`${what}: scores`, [T, B, null], scores.shape, 'there must be at least the blank class');
  expectInt(`${what}: blank`, blank, 0, C - 1);
  const lengths = inputLengths === undefined ? new Int32Array(B).fill(T) : expectCtcLengths('inputLengths', inputLengths, B, T);
  return { T, B, C, lengths };
}

/**
 * Best-path decoding: for each sequence b, take argmax_c scores[t, b, c] for t < inputLengths[b] (default T),
 * merge runs of the same class, then drop blanks. Ties pick the lowest class index.
 *
 * @example
 * ctcGreedyDecode(logits, [T, T], 0); // e.g. [[3, 1, 4], [1, 5]]
 */
export function ctcGreedyDecode(scores: ScoreGrid, inputLengths?: ArrayLike<number>, blank = 0): number[][] {
  const { B, C, lengths } = checkGrid('ctcGreedyDecode', scores, inputLengths, blank);
  const x = scores.data;
  const out: number[][] = [];
  for (let b = 0; b < B; b++) {
    const labels: number[] = [];
    let prev = -1;
    for (let t = 0; t < lengths[b]!; t++) {
      const o = (t * B + b) * C;
      let best = 0;
      for (let c = 1; c < C; c++) if (x[o + c]! > x[o + best]!) best = c;
      if (best !== prev && best !== blank) labels.push(best);
      prev = best;
    }
    out.push(labels);
  }
  return out;
}

/** A prefix in the beam: log-probability of its alignments ending in blank (pb) or in its last label (pnb). */
interface Prefix {
  labels: number[];
  key: string; // labels joined by ','
  parentKey: string | null; // key of labels without the last one
  pb: number;
  pnb: number;
}

/** The `W` best of a stream of (score, id), best first; ties keep the earlier one. */
class TopW {
  readonly score: Float64Array;
  readonly id: Int32Array;
  count = 0;
  constructor(readonly W: number) {
    this.score = new Float64Array(W);
    this.id = new Int32Array(W);
  }
  offer(score: number, id: number): void {
    if (score === -Infinity || Number.isNaN(score)) return;
    if (this.count === this.W && !(score > this.score[this.W - 1]!)) return;
    let pos = Math.min(this.count, this.W - 1);
    while (pos > 0 && this.score[pos - 1]! < score) {
      this.score[pos] = this.score[pos - 1]!;
      this.id[pos] = this.id[pos - 1]!;
      pos--;
    }
    this.score[pos] = score;
    this.id[pos] = id;
    if (this.count < this.W) this.count++;
  }
}

/**
 * Prefix beam search: for each sequence, the `beamWidth` most probable label sequences, best first, each
 * with log p(labels | x) summed over all alignments that collapse to it (among those the beam kept).
 *
 * Scores are log-softmaxed per step first, so raw logits and log-probabilities give the same result.
 * Each prefix keeps pb (alignments ending in blank) and pnb (ending in its last label). Per step t:
 *   blank:            pb(ℓ)  += (pb + pnb)(ℓ) · y_t(blank)
 *   c = last of ℓ:    pnb(ℓ) += pnb(ℓ) · y_t(c)   (the repeat collapses)
 *                     pnb(ℓc) += pb(ℓ) · y_t(c)   (a repeated label needs a blank between)
 *   other c:          pnb(ℓc) += (pb + pnb)(ℓ) · y_t(c)
 * then the beamWidth prefixes with the largest pb + pnb survive. With a beam wide enough to keep every
 * prefix the probabilities are exact. Cost per step O(W·C): a prefix ℓc has the single parent ℓ, so an
 * extension that was not in the beam is scored without being built, and only survivors are materialised.
 *
 * @example
 * const [hyps] = ctcBeamSearch(logits, [T], { beamWidth: 16 }); // hyps[0].labels, hyps[0].logProb
 */
export function ctcBeamSearch(scores: ScoreGrid, inputLengths?: ArrayLike<number>, options: BeamSearchOptions = {}): Beam[][] {
  expectKnownKeys('ctcBeamSearch', options, ['beamWidth', 'blank']);
  const beamWidth = expectInt('ctcBeamSearch: beamWidth', options.beamWidth ?? 10, 1);
  const blank = options.blank ?? 0;
  const { B, C, lengths } = checkGrid('ctcBeamSearch', scores, inputLengths, blank);
  const y = new Float64Array(C); // [C] log-probabilities of one step
  const out: Beam[][] = [];
  for (let b = 0; b < B; b++) {
    let beams: Prefix[] = [{ labels: [], key: '', parentKey: null, pb: 0, pnb: -Infinity }];
    for (let t = 0; t < lengths[b]!; t++) {
      logSoftmaxRows(y, scores.data, 1, C, (t * B + b) * C);
      const W = beams.length;
      const index = new Map<string, number>(beams.map((p, i) => [p.key, i]));
      const total = beams.map((p) => logAddExp(p.pb, p.pnb));
      const last = beams.map((p) => (p.labels.length > 0 ? p.labels[p.labels.length - 1]! : -1));
      // Prefixes already in the beam: their own paths (blank, or repeating the last label) …
      const next = beams.map((p, i): Prefix => ({ ...p,
        pb: total[i]! + y[blank]!,
        pnb: last[i]! >= 0 ? p.pnb + y[last[i]!]! : -Infinity }));
      // … plus the extension from their parent when that is in the beam too.
      const merged = new Uint8Array(W * C); // [W, C] extension already counted in `next`
      next.forEach((q, k) => {
        const j = q.parentKey === null ? undefined : index.get(q.parentKey);
        if (j === undefined) return;
        const c = last[k]!;
        merged[j * C + c] = 1;
        q.pnb = logAddExp(q.pnb, (c === last[j] ? beams[j]!.pb : total[j]!) + y[c]!);
      });
      const top = new TopW(beamWidth);
      next.forEach((q, k) => top.offer(logAddExp(q.pb, q.pnb), k));
      for (let i = 0; i < W; i++) {
        for (let c = 0; c < C; c++) {
          if (c === blank || merged[i * C + c]) continue;
          top.offer((c === last[i] ? beams[i]!.pb : total[i]!) + y[c]!, W + i * C + c);
        }
      }
      beams = [];
      for (let r = 0; r < top.count; r++) {
        const id = top.id[r]!;
        if (id < W) { beams.push(next[id]!); continue; }
        const [i, c] = [Math.floor((id - W) / C), (id - W) % C];
        const p = next[i]!;
        beams.push({ labels: [...p.labels, c], key: p.key === '' ? String(c) : `${p.key},${c}`, parentKey: p.key,
          pb: -Infinity, pnb: top.score[r]! });
      }
      if (beams.length === 0) break;
    }
    out.push(beams.map((p) => ({ labels: p.labels, logProb: logAddExp(p.pb, p.pnb) })));
  }
  return out;
}
