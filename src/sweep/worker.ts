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
  const controller = new AbortController();
  const poll = () => {
    if (Atomics.load(flag, 0) !== 0) controller.abort();
  };
  poll();
  const timer = setInterval(poll, 50);
  try {
    return await runTrial(cached.sweep, task.index, {
      dir: task.dir,
      signal: controller.signal,
      checkpointImages: task.checkpointImages,
    });
  } finally {
    clearInterval(timer);
  }
}
