/**
 * Gather the summary.json of every run under a results folder into a markdown table:
 * `node dist/scripts/results-table.js results`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatSI } from '../src/energy/format-si';

interface Summary {
  config: {
    rule: string;
    device: string;
    pruning: { fraction: number; mode: string; matureSpikes: number } | null;
    epochs: number;
    imagesPerEpoch: number;
    outputs: number;
  };
  accuracy: number;
  testImages: number;
  pulses: { set: number; reset: number } | null;
  updatesIssued: { ltp: number; ltd: number };
  energyJoules: number;
  frozenFraction: number;
  trainImagesPerSecond: number;
}

function main(dir: string): void {
  const rows: string[] = [];
  rows.push(
    '| run | rule | pruning | accuracy | updates issued | pulses | energy | train images/s |',
  );
  rows.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const name of fs.readdirSync(dir).sort()) {
    const f = path.join(dir, name, 'summary.json');
    if (!fs.existsSync(f)) continue;
    const s = JSON.parse(fs.readFileSync(f, 'utf8')) as Summary;
    const c = s.config;
    const prune = c.pruning
      ? `${c.pruning.mode} ${Math.round(c.pruning.fraction * 100)} % after ${c.pruning.matureSpikes} spikes`
      : 'none';
    const updates = s.updatesIssued.ltp + s.updatesIssued.ltd;
    const pulses = s.pulses ? s.pulses.set + s.pulses.reset : 0;
    rows.push(
      `| ${name} | ${c.rule}${c.rule === 'device' ? ` (${c.device})` : ''} | ${prune} | ${(s.accuracy * 100).toFixed(2)} % | ${(updates / 1e6).toFixed(1)} M | ${s.pulses ? `${(pulses / 1e6).toFixed(1)} M` : '–'} | ${formatSI(s.energyJoules, 'J')} | ${s.trainImagesPerSecond.toFixed(0)} |`,
    );
  }
  process.stdout.write(rows.join('\n') + '\n');
}

main(process.argv[2] ?? 'results');
