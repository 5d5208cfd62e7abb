// writeFileAtomic: the target is either the old file or the new one, whatever fails; no temporary files
// are left behind; the data and the folder are flushed in the right order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AtomicFs, writeFileAtomic } from '../../src/io/atomic.js';

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(join(tmpdir(), 'recur-atomic-'));
  t.after(() => {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function fsFailing(overrides: Partial<AtomicFs>): AtomicFs {
  return { openSync: fs.openSync, writeSync: fs.writeSync, fsyncSync: fs.fsyncSync, closeSync: fs.closeSync, renameSync: fs.renameSync, unlinkSync: fs.unlinkSync, ...overrides };
}

function sysError(code: string): Error {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

function expectBad(fn: () => unknown, message: RegExp, hint: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.equal((e as Error).name, 'CheckpointError', String(e));
    assert.equal((e as { code: string }).code, 'bad_checkpoint');
    assert.match((e as Error).message, message);
    assert.match((e as { hint: string }).hint, hint);
    return true;
  });
}

test('writeFileAtomic writes a new file and leaves nothing else in the folder', (t) => {
  const dir = scratch(t);
  const path = join(dir, 'model.safetensors');
  writeFileAtomic(path, new Uint8Array([1, 2, 3]));
  assert.deepEqual([...fs.readFileSync(path)], [1, 2, 3]);
  assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
});

test('writeFileAtomic replaces an existing file whole, including with a shorter one', (t) => {
  const dir = scratch(t);
  const path = join(dir, 'model.safetensors');
  fs.writeFileSync(path, new Uint8Array(1000).fill(7));
  writeFileAtomic(path, new Uint8Array([9, 9]));
  assert.deepEqual([...fs.readFileSync(path)], [9, 9]);
  assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
});

test('a rename that fails leaves the old file intact and removes the temporary file', (t) => {
  const dir = scratch(t);
  const path = join(dir, 'model.safetensors');
  fs.writeFileSync(path, 'old');
  const io = fsFailing({ renameSync: () => { throw sysError('EXDEV'); } });
  expectBad(() => writeFileAtomic(path, new Uint8Array([1, 2, 3]), io), /model\.safetensors: expected to write the file, got EXDEV/, /check the path/);
  assert.equal(fs.readFileSync(path, 'utf8'), 'old');
  assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
});

test('a write interrupted half-way (disk full) leaves the old file intact', (t) => {
  const dir = scratch(t);
  const path = join(dir, 'model.safetensors');
  fs.writeFileSync(path, 'old');
  let calls = 0;
  const io = fsFailing({
    writeSync: ((fd: number, buf: Uint8Array, off: number) => {
      if (calls++ > 0) throw sysError('ENOSPC');
      return fs.writeSync(fd, buf, off, 2); // a short write first, as a full disk gives
    }) as AtomicFs['writeSync'],
  });
  expectBad(() => writeFileAtomic(path, new Uint8Array(64).fill(1), io), /got ENOSPC/, /disk is full/);
  assert.equal(fs.readFileSync(path, 'utf8'), 'old');
  assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
});

test('short writes are continued until every byte is written', (t) => {
  const dir = scratch(t);
  const path = join(dir, 'model.safetensors');
  const io = fsFailing({ writeSync: ((fd: number, buf: Uint8Array, off: number) => fs.writeSync(fd, buf, off, Math.min(3, buf.length - off))) as AtomicFs['writeSync'] });
  const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
  writeFileAtomic(path, bytes, io);
  assert.deepEqual([...fs.readFileSync(path)], [...bytes]);
});

test('the data is flushed before the rename and the folder after it', (t) => {
  const dir = scratch(t);
  const path = join(dir, 'model.safetensors');
  const log: string[] = [];
  const names = new Map<number, string>();
  const io = fsFailing({
    openSync: ((p: string, flags: string, mode?: number) => {
      const fd = fs.openSync(p, flags, mode);
      names.set(fd, p === dir ? 'dir' : 'tmp');
      log.push(`open ${names.get(fd)} ${flags}`);
      return fd;
    }) as AtomicFs['openSync'],
    fsyncSync: (fd: number) => { log.push(`fsync ${names.get(fd)}`); fs.fsyncSync(fd); },
    closeSync: (fd: number) => { log.push(`close ${names.get(fd)}`); fs.closeSync(fd); },
    renameSync: (a: fs.PathLike, b: fs.PathLike) => { log.push('rename'); fs.renameSync(a, b); },
  });
  writeFileAtomic(path, new Uint8Array([1]), io);
  assert.deepEqual(log, ['open tmp wx', 'fsync tmp', 'close tmp', 'rename', 'open dir r', 'fsync dir', 'close dir']);
});

test('a stale temporary file of the same name is skipped, not overwritten', (t) => {
  const dir = scratch(t);
  const path = join(dir, 'model.safetensors');
  let first = true;
  const io = fsFailing({
    openSync: ((p: string, flags: string, mode?: number) => {
      if (first && flags === 'wx') { first = false; throw sysError('EEXIST'); }
      return fs.openSync(p, flags, mode);
    }) as AtomicFs['openSync'],
  });
  writeFileAtomic(path, new Uint8Array([5]), io);
  assert.deepEqual([...fs.readFileSync(path)], [5]);
});

test('writing into a missing folder throws CheckpointError saying to create it', (t) => {
  const dir = scratch(t);
  expectBad(() => writeFileAtomic(join(dir, 'nope', 'model.safetensors'), new Uint8Array([1])), /nope.model\.safetensors: expected to write the file, got ENOENT/, /does not exist; create it first/);
});

test('writing over a folder throws CheckpointError and leaves the folder alone', (t) => {
  const dir = scratch(t);
  fs.mkdirSync(join(dir, 'model.safetensors'));
  fs.writeFileSync(join(dir, 'model.safetensors', 'keep'), 'x');
  assert.throws(() => writeFileAtomic(join(dir, 'model.safetensors'), new Uint8Array([1])), (e: unknown) => (e as Error).name === 'CheckpointError');
  assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
  assert.equal(fs.readFileSync(join(dir, 'model.safetensors', 'keep'), 'utf8'), 'x');
});

test('a read-only folder leaves the old file intact', { skip: process.getuid?.() === 0 ? 'root ignores folder permissions' : false }, (t) => {
  const dir = scratch(t);
  const path = join(dir, 'model.safetensors');
  fs.writeFileSync(path, 'old');
  fs.chmodSync(dir, 0o555);
  expectBad(() => writeFileAtomic(path, new Uint8Array([1])), /got EACCES/, /not writable/);
  assert.equal(fs.readFileSync(path, 'utf8'), 'old');
});
