// Flag parsing helpers for CLI commands: typed conversions that fail with ConfigError and a hint.
import { ConfigError } from '../errors.js';

const HINT = 'run the command with --help to see its flags and defaults';

/** An integer flag value in [min, max]. */
export function int(flag: string, v: string | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (v === undefined || v.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`--${flag}: expected an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`}, got '${v ?? ''}'`, HINT);
  }
  return n;
}

/** A number flag value in [min, max]. */
export function num(flag: string, v: string | undefined, min = -Infinity, max = Infinity): number {
  const n = Number(v);
  if (v === undefined || v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new ConfigError(`--${flag}: expected a number in [${min}, ${max}], got '${v ?? ''}'`, HINT);
  }
  return n;
}

/** One of `choices`. */
export function choice<C extends string>(flag: string, v: string | undefined, choices: readonly C[]): C {
  if (v === undefined || !(choices as readonly string[]).includes(v)) {
    throw new ConfigError(`--${flag}: expected one of ${choices.join(', ')}, got '${v ?? ''}'`, HINT);
  }
  return v as C;
}

/** Throws a usage error (missing positional argument and the like). */
export function usage(text: string): never {
  throw new ConfigError(`missing argument: usage: recur ${text}`, 'see --help');
}
