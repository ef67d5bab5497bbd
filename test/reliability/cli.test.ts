/**
 * The command line under faults: bad flags and unusable folders are refused before any training,
 * and kill -9 at seeded random points (training, checkpointing, evaluation, result writing)
 * followed by reruns gives exactly the results of an uninterrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRng } from '../../src/core/rng';

const CLI = path.resolve(__dirname, '../../cli/main.js');
const RUN = [
  'reproduce',
  '--images',
  '600',
  '--epochs',
  '2',
  '--outputs',
  '20',
  '--label-images',
  '300',
  '--test-images',
  '300',
  '--quiet',
];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-cli-faults-'));

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

test('bad flags are refused before any work, naming the flag, the value and what is allowed', () => {
  const out = path.join(tmp, 'bad');
  const cases: Array<[string[], RegExp]> = [
    [['--images='], /--images must be an integer from 1 to 60000, got ""/],
    [['--images', '0'], /--images must be an integer from 1 to 60000, got "0"/],
    [['--images', '1e3'], /--images must be an integer from 1 to 60000, got "1e3"/],
    [['--prune=-10'], /--prune must be a percentage from 0 to 100, got "-10"/],
    [['--prune', '150'], /--prune must be a percentage from 0 to 100/],
    [['--label-images', '0'], /--label-images must be an integer from 1 to 60000, got "0"/],
    [['--test-images', '1e9'], /--test-images must be an integer from 1 to 10000, got "1e9"/],
    [['--test-images', '20000'], /--test-images must be an integer from 1 to 10000/],
    [['--prune-mode', 'hard'], /--prune-mode must be given only with --prune P/],
    [['--rule', 'ideal', '--device', 'pcm-like'], /--device must be given only with --rule device/],
    [['--device', 'cbram'], /--device must be one of .* \(did you mean "cbram-subquantum"\?\)/],
    [['--seed=-1'], /--seed must be an integer from 0 to 4294967295/],
    [['--out', ''], /--out must be a folder path/],
    [['extra'], /Unexpected argument 'extra'/],
  ];
  for (const [flags, message] of cases) {
    const r = cli([...RUN, '--out', out, ...flags]);
    assert.equal(r.status, 2, `${flags.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, flags.join(' '));
    assert.doesNotMatch(r.stderr, /training:|MNIST:/, 'refused before loading data');
  }
  assert.equal(fs.existsSync(path.join(out, 'checkpoint.ckpt')), false);
});

test('unusable output folders and resume mistakes are refused before training', () => {
  const proc = cli([...RUN, '--out', '/proc/x']);
  assert.equal(proc.status, 2);
  assert.match(proc.stderr, /reproduce: could not create folder "\/proc\/x"/);
  const file = path.join(tmp, 'a-file');
  fs.writeFileSync(file, 'x');
  const notDir = cli([...RUN, '--out', file]);
  assert.equal(notDir.status, 2);
  assert.match(notDir.stderr, /a part of the path is a file, not a folder/);
  const empty = path.join(tmp, 'empty');
  const none = cli([...RUN, '--out', empty, '--resume']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /--resume: there is no checkpoint to resume in .*empty/);
  // A finished run: rerunning without --resume would overwrite it, and is refused.
  const done = path.join(tmp, 'done');
  assert.equal(cli([...RUN, '--out', done]).status, 0);
  const again = cli([...RUN, '--out', done]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already holds a run .* add --resume to continue it/);
  const conflict = cli([...RUN, '--out', done, '--resume', '--epochs', '3', '--seed', '4']);
  assert.equal(conflict.status, 2);
  assert.match(
    conflict.stderr,
    /these flags differ from it: --epochs 3 \(checkpoint: 2\), --seed 4 \(checkpoint: 0\)/,
  );
  assert.doesNotMatch(conflict.stderr, /training:/);
  // A completed run resumes to "nothing left to train" and writes the same results.
  const summary = fs.readFileSync(path.join(done, 'accuracy.csv'), 'utf8');
  fs.rmSync(path.join(done, 'summary.json'));
  const resumed = cli([...RUN, '--out', done, '--resume']);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /training is complete \(1200 images\); nothing left to train/);
  assert.equal(fs.readFileSync(path.join(done, 'accuracy.csv'), 'utf8'), summary);
  assert.ok(fs.existsSync(path.join(done, 'summary.json')));
});

/** Start the run in `out` (resuming if a checkpoint is there), kill -9 after `ms`; exit code or 'killed'. */
function runOnce(out: string, ms: number | null): Promise<number | 'killed'> {
  const resume = fs.existsSync(path.join(out, 'checkpoint.ckpt')) ? ['--resume'] : [];
  const child = spawn(process.execPath, [CLI, ...RUN, '--out', out, ...resume], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = ms === null ? null : setTimeout(() => child.kill('SIGKILL'), ms);
  return new Promise((resolve, reject) =>
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve(0);
      else reject(new Error(`exit ${code}: ${err}`));
    }),
  );
}

const RESULT_FILES = [
  'accuracy.csv',
  'confusion.csv',
  'energy.csv',
  'weights.f32',
  'weight-map.png',
];

function summaryFacts(out: string) {
  const s = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  return {
    accuracy: s.accuracy,
    accuracyByEpoch: s.accuracyByEpoch,
    energyJoules: s.energyJoules,
    energyByPhase: s.energyByPhase,
    pulses: s.pulses,
    updatesIssued: s.updatesIssued,
  };
}

test('kill -9 at seeded random points, then rerun: results equal an uninterrupted run', async () => {
  const ref = path.join(tmp, 'reference');
  const t0 = Date.now();
  assert.equal(await runOnce(ref, null), 0);
  const runMs = Date.now() - t0;
  const rng = createRng(2026).stream('kill-points');
  let kills = 0;
  for (let chain = 0; chain < 6; chain++) {
    const out = path.join(tmp, `killed-${chain}`);
    let status: number | 'killed' = 'killed';
    // Up to four kills per chain, anywhere from start-up to the last result file; then run to the
    // end. The first lands within a fresh run's time; resumed runs are shorter, so later kills
    // come earlier and some of them find the run already finished.
    for (let attempt = 0; status === 'killed'; attempt++) {
      const span = attempt === 0 ? 0.8 : 0.5;
      const ms = attempt < 4 ? Math.round(rng.uniform(0.03, span) * runMs) : null;
      status = await runOnce(out, ms);
      if (status === 'killed') kills++;
    }
    for (const f of RESULT_FILES)
      assert.deepEqual(
        fs.readFileSync(path.join(out, f)),
        fs.readFileSync(path.join(ref, f)),
        `chain ${chain}: ${f} differs from the uninterrupted run`,
      );
    assert.deepEqual(summaryFacts(out), summaryFacts(ref), `chain ${chain}: summary`);
    assert.deepEqual(
      fs.readdirSync(out).filter((n) => n.startsWith('.')),
      [],
      `chain ${chain}: no temporary files left`,
    );
  }
  assert.ok(kills >= 6, `${kills} kills landed`);
});
