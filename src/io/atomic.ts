// Atomic file replacement: write a temporary file in the target's folder, flush it to disk, rename it over
// the target, flush the folder. A crash or error at any point leaves either the old file or the new one,
// never a mix. Synchronous on purpose: model files are written whole from memory, between training steps.
import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CheckpointError } from '../errors.js';

/** The file-system calls `writeFileAtomic` makes (node:fs by default; tests pass one that fails). */
export type AtomicFs = Pick<typeof fs, 'openSync' | 'writeSync' | 'fsyncSync' | 'closeSync' | 'renameSync' | 'unlinkSync'>;

let sequence = 0;

/**
 * Replaces the file at `path` with `bytes` atomically: `.NAME.PID.K.tmp` is created beside it (never
 * overwriting anything), written, fsync'ed and renamed over `path`; then the folder is fsync'ed so the
 * rename survives a power cut. On failure the temporary file is removed and the old file, if any, is
 * untouched. Throws CheckpointError (code 'bad_checkpoint') naming the path and the system error.
 *
 * @example
 * writeFileAtomic('runs/model.safetensors', encodeSafetensors(tensors));
 */
export function writeFileAtomic(path: string, bytes: Uint8Array, io: AtomicFs = fs): void {
  const target = resolve(path);
  const dir = dirname(target);
  let tmp = '';
  let fd = -1;
  try {
    for (let attempt = 0; fd < 0; attempt++) {
      tmp = join(dir, `.${basename(target)}.${process.pid}.${sequence++}.tmp`);
      try {
        fd = io.openSync(tmp, 'wx', 0o666);
      } catch (e) {
        // a stale temporary file from a crashed run: take the next name
        if (errorCode(e) !== 'EEXIST' || attempt >= 100) throw e;
      }
    }
    for (let done = 0; done < bytes.length;) done += io.writeSync(fd, bytes, done, bytes.length - done, null);
    io.fsyncSync(fd);
    io.closeSync(fd);
    fd = -1;
    io.renameSync(tmp, target);
    tmp = '';
  } catch (e) {
    if (fd >= 0) ignoreErrors(() => io.closeSync(fd));
    if (tmp) ignoreErrors(() => io.unlinkSync(tmp));
    throw writeError(path, e);
  }
  syncFolder(dir, io);
}

// Folders cannot be opened or fsync'ed on some platforms (Windows); the rename has happened either way.
function syncFolder(dir: string, io: AtomicFs): void {
  let fd = -1;
  try {
    fd = io.openSync(dir, 'r');
    io.fsyncSync(fd);
  } catch (e) {
    if (errorCode(e) === 'EIO') throw writeError(dir, e);
  } finally {
    if (fd >= 0) ignoreErrors(() => io.closeSync(fd));
  }
}

function ignoreErrors(fn: () => void): void {
  try {
    fn();
  } catch {
    // cleanup after a failure: the first error is the one to report
  }
}

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function writeError(path: string, e: unknown): CheckpointError {
  const code = errorCode(e);
  const hints: Record<string, string> = {
    ENOENT: `the folder '${dirname(path)}' does not exist; create it first`,
    ENOTDIR: `a part of '${dirname(path)}' is not a folder`,
    EACCES: `the folder '${dirname(path)}' is not writable by this user`,
    EPERM: `the folder '${dirname(path)}' is not writable by this user`,
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full; free some space',
    EDQUOT: 'the disk quota is used up; free some space',
    EISDIR: `'${path}' is a folder; give a file name`,
  };
  const detail = e instanceof Error ? e.message : String(e);
  return new CheckpointError(`${path}: expected to write the file, got ${code ?? 'an error'} (${detail})`,
    (code && hints[code]) || 'check the path, the permissions and the free space');
}
