import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/core/rng';
import { PRESETS } from '../../src/device';
import {
  conductanceToWeight,
  createDigitalStore,
  createMapping,
  decodeWeights,
  encodeWeights,
  injectBitErrors,
  offsetCoefficients,
  planTiles,
  weightToConductance,
} from '../../src/crossbar';
import { assertCbramError } from '../helpers';

const cbram = PRESETS['cbram-subquantum'];

test('offset mapping is the paper mapping w = −1 + 2(G − G_min)/(G_max − G_min)', () => {
  const m = createMapping(cbram);
  assert.equal(weightToConductance(m, -1), cbram.gMin);
  assert.equal(weightToConductance(m, 1), cbram.gMax);
  for (const w of [-0.7, 0, 0.3, 0.99]) {
    const g = weightToConductance(m, w) as number;
    assert.ok(Math.abs(conductanceToWeight(m, g) - w) < 1e-12);
    const { a, b } = offsetCoefficients(m);
    assert.ok(Math.abs(a + b * g - w) < 1e-12);
  }
  assert.equal(weightToConductance(m, 5), cbram.gMax, 'weights clamp to the range');
});

test('differential mapping puts the weight on one device of the pair', () => {
  const m = createMapping(cbram, { kind: 'differential' });
  assert.equal(m.devicesPerWeight, 2);
  for (const w of [-1, -0.25, 0, 0.5, 1]) {
    const [gp, gm] = weightToConductance(m, w) as [number, number];
    assert.ok(Math.min(gp, gm) === cbram.gMin);
    assert.ok(Math.abs(conductanceToWeight(m, gp, gm) - w) < 1e-12);
  }
});

test('digital encoding: round trip within half a level, at every bit width', () => {
  const rng = createRng(1);
  const w = Float32Array.from({ length: 1000 }, () => rng.uniform(-1, 1));
  for (let bits = 1; bits <= 8; bits++) {
    const back = decodeWeights(encodeWeights(w, bits), bits);
    const half = 1 / ((1 << bits) - 1);
    for (let i = 0; i < w.length; i++)
      assert.ok(Math.abs(back[i]! - w[i]!) <= half + 1e-6, `bits ${bits}`);
  }
  assert.deepEqual([...encodeWeights([-1, 1, 0.1], 2)], [0, 3, 2]);
});

test('bit errors: flip rate matches, and rate 0 flips nothing', () => {
  const codes = new Uint16Array(250000);
  const flips = injectBitErrors(codes, 4, 1e-2, createRng(3).stream('bit-errors'));
  let ones = 0;
  for (const c of codes) for (let b = 0; b < 4; b++) ones += (c >> b) & 1;
  assert.equal(ones, flips);
  // 1e6 bits at 1e-2: mean 1e4, std about 100.
  assert.ok(Math.abs(flips - 1e4) < 400, `flips ${flips}`);
  assert.equal(injectBitErrors(codes, 4, 0, createRng(1)), 0);
  const all = new Uint16Array(3);
  assert.equal(injectBitErrors(all, 2, 1, createRng(1)), 6);
  assert.deepEqual([...all], [3, 3, 3]);
});

test('tiling: the paper network at 2 bits fills 76 % of one 512 kbit array; 3 bits do not fit', () => {
  const p2 = planTiles(398, 500, { cellsPerWeight: 2 });
  assert.equal(p2.tiles.length, 1);
  assert.equal(p2.cellsTotal, 524288);
  assert.equal(p2.cellsUsed, 398000);
  assert.ok(Math.abs(p2.utilization - 0.759) < 0.001);
  const p3 = planTiles(398, 500, { cellsPerWeight: 3 });
  assert.equal(p3.tiles.length, 2);
  const covered = p3.tiles.reduce((s, t) => s + t.rows * t.cols, 0);
  assert.equal(covered, 398 * 500);
  const p = planTiles(1000, 3000, { tileRows: 256, tileCols: 256 });
  assert.equal(p.tiles.length, 4 * 12);
  assert.equal(
    p.tiles.reduce((s, t) => s + t.cellsUsed, 0),
    p.cellsUsed,
  );
});

test('digital store counts cells written and bits flipped', () => {
  const store = createDigitalStore(2, 3, { bits: 2 });
  store.write([-1, -1, -1, -1, -1, -1]);
  assert.equal(store.cellsWritten, 0);
  store.write([1, -1, -1, -1, -1, 1]);
  assert.equal(store.cellsWritten, 4);
  const n = store.injectErrors(0.5, createRng(1).stream('bit-errors'));
  assert.equal(store.bitsFlipped, n);
  assert.equal(store.weights().length, 6);
  assert.equal(store.plan.cellsUsed, 12);
});

test('bad input: mappings, digital storage and tiling', () => {
  assertCbramError(
    () => createMapping(cbram, { kind: 'diff' as never }),
    'E_ARG',
    /createMapping: options.kind must be one of "offset", "differential" \(did you mean "differential"\?\)/,
  );
  assertCbramError(
    () => createMapping(cbram, { wMin: 1, wMax: 0 }),
    'E_ARG',
    /createMapping: options.wMax must be a finite number > 1, got 0/,
  );
  assertCbramError(
    () => createMapping(cbram, { kind: 'differential', wMin: 0, wMax: 1 }),
    'E_ARG',
    /options.wMin must be -wMax/,
  );
  assertCbramError(
    () => conductanceToWeight(createMapping(cbram, { kind: 'differential' }), 1e-6),
    'E_ARG',
    /conductanceToWeight: gMinus must be/,
  );
  assertCbramError(
    () => encodeWeights([0], 0),
    'E_ARG',
    /encodeWeights: bits must be an integer >= 1 and <= 16, got 0/,
  );
  assertCbramError(
    () => encodeWeights([NaN], 2),
    'E_ARG',
    /encodeWeights: weights\[0\] must be a finite number, got NaN/,
  );
  assertCbramError(
    () => decodeWeights([1] as never, 2),
    'E_ARG',
    /decodeWeights: codes must be a Uint16Array/,
  );
  assertCbramError(
    () => injectBitErrors(new Uint16Array(1), 2, 1.5, createRng(1)),
    'E_ARG',
    /injectBitErrors: rate must be a finite number >= 0 and <= 1, got 1.5/,
  );
  assertCbramError(
    () => planTiles(0, 5),
    'E_ARG',
    /planTiles: rows must be an integer >= 1, got 0/,
  );
  assertCbramError(
    () => planTiles(5, 5, { cellsPerWeight: 2000 }),
    'E_ARG',
    /planTiles: options.cellsPerWeight must be an integer >= 1 and <= 1024/,
  );
  assertCbramError(
    () => planTiles(5, 5, { tileRow: 2 } as never),
    'E_OPTION',
    /did you mean "tileRows"/,
  );
  assertCbramError(
    () => createDigitalStore(2, 2, { bits: 20 }),
    'E_ARG',
    /createDigitalStore: options.bits must be an integer >= 1 and <= 16, got 20/,
  );
  assertCbramError(
    () => createDigitalStore(2, 2, { bits: 2 }).write([1]),
    'E_ARG',
    /DigitalStore.write: weights must be an array of 4 weights/,
  );
});
