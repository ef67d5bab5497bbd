/**
 * The local backend and the sweep command: the same rows on 1 and 2 workers, kill -9 and Ctrl-C
 * mid-trial followed by a rerun that skips finished trials and resumes the interrupted one from
 * its checkpoint, bad specs refused before any trial, device-only sweeps.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCbramError } from '../../src/core/errors';
import { runSweep } from '../../src/sweep/local';
import { rowFile, checkpointFile, type TrialRow } from '../../src/sweep/results';

const CLI = path.resolve(__dirname, '../../cli/main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-sweep-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** 4 small trials: 2 values × 2 seeds. */
const SPEC = {
  name: 'test-c2c',
  base: { outputs: 20, epochs: 1, imagesPerEpoch: 800 },
  evaluate: { labelImages: 300, testImages: 300 },
  grid: { 'device.c2cStd': [0, 0.05] },
  seeds: [0, 1],
};
const specFile = path.join(tmp, 'spec.json');
fs.writeFileSync(specFile, JSON.stringify(SPEC));

/** The deterministic part of a row: everything but timing and the run that wrote it. */
function deterministic(r: TrialRow): unknown {
  return { trial: r.trial, params: r.params, seed: r.seed, metrics: r.metrics };
}

function readRowFile(dir: string, i: number): TrialRow {
  return JSON.parse(fs.readFileSync(rowFile(dir, i), 'utf8')) as TrialRow;
}

let reference: TrialRow[] = [];

