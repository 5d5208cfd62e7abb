// The character vocabulary: Unicode code points (not UTF-16 units) ↔ integer ids. Id 0 is the unknown
// symbol, which every character absent from the training text maps to; ids 1…V−1 are the training text's
// characters sorted by code point. Stored compactly in model files as one string of its characters.
import { CheckpointError, DataError } from '../../errors.js';

/** What `Vocab.toJSON()` returns and `Vocab.fromJSON()` reads: the known characters, in id order, as one string. */
export interface VocabJSON {
  chars: string;
}

/**
 * A character vocabulary of size V = 1 + (distinct characters of the training text).
 * encode: text → Int32Array of ids (one per code point, unknown → 0); decode: ids → text (0 → U+FFFD "�").
 * @example
 * const vocab = Vocab.fromText('hello');  // size 5: unknown, e, h, l, o
 * vocab.encode('help');                     // Int32Array [2, 1, 3, 0]
 * vocab.decode([2, 1, 3, 0]);               // 'hel�'
 */
export class Vocab {
  /** The id of the unknown symbol. */
  static readonly UNKNOWN = 0;
  /** What `decode` writes for the unknown symbol (the Unicode replacement character). */
  static readonly UNKNOWN_CHAR = '\uFFFD';

  /** The known characters: chars[i] has id i + 1. */
  readonly chars: readonly string[];
  private readonly ids = new Map<number, number>(); // code point → id

  private constructor(chars: readonly string[]) {
    this.chars = chars;
    chars.forEach((ch, i) => this.ids.set(ch.codePointAt(0)!, i + 1));
  }

  /** The vocabulary of `text`: its distinct code points sorted, after the unknown symbol. DataError for an empty text. */
  static fromText(text: string): Vocab {
    if (typeof text !== 'string' || text.length === 0) {
      throw new DataError(`vocabulary text: expected a non-empty string, got ${typeof text === 'string' ? 'an empty string' : typeof text}`,
        'the vocabulary is built from the training text; give it some text');
    }
    const seen = new Set<number>();
    for (const ch of text) seen.add(ch.codePointAt(0)!);
    return new Vocab([...seen].sort((a, b) => a - b).map((c) => String.fromCodePoint(c)));
  }

  /**
   * Rebuilds a vocabulary from `toJSON()`'s output, as stored in a model file. Throws CheckpointError
   * unless it is `{ chars }` with at least one character, sorted by code point, each once.
   */
  static fromJSON(json: unknown): Vocab {
    const hint = 'the model file\'s vocabulary is damaged; re-save the model';
    const chars = (json as { chars?: unknown } | null)?.chars;
    if (typeof json !== 'object' || json === null || typeof chars !== 'string' || chars.length === 0) {
      throw new CheckpointError(`vocab: expected { chars: a non-empty string }, got ${JSON.stringify(json)?.slice(0, 60) ?? String(json)}`, hint);
    }
    const list = Array.from(chars);
    for (let i = 1; i < list.length; i++) {
      if (list[i]!.codePointAt(0)! <= list[i - 1]!.codePointAt(0)!) {
        throw new CheckpointError(`vocab chars: expected distinct characters sorted by code point, got ${JSON.stringify(list[i - 1])} before ${JSON.stringify(list[i])} at position ${i}`, hint);
      }
    }
    return new Vocab(list);
  }

  /** V: the known characters plus the unknown symbol. */
  get size(): number {
    return this.chars.length + 1;
  }

  /** The id of one character (a single code point), 0 if unknown. */
  id(ch: string): number {
    return this.ids.get(ch.codePointAt(0) ?? -1) ?? Vocab.UNKNOWN;
  }

  /** One id per code point of `text`; characters outside the vocabulary become 0. */
  encode(text: string): Int32Array {
    const out = new Int32Array(text.length); // an upper bound: astral characters take two UTF-16 units
    let n = 0;
    for (const ch of text) out[n++] = this.ids.get(ch.codePointAt(0)!) ?? Vocab.UNKNOWN;
    return n === out.length ? out : out.slice(0, n);
  }

  /** The text of `ids` (integers in [0, V)); the unknown symbol becomes U+FFFD. DataError for other ids. */
  decode(ids: ArrayLike<number>): string {
    const parts: string[] = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.size) {
        throw new DataError(`ids[${i}]: expected an integer in [0, ${this.size}), got ${id}`, `the vocabulary has ${this.size} symbols (id 0 is the unknown symbol)`);
      }
      parts[i] = id === Vocab.UNKNOWN ? Vocab.UNKNOWN_CHAR : this.chars[id - 1]!;
    }
    return parts.join('');
  }

  /** The compact stored form: the known characters in id order, as one string. */
  toJSON(): VocabJSON {
    return { chars: this.chars.join('') };
  }
}
