/**
 * Sweep specs: the issue's spec as written, trial enumeration, seeded random axes, and bad specs
 * refused with a clear error before any trial.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PRESETS } from '../../src/device/presets';
import { defineSweep, trialAt } from '../../src/sweep/spec';
import { refused } from './helpers';
import { arrayRanges, slurmScript } from '../../src/sweep/slurm';

const ISSUE_SPEC = {
  base: { outputs: 50, epochs: 1, imagesPerEpoch: 3000 },
  evaluate: { labelImages: 1000, testImages: 1000 },
  grid: { 'device.c2cStd': [0, 0.05] },
  seeds: [0, 1],
};

test("the issue's spec gives 4 trials: 2 values × 2 seeds, seeds fastest", () => {
  const s = defineSweep(ISSUE_SPEC);
  assert.equal(s.trials, 4);
  assert.deepEqual(s.varied, ['device.c2cStd']);
  const t = [0, 1, 2, 3].map((i) => trialAt(s, i));
  assert.deepEqual(
    t.map((x) => [x.params['device.c2cStd'], x.seed]),
    [
      [0, 0],
      [0, 1],
      [0.05, 0],
      [0.05, 1],
    ],
  );
  const cfg = t[3]!.config;
  assert.equal(cfg.train.outputs, 50);
  assert.equal(cfg.train.imagesPerEpoch, 3000);
  assert.equal(cfg.train.seed, 1);
  assert.deepEqual(cfg.evaluate, { labelImages: 1000, testImages: 1000 });
  // Only the varied field differs from the default preset.
  assert.equal(cfg.device!.c2cStd, 0.05);
  assert.equal(cfg.device!.readNoiseStd, PRESETS['cbram-subquantum'].readNoiseStd);
  assert.equal(cfg.device!.name, 'cbram-subquantum');
  assert.equal(t[0]!.config.device!.c2cStd, 0);
});

test('grid × points × random samples × seeds, base values under the varied ones', () => {
  const spec = {
    base: {
      outputs: 20,
      device: { preset: 'rram-generic', gMax: 40e-6 },
      pruning: { fraction: 0.5 },
    },
    grid: { 'pruning.fraction': [0.25, 0.75], epochs: [1, 2] },
    points: [{ 'device.levels': 16 }, { 'device.levels': 64, 'device.model.setPulses': 30 }],
    random: { samples: 3, seed: 7, params: { 'device.readNoiseStd': { uniform: [0, 0.05] } } },
    seeds: [3, 4],
  };
  const s = defineSweep(spec);
  assert.equal(s.trials, 2 * 2 * 2 * 3 * 2);
  assert.deepEqual(s.varied, [
    'pruning.fraction',
    'epochs',
    'device.levels',
    'device.model.setPulses',
    'device.readNoiseStd',
  ]);
  const t = trialAt(s, 2 * 3 * 2 + 3 * 2 + 2 * 2 + 1); // fraction 0.25, epochs 2, point 1, sample 2, seed 4
  assert.equal(t.params['pruning.fraction'], 0.25);
  assert.equal(t.params.epochs, 2);
  assert.equal(t.params['device.levels'], 64);
  assert.equal(t.seed, 4);
  assert.equal(t.config.train.pruning!.fraction, 0.25);
  assert.equal(t.config.device!.gMax, 40e-6);
  assert.equal((t.config.device!.model as { setPulses: number }).setPulses, 30);
  // A point without a parameter keeps the base's value, and its column says which.
  const p0 = trialAt(s, 0);
  assert.equal(p0.params['device.model.setPulses'], null);
  assert.deepEqual(p0.config.device!.model, PRESETS['rram-generic'].model);
  // Random samples are drawn from the spec's seed: the same in every process, each in range.
  const draws = [0, 1, 2].map((k) => trialAt(s, k * 2).params['device.readNoiseStd'] as number);
  assert.deepEqual(
    draws,
    [0, 1, 2].map((k) => trialAt(defineSweep(spec), k * 2).params['device.readNoiseStd']),
  );
  assert.ok(draws.every((x) => x >= 0 && x < 0.05));
  assert.equal(new Set(draws).size, 3);
  // Adding a parameter to the random axis leaves the other's draws alone (one stream each).
  const more = defineSweep({
    ...spec,
    random: {
      ...spec.random,
      params: { ...spec.random.params, 'device.c2cStd': { logUniform: [1e-3, 1e-1] } },
    },
  });
  assert.deepEqual(
    [0, 1, 2].map((k) => trialAt(more, k * 2).params['device.readNoiseStd']),
    draws,
  );
});

test('a device-only sweep measures pulse responses', () => {
  const s = defineSweep({
    kind: 'pulseResponse',
    pulseResponse: { cycles: 2, devices: 4 },
    grid: { device: ['cbram-subquantum', 'pcm-like'], 'device.c2cStd': [0, 0.02] },
  });
  assert.equal(s.trials, 4);
  assert.equal(trialAt(s, 2).config.device!.name, 'pcm-like');
  assert.equal(trialAt(s, 3).config.device!.c2cStd, 0.02);
  assert.equal(trialAt(s, 3).config.pulseResponse.devices, 4);
});

test('bad specs get a clear error naming the place, the value and what is allowed', () => {
  refused(
    { grid: { 'device.c2cstd': [0, 0.05] } },
    /unknown parameter "device\.c2cstd" in grid \(did you mean "device\.c2cStd"\?\)/,
    'E_OPTION',
  );
  refused(
    { grid: { output: [10] } },
    /unknown parameter "output" in grid \(did you mean "outputs"\?\)/,
    'E_OPTION',
  );
  refused(
    { base: { devise: 'pcm-like' } },
    /unknown parameter "devise" in base \(did you mean "device"\?\)/,
    'E_OPTION',
  );
  refused(
    { base: { device: { c2c: 0.1 } } },
    /unknown parameter "device\.c2c" in base/,
    'E_OPTION',
  );
  refused(
    { evaluate: { testImage: 10 } },
    /unknown parameter "evaluate\.testImage" in evaluate \(did you mean "evaluate\.testImages"\?\)/,
    'E_OPTION',
  );
  refused({ grids: {} }, /unknown option "grids" \(did you mean "grid"\?\)/, 'E_OPTION');
  refused(
    { grid: { seed: [1, 2] } },
    /"seed" cannot be set in grid; list the seeds in "seeds"/,
    'E_OPTION',
  );
  refused(
    { grid: { 'device.c2cStd': [] } },
    /grid\["device\.c2cStd"\] must be a non-empty array of values, got an array of length 0/,
  );
  refused({ grid: {} }, /grid must be an object with at least one parameter/);
  refused(
    { grid: { outputs: 50 } },
    /grid\["outputs"\] must be a non-empty array of values, got 50/,
  );
  refused(
    { grid: { 'device.c2cStd': [0, '0.05'] } },
    /grid\["device\.c2cStd"\]\[1\] must be a finite number, got "0\.05"/,
  );
  refused({ grid: { rule: ['device', 3] } }, /grid\["rule"\]\[1\] must be a string, got 3/);
  refused({ points: [] }, /points must be a non-empty array/);
  refused({ seeds: [] }, /seeds must be a non-empty array of integers >= 0/);
  refused({ seeds: [0, 1.5] }, /seeds\[1\] must be an integer from 0 to 4294967295, got 1\.5/);
  refused({ seeds: [2, 2] }, /seeds\[1\] must be a seed not listed before, got 2/);
  refused({ kind: 'pulse' }, /kind must be "train" \(train, then evaluate\) or "pulseResponse"/);
  refused(
    { grid: { 'device.c2cStd': [0] }, points: [{ 'device.c2cStd': 1 }] },
    /points\[0\] must be a parameter varied by only one of grid, points and random/,
  );
  refused(
    { random: { samples: 2, params: { rule: { uniform: [0, 1] } } } },
    /random\.params\["rule"\] must be \{ choice: \[\.\.\.\] \} \("rule" is not numeric\)/,
  );
  refused(
    { random: { samples: 2, params: { 'device.c2cStd': { logUniform: [0, 1] } } } },
    /random\.params\["device\.c2cStd"\]\.logUniform must be \[low, high\] with low <= high and low > 0/,
  );
  // Values are checked by the library's own validators, trial by trial, before any trial runs.
  refused(
    { grid: { 'device.c2cStd': [0, 2] } },
    /defineSweep: trial 1 \(device\.c2cStd = 2, seed = 0\): defineDevice: c2cStd must be a finite number >= 0 and <= 1, got 2/,
  );
  refused({ grid: { outputs: [1] } }, /trial 0 .*defineTraining: outputs must be an integer >= 2/);
  refused(
    { grid: { device: ['cbram'] } },
    /device must be one of .*\(did you mean "cbram-subquantum"\?\)/,
  );
  refused(
    { evaluate: { testImages: 20000 } },
    /evaluate\.testImages must be an integer from 1 to 10000, got 20000/,
  );
  refused(
    { base: { rule: 'ideal' }, grid: { 'device.c2cStd': [0] } },
    /device\.c2cStd must be given only with rule "device"/,
  );
  refused(
    { kind: 'pulseResponse', grid: { outputs: [10] } },
    /outputs must be a device\.\* or pulseResponse\.\* parameter/,
  );
  refused(
    { grid: { 'pulseResponse.cycles': [2] } },
    /pulseResponse\.cycles must be a training parameter/,
  );
  refused('not a spec', /spec must be an object/);
});

test('Slurm array lists are compact and the script carries every option', () => {
  assert.equal(arrayRanges([0, 1, 2, 3, 7, 9, 10]), '0-3,7,9-10');
  assert.equal(arrayRanges([5]), '5');
  const script = slurmScript('/shared/sweeps/c2c', [1, 2, 3], {
    partition: 'short',
    time: '00:30:00',
    cpusPerTask: 2,
    mem: '4G',
    maxParallel: 8,
    sbatch: ['--account=lab', '#SBATCH --qos=low'],
    setup: ['module load nodejs'],
    command: 'npx cbram-lab',
    checkpointImages: 500,
  });
  for (const line of [
    '#SBATCH --array=1-3%8',
    '#SBATCH --output=/shared/sweeps/c2c/slurm/logs/%A_%a.out',
    '#SBATCH --time=00:30:00',
    '#SBATCH --cpus-per-task=2',
    '#SBATCH --mem=4G',
    '#SBATCH --partition=short',
    '#SBATCH --account=lab',
    '#SBATCH --qos=low',
    'module load nodejs',
    'exec npx cbram-lab sweep /shared/sweeps/c2c/spec.json --out /shared/sweeps/c2c --task "$SLURM_ARRAY_TASK_ID" --checkpoint-images 500',
  ])
    assert.ok(script.split('\n').includes(line), `${line}\n---\n${script}`);
  assert.throws(
    () => slurmScript('/x', [0], { time: 'an hour' }),
    /options\.time must be a Slurm time/,
  );
  assert.throws(
    () => slurmScript('/x', [0], { mem: '2 GB' }),
    /options\.mem must be a Slurm memory size/,
  );
  assert.throws(
    () => slurmScript('/x', [0], { partiton: 'a' } as never),
    /unknown option "partiton" \(did you mean "partition"\?\)/,
  );
});
