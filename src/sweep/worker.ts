/**
 * The worker-thread side of the local backend: runs one trial per task. MNIST is loaded once per
 * thread (on its first train trial) and kept for the next ones. A stop request arrives through a
 * shared flag, so the trial stops at the next image and writes its checkpoint first.
 */
import { runTrial } from './trial';
import { defineSweep, type Sweep } from './spec';
import { canonicalJson, type TrialRow } from './results';

/** A task for {@link runTask}, posted by the pool. */
export interface WorkerTask {
  spec: unknown;
  dir: string;
  index: number;
  checkpointImages: number;
  /** Int32 flag: nonzero means stop. */
  stop: SharedArrayBuffer;
}

/** What a task resolves with. */
export type WorkerResult =
  | { status: 'completed'; row: TrialRow; skipped: boolean }
  | { status: 'interrupted'; trial: number; imagesDone: number };

let cached: { key: string; sweep: Sweep } | null = null;

/** Run one trial (the pool's default export). */
export default async function runTask(task: WorkerTask): Promise<WorkerResult> {
  const key = canonicalJson(task.spec);
  if (cached?.key !== key) cached = { key, sweep: defineSweep(task.spec) };
  const flag = new Int32Array(task.stop);
  // The stop request is read at every image boundary straight from shared memory: the trainer
  // only reads `signal.aborted`, and a timer polling the flag would rarely run while a trial
  // trains (its yields are immediates), so a stop would wait for the trial to end.
  const signal = {
    get aborted(): boolean {
      return Atomics.load(flag, 0) !== 0;
    },
  } as AbortSignal;
  return runTrial(cached.sweep, task.index, {
    dir: task.dir,
    signal,
    checkpointImages: task.checkpointImages,
  });
}
