/**
 * Durable file writes: every file CBRAM Lab writes (checkpoints, results, sweep rows, built
 * assets) goes through {@link writeFileDurable}, so a write either lands whole or fails loudly.
 *
 * The protocol: write the bytes to a temporary file beside the target (looping on short writes),
 * fsync it, rename it over the target, then fsync the folder so the rename itself survives a
 * crash. Any failure (a full disk, a read-only or missing folder, a path under /proc) throws a
 * {@link CbramError} with code `E_IO` naming the caller and the file, and the temporary file is
 * removed. The previous version of the target is never replaced by a partial one.
 *
 * Folders are created without `fs.mkdirSync(..., { recursive: true })`, which loops forever under
 * /proc on Node 20; {@link ensureDir} walks the path itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CbramError } from './errors';

/**
 * The file-system calls the writer uses. @internal Replaced only by fault-injection tests, where a
 * real fault (a small tmpfs) is not available.
 */
export const durableIo = {
  openSync: fs.openSync,
  writeSync: fs.writeSync as (fd: number, buf: Uint8Array, off: number, len: number) => number,
  fsyncSync: fs.fsyncSync,
  closeSync: fs.closeSync,
  renameSync: fs.renameSync,
};

/** The temporary files of this module: `.<name>.tmp-<pid>-<n>` beside the target. */
const TEMP = /^\.(.+)\.tmp-(\d+)-\d+$/;
let tempCounter = 0;

function reason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const messages: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOENT: 'a folder on the path does not exist and cannot be created there',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'the path is a folder',
    EEXIST: 'the path exists and is not a folder',
  };
  if (err && typeof err.code === 'string')
    return `${messages[err.code] ?? err.message} (${err.code})`;
  return e instanceof Error ? e.message : String(e);
}

function ioError(fn: string, what: string, file: string, e: unknown): CbramError {
  return new CbramError('E_IO', `${fn}: could not ${what} ${JSON.stringify(file)}: ${reason(e)}`, {
    fn,
    param: 'file',
    value: file,
  });
}

/**
 * Create `dir` and its missing parents. Throws E_IO if a part of the path is a file, or the
 * folder cannot be created (read-only, permission, /proc).
 *
 * @example
 * ensureDir('results/run-1', 'reproduce');
 */
export function ensureDir(dir: string, fn = 'ensureDir'): void {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  let p = abs;
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw ioError(fn, 'create folder', dir, e);
    }
    if (st) {
      if (!st.isDirectory()) {
        const err = Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
        throw ioError(fn, 'create folder', dir, err);
      }
      break;
    }
    missing.push(p);
    const parent = path.dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      fs.mkdirSync(missing[i]!);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(missing[i]!).isDirectory())
        throw ioError(fn, 'create folder', dir, e);
    }
  }
}

/** fsync a folder, so a rename inside it is durable. Best effort where folders cannot be opened. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a folder (EINVAL) or opening one; the rename has happened.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Write `data` to `file` durably and atomically: the target ends up with all the bytes, or keeps
 * its previous content and this throws. `fn` names the caller in error messages.
 *
 * @example
 * writeFileDurable('results/summary.json', JSON.stringify(summary), 'reproduce');
 */
export function writeFileDurable(
  file: string,
  data: Uint8Array | string,
  fn = 'writeFileDurable',
): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  ensureDir(dir, fn);
  const tmp = path.join(dir, `.${path.basename(abs)}.tmp-${process.pid}-${tempCounter++}`);
  const io = durableIo;
  let fd: number | undefined;
  let stage = 'write';
  try {
    fd = io.openSync(tmp, 'wx', 0o644);
    let off = 0;
    while (off < bytes.length) {
      const n = io.writeSync(fd, bytes, off, bytes.length - off);
      if (!(n > 0)) {
        throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
      }
      off += n;
    }
    io.fsyncSync(fd);
    const closing = fd;
    fd = undefined;
    io.closeSync(closing);
    stage = 'replace';
    io.renameSync(tmp, abs);
  } catch (e) {
    if (fd !== undefined) {
      try {
        io.closeSync(fd);
      } catch {
        // already failing; the original error is the one to report
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // the temporary file was never created, or is gone
    }
    throw ioError(fn, stage, file, e);
  }
  syncDir(dir);
}

/**
 * Create `dir` and prove it is writable by writing and removing a probe file, before any long
 * work starts. Also removes temporary files left in it by writers that were killed.
 *
 * @example
 * preflightDir(args.out, 'reproduce'); // throws E_IO now, not after an hour of training
 */
export function preflightDir(dir: string, fn = 'preflightDir'): void {
  ensureDir(dir, fn);
  const probe = path.join(dir, `.cbram-lab-probe-${process.pid}`);
  writeFileDurable(probe, 'probe\n', fn);
  try {
    fs.unlinkSync(probe);
  } catch (e) {
    throw ioError(fn, 'remove probe file', probe, e);
  }
  removeStaleTemps(dir);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove temporary files in `dir` left by {@link writeFileDurable} calls of processes that no
 * longer run (killed mid-write). Returns the names removed.
 */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || alive(Number(m[2]))) continue;
    try {
      fs.unlinkSync(path.join(dir, name));
      removed.push(name);
    } catch {
      // another process removed it first
    }
  }
  return removed;
}
