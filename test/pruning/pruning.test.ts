import { createRng } from '../../src/core/rng';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdealSynapses } from '../../src/network/synapses';
import {
  definePruning,
  Pruner,
  saturatedWeights,
  smallestWeights,
  spikeCountMaturity,
} from '../../src/pruning';
import { assertCbramError } from '../helpers';

test('smallestWeights orders as a comparator sort would: ties by index, −0 = +0, +Infinity last', () => {
  const rng = createRng(31);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + rng.int(500);
    const levels = [-1, -0, 0, 1e-30, -1e-30, 0.5, -0.5, 1, Infinity, 3.4e38, -3.4e38];
    const w = Float32Array.from({ length: n }, () =>
      trial % 2 ? levels[rng.int(levels.length)]! : rng.uniform(-1, 1),
    );
    const want = Int32Array.from(w, (_, i) => i).sort((a, b) => w[a]! - w[b]! || a - b);
    let finite = 0;
    while (finite < n && Number.isFinite(w[want[finite]!]!)) finite++;
    const count = rng.int(n + 1);
    const got = smallestWeights.select(w, count);
    assert.deepEqual([...got], [...want.subarray(0, Math.min(count, finite))], `trial ${trial}`);
  }
});

test('smallestWeights picks the smallest, skipping frozen (+Infinity) entries', () => {
  const w = Float32Array.of(0.5, -1, Infinity, -0.2, -0.9);
  assert.deepEqual([...smallestWeights.select(w, 3)], [1, 4, 3]);
  assert.deepEqual([...smallestWeights.select(w, 10)], [1, 4, 3, 0]);
});

test('saturatedWeights picks only weights at or below the threshold', () => {
  const sel = saturatedWeights(-0.95);
  assert.deepEqual([...sel.select(Float32Array.of(-1, -0.97, -0.5, -1, 0.2), 10)], [0, 3, 1]);
  assert.deepEqual([...sel.select(Float32Array.of(-1, -0.97, -0.5, -1, 0.2), 2)], [0, 3]);
  assert.equal(sel.select(Float32Array.of(0, 0.5), 2).length, 0);
});

function synapses(values: number[][]): IdealSynapses {
  const N = values.length;
  const K = values[0]!.length;
  const s = new IdealSynapses(N, K);
  for (let i = 0; i < N; i++) for (let k = 0; k < K; k++) s.setWeight(i, k, values[i]![k]!);
  return s;
}

test('a neuron is pruned once at maturity: P % of its synapses frozen at the soft value', () => {
  const syn = synapses([[0.3], [-0.8], [0.9], [-0.1]]);
  const p = new Pruner(definePruning({ fraction: 0.5, matureSpikes: 3 }), 1, 4);
  const seen: number[][] = [];
  assert.equal(p.onSpike(0, syn), 0);
  assert.equal(p.onSpike(0, syn), 0);
  assert.equal(
    p.onSpike(0, syn, (_k, cells, v) => void seen.push([...cells, v])),
    2,
  );
  assert.deepEqual(seen, [[1, 3, -1]]);
  assert.deepEqual([...syn.frozen], [0, 1, 0, 1]);
  assert.deepEqual([...syn.weights()], [...Float32Array.of(0.3, -1, 0.9, -1)]);
  for (let s = 0; s < 10; s++) assert.equal(p.onSpike(0, syn), 0, 'no second pass without recheck');
  assert.equal(p.frozenCount, 2);
});

test('saturated selection with rechecks freezes floor weights as they arrive, never beyond P %', () => {
  const syn = synapses([[-1], [-0.5], [-1], [0.4], [-0.2], [0.1]]);
  const p = new Pruner(
    definePruning({ fraction: 0.5, matureSpikes: 1, selection: 'saturated', recheckSpikes: 2 }),
    1,
    6,
  );
  assert.equal(p.onSpike(0, syn), 2, 'two weights already at the floor');
  syn.setWeight(1, 0, -1); // weight 1 reaches the floor later
  assert.equal(p.onSpike(0, syn), 0, 'not a recheck spike');
  assert.equal(p.onSpike(0, syn), 1, 'the recheck freezes it');
  syn.setWeight(4, 0, -1);
  p.onSpike(0, syn);
  assert.equal(p.onSpike(0, syn), 0, 'quota of 3 reached');
  assert.equal(
    syn.frozen.reduce((a, b) => a + b, 0),
    3,
  );
});

test('custom maturity criteria plug in', () => {
  const syn = synapses([
    [0.1, 0.2],
    [0.3, -0.4],
  ]);
  const onlySecond = { isMature: (n: number, spikes: number) => n === 1 && spikes >= 1 };
  const p = new Pruner(definePruning({ fraction: 0.5 }), 2, 2, onlySecond);
  assert.equal(p.onSpike(0, syn), 0);
  assert.equal(p.onSpike(1, syn), 1);
  assert.equal(spikeCountMaturity(5).isMature(0, 5), true);
});

test('bad pruning options', () => {
  assertCbramError(
    () => definePruning({ selection: 'floor' as never }),
    'E_ARG',
    /definePruning: selection must be one of "smallest", "saturated"/,
  );
  assertCbramError(
    () => definePruning({ recheckSpikes: -1 }),
    'E_ARG',
    /definePruning: recheckSpikes must be an integer >= 0, got -1/,
  );
  assertCbramError(() => definePruning({ mode: 'sfot' as never }), 'E_ARG', /did you mean "soft"/);
  assertCbramError(
    () => saturatedWeights(3),
    'E_ARG',
    /saturatedWeights: threshold must be a finite number >= -1 and <= 1, got 3/,
  );
  assertCbramError(
    () => spikeCountMaturity(0),
    'E_ARG',
    /spikeCountMaturity: threshold must be an integer >= 1, got 0/,
  );
});

test('a deadline fills the rest of the fraction with the smallest weights', () => {
  const syn = synapses([[-1], [-0.5], [0.2], [0.4]]);
  const p = new Pruner(
    definePruning({
      fraction: 0.75,
      matureSpikes: 1,
      selection: 'saturated',
      recheckSpikes: 1,
      deadlineSpikes: 4,
    }),
    1,
    4,
  );
  assert.equal(p.onSpike(0, syn), 1, 'only the floor weight at maturity');
  assert.equal(p.onSpike(0, syn), 0);
  assert.equal(p.onSpike(0, syn), 0);
  assert.equal(p.onSpike(0, syn), 2, 'the deadline fills the quota of 3');
  assert.deepEqual([...syn.frozen], [1, 1, 1, 0]);
});
