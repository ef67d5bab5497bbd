import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstN, loadPaperMnist, subset } from '../../src/data';
import {
  checkpointBytes,
  confusionTable,
  createTrainer,
  defineTraining,
  evaluate,
  restoreCheckpoint,
} from '../../src/learning';
import { DeviceSynapses } from '../../src/network/synapses';
import { assertCbramError } from '../helpers';

const mnist = loadPaperMnist();
const train5k = subset(mnist.train, firstN(5000));
const test2k = subset(mnist.test, firstN(2000));

// The numpy peer reaches 73 % with one epoch in this setting; three epochs (the paper's) reach 80-82 %.
// With 100 outputs the stronger homeostasis of the numpy peer (eta_b = 0.2) works better than the
// default tuned for 500 outputs (0.1: about 78 %), so these small runs set it. Seeds 1-6 gave
// 78.1-79.3 % (mean 78.8 %) with session 9's draw and 74.8-81.5 % (mean 78.6 %) before it.
test('ideal rule: 100 outputs, 3 epochs of 5,000 real MNIST images reach >= 76 % on 2,000 test images', async () => {
  const t = createTrainer(train5k, {
    outputs: 100,
    epochs: 3,
    rule: 'ideal',
    etaBias: 0.2,
    seed: 1,
  });
  const r = await t.train();
  assert.equal(r.status, 'completed');
  assert.equal(t.imagesDone, 15000);
  const ev = evaluate(t, { testData: test2k, labelImages: 5000 });
  assert.ok(ev.accuracy >= 0.76, `accuracy ${ev.accuracy}`);
  // Untrained weights are far worse: the accuracy comes from learning.
  const untrained = evaluate(
    createTrainer(train5k, { outputs: 100, epochs: 1, rule: 'ideal', seed: 1 }),
    { testData: test2k, labelImages: 5000 },
  );
  assert.ok(untrained.accuracy < ev.accuracy - 0.2, `untrained ${untrained.accuracy}`);
  const conf = confusionTable(ev);
  assert.equal(conf.numRows(), 100);
  const sum = Array.from(conf.array('count') as ArrayLike<number>).reduce((a, b) => a + b, 0);
  assert.equal(sum, ev.predictions.filter((p) => p >= 0).length);
});

test('device rule on noisy CBRAM: 100 outputs, 3 epochs of 5,000 images reach >= 75 %, and every pulse is in the ledger', async () => {
  const t = createTrainer(train5k, {
    outputs: 100,
    epochs: 3,
    rule: 'device',
    device: 'cbram-subquantum',
    etaBias: 0.2,
    seed: 2,
  });
  await t.train();
  const ev = evaluate(t, { testData: test2k, labelImages: 5000 });
  assert.ok(ev.accuracy >= 0.75, `accuracy ${ev.accuracy}`);
  const xbar = (t.synapses as DeviceSynapses).crossbar;
  assert.ok(xbar.counters.setPulses > 0 && xbar.counters.resetPulses > 0);
  assert.equal(t.ledger.count('set', 'train'), xbar.counters.setPulses);
  assert.equal(t.ledger.count('reset', 'train'), xbar.counters.resetPulses);
  assert.ok(t.ledger.joules('set') > 0 && t.ledger.count('read', 'test') > 0);
  // Stochastic pulsing: expected pulses per synapse update = eta/eta_device < 1.
  const updates = t.updates.ltp + t.updates.ltd;
  assert.ok(xbar.counters.setPulses + xbar.counters.resetPulses < updates);
});

async function resumeCase(options: Parameters<typeof createTrainer>[1]): Promise<void> {
  const data = subset(mnist.train, firstN(600));
  const whole = createTrainer(data, options);
  await whole.train();
  const a = createTrainer(data, options);
  await a.train({ maxImages: 250 });
  const bytes = checkpointBytes(a);
  const b = restoreCheckpoint(bytes, data);
  assert.equal(b.imagesDone, 250);
  await b.train();
  assert.deepEqual(b.synapses.weights(), whole.synapses.weights());
  assert.deepEqual(b.bias, whole.bias);
  assert.deepEqual(b.synapses.frozen, whole.synapses.frozen);
  assert.deepEqual(b.ledger.toJSON(), whole.ledger.toJSON());
  assert.deepEqual(b.updates, whole.updates);
  assert.equal(b.outputSpikes, whole.outputSpikes);
}

test('resume from a checkpoint equals a run that never stopped (ideal rule)', () =>
  resumeCase({ outputs: 30, epochs: 2, rule: 'ideal', seed: 4 }));

test('resume from a checkpoint equals a run that never stopped (device rule, noisy CBRAM, soft pruning)', () =>
  resumeCase({
    outputs: 30,
    epochs: 2,
    rule: 'device',
    seed: 5,
    pruning: { fraction: 0.5, matureSpikes: 40 },
  }));

