// What a CLI command writes to; tests pass a recorder, the binary passes the process streams.
export interface Io {
  /** Results (stdout), one line per call. */
  out(text: string): void;
  /** Messages and progress (stderr), one line per call. */
  err(text: string): void;
  /** Raw text to stderr without a newline (terminal progress bars). */
  errRaw?(text: string): void;
  /** True when stderr, where progress goes, is a terminal; false in pipes and CI. */
  isTty: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  errRaw: (t) => process.stderr.write(t),
  isTty: Boolean(process.stderr.isTTY),
};
