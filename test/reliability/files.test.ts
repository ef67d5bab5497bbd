/**
 * Real file-system faults against the durable writer and checkpoints: a full disk (a small
 * tmpfs), a read-only file system, /proc paths, a file where a folder should be, and short
 * writes. Each case asserts the promise: a clear E_IO error, promptly, with the previous file
 * intact and no temporary file left behind.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  durableIo,
  ensureDir,
  preflightDir,
  removeStaleTemps,
  writeFileDurable,
} from '../../src/core/durable';
import { firstN, loadPaperMnist, subset } from '../../src/data/mnist';
import { checkpointBytes, loadCheckpoint, saveCheckpoint } from '../../src/learning/checkpoint';
import { createTrainer } from '../../src/learning/trainer';
import { assertCbramError } from '../helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-files-'));
const mounts: string[] = [];
after(() => {
  for (const m of mounts) spawnSync('umount', [m]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Mount a tmpfs of `size` (e.g. '64k'), read-only if asked; null where mounting is not allowed. */
function tmpfs(name: string, size: string, readOnly = false): string | null {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  const r = spawnSync('mount', [
    '-t',
    'tmpfs',
    '-o',
    `size=${size}${readOnly ? ',ro' : ''}`,
    'tmpfs',
    dir,
  ]);
  if (r.status !== 0) return null;
  mounts.push(dir);
  return dir;
}

function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.includes('.tmp-'));
}

/** Run `f` with the writer's write call replaced (a fault where no real one can be made). */
function withWrite(fake: typeof durableIo.writeSync, f: () => void): void {
  const real = durableIo.writeSync;
  durableIo.writeSync = fake;
  try {
    f();
  } finally {
    durableIo.writeSync = real;
  }
}

const mnist = loadPaperMnist();
const data = subset(mnist.train, firstN(200));

test('a full disk: the write fails with E_IO, the previous file survives, no temporary file is left', () => {
  const disk = tmpfs('full', '64k');
  const dir = disk ?? path.join(tmp, 'full-injected');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'state.bin');
  writeFileDurable(file, Buffer.alloc(1000, 7));
  const big = Buffer.alloc(256 * 1024, 1);
  const write = () => writeFileDurable(file, big, 'saveCheckpoint');
  if (disk) {
    assertCbramError(
      write,
      'E_IO',
      /saveCheckpoint: could not write .*state\.bin.*no space left on the device \(ENOSPC\)/,
    );
  } else {
    // No tmpfs here (not root): the kernel's answer to a full disk, a write of 0 bytes, injected.
    withWrite(
      () => 0,
      () => assertCbramError(write, 'E_IO', /no space left on the device/),
    );
  }
  assert.deepEqual(fs.readFileSync(file), Buffer.alloc(1000, 7), 'the previous version is intact');
  assert.deepEqual(leftovers(dir), []);
});

test('short writes are looped over until every byte is written', () => {
  const file = path.join(tmp, 'short.bin');
  const bytes = Buffer.from(Array.from({ length: 10000 }, (_, i) => i % 251));
  const real = durableIo.writeSync;
  let calls = 0;
  withWrite(
    (fd, b, o, len) => {
      calls++;
      return real(fd, b, o, Math.min(len, 777));
    },
    () => writeFileDurable(file, bytes),
  );
  assert.ok(calls >= 13, `${calls} partial writes`);
  assert.deepEqual(fs.readFileSync(file), bytes);
});

test('a checkpoint on a full disk throws, and the good checkpoint still loads', async () => {
  const disk = tmpfs('ckpt', '512k');
  const dir = disk ?? path.join(tmp, 'ckpt-injected');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'run.ckpt');
  const t = createTrainer(data, { outputs: 10, epochs: 1, rule: 'ideal' });
  await t.train({ maxImages: 20 });
  saveCheckpoint(t, file);
  const before = fs.readFileSync(file);
  // A second trainer, larger than the free space (device rule: five blobs per cell).
  const big = createTrainer(data, { outputs: 400, epochs: 1, rule: 'device' });
  assert.ok(checkpointBytes(big).length > 512 * 1024);
  const save = () => saveCheckpoint(big, file);
  if (disk) assertCbramError(save, 'E_IO', /saveCheckpoint: could not write .*run\.ckpt.*ENOSPC/);
  else
    withWrite(
      () => 0,
      () => assertCbramError(save, 'E_IO', /ENOSPC/),
    );
  assert.deepEqual(fs.readFileSync(file), before);
  assert.equal(loadCheckpoint(file, data).imagesDone, 20);
  assert.deepEqual(leftovers(dir), []);
});

test('/proc paths, files in place of folders and read-only file systems fail fast with E_IO', async () => {
  const t = createTrainer(data, { outputs: 4, epochs: 1, rule: 'ideal' });
  // Node's recursive mkdir loops forever under /proc; these must return at once.
  assertCbramError(
    () => saveCheckpoint(t, '/proc/nope/x.ckpt'),
    'E_IO',
    /saveCheckpoint: could not create folder/,
  );
  assertCbramError(() => preflightDir('/proc/x', 'reproduce'), 'E_IO', /reproduce: could not/);
  assertCbramError(() => ensureDir('/proc/a/b/c'), 'E_IO', /could not create folder/);
  const file = path.join(tmp, 'a-file');
  fs.writeFileSync(file, 'x');
  assertCbramError(
    () => saveCheckpoint(t, path.join(file, 'x.ckpt')),
    'E_IO',
    /a part of the path is a file, not a folder \(ENOTDIR\)/,
  );
  assertCbramError(
    () => writeFileDurable(tmp, 'x', 'reproduce'),
    'E_IO',
    /reproduce: could not replace/,
  );
  assertCbramError(
    () => saveCheckpoint(t, ''),
    'E_ARG',
    /saveCheckpoint: file must be a non-empty path string/,
  );
  const ro = tmpfs('ro', '64k', true);
  if (ro) {
    assertCbramError(
      () => preflightDir(path.join(ro, 'out'), 'reproduce'),
      'E_IO',
      /read-only \(EROFS\)/,
    );
  } else {
    // Not root: permissions do refuse a write here.
    const locked = path.join(tmp, 'locked');
    fs.mkdirSync(locked, { mode: 0o500 });
    assertCbramError(
      () => preflightDir(locked, 'reproduce'),
      'E_IO',
      /permission denied \(EACCES\)/,
    );
  }
  assert.deepEqual(leftovers(tmp), []);
});

test('temporary files of killed writers are removed by the next preflight, live ones are kept', () => {
  const dir = path.join(tmp, 'stale');
  fs.mkdirSync(dir);
  // A pid that cannot be running: above the kernel's pid_max.
  const dead = '.checkpoint.ckpt.tmp-99999999-0';
  const live = `.checkpoint.ckpt.tmp-${process.pid}-5`;
  fs.writeFileSync(path.join(dir, dead), 'partial');
  fs.writeFileSync(path.join(dir, live), 'in progress');
  fs.writeFileSync(path.join(dir, 'notes.tmp-1'), 'not ours');
  preflightDir(dir, 'reproduce');
  assert.deepEqual(fs.readdirSync(dir).sort(), [live, 'notes.tmp-1'].sort());
  assert.deepEqual(removeStaleTemps(path.join(tmp, 'missing')), []);
});
