/** Trainers, evaluation and rasters: options typed and checked when the run is created. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createLifTrainer,
  createTrainer,
  defineTraining,
  evaluate,
  labelNeurons,
  recordSpikes,
  resolveDevice,
} from '../../src/learning';
import { PRESETS } from '../../src/device';
import type { Dataset } from '../../src/data';
import { assertCbramError } from '../helpers';

/** A tiny synthetic dataset: n images of `pixels` bytes, labels cycling 0–9. */
function tiny(n = 4, pixels = 6): Dataset {
  const images = new Uint8Array(n * pixels);
  for (let i = 0; i < images.length; i++) images[i] = (i * 37) % 256;
  return { n, pixels, images, labels: Uint8Array.from({ length: n }, (_, i) => i % 10) };
}

test('a plain-object device in a training config is checked when the trainer is created', () => {
  assertCbramError(
    () => createTrainer(tiny(), { outputs: 2, device: { ...PRESETS.ideal, gMin: 1e-3 } }),
    'E_ARG',
    /^createTrainer: device\.gMax must be a finite number > 0\.001, got 0\.00005$/,
  );
  assertCbramError(
    () => resolveDevice({ ...defineTraining(), device: { ...PRESETS.ideal, gMax: NaN } }),
    'E_ARG',
    /^resolveDevice: config\.device\.gMax must be/,
  );
  // Errors of createTrainer's options name createTrainer, not the helpers behind it.
  assertCbramError(
    () => createTrainer(tiny(), { outputs: 1 }),
    'E_ARG',
    /^createTrainer: outputs must be an integer >= 2 and <= 100000, got 1$/,
  );
  assertCbramError(
    () => createTrainer(tiny(), { pruning: { fraction: 2 } }),
    'E_ARG',
    /^createTrainer: pruning\.fraction must be a finite number >= 0 and <= 1, got 2$/,
  );
  assertCbramError(
    () => createTrainer(tiny(), { pruning: 'soft' as never }),
    'E_ARG',
    /^createTrainer: pruning must be an object of pruning options, or null, got "soft"$/,
  );
});

test('Trainer.train checks the type of every run option', async () => {
  const t = createTrainer(tiny(), { outputs: 2, rule: 'ideal', epochs: 1 });
  await assert.rejects(
    () => t.train({ signal: 'x' } as never),
    /^CbramError: Trainer\.train: options\.signal must be an AbortSignal, e\.g\. new AbortController\(\)\.signal, got "x"$/,
  );
  await assert.rejects(
    () => t.train({ onProgress: 5 } as never),
    /Trainer\.train: options\.onProgress must be a function \(progress\) => void, got 5/,
  );
  await assert.rejects(
    () => t.train({ yieldInterval: NaN }),
    /Trainer\.train: options\.yieldInterval must be a finite number >= 0, got NaN/,
  );
  await assert.rejects(
    () => t.train({ encodeThread: 'yes' } as never),
    /Trainer\.train: options\.encodeThread must be true or false, got "yes"/,
  );
  assert.equal(t.imagesDone, 0, 'nothing was trained');
});

test('trainer sizes are checked against the budget at creation', () => {
  const wide = tiny(1, 784);
  assertCbramError(
    () => createTrainer(wide, { outputs: 100000 }),
    'E_BUDGET',
    /^createTrainer: data\.pixels × outputs = 7\.84e7 synapses \(1\.31 GiB\) exceeds the memory budget of 5\.97e7 synapses \(1 GiB\); lower outputs or use fewer pixels/,
  );
  assertCbramError(
    () => createTrainer(wide, { outputs: 2, presentation: 1001, dt: 1e-3 }),
    'E_ARG',
    /^createTrainer: presentation must be a finite number >= 0\.001 and <= 1000, got 1001/,
  );
  assertCbramError(
    () => createTrainer(wide, { outputs: 2, presentation: 1000, dt: 1e-3 }),
    'E_BUDGET',
    /^createTrainer: data\.pixels × presentation steps = 7\.84e8 possible input spikes \(17\.5 GiB\) exceeds the memory budget/,
  );
  assertCbramError(
    () => createLifTrainer(wide, { outputs: 1e6 }),
    'E_BUDGET',
    /^createLifTrainer: data\.pixels × outputs = 7\.84e8 synapses/,
  );
  assertCbramError(
    () => createLifTrainer(tiny(), { inputRate: 900, rateBoost: 32 }),
    'E_ARG',
    /^createLifTrainer: inputRate \+ 4 × rateBoost must be <= 1000 Hz/,
  );
});

test('datasets and models are checked where they enter evaluation and rasters', () => {
  const t = createTrainer(tiny(), { outputs: 2, rule: 'ideal', epochs: 1 });
  const bad = { ...tiny(), labels: Uint8Array.of(0, 1, 12, 3) };
  assertCbramError(
    () => evaluate(t, { testData: bad }),
    'E_DATA',
    /^evaluate: options\.testData\.labels\[2\] must be a class 0-9, got 12$/,
  );
  assertCbramError(
    () => evaluate(t, { testData: tiny(4, 5) }),
    'E_ARG',
    /^evaluate: options\.testData\.pixels must be 6 \(the network's inputs\), got 5$/,
  );
  assertCbramError(
    () => evaluate({} as never, { testData: tiny() }),
    'E_ARG',
    /^evaluate: model must be a trained or untrained network/,
  );
  assertCbramError(
    () => labelNeurons(null as never, tiny()),
    'E_ARG',
    /^labelNeurons: model must be a trained or untrained network/,
  );
  assertCbramError(
    () => recordSpikes(t, tiny(), 0, { neurons: 'all' as never }),
    'E_ARG',
    /^recordSpikes: options\.neurons must be a non-empty array of output neuron indices, got "all"$/,
  );
});
