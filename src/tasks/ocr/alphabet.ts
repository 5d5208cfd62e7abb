// The character set of an OCR model: class 0 is the CTC blank (or "no character"), classes 1…N the
// characters, by Unicode code point. Stored in model files as its list of characters.
import { CheckpointError, DataError } from '../../errors.js';

/**
 * Characters ↔ class ids. Text is split into Unicode code points (so a Devanagari akshara such as "कि" is
 * two symbols, क and ि); ids start at 1 because 0 is reserved for the blank.
 * @example
 * const a = new Alphabet([...'0123456789']);
 * a.encode('42'); // Int32Array [5, 3]
 * a.decode([5, 3]); // '42'
 */
export class Alphabet {
  readonly chars: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(chars: Iterable<string>) {
    this.chars = Object.freeze([...new Set(chars)]);
    this.ids = new Map(this.chars.map((c, i) => [c, i + 1]));
    for (const c of this.chars) {
      if (Array.from(c).length !== 1) throw new DataError(`alphabet character ${JSON.stringify(c)}: expected one code point, got ${Array.from(c).length}`);
    }
  }

  /** C: classes including the blank (characters + 1). */
  get size(): number {
    return this.chars.length + 1;
  }

  /** Whether every code point of `text` is in the alphabet. */
  covers(text: string): boolean {
    for (const ch of text) if (!this.ids.has(ch)) return false;
    return true;
  }

  /** Class ids (1…N) of the code points of `text`; DataError naming the first character not in the alphabet. */
  encode(text: string): Int32Array {
    const cps = Array.from(text);
    const out = new Int32Array(cps.length);
    cps.forEach((ch, i) => {
      const id = this.ids.get(ch);
      if (id === undefined) throw new DataError(`text ${JSON.stringify(text)}: expected characters of the alphabet, got ${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`, 'the model cannot read this character');
      out[i] = id;
    });
    return out;
  }

  /** Text of class ids (0, the blank, is skipped). */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) if (ids[i]! > 0) s += this.chars[ids[i]! - 1] ?? '';
    return s;
  }

  toJSON(): string[] {
    return [...this.chars];
  }

  /** Rebuilds a stored alphabet; CheckpointError if it is not a list of single characters. */
  static fromJSON(v: unknown): Alphabet {
    if (!Array.isArray(v) || v.length === 0 || !v.every((c) => typeof c === 'string' && Array.from(c).length === 1)) {
      throw new CheckpointError(`model config alphabet: expected a list of single characters, got ${JSON.stringify(v)?.slice(0, 60)}`, 'the model file is damaged; retrain or re-save it');
    }
    return new Alphabet(v as string[]);
  }
}
