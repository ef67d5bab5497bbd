import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/core/rng';
import { createPoissonEncoder } from '../../src/network/encoding';
import { assertCbramError } from '../helpers';

test('geometric-gap encoding gives Bernoulli(p) spikes in every step, independently', () => {
  const enc = createPoissonEncoder({ rate: 200, dt: 1e-3, steps: 100 });
  const img = Uint8Array.of(255, 128, 0, 30);
  const rng = createRng(1);
  const perStep = [
    new Float64Array(100),
    new Float64Array(100),
    new Float64Array(100),
    new Float64Array(100),
  ];
  let pairs = 0; // spikes of input 0 in two consecutive steps, to check independence
  const trials = 20000;
  for (let n = 0; n < trials; n++) {
    const r = enc.encode(img, 0, 4, rng);
    const seen0 = new Uint8Array(100);
    for (let t = 0; t < 100; t++) {
      for (let s = r.start[t]!; s < r.start[t + 1]!; s++) {
        perStep[r.inputs[s]!]![t]++;
        if (r.inputs[s] === 0) seen0[t] = 1;
      }
    }
    for (let t = 1; t < 100; t++) pairs += seen0[t - 1]! & seen0[t]!;
  }
  for (const [i, v] of [
    [0, 255],
    [1, 128],
    [3, 30],
  ] as const) {
    const p = enc.probability(v);
    for (const t of [0, 1, 50, 99]) {
      const f = perStep[i]![t]! / trials;
      const sd = Math.sqrt((p * (1 - p)) / trials);
      assert.ok(Math.abs(f - p) < 4.5 * sd, `input ${i} step ${t}: ${f} vs ${p}`);
    }
  }
  assert.equal(
    perStep[2]!.reduce((a, b) => a + b, 0),
    0,
    'a black pixel never spikes',
  );
  const p0 = enc.probability(255);
  const expectPairs = trials * 99 * p0 * p0;
  assert.ok(
    Math.abs(pairs - expectPairs) < 5 * Math.sqrt(expectPairs),
    `pairs ${pairs} vs ${expectPairs}`,
  );
});

test('the raster is grouped by step and reproducible from the seed', () => {
  const enc = createPoissonEncoder({ rate: 500, dt: 1e-3, steps: 20 });
  const img = Uint8Array.from({ length: 50 }, (_, i) => i * 5);
  const a = enc.encode(img, 0, 50, createRng(3));
  const copy = { start: a.start.slice(), inputs: a.inputs.slice(0, a.count) };
  const b = enc.encode(img, 0, 50, createRng(3));
  assert.deepEqual(b.start, copy.start);
  assert.deepEqual(b.inputs.slice(0, b.count), copy.inputs);
  assert.equal(a.start[20], a.count);
  for (let t = 0; t < 20; t++) assert.ok(a.start[t]! <= a.start[t + 1]!);
});

test('bad encoder options', () => {
  assertCbramError(
    () => createPoissonEncoder({ rate: 2000, dt: 1e-3 }),
    'E_ARG',
    /createPoissonEncoder: options.rate × options.dt must be <= 1/,
  );
  assertCbramError(
    () => createPoissonEncoder({ steps: 0 }),
    'E_ARG',
    /createPoissonEncoder: options.steps must be an integer >= 1/,
  );
  assertCbramError(
    () => createPoissonEncoder({ dt: 0 }),
    'E_ARG',
    /options.dt must be a finite number > 0, got 0/,
  );
});
