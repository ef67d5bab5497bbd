import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTrainer } from '../../src/learning/trainer';
import { createLifTrainer } from '../../src/learning/lif-trainer';
import { recordSpikes } from '../../src/learning/record';
import { assertCbramError } from '../helpers';

function data(n = 20, pixels = 16) {
  const images = new Uint8Array(n * pixels).map((_, i) => ((i * 37) % 11 < 5 ? 255 : 0));
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  return { n, pixels, images, labels };
}

test('recordSpikes: seeded, within the presentation, state unchanged', async () => {
  const d = data();
  const t = createTrainer(d, { outputs: 12, epochs: 1, seed: 4 });
  await t.train({ maxImages: 10 });
  const g = (t.synapses as unknown as { crossbar: { g: Float32Array } }).crossbar.g.slice();
  const done = t.imagesDone;
  const a = recordSpikes(t, d, 3, { seed: 9 });
  const b = recordSpikes(t, d, 3, { seed: 9 });
  assert.deepEqual(a, b);
  assert.equal(a.duration, 0.1);
  assert.equal(a.neuron.length, a.totalSpikes);
  assert.ok(a.totalSpikes > 5, `${a.totalSpikes} spikes`);
  for (let k = 0; k < a.time.length; k++) assert.ok(a.time[k]! >= 0 && a.time[k]! < a.duration);
  for (let k = 1; k < a.time.length; k++) assert.ok(a.time[k]! >= a.time[k - 1]!);
  assert.notDeepEqual(recordSpikes(t, d, 3, { seed: 10 }).time, a.time);
  assert.deepEqual((t.synapses as unknown as { crossbar: { g: Float32Array } }).crossbar.g, g);
  assert.equal(t.imagesDone, done);
  // Chosen neurons become rows 0 … n − 1, in the order given.
  const some = recordSpikes(t, d, 3, { seed: 9, neurons: [5, 2] });
  const want: number[] = [];
  for (let k = 0; k < a.neuron.length; k++)
    if (a.neuron[k] === 5) want.push(0);
    else if (a.neuron[k] === 2) want.push(1);
  assert.deepEqual(Array.from(some.neuron), want);
  assert.deepEqual(Array.from(some.neurons), [5, 2]);
  assert.equal(some.totalSpikes, a.totalSpikes);
});

test('recordSpikes: the LIF network too; bad input', () => {
  const d = data(10, 16);
  const lif = createLifTrainer(d, { outputs: 4, epochs: 1, seed: 1 });
  const r = recordSpikes(lif, d, 0);
  assert.ok(Math.abs(r.duration - 0.35) < 1e-12);
  assert.equal(r.neuron.length, r.totalSpikes);
  const t = createTrainer(d, { outputs: 4 });
  assertCbramError(
    () => recordSpikes(t, d, 10),
    'E_ARG',
    /recordSpikes: index must be .*9.*got 10/,
  );
  assertCbramError(
    () => recordSpikes(t, d, 0, { neurons: [4] }),
    'E_ARG',
    /options\.neurons\[0\] must be .*3.*got 4/,
  );
  assertCbramError(
    () => recordSpikes(t, d, 0, { neurons: [1, 1] }),
    'E_ARG',
    /options\.neurons\[1\] must be each neuron once/,
  );
  assertCbramError(() => recordSpikes(t, data(10, 9), 0), 'E_ARG', /data\.pixels must be 16/);
});
