/**
 * Training throughput for the paper's configuration (397 inputs, 500 outputs, 100 ms per image,
 * f_in = f_out = 200 Hz), for each rule and pruning variant, side by side with the peers in
 * ../shared/peers: numpy on OpenBLAS (its BLAS named in the table), and torch when installed
 * (scripts/setup-bench.sh installs both). Each peer runs with 1, 2, 4, … threads up to the cores
 * here, and is compared at its best count (named in the table). The machine may be shared, so
 * every figure is the best of CBRAM_BENCH_ROUNDS (default 3) interleaved rounds, peers included.
 *
 * Every run, peers included, trains one epoch of 20,000 images, so the learning rate decays over
 * the timed images as over a full run. The pruned variants prune a neuron after its 100th spike:
 * by 12,000 images all 500 neurons have matured, and the maturation events (about 45 µs
 * each) cost about 1 % of the run, against 3 % in the 3,000-image runs used before (a full run of
 * 3 × 60,000 images, pruning after 600 spikes: 0.1 %).
 */
import * as os from 'node:os';
import { firstN, loadPaperMnist, subset } from '../src/data/mnist';
import { createTrainer } from '../src/learning/trainer';
import { hasTorch, numpyBlas, peerImagesPerSecond, peerThreadCounts } from './peers';
import type { BenchRow } from './util';
import { printTable } from './util';

type Variant = {
  rule: 'ideal' | 'device';
  pruning: 'soft' | 'hard' | null;
  device?: 'cbram-subquantum' | 'cbram-ecm';
};

async function imagesPerSecond(v: Variant, images: number): Promise<number> {
  const data = subset(loadPaperMnist().train, firstN(images));
  const t = createTrainer(data, {
    rule: v.rule,
    ...(v.device ? { device: v.device } : {}),
    epochs: 1,
    seed: 1,
    pruning: v.pruning ? { fraction: 0.5, matureSpikes: 100, mode: v.pruning } : null,
  });
  await t.train({ maxImages: 200 }); // warm-up
  const t0 = performance.now();
  await t.train();
  return (images - 200) / ((performance.now() - t0) / 1000);
}

const VARIANTS: Array<[string, Variant]> = [
  ['train, paper config, ideal rule', { rule: 'ideal', pruning: null }],
  ['train, paper config, device rule (CBRAM)', { rule: 'device', pruning: null }],
  ['train, ideal rule + 50 % soft pruning', { rule: 'ideal', pruning: 'soft' }],
  ['train, device rule + 50 % soft pruning', { rule: 'device', pruning: 'soft' }],
  ['train, device rule + 50 % hard pruning', { rule: 'device', pruning: 'hard' }],
  [
    'train, device rule on the physical model (cbram-ecm)',
    { rule: 'device', pruning: null, device: 'cbram-ecm' },
  ],
];

/** "1 thread", "2 threads". */
function threadsText(t: number): string {
  return `${t} thread${t > 1 ? 's' : ''}`;
}

export async function benchTraining(images = 20000): Promise<BenchRow[]> {
  const rounds = Math.max(1, Number(process.env.CBRAM_BENCH_ROUNDS ?? 3));
  const threadCounts = peerThreadCounts(os.availableParallelism());
  const blas = numpyBlas();
  const torchHere = hasTorch();
  const best = new Map<string, number>();
  const keep = (name: string, x: number | null) => {
    if (x !== null) best.set(name, Math.max(best.get(name) ?? 0, x));
  };
  for (let r = 0; r < rounds; r++) {
    for (const [name, v] of VARIANTS) keep(name, await imagesPerSecond(v, images));
    for (const t of threadCounts) {
      if (blas) keep(`numpy:${t}`, peerImagesPerSecond('numpy', images, t));
      if (torchHere) keep(`torch:${t}`, peerImagesPerSecond('torch', images, t));
    }
  }
  // Each peer at its best thread count, named with the other counts' figures.
  const peerBest = (peer: string): { ips: number; label: string } | undefined => {
    const runs = threadCounts.flatMap((t) => {
      const ips = best.get(`${peer}:${t}`);
      return ips === undefined ? [] : [{ t, ips }];
    });
    if (runs.length === 0) return undefined;
    const top = runs.reduce((a, b) => (b.ips > a.ips ? b : a));
    const label = [
      `${threadsText(top.t)}, its best`,
      ...runs
        .filter((r) => r !== top)
        .map((r) => `${threadsText(r.t)}: ${Math.round(r.ips).toLocaleString('en-US')}`),
    ].join('; ');
    return { ips: top.ips, label };
  };
  const rows: BenchRow[] = VARIANTS.map(([name]) => ({
    name,
    value: best.get(name)!,
    unit: 'images/s',
  }));
  const ideal = best.get(VARIANTS[0]![0])!;
  const device = best.get(VARIANTS[1]![0])!;
  const numpy = peerBest('numpy');
  if (blas === null)
    console.log(
      '\nnumpy peer: skipped (no /usr/bin/python3 with numpy and threadpoolctl; run scripts/setup-bench.sh)',
    );
  else if (numpy !== undefined) {
    const fair = blas.api !== 'reference';
    const which = fair
      ? `${blas.api} ${blas.version}, kernel ${blas.kernel}, ${numpy.label}`
      : 'reference BLAS';
    rows.push({ name: `numpy peer, event mode (${which})`, value: numpy.ips, unit: 'images/s' });
    if (fair) {
      rows.push({
        name: 'speed-up over the numpy peer, ideal rule',
        value: ideal / numpy.ips,
        unit: '×',
      });
      rows.push({
        name: 'speed-up over the numpy peer, device rule',
        value: device / numpy.ips,
        unit: '×',
      });
    } else
      console.log(
        `\nnumpy uses the reference BLAS (${blas.library}): no speed-up printed (not a fair peer); run scripts/setup-bench.sh as root to install OpenBLAS`,
      );
  }
  const torch = peerBest('torch');
  if (torch !== undefined) {
    rows.push({
      name: `torch peer, event mode (${torch.label})`,
      value: torch.ips,
      unit: 'images/s',
    });
    rows.push({
      name: 'speed-up over the torch peer, device rule',
      value: device / torch.ips,
      unit: '×',
    });
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

if (require.main === module)
  void benchTraining().then((r) =>
    printTable(`Training (one core, best of interleaved rounds)`, r),
  );
