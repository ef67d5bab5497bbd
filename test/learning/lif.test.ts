import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstN, loadPaperMnist, subset } from '../../src/data';
import { createLifTrainer, createTrainer, evaluate } from '../../src/learning';
import { assertCbramError } from '../helpers';

const mnist = loadPaperMnist();
const train = subset(mnist.train, firstN(3000));
const test1k = subset(mnist.test, firstN(1000));

test('LIF network (Diehl & Cook style) learns: 100 neurons on 3,000 images beat the untrained network by 25 points', async () => {
  const untrained = evaluate(createLifTrainer(train, { outputs: 100, seed: 1 }), {
    testData: test1k,
    labelImages: 3000,
  });
  const lif = createLifTrainer(train, { outputs: 100, seed: 1 });
  const r = await lif.train();
  assert.equal(r.status, 'completed');
  const ev = evaluate(lif, { testData: test1k, labelImages: 3000 });
  assert.ok(ev.accuracy >= 0.6, `accuracy ${ev.accuracy}`);
  assert.ok(
    ev.accuracy > untrained.accuracy + 0.25,
    `trained ${ev.accuracy} vs untrained ${untrained.accuracy}`,
  );
  // Adaptive thresholds rose during training only.
  const theta = lif.layer.theta;
  assert.ok(theta.some((x) => x > 0));
  const before = theta.slice();
  evaluate(lif, { testData: test1k, testImages: 100, labelImages: 100 });
  assert.deepEqual(lif.layer.theta, before, 'evaluation does not adapt thresholds');
  // Weights stay in [0, 1] and each neuron's weights keep their normalised sum.
  const w = lif.synapses.w;
  for (let j = 0; j < w.length; j++) assert.ok(w[j]! >= 0 && w[j]! <= 1);
});

test('evaluation presentation: longer inference gives proportionally more output spikes', () => {
  const t = createTrainer(subset(mnist.train, firstN(50)), {
    outputs: 10,
    epochs: 1,
    rule: 'ideal',
  });
  const a = evaluate(t, { testData: test1k, testImages: 200, labelImages: 50 });
  const b = evaluate(t, { testData: test1k, testImages: 200, labelImages: 50, presentation: 0.3 });
  assert.ok(Math.abs(a.meanSpikes - 20) < 1.5, `100 ms at 200 Hz: ${a.meanSpikes}`);
  assert.ok(Math.abs(b.meanSpikes - 60) < 3, `300 ms at 200 Hz: ${b.meanSpikes}`);
  assertCbramError(
    () => evaluate(t, { testData: test1k, presentation: 0 }),
    'E_ARG',
    /evaluate: options.presentation must be a finite number >= 0.001/,
  );
});

test('bad LIF options', () => {
  assertCbramError(
    () => createLifTrainer(train, { output: 3 } as never),
    'E_OPTION',
    /createLifTrainer: unknown option "output" \(did you mean "outputs"\?\)/,
  );
  assertCbramError(
    () => createLifTrainer(train, { tauMembrane: 0 }),
    'E_ARG',
    /createLifTrainer: tauMembrane must be a finite number > 0, got 0/,
  );
  assertCbramError(
    () => createLifTrainer(null as never),
    'E_ARG',
    /createLifTrainer: data must be a Dataset/,
  );
});