for (const rule of ['ideal', 'device'] as const)
  test(`${rule} rule: training follows the frozen mask as the pruner and a progress callback change it`, async () => {
    const data = subset(mnist.train, firstN(600));
    const opts = {
      outputs: 30,
      epochs: 1,
      rule,
      seed: 7,
      pruning: { fraction: 0.5, matureSpikes: 40, mode: 'soft' as const },
    };
    // The rule keeps each column's number of frozen cells between updates. The reference run
    // makes it count again before every update, as it did before it kept them.
    const run = async (countEveryUpdate: boolean) => {
      const t = createTrainer(data, opts);
      if (countEveryUpdate) {
        const r = t.rule;
        const update = r.updateActive.bind(r);
        r.updateActive = (...args) => {
          r.maskChanged();
          update(...args);
        };
      }
      let froze = false;
      await t.train({
        progressInterval: 0,
        onProgress: (p) => {
          // Once, before the pruner has frozen anything (it waits for a neuron's 40th spike):
          // freeze every third cell of column 3 from outside the pruner.
          if (!froze && p.imagesDone >= 20) {
            froze = true;
            for (let i = 0; i < t.inputs; i += 3) t.synapses.frozen[i * t.outputs + 3] = 1;
          }
        },
      });
      return t;
    };
    const kept = await run(false);
    const counted = await run(true);
    assert.ok(kept.pruner!.frozenCount > 0, 'the pruner froze cells');
    assert.deepEqual(kept.updates, counted.updates);
    assert.deepEqual(kept.synapses.weights(), counted.synapses.weights());
    assert.deepEqual(kept.synapses.frozen, counted.synapses.frozen);
  });

test('an aborted run stops at an image boundary and resumes to the same result', async () => {
  const data = subset(mnist.train, firstN(400));
  const opts = { outputs: 20, epochs: 1, rule: 'device' as const, seed: 6 };
  const whole = createTrainer(data, opts);
  await whole.train();
  const t = createTrainer(data, opts);
  const controller = new AbortController();
  const r1 = await t.train({
    signal: controller.signal,
    progressInterval: 0,
    onProgress: (p) => {
      if (p.imagesDone >= 100) controller.abort();
    },
  });
  assert.equal(r1.status, 'interrupted');
  assert.ok(t.imagesDone >= 100 && t.imagesDone < 400);
  const r2 = await t.train();
  assert.equal(r2.status, 'completed');
  assert.deepEqual(t.synapses.weights(), whole.synapses.weights());
});

test('pruned synapses get no pulses: their conductance never changes once frozen', async () => {
  const data = subset(mnist.train, firstN(800));
  const t = createTrainer(data, {
    outputs: 10,
    epochs: 1,
    rule: 'device',
    seed: 7,
    pruning: { fraction: 0.75, matureSpikes: 30 },
  });
  await t.train({ maxImages: 300 });
  const xbar = (t.synapses as DeviceSynapses).crossbar;
  const mask = xbar.mask.slice();
  const frozenNow = mask.reduce((s, x) => s + x, 0);
  assert.ok(frozenNow > 0, 'some neurons matured');
  const g = xbar.g.slice();
  const pulsesBefore = xbar.counters.setPulses + xbar.counters.resetPulses;
  await t.train();
  for (let j = 0; j < mask.length; j++)
    if (mask[j]) assert.equal(xbar.g[j], g[j], `frozen cell ${j} changed`);
  assert.ok(
    xbar.counters.setPulses + xbar.counters.resetPulses > pulsesBefore,
    'unfrozen cells keep learning',
  );
  assert.ok(t.ledger.count('reset', 'prune') > 0, 'pruning writes are in the ledger');
  // Soft pruning: frozen weights sit at the constant -1.
  const w = t.synapses.weights();
  for (let j = 0; j < mask.length; j++)
    if (mask[j]) assert.ok(Math.abs(w[j]! + 1) < 0.1, `w ${w[j]}`);
  // With 75 % pruned per matured neuron, fewer pulses per spike are issued than without pruning.
  const plain = createTrainer(data, { outputs: 10, epochs: 1, rule: 'device', seed: 7 });
  await plain.train();
  assert.ok(t.updates.ltp + t.updates.ltd < 0.7 * (plain.updates.ltp + plain.updates.ltd));
});

test('hard pruning sets the frozen weights to 0', async () => {
  const data = subset(mnist.train, firstN(300));
  const t = createTrainer(data, {
    outputs: 5,
    epochs: 1,
    rule: 'ideal',
    seed: 8,
    pruning: { fraction: 0.5, mode: 'hard', matureSpikes: 20 },
  });
  await t.train();
  const w = t.synapses.weights();
  let frozen = 0;
  for (let j = 0; j < w.length; j++) {
    if (t.synapses.frozen[j]) {
      frozen++;
      assert.equal(w[j], 0);
    }
  }
  assert.equal(frozen, t.pruner!.frozenCount);
  assert.equal(frozen, 5 * Math.round(0.5 * 397));
});

