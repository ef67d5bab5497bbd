/**
 * The Slurm backend on a real one-node Slurm (Debian's slurm-wlm and munge), started for this test
 * by scripts/slurm-up.sh and stopped afterwards (only the daemons it started). A 4-trial sweep
 * submitted with --backend slurm finishes with the local backend's rows; failed tasks are listed
 * with their logs, and a rerun resubmits only the missing trials.
 *
 * Needs root (to install and start Slurm) or a running Slurm; skipped otherwise, unless
 * CBRAM_REQUIRE_SLURM=1 (set by .ci/run), where a missing Slurm fails the test.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSweep } from '../../src/sweep/local';
import { rowFile, type TrialRow } from '../../src/sweep/results';
import { slurmJobs } from '../../src/sweep/slurm';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.resolve(__dirname, '../../cli/main.js');
const haveSlurm = spawnSync('sinfo', ['-h'], { encoding: 'utf8' }).status === 0;
const isRoot = process.getuid?.() === 0;
const skip =
  !haveSlurm && !isRoot && process.env.CBRAM_REQUIRE_SLURM !== '1'
    ? 'needs root (scripts/slurm-up.sh installs and starts a one-node Slurm) or a running Slurm'
    : false;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-slurm-'));
const SPEC = {
  base: { outputs: 20, epochs: 1, imagesPerEpoch: 600 },
  evaluate: { labelImages: 300, testImages: 300 },
  grid: { 'device.c2cStd': [0, 0.05] },
  seeds: [0, 1],
};
const specFile = path.join(tmp, 'spec.json');
fs.writeFileSync(specFile, JSON.stringify(SPEC));
let started: string[] = [];

before(() => {
  if (skip) return;
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/slurm-up.sh')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `scripts/slurm-up.sh failed:\n${r.stderr}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  assert.match(last, /^started:/);
  started = last
    .replace(/^started:\s*/, '')
    .split(/\s+/)
    .filter(Boolean);
});

after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  if (started.length)
    spawnSync('bash', [path.join(ROOT, 'scripts/slurm-down.sh'), ...started], { stdio: 'inherit' });
});

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, 'sweep', ...args], { encoding: 'utf8' });
}

function deterministic(r: TrialRow): unknown {
  return { trial: r.trial, params: r.params, seed: r.seed, metrics: r.metrics };
}

test(
  'a 4-trial sweep on Slurm gives the local rows; failed tasks are listed and only they are resubmitted',
  { skip },
  async () => {
    const local = await runSweep(SPEC, { out: path.join(tmp, 'local'), workers: 2 });
    assert.equal(local.status, 'completed');

    const dir = path.join(tmp, 'slurm');
    // Trial 0 runs as an array task would, in this process: the submissions must leave it alone.
    const task0 = cli([specFile, '--out', dir, '--task', '0']);
    assert.equal(task0.status, 0, task0.stderr);
    const row0 = fs.readFileSync(rowFile(dir, 0), 'utf8');

    // Every task of the first array fails in its setup line, as on a node without Node.js.
    const failing = cli([
      specFile,
      '--out',
      dir,
      '--backend',
      'slurm',
      '--setup',
      'echo simulated node failure >&2; exit 3',
      '--wait',
    ]);
    assert.equal(failing.status, 1, failing.stderr);
    const jobs1 = slurmJobs(dir);
    assert.equal(jobs1.length, 1);
    assert.deepEqual(jobs1[0]!.tasks, [1, 2, 3]);
    const status = cli(['status', dir]);
    assert.equal(status.status, 0, status.stderr);
    assert.match(status.stdout, /1 of 4 trials finished/);
    for (const t of [1, 2, 3]) {
      const log = path.join(dir, 'slurm', 'logs', `${jobs1[0]!.jobId}_${t}.out`);
      assert.ok(
        status.stdout.includes(`failed: trial ${t} (job ${jobs1[0]!.jobId}), log ${log}`),
        status.stdout,
      );
      assert.match(fs.readFileSync(log, 'utf8'), /simulated node failure/);
    }
    assert.match(status.stdout, /\| simulated node failure/);

    // The rerun submits only the missing trials, and they finish.
    const rerun = cli([specFile, '--out', dir, '--backend', 'slurm', '--wait']);
    assert.equal(rerun.status, 0, rerun.stderr);
    const jobs2 = slurmJobs(dir);
    assert.equal(jobs2.length, 2);
    assert.deepEqual(jobs2[1]!.tasks, [1, 2, 3]);
    const script = fs.readFileSync(jobs2[1]!.script, 'utf8');
    assert.match(script, /^#SBATCH --array=1-3%32$/m);
    assert.match(script, new RegExp(`--task "\\$SLURM_ARRAY_TASK_ID"`));
    assert.equal(fs.readFileSync(rowFile(dir, 0), 'utf8'), row0, 'trial 0 not rerun');
    const rows = [0, 1, 2, 3].map(
      (i) => JSON.parse(fs.readFileSync(rowFile(dir, i), 'utf8')) as TrialRow,
    );
    assert.deepEqual(rows.map(deterministic), local.rows.map(deterministic));
    const csv = fs.readFileSync(path.join(dir, 'results.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 5);

    // Nothing is left to submit.
    const again = cli([specFile, '--out', dir, '--backend', 'slurm']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /nothing to submit/);
    assert.equal(slurmJobs(dir).length, 2);
  },
);
