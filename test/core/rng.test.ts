import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, toRng } from '../../src/core/rng';
import { assertCbramError, meanStd } from '../helpers';

test('createRng gives the pinned xoshiro128** sequence for seed 42', () => {
  const r = createRng(42);
  assert.deepEqual(
    [r.uint32(), r.uint32(), r.uint32(), r.uint32()],
    [4050844575, 1597651404, 248283893, 1340945277],
  );
  assert.equal(createRng(42).stream('d2d').uint32(), 3314311209);
  const n = createRng(7);
  assert.deepEqual(
    [n.normal(), n.normal(), n.normal()].map((x) => x.toFixed(12)),
    ['0.093278980067', '1.423606740014', '0.376104529773'],
  );
});

test('named streams do not depend on how far the parent or siblings have advanced', () => {
  const a = createRng(5);
  const first = a.stream('c2c').uint32();
  const b = createRng(5);
  for (let i = 0; i < 1000; i++) b.uint32();
  b.stream('d2d').normal();
  assert.equal(b.stream('c2c').uint32(), first);
  assert.notEqual(createRng(5).stream('d2d').uint32(), first);
  assert.equal(a.stream('x').stream('y').path, '5/x/y');
});

test('different seeds give different sequences; same seed gives the same', () => {
  const s = (seed: number) =>
    Array.from(
      { length: 8 },
      (
        (r) => () =>
          r.uint32()
      )(createRng(seed)),
    );
  assert.deepEqual(s(1), s(1));
  assert.notDeepEqual(s(1), s(2));
  assert.notDeepEqual(s(0), s(2 ** 32));
});

test('uniform floats are in range with mean 1/2 and variance 1/12', () => {
  const r = createRng(11);
  const a = new Float64Array(200000);
  for (let i = 0; i < a.length; i++) {
    a[i] = r.float();
    assert.ok(a[i]! >= 0 && a[i]! < 1);
  }
  const { mean, std } = meanStd(a);
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(std * std - 1 / 12) < 0.002, `var ${std * std}`);
});

test('ziggurat normals: mean 0, variance 1, tails and kurtosis of a Gaussian', () => {
  const r = createRng(3);
  const n = 400000;
  const a = new Float64Array(n);
  r.fillNormal(a);
  const { mean, std } = meanStd(a);
  assert.ok(Math.abs(mean) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(std - 1) < 0.01, `std ${std}`);
  let k4 = 0;
  let tail3 = 0;
  for (const x of a) {
    k4 += x ** 4;
    if (Math.abs(x) > 3) tail3++;
  }
  assert.ok(Math.abs(k4 / n - 3) < 0.1, `kurtosis ${k4 / n}`);
  // P(|x| > 3) = 0.0027; 3 sigma of the binomial count is about 100 at n = 4e5.
  assert.ok(Math.abs(tail3 - 0.0027 * n) < 110, `tail count ${tail3}`);
});

test('getState/setState resumes the exact sequence', () => {
  const r = createRng(9).stream('spikes');
  r.uint32();
  const st = JSON.parse(JSON.stringify(r.getState()));
  const want = [r.uint32(), r.normal(), r.float()];
  const q = createRng(9).stream('spikes').setState(st);
  assert.deepEqual([q.uint32(), q.normal(), q.float()], want);
  const c = createRng(9).stream('spikes').setState(st).clone();
  assert.equal(c.uint32(), want[0]);
});

test('permutation is a permutation and shuffle is seeded', () => {
  const p = createRng(1).permutation(1000);
  assert.deepEqual(
    [...p].sort((x, y) => x - y),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  assert.deepEqual(createRng(1).permutation(50), createRng(1).permutation(50));
});

test('bad input to the generator API', () => {
  assertCbramError(() => createRng(-1), 'E_ARG', /createRng: seed must be a finite number >= 0/);
  assertCbramError(
    () => createRng(1.5),
    'E_ARG',
    /createRng: seed must be an integer >= 0, got 1.5/,
  );
  assertCbramError(() => createRng(NaN), 'E_ARG', /createRng: seed must be a finite number/);
  assertCbramError(
    () => createRng(1).stream(''),
    'E_ARG',
    /Rng.stream: name must be a non-empty string/,
  );
  assertCbramError(
    () => createRng(1).permutation(-2),
    'E_ARG',
    /Rng.permutation: n must be an integer/,
  );
  assertCbramError(
    () => createRng(1).setState({ s: [1, 2], key: 0, path: '1' } as never),
    'E_DATA',
    /Rng.setState: state must be/,
  );
  assertCbramError(
    () => createRng(1).setState(createRng(2).getState()),
    'E_STATE',
    /Rng.setState: state.path must be "1", got "2"/,
  );
  assertCbramError(
    () => toRng('f', 'seed', 'x' as never),
    'E_ARG',
    /f: seed must be a non-negative integer seed or an Rng/,
  );
});
