/**
 * Starts and stops the heartbeat thread (./heartbeat-worker.ts).
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/** A running heartbeat. */
export interface Heartbeat {
  /** Close the socket and end the thread. */
  stop(): Promise<void>;
}

/**
 * Bind a heartbeat echo on `endpoint` in a worker thread; resolves once it is bound.
 *
 * @example
 * const hb = await startHeartbeat('tcp://127.0.0.1:5555');
 * await hb.stop();
 */
export function startHeartbeat(endpoint: string): Promise<Heartbeat> {
  const worker = new Worker(path.join(__dirname, 'heartbeat-worker.js'), {
    workerData: { endpoint },
  });
  worker.unref();
  return new Promise((resolve, reject) => {
    const exited = new Promise<void>((done) => worker.once('exit', () => done()));
    worker.on('error', reject);
    worker.on('message', (m: { ready?: boolean; error?: string; stopped?: boolean }) => {
      if (m.error) reject(new Error(`kernel: ${m.error}`));
      else if (m.ready)
        resolve({
          async stop() {
            worker.postMessage('stop');
            await exited;
          },
        });
      else if (m.stopped) void worker.terminate();
    });
  });
}
