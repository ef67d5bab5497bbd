/**
 * The heartbeat, on its own thread: echoes every ping on a REP socket, so the kernel answers
 * heartbeats even while a cell keeps the main thread busy. Started by ./heartbeat.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Reply } from 'zeromq';

async function run(endpoint: string): Promise<void> {
  const socket = new Reply({ linger: 0 });
  try {
    await socket.bind(endpoint);
  } catch (e) {
    parentPort?.postMessage({
      error: `cannot bind heartbeat ${endpoint}: ${(e as Error).message}`,
    });
    socket.close();
    return;
  }
  parentPort?.on('message', (m) => {
    if (m === 'stop') socket.close();
  });
  parentPort?.postMessage({ ready: true });
  try {
    for await (const frames of socket) await socket.send(frames);
  } catch {
    // The socket was closed: the kernel is shutting down.
  }
  parentPort?.postMessage({ stopped: true });
}

void run((workerData as { endpoint: string }).endpoint);