test('the run is deterministic: the same seed gives the same weights', async () => {
  const data = subset(mnist.train, firstN(200));
  const run = async (seed: number) => {
    const t = createTrainer(data, { outputs: 10, epochs: 1, rule: 'device', seed });
    await t.train();
    return t.synapses.weights();
  };
  assert.deepEqual(await run(3), await run(3));
  assert.notDeepEqual(await run(3), await run(4));
});

test('bad configurations and arguments get clear errors', async () => {
  assertCbramError(
    () => defineTraining({ outputz: 5 } as never),
    'E_OPTION',
    /defineTraining: unknown option "outputz" \(did you mean "outputs"\?\)/,
  );
  assertCbramError(
    () => defineTraining({ outputs: 1 }),
    'E_ARG',
    /defineTraining: outputs must be an integer >= 2/,
  );
  assertCbramError(
    () => defineTraining({ rule: 'analog' as never }),
    'E_ARG',
    /defineTraining: rule must be one of "ideal", "device"/,
  );
  assertCbramError(
    () => defineTraining({ device: 'cbram' as never }),
    'E_ARG',
    /did you mean "cbram-subquantum"/,
  );
  assertCbramError(
    () => defineTraining({ inputRate: 5000 }),
    'E_ARG',
    /defineTraining: inputRate must be <= 1\/dt = 1000 Hz/,
  );
  assertCbramError(
    () => defineTraining({ eta: 0 }),
    'E_ARG',
    /defineTraining: eta must be a finite number > 0 and <= 1, got 0/,
  );
  assertCbramError(
    () => defineTraining({ pruning: { fraction: 1.5 } }),
    'E_ARG',
    /defineTraining: pruning.fraction must be a finite number >= 0 and <= 1, got 1.5/,
  );
  assertCbramError(
    () => defineTraining({ pruning: { mode: 'soft', matureSpike: 3 } as never }),
    'E_OPTION',
    /did you mean "matureSpikes"/,
  );
  assertCbramError(
    () => createTrainer({} as never),
    'E_ARG',
    /createTrainer: data must be a Dataset/,
  );
  const t = createTrainer(subset(mnist.train, firstN(10)), { outputs: 5, epochs: 1 });
  await assert.rejects(
    () => t.train({ maxImage: 3 } as never),
    /Trainer.train: unknown option "maxImage" \(did you mean "maxImages"\?\)/,
  );
  assertCbramError(
    () => evaluate(t, { testData: test2k, labelImages: 20 }),
    'E_ARG',
    /evaluate: options.labelImages must be an integer >= 1 and <= 10, got 20/,
  );
  assertCbramError(
    () => evaluate(t, {} as never),
    'E_ARG',
    /evaluate: options.testData must be a Dataset/,
  );
  const bytes = checkpointBytes(t);
  const bad = Buffer.from(bytes);
  bad[bad.length - 40] ^= 1;
  assertCbramError(
    () => restoreCheckpoint(bad, t.data),
    'E_CHECKSUM',
    /loadCheckpoint: checksum mismatch/,
  );
  assertCbramError(
    () => restoreCheckpoint(bytes.subarray(0, 100), t.data),
    'E_CHECKSUM',
    /checksum mismatch|bad magic/,
  );
  assertCbramError(
    () => restoreCheckpoint(bytes, subset(mnist.train, firstN(11))),
    'E_STATE',
    /trained on different data/,
  );
  // A failed call leaves the trainer usable.
  const r = await t.train();
  assert.equal(r.status, 'completed');
});

test('evaluate reports progress per phase, ending at each total', async () => {
  const data = subset(mnist.train, firstN(300));
  const t = createTrainer(data, { outputs: 10, epochs: 1, rule: 'ideal' });
  await t.train({ maxImages: 50 });
  const seen: Array<[string, number, number]> = [];
  const ev = evaluate(t, {
    testData: subset(mnist.test, firstN(250)),
    labelImages: 300,
    onProgress: (p) => seen.push([p.phase, p.done, p.total]),
  });
  const label = seen.filter((s) => s[0] === 'label');
  const test = seen.filter((s) => s[0] === 'test');
  assert.deepEqual(label.at(-1), ['label', 300, 300]);
  assert.deepEqual(test.at(-1), ['test', 250, 250]);
  assert.ok(seen.indexOf(label.at(-1)!) < seen.indexOf(test[0]!), 'labelling comes first');
  assert.ok(
    label.length >= 80 && test.length >= 80,
    'about every 1 % (at least every 3 images here)',
  );
  for (let i = 1; i < test.length; i++) assert.ok(test[i]![1] > test[i - 1]![1]);
  // The same evaluation without a callback gives the same result.
  const again = evaluate(t, { testData: subset(mnist.test, firstN(250)), labelImages: 300 });
  assert.equal(again.accuracy, ev.accuracy);
  assertCbramError(
    () => evaluate(t, { testData: mnist.test, onProgress: 5 as never }),
    'E_ARG',
    /evaluate: options.onProgress must be a function/,
  );
});
