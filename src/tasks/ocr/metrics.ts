// OCR scores by edit distance: character error rate (over Unicode code points), word error rate (over
// space-separated words) and sequence accuracy (exact matches), summed over a set of lines.

/** Levenshtein distance between two sequences (unit costs for substitution, insertion and deletion). */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** Words of a line: split on runs of white space, empty ends dropped. */
function words(s: string): string[] {
  return s.split(/\s+/).filter((w) => w !== '');
}

/** Scores of hypotheses against references. */
export interface OcrScores {
  /** Σ edit distance over code points / Σ reference code points. */
  cer: number;
  /** Σ edit distance over words / Σ reference words. */
  wer: number;
  /** Fraction of lines read exactly. */
  sequence_accuracy: number;
  lines: number;
}

/**
 * CER, WER and sequence accuracy of `hyps` against `refs` (same length), pooled over all lines (errors
 * summed, then divided by the summed reference length). Characters are Unicode code points: a Devanagari
 * akshara like "क्षि" counts as its 4 code points.
 * @example
 * ocrScores(['helo world'], ['hello world']); // { cer: 1/11, wer: 1/2, sequence_accuracy: 0, lines: 1 }
 */
export function ocrScores(hyps: readonly string[], refs: readonly string[]): OcrScores {
  if (hyps.length !== refs.length) throw new RangeError(`ocrScores: expected as many hypotheses as references, got ${hyps.length} and ${refs.length}`);
  let [ce, cn, we, wn, exact] = [0, 0, 0, 0, 0];
  hyps.forEach((h, i) => {
    const r = refs[i]!;
    ce += editDistance(Array.from(h), Array.from(r));
    cn += Array.from(r).length;
    we += editDistance(words(h), words(r));
    wn += words(r).length;
    if (h === r) exact++;
  });
  return { cer: ce / Math.max(cn, 1), wer: we / Math.max(wn, 1), sequence_accuracy: hyps.length ? exact / hyps.length : 0, lines: hyps.length };
}