test('a 4-trial sweep on 2 workers gives exactly the rows of 1 worker', async () => {
  const one = await runSweep(SPEC, { out: path.join(tmp, 'w1'), workers: 1 });
  const progress: number[] = [];
  const two = await runSweep(SPEC, {
    out: path.join(tmp, 'w2'),
    workers: 2,
    onProgress: (p) => progress.push(p.done),
  });
  assert.equal(one.status, 'completed');
  assert.equal(two.status, 'completed');
  assert.equal(one.rows.length, 4);
  assert.deepEqual(two.rows.map(deterministic), one.rows.map(deterministic));
  assert.deepEqual(progress, [1, 2, 3, 4]);
  // Different seeds and noise levels give different results: the rows are not trivially equal.
  assert.equal(new Set(one.rows.map((r) => r.metrics.energy_J)).size, 4);
  for (const r of one.rows) {
    assert.ok(
      r.metrics.accuracy! > 0.2 && r.metrics.accuracy! <= 1,
      `accuracy ${r.metrics.accuracy}`,
    );
    assert.ok(r.metrics.set_pulses! > 0 && r.metrics.reset_pulses! > 0);
    const byKind = ['set', 'reset', 'read', 'spike', 'adc', 'weightMove', 'mac']
      .map((k) => r.metrics[`energy_${k}_J`]!)
      .reduce((a, b) => a + b, 0);
    const byPhase = ['train', 'label', 'test', 'prune']
      .map((p) => r.metrics[`energy_${p}_J`]!)
      .reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(byKind - r.metrics.energy_J!) <= 1e-12 * r.metrics.energy_J!);
    assert.ok(Math.abs(byPhase - r.metrics.energy_J!) <= 1e-12 * r.metrics.energy_J!);
    assert.ok(r.wall_s > 0 && r.images_per_s! > 0);
  }
  // The arquero table and results.csv: one column per varied parameter, then the results.
  assert.deepEqual(one.table.array('device.c2cStd'), [0, 0, 0.05, 0.05]);
  assert.deepEqual(one.table.array('seed'), [0, 1, 0, 1]);
  const csv = fs
    .readFileSync(path.join(tmp, 'w2', 'results.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(csv.length, 5);
  assert.match(csv[0]!, /^device\.c2cStd,seed,accuracy,energy_J,set_pulses,reset_pulses,/);
  assert.ok(csv[0]!.split(',').includes('wall_s'));
  assert.equal(csv[1]!.split(',')[2], String(one.rows[0]!.metrics.accuracy));
  reference = one.rows;
});

test('a rerun skips finished trials; a folder holding another sweep is refused', async () => {
  const dir = path.join(tmp, 'w1');
  const before = readRowFile(dir, 2);
  const again = await runSweep(SPEC, { out: dir, workers: 2, onTrial: () => assert.fail('rerun') });
  assert.equal(again.status, 'completed');
  assert.deepEqual(readRowFile(dir, 2), before);
  await assert.rejects(
    runSweep({ ...SPEC, seeds: [0, 1, 2] }, { out: dir }),
    (e: unknown) => isCbramError(e, 'E_STATE') && /holds another sweep/.test(e.message),
  );
});

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

/** Resolve when `cond()` holds (checked every 5 ms), or reject after `ms`. */
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

/** The trial with a checkpoint and no row, if any (the pool may start trials in any order). */
function midTrial(dir: string): number | null {
  for (let i = 0; i < 4; i++)
    if (fs.existsSync(checkpointFile(dir, i)) && !fs.existsSync(rowFile(dir, i))) return i;
  return null;
}

async function interruptMidTrial(dir: string, signal: 'SIGKILL' | 'SIGINT') {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'sweep',
      specFile,
      '--out',
      dir,
      '--workers',
      '1',
      '--checkpoint-images',
      '100',
      '--quiet',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const done = exited(child);
  // At least one trial finished, and another has written a checkpoint and is still training.
  const finished = () => [0, 1, 2, 3].filter((i) => fs.existsSync(rowFile(dir, i)));
  await until(
    () => finished().length > 0 && midTrial(dir) !== null,
    60000,
    'a trial to checkpoint after another finished',
  );
  child.kill(signal);
  const r = await done;
  const interrupted = midTrial(dir);
  assert.notEqual(interrupted, null, `a trial was interrupted mid-way: ${stderr}`);
  return { ...r, stderr, interrupted: interrupted!, finished: finished() };
}

test('kill -9 mid-trial, rerun: finished trials are not rerun, the rows equal an uninterrupted sweep', async () => {
  const dir = path.join(tmp, 'killed');
  const r = await interruptMidTrial(dir, 'SIGKILL');
  assert.equal(r.signal, 'SIGKILL');
  const kept = new Map(
    r.finished.map((i) => [
      i,
      {
        text: fs.readFileSync(rowFile(dir, i), 'utf8'),
        mtime: fs.statSync(rowFile(dir, i)).mtimeMs,
      },
    ]),
  );
  const status = cli(['sweep', 'status', dir]);
  assert.match(status.stdout, new RegExp(`${r.finished.length} of 4 trials finished`));
  assert.match(
    status.stdout,
    new RegExp(`started, not finished \\(checkpoint kept\\): ${r.interrupted}\\n`),
  );

  const rerun = cli(['sweep', specFile, '--out', dir, '--workers', '2', '--quiet']);
  assert.equal(rerun.status, 0, rerun.stderr);
  assert.match(
    rerun.stderr,
    new RegExp(`${r.finished.length} trial\\(s\\) already finished .*not rerun`),
  );
  for (const [i, before] of kept) {
    assert.doesNotMatch(rerun.stderr, new RegExp(`^trial ${i}:`, 'm'));
    assert.equal(fs.readFileSync(rowFile(dir, i), 'utf8'), before.text, `row ${i} untouched`);
    assert.equal(fs.statSync(rowFile(dir, i)).mtimeMs, before.mtime);
  }
  const rows = [0, 1, 2, 3].map((i) => readRowFile(dir, i));
  assert.equal(
    rows[r.interrupted]!.run.resumed,
    true,
    'the interrupted trial resumed from its checkpoint',
  );
  for (const i of kept.keys()) assert.notEqual(rows[r.interrupted]!.run.id, rows[i]!.run.id);
  assert.deepEqual(rows.map(deterministic), reference.map(deterministic));
  assert.equal(
    fs.existsSync(checkpointFile(dir, r.interrupted)),
    false,
    'checkpoint removed with its row',
  );
  // collect merges the rows again (the same file); status and collect refuse a folder without a sweep.
  fs.rmSync(path.join(dir, 'results.csv'));
  const collected = cli(['sweep', 'collect', dir]);
  assert.equal(collected.status, 0, collected.stderr);
  assert.match(collected.stdout, /results\.csv: 4 of 4 trials\n/);
  const notSweep = fs.mkdtempSync(path.join(tmp, 'not-a-sweep-'));
  for (const sub of ['status', 'collect']) {
    const r = cli(['sweep', sub, notSweep]);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /cannot read .*spec\.json \(.*ENOENT.*\); is .* a sweep results folder\?/,
    );
  }
  // results.csv equals the uninterrupted sweep's but for the timing columns (and the trial column).
  const strip = (file: string) =>
    fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(',').slice(0, -3).join(','));
  assert.deepEqual(
    strip(path.join(dir, 'results.csv')),
    strip(path.join(tmp, 'w1', 'results.csv')),
  );
  assert.match(
    fs.readFileSync(path.join(dir, 'results.csv'), 'utf8'),
    /,images_per_s,wall_s,trial\n/,
  );
});

