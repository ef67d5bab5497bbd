/**
 * Sweep throughput: trials per hour of a fixed small sweep (8 trials: 4 noise levels × 2 seeds,
 * 100 outputs, 20,000 training images, 1,000 label and 1,000 test images) on 1 and 2 worker
 * threads. Each worker loads MNIST once and then trains for a few seconds per trial, so the
 * fixed costs (starting the pool, loading MNIST, writing the results folder) are a small share,
 * as in a real sweep, and the second core should bring close to 2× on an idle machine. With
 * trials of well under a second (50 outputs, 2,000 images) those fixed costs dominate and the
 * same machine shows about 1.5×.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSweep } from '../src/sweep/local';
import type { BenchRow } from './util';
import { printTable } from './util';

const SPEC = {
  name: 'bench',
  base: { outputs: 100, epochs: 1, imagesPerEpoch: 20000 },
  evaluate: { labelImages: 1000, testImages: 1000 },
  grid: { 'device.c2cStd': [0, 0.02, 0.05, 0.1] },
  seeds: [0, 1],
};
const TRIALS = 8;

async function trialsPerHour(workers: number): Promise<number> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-bench-sweep-'));
  try {
    const t0 = performance.now();
    const r = await runSweep(SPEC, { out, workers });
    if (r.status !== 'completed') throw new Error(`bench sweep ${r.status}`);
    return (TRIALS * 3600 * 1000) / (performance.now() - t0);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

/** Trials per hour on 1 and 2 workers, and the speed-up. */
export async function benchSweep(): Promise<BenchRow[]> {
  const one = await trialsPerHour(1);
  const two = await trialsPerHour(2);
  return [
    { name: '1 worker', value: one, unit: 'trials/h' },
    { name: '2 workers', value: two, unit: 'trials/h' },
    { name: 'speed-up from the second core', value: two / one, unit: '×' },
  ];
}

if (require.main === module)
  void benchSweep().then((rows) =>
    printTable(`Sweep: ${TRIALS} trials (100 outputs, 20,000 images)`, rows),
  );
