import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../cli/main.js');
const SMALL = [
  '--outputs',
  '20',
  '--epochs',
  '1',
  '--label-images',
  '500',
  '--test-images',
  '500',
  '--quiet',
];

test('cbram-lab reproduce writes the results folder', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-cli-'));
  const r = spawnSync(
    process.execPath,
    [
      CLI,
      'reproduce',
      '--images',
      '600',
      '--prune',
      '50',
      '--mature',
      '30',
      ...SMALL,
      '--out',
      out,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  for (const f of [
    'summary.json',
    'accuracy.csv',
    'confusion.csv',
    'energy.csv',
    'weights.f32',
    'weight-map.png',
    'checkpoint.ckpt',
  ]) {
    assert.ok(fs.existsSync(path.join(out, f)), `missing ${f}`);
  }
  const s = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  assert.equal(s.testImages, 500);
  assert.ok(s.accuracy > 0.3 && s.accuracy <= 1, `accuracy ${s.accuracy}`);
  assert.ok(s.pulses.set > 0 && s.energyJoules > 0);
  assert.ok(s.frozenFraction > 0, 'pruning froze synapses');
  assert.equal(fs.statSync(path.join(out, 'weights.f32')).size, 397 * 20 * 4);
  const energy = fs.readFileSync(path.join(out, 'energy.csv'), 'utf8');
  assert.match(energy, /^kind,phase,count,joules/);
  assert.match(energy, /reset,prune/);
  const png = fs.readFileSync(path.join(out, 'weight-map.png'));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
});

test('Ctrl-C stops at an image boundary with a checkpoint, and --resume finishes the run', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-cli-'));
  const args = [
    CLI,
    'reproduce',
    '--images',
    '4000',
    ...SMALL.filter((a) => a !== '--quiet'),
    '--out',
    out,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const code = await new Promise<number | null>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      const before = err;
      err += d.toString();
      if (!before.includes('training:') && err.includes('training:')) child.kill('SIGINT');
    });
    child.on('exit', (c) => resolve(c));
  });
  assert.equal(code, 130, err);
  assert.match(err, /stopped at image (\d+) of 4000; checkpoint/);
  assert.ok(fs.existsSync(path.join(out, 'checkpoint.ckpt')));
  const r = spawnSync(process.execPath, [...args, '--resume', '--quiet'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /resumed from .* at image \d+ of 4000/);
  const s = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
  assert.ok(s.accuracy > 0.3);
});

test('bad command-line input gets a clear message and a non-zero exit', () => {
  const a = spawnSync(process.execPath, [CLI, 'reproduc'], { encoding: 'utf8' });
  assert.equal(a.status, 2);
  assert.match(a.stderr, /unknown command "reproduc" \(did you mean "reproduce"\?\)/);
  const b = spawnSync(process.execPath, [CLI, 'reproduce', '--epochs', 'three', '--quiet'], {
    encoding: 'utf8',
  });
  assert.equal(b.status, 2);
  assert.match(b.stderr, /reproduce: --epochs must be an integer from 1 to 1000, got "three"/);
  const c = spawnSync(
    process.execPath,
    [
      CLI,
      'reproduce',
      '--rule',
      'analog',
      '--quiet',
      '--out',
      fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-cli-')),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(c.status, 2);
  assert.match(c.stderr, /reproduce: --rule must be one of ideal, device/);
  const d = spawnSync(process.execPath, [CLI, 'reproduce', '--bogus'], { encoding: 'utf8' });
  assert.equal(d.status, 2);
  assert.match(d.stderr, /Unknown option '--bogus'/);
  const h = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  assert.equal(h.status, 0);
  assert.match(h.stdout, /reproduce options/);
});

test('in a terminal, every phase has a progress bar; the ETA waits for a rate; energy is labelled', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-cli-'));
  const cmd = [process.execPath, CLI, 'reproduce', '--images', '600', ...SMALL, '--out', out]
    .filter((a) => a !== '--quiet')
    .map((a) => `'${a}'`)
    .join(' ');
  // util-linux `script` runs the command on a pseudo-terminal, as a user's shell would.
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
  // Drop terminal escape sequences (cursor moves, line clears).
  const screen = r.stdout.replace(
    new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g'),
    '',
  );
  assert.match(
    screen,
    /\| \d+\/600 images \| .* img\/s \| ETA .* \| epoch 1 \| running acc \(train\)/,
  );
  assert.match(screen, /energy so far [\d.]+ [pnµm]?J/);
  assert.match(screen, /epoch 1 evaluation: labelling neurons \| \d+\/500 images/);
  assert.match(screen, /epoch 1 evaluation: testing \| 500\/500 images/);
  assert.match(
    screen,
    / 0% \| 0\/600 images \| - img\/s \| ETA … \|/,
    'no ETA before a rate is known',
  );
  assert.match(screen, /\d+% \| \d+\/600 images \| \d+ img\/s \| ETA \d+s \|/);
  assert.match(
    screen,
    /done: accuracy .* energy .* \(train .*, label .*, test .*\), \d+ images\/s over/,
  );
});