test('Ctrl-C stops cleanly with a checkpoint; the rerun resumes and matches', async () => {
  const dir = path.join(tmp, 'sigint');
  const r = await interruptMidTrial(dir, 'SIGINT');
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /Rerun the same command to resume/);
  assert.ok(fs.existsSync(checkpointFile(dir, r.interrupted)));
  const rerun = cli(['sweep', specFile, '--out', dir, '--quiet']);
  assert.equal(rerun.status, 0, rerun.stderr);
  const rows = [0, 1, 2, 3].map((i) => readRowFile(dir, i));
  assert.equal(rows[r.interrupted]!.run.resumed, true);
  assert.deepEqual(rows.map(deterministic), reference.map(deterministic));
});

test('bad specs and flags are refused before any trial, and create no results folder', () => {
  const bad = path.join(tmp, 'bad-spec.json');
  fs.writeFileSync(bad, JSON.stringify({ ...SPEC, grid: { 'device.c2cstd': [0] } }));
  const empty = path.join(tmp, 'empty-axis.json');
  fs.writeFileSync(empty, JSON.stringify({ ...SPEC, grid: { outputs: [] } }));
  const broken = path.join(tmp, 'broken.json');
  fs.writeFileSync(broken, '{ "grid": ');
  const out = path.join(tmp, 'never');
  const cases: Array<[string[], RegExp]> = [
    [[bad], /unknown parameter "device\.c2cstd" in grid \(did you mean "device\.c2cStd"\?\)/],
    [[empty], /grid\["outputs"\] must be a non-empty array of values/],
    [[broken], /the spec ".*broken\.json" is not valid JSON/],
    [[path.join(tmp, 'nope.json')], /cannot read the spec ".*nope\.json": ENOENT/],
    [[specFile, '--workers', '0'], /--workers must be an integer >= 1, got "0"/],
    [[specFile, '--backend', 'cloud'], /--backend must be local or slurm, got "cloud"/],
    [[specFile, '--partition', 'short'], /--partition is given only with --backend slurm/],
    [[specFile, '--task', '4'], /--task must be a trial index from 0 to 3, got 4/],
    [[specFile, specFile], /give one spec file/],
  ];
  for (const [args, message] of cases) {
    const r = cli(['sweep', ...args, '--out', out]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.doesNotMatch(r.stderr, /^trial \d/m);
  }
  assert.equal(fs.existsSync(out), false);
  const dry = cli(['sweep', specFile, '--out', out, '--dry-run']);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /4 trials \(2 configurations × 2 seeds\)/);
  assert.match(dry.stdout, /3: device\.c2cStd=0\.05 seed=1/);
  assert.equal(fs.existsSync(out), false, '--dry-run writes nothing');
});

test('a device-only sweep writes pulse-response statistics', async () => {
  const spec = {
    kind: 'pulseResponse',
    pulseResponse: { cycles: 2, devices: 8, setPulses: 80, resetPulses: 80 },
    grid: { device: ['cbram-subquantum', 'pcm-like'] },
    seeds: [0, 1],
  };
  const res = await runSweep(spec, { out: path.join(tmp, 'pulse'), workers: 2 });
  assert.equal(res.status, 'completed');
  const again = await runSweep(spec, { out: path.join(tmp, 'pulse-1'), workers: 1 });
  assert.deepEqual(again.rows.map(deterministic), res.rows.map(deterministic));
  for (const r of res.rows) {
    assert.ok(r.metrics.on_off_ratio! > 2, JSON.stringify(r.metrics));
    assert.equal(r.metrics.set_pulses, 8 * 2 * 80);
    assert.ok(r.metrics.energy_J! > 0);
  }
  // PCM's RESET is abrupt: one pulse drops it past half the range; CBRAM's takes many.
  const [cbram, pcm] = [res.rows[0]!, res.rows[2]!];
  assert.equal(pcm.metrics.reset_half_pulses, 1);
  assert.ok(cbram.metrics.reset_half_pulses! > 10);
  const header = fs.readFileSync(path.join(tmp, 'pulse', 'results.csv'), 'utf8').split('\n')[0];
  assert.match(header!, /^device,seed,g_high_mean_S,/);
});
