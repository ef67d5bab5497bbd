/**
 * Training throughput for the paper's configuration (397 inputs, 500 outputs, 100 ms per image,
 * f_in = f_out = 200 Hz), for each rule, side by side with the numpy peer in ../shared/peers when
 * Debian's numpy is installed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { firstN, loadPaperMnist, subset } from '../src/data/mnist';
import { createTrainer } from '../src/learning/trainer';
import type { BenchRow } from './util';
import { printTable } from './util';

const PEER = path.resolve(__dirname, '../../../shared/peers/shi2018_numpy.py');

async function imagesPerSecond(
  rule: 'ideal' | 'device',
  images: number,
  pruning: boolean,
): Promise<number> {
  const m = loadPaperMnist();
  const data = subset(m.train, firstN(images));
  const t = createTrainer(data, {
    rule,
    epochs: 1,
    seed: 1,
    pruning: pruning ? { fraction: 0.5, matureSpikes: 100 } : null,
  });
  await t.train({ maxImages: 200 }); // warm-up
  const t0 = performance.now();
  await t.train();
  return (images - 200) / ((performance.now() - t0) / 1000);
}

/** The numpy peer's training images/s on the same configuration, or null if it cannot run here. */
export function peerImagesPerSecond(images: number): number | null {
  if (!fs.existsSync(PEER) || !fs.existsSync('/usr/bin/python3')) return null;
  const args = [
    PEER,
    '--n-train',
    String(images),
    '--n-out',
    '500',
    '--f-in',
    '200',
    '--eta',
    '0.02',
    '--eta-final',
    '0.001',
    '--eta-b',
    '0.2',
    '--mode',
    'event',
    '--no-eval',
    '--log-every',
    '0',
  ];
  const r = spawnSync('/usr/bin/python3', args, {
    cwd: path.resolve(__dirname, '../..'),
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '2' },
  });
  const m = /-> ([\d.]+) images\/s/.exec(r.stdout ?? '');
  return m ? Number(m[1]) : null;
}

export async function benchTraining(images = 3000): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const ideal = await imagesPerSecond('ideal', images, false);
  rows.push({ name: 'train, paper config, ideal rule', value: ideal, unit: 'images/s' });
  const device = await imagesPerSecond('device', images, false);
  rows.push({ name: 'train, paper config, device rule (CBRAM)', value: device, unit: 'images/s' });
  rows.push({
    name: 'train, device rule + 50 % soft pruning',
    value: await imagesPerSecond('device', images, true),
    unit: 'images/s',
  });
  const peer = peerImagesPerSecond(images);
  if (peer !== null) {
    rows.push({ name: 'numpy peer (event mode, same config)', value: peer, unit: 'images/s' });
    rows.push({ name: 'speed-up over the peer, ideal rule', value: ideal / peer, unit: '×' });
    rows.push({ name: 'speed-up over the peer, device rule', value: device / peer, unit: '×' });
  }
  rows.push({
    name: '3 epochs × 60,000 images, device rule (projected)',
    value: 180000 / device,
    unit: 's',
  });
  rows.push({
    name: 'resident memory (RSS) after training',
    value: process.memoryUsage().rss / 2 ** 20,
    unit: 'MiB',
  });
  return rows;
}

if (require.main === module) void benchTraining().then((r) => printTable('Training (one core)', r));
