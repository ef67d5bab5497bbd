/**
 * The worker side of {@link EncodeThread}: encode pushed images in order with the same encoder
 * and the same generator as the main thread would, and publish each raster and the stream's
 * state after it. Waits on shared memory between images; exits when asked to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createRng } from '../core/rng';
import { createPoissonEncoder } from './encoding';
import { EncodeRing, RING, type EncodeThreadInit } from './encode-thread';

function run(init: EncodeThreadInit): void {
  const ring = new EncodeRing(init.buffer, init.slots, init.pixels, init.steps);
  const h = ring.header;
  const encoder = createPoissonEncoder({ rate: init.rate, dt: init.dt, steps: init.steps });
  // Any generator: its state is replaced by the main thread's `spikes` stream state.
  const rng = createRng(0).stream('spikes');
  rng.importState(init.state);
  for (let s = 0; ; s++) {
    if (Atomics.load(h, RING.PUSHED) <= s) {
      // Idle first, then read PUSHED again: a push after that read changes PUSHED, so the wait
      // returns at once ("not-equal"); a push before it is seen here.
      Atomics.store(h, RING.IDLE, 1);
      for (;;) {
        if (Atomics.load(h, RING.STOP) !== 0) return;
        const pushed = Atomics.load(h, RING.PUSHED);
        if (pushed > s) break;
        Atomics.wait(h, RING.PUSHED, pushed);
      }
      Atomics.store(h, RING.IDLE, 0);
    }
    const j = s % init.slots;
    const raster = encoder.encode(ring.image(j), 0, init.pixels, rng);
    const meta = ring.meta(j);
    meta[0] = raster.count;
    rng.exportState(meta, 1);
    ring.start(j).set(raster.start);
    ring.inputs(j).set(raster.inputs.subarray(0, raster.count));
    Atomics.store(h, RING.ENCODED, s + 1);
    Atomics.notify(h, RING.ENCODED);
  }
}

const init = workerData as EncodeThreadInit;
try {
  run(init);
} catch (e) {
  parentPort?.postMessage({ error: e instanceof Error ? e.message : String(e) });
  const h = new EncodeRing(init.buffer, init.slots, init.pixels, init.steps).header;
  Atomics.store(h, RING.FAILED, 1);
  Atomics.notify(h, RING.ENCODED);
}
