/**
 * The local backend: a sweep's trials on a pool of worker threads (piscina), one per core by
 * default. Every trial writes its own row file, so the rows do not depend on the number of
 * workers or on the order trials finish in.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Piscina } from 'piscina';
import type * as aq from 'arquero';
import { checkInt, checkOptions, fail } from '../core/validate';
import { writeFileDurable } from '../core/durable';
import {
  finishedTrials,
  openSweepDir,
  readRows,
  rowsToCsv,
  rowsToTable,
  type TrialRow,
} from './results';
import { defineSweep, type Sweep } from './spec';
import type { WorkerResult, WorkerTask } from './worker';

/** A progress report of {@link runSweep}. */
export interface SweepProgress {
  /** Trials in the sweep. */
  total: number;
  /** Trials finished, including those finished by earlier runs. */
  done: number;
  /** Trials found finished when this run started (not rerun). */
  skipped: number;
  /** Trials that failed with an error in this run. */
  failed: number;
  /** Seconds since this run started. */
  elapsed: number;
  /** Estimated seconds to finish (NaN until a trial has finished in this run). */
  eta: number;
}

/** Options for {@link runSweep}. */
export interface RunSweepOptions {
  /** Results folder. */
  out: string;
  /** Worker threads (default: one per core, `os.availableParallelism()`). */
  workers?: number;
  /** Stop: running trials stop at the next image and checkpoint; the rest are not started. */
  signal?: AbortSignal;
  /** Called when a trial finishes or fails. */
  onProgress?: (p: SweepProgress) => void;
  /** Called with each row finished in this run. */
  onTrial?: (row: TrialRow) => void;
  /** Called when a trial fails (the others go on). */
  onError?: (trial: number, message: string) => void;
  /** Images between a trial's checkpoints (default 1000). */
  checkpointImages?: number;
  /** Only these trial indices (default: all). */
  trials?: readonly number[];
}

/** What {@link runSweep} resolves with. */
export interface SweepRunResult {
  status: 'completed' | 'interrupted' | 'failed';
  sweep: Sweep;
  /** Every finished row in the folder, in trial order. */
  rows: TrialRow[];
  table: aq.ColumnTable;
  /** Trials that failed, with the error message. */
  failed: { trial: number; message: string }[];
}

const FN = 'runSweep';

/**
 * Run a sweep on worker threads, writing its results folder; a rerun skips finished trials and
 * resumes interrupted ones from their checkpoints. All spec checks run before any trial.
 *
 * @example
 * const res = await runSweep(spec, { out: 'results/sweeps/c2c', workers: 2,
 *   onProgress: (p) => console.log(`${p.done}/${p.total}, ETA ${p.eta.toFixed(0)} s`) });
 * res.table.print();
 */
export async function runSweep(spec: unknown, options: RunSweepOptions): Promise<SweepRunResult> {
  checkOptions(FN, options, [
    'out',
    'workers',
    'signal',
    'onProgress',
    'onTrial',
    'onError',
    'checkpointImages',
    'trials',
  ]);
  if (!options || typeof options.out !== 'string' || options.out === '')
    fail(FN, 'options.out', options?.out, 'a results folder path');
  const sweep = defineSweep(spec);
  const workers = checkInt(FN, 'options.workers', options.workers ?? os.availableParallelism(), {
    min: 1,
    max: 1024,
  });
  const checkpointImages = checkInt(
    FN,
    'options.checkpointImages',
    options.checkpointImages ?? 1000,
    { min: 1 },
  );
  const wanted = options.trials ?? Array.from({ length: sweep.trials }, (_, i) => i);
  wanted.forEach((i, j) =>
    checkInt(FN, `options.trials[${j}]`, i, { min: 0, max: sweep.trials - 1 }),
  );
  const out = options.out;
  openSweepDir(out, sweep, FN);
  const finished = new Set(finishedTrials(out, sweep));
  const todo = wanted.filter((i) => !finished.has(i));
  const t0 = performance.now();
  let doneThisRun = 0;
  const failed: { trial: number; message: string }[] = [];
  let interrupted = false;
  const progress = (): SweepProgress => {
    const elapsed = (performance.now() - t0) / 1000;
    const left = todo.length - doneThisRun - failed.length;
    return {
      total: sweep.trials,
      done: finished.size + doneThisRun,
      skipped: finished.size,
      failed: failed.length,
      elapsed,
      eta: doneThisRun > 0 ? (elapsed / doneThisRun) * left : NaN,
    };
  };

  if (todo.length > 0 && !options.signal?.aborted) {
    const threads = Math.min(workers, todo.length);
    const pool = new Piscina({
      filename: path.join(__dirname, 'worker.js'),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 1000,
    });
    const stop = new SharedArrayBuffer(4);
    const onAbort = () => Atomics.store(new Int32Array(stop), 0, 1);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // One task in flight per thread, handed out in trial order: trials start in index order,
      // and after a stop request no further trial starts.
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < todo.length && !options.signal?.aborted) {
          const index = todo[next++]!;
          const task: WorkerTask = { spec: sweep.spec, dir: out, index, checkpointImages, stop };
          try {
            const r = (await pool.run(task)) as WorkerResult;
            if (r.status === 'interrupted') {
              interrupted = true;
              continue;
            }
            doneThisRun++;
            if (!r.skipped) options.onTrial?.(r.row);
          } catch (e) {
            const message = e instanceof Error ? e.message : String(e);
            failed.push({ trial: index, message });
            options.onError?.(index, message);
          }
          options.onProgress?.(progress());
        }
        if (next < todo.length) interrupted = true;
      };
      await Promise.all(Array.from({ length: threads }, lane));
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      await pool.destroy();
    }
  } else if (todo.length > 0) interrupted = true;

  const rows = readRows(out, sweep);
  writeFileDurable(path.join(out, 'results.csv'), rowsToCsv(sweep, rows), FN);
  return {
    status: interrupted ? 'interrupted' : failed.length ? 'failed' : 'completed',
    sweep,
    rows,
    table: rowsToTable(sweep, rows),
    failed: failed.sort((a, b) => a.trial - b.trial),
  };
}
