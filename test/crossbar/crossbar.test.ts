import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/core/rng';
import { defineDevice, PRESETS } from '../../src/device';
import { createCrossbar, type EnergySink } from '../../src/crossbar/crossbar';
import { assertCbramError, meanStd } from '../helpers';

/** Collects energy events, to check what the crossbar reports. */
function sink(): EnergySink & { events: Array<[string, string, number, number]> } {
  const events: Array<[string, string, number, number]> = [];
  return { events, record: (k, p, c, j) => void events.push([k, p, c, j]) };
}

function reference(
  g: Float32Array,
  rows: number,
  cols: number,
  v: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j] += v[i]! * g[i * cols + j]!;
  return out;
}

test('an ideal read is Σ_i v_i·G_ij, for random states and voltages', () => {
  for (const [rows, cols] of [
    [397, 500],
    [1, 1],
    [3, 5],
    [7, 13],
  ] as const) {
    const xbar = createCrossbar({ rows, cols, seed: 3 });
    const rng = createRng(10);
    xbar.program(Float64Array.from({ length: rows * cols }, () => rng.float()));
    const v = Float64Array.from({ length: rows }, () => rng.uniform(-0.2, 0.2));
    const got = xbar.read(v);
    const want = reference(xbar.g, rows, cols, v);
    // float32 SIMD accumulation: the error is bounded relative to Σ|v·G| (the sum itself can cancel).
    const scale = reference(xbar.g, rows, cols, Float64Array.from(v, Math.abs));
    for (let j = 0; j < cols; j++)
      assert.ok(Math.abs(got[j]! - want[j]!) <= 1e-6 * scale[j]!, `${rows}x${cols} col ${j}`);
  }
});

test('a spike read drives the listed rows at the read voltage', () => {
  const xbar = createCrossbar({ rows: 40, cols: 9, seed: 1, initial: 0.3 });
  const idx = Int32Array.of(3, 17, 39);
  const got = xbar.readSpikes(idx, 3);
  const v = new Float64Array(40);
  for (const i of idx) v[i] = PRESETS['cbram-subquantum'].read.voltage;
  const want = reference(xbar.g, 40, 9, v);
  for (let j = 0; j < 9; j++) assert.ok(Math.abs(got[j]! - want[j]!) < 1e-6 * want[j]!);
  assert.deepEqual([...xbar.readSpikes(idx, 0)], new Array(9).fill(0));
});

test('pulseColumn programs one column only, honours the mask, and reports pulses and energy', () => {
  const ledger = sink();
  const xbar = createCrossbar({
    rows: 6,
    cols: 4,
    device: 'ideal',
    seed: 2,
    ledger,
    phase: 'train',
    initial: 0.5,
  });
  xbar.setFrozen(2, 1);
  const before = xbar.g.slice();
  xbar.pulseColumn(1, Int8Array.of(1, 1, 1, -1, -1, 0));
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 4; j++) {
      const k = i * 4 + j;
      const moved = xbar.g[k] !== before[k];
      assert.equal(moved, j === 1 && i !== 2 && i !== 5, `cell (${i}, ${j})`);
    }
  }
  assert.equal(xbar.counters.setPulses, 2);
  assert.equal(xbar.counters.resetPulses, 2);
  const d = PRESETS.ideal;
  const gMid = before[1]!; // every cell started at the same state
  assert.deepEqual(
    ledger.events.map((e) => [e[0], e[1], e[2]]),
    [
      ['set', 'train', 2],
      ['reset', 'train', 2],
    ],
  );
  assert.ok(Math.abs(ledger.events[0]![3] - 2 * d.set.voltage ** 2 * d.set.width * gMid) < 1e-24);
  xbar.pulseRow(0, new Int8Array(4).fill(-1));
  assert.equal(xbar.counters.resetPulses, 6);
});

test('determinism: the same seed gives the same array after the same pulses', () => {
  const run = (seed: number) => {
    const x = createCrossbar({ rows: 20, cols: 10, seed });
    for (let c = 0; c < 10; c++) x.pulseColumn(c, new Int8Array(20).fill(c % 2 ? 1 : -1));
    for (let c = 0; c < 10; c++) x.pulseColumn(c, new Int8Array(20).fill(1));
    return x.g.slice();
  };
  assert.deepEqual(run(5), run(5));
  assert.notDeepEqual(run(5), run(6));
});

test('read noise: unbiased, with std σ·sqrt(Σ (v·G)²)', () => {
  const dev = defineDevice({ readNoiseStd: 0.05 });
  const xbar = createCrossbar({ rows: 50, cols: 2, device: dev, seed: 4, initial: 0.6 });
  const v = new Float64Array(50).fill(0.1);
  const ideal = xbar.read(v).slice();
  const samples = new Float64Array(2000);
  for (let s = 0; s < samples.length; s++)
    samples[s] = xbar.read(v, undefined, { noise: true })[0]!;
  let ss = 0;
  for (let i = 0; i < 50; i++) ss += (0.1 * xbar.g[i * 2]!) ** 2;
  const { mean, std } = meanStd(samples);
  assert.ok(Math.abs(mean / ideal[0]! - 1) < 0.002, `mean ${mean} vs ${ideal[0]}`);
  assert.ok(Math.abs(std / (0.05 * Math.sqrt(ss)) - 1) < 0.06, `std ${std}`);
});

test('ADC: outputs lie on the quantiser grid within half an LSB of the ideal current', () => {
  const xbar = createCrossbar({ rows: 30, cols: 8, seed: 9 });
  const rng = createRng(2);
  xbar.program(Float64Array.from({ length: 240 }, () => rng.float()));
  const v = new Float64Array(30).fill(0.1);
  const ideal = xbar.read(v).slice();
  const fs = 30 * 0.1 * PRESETS['cbram-subquantum'].gMax;
  const q = xbar.read(v, undefined, { adcBits: 6 });
  const lsb = fs / 63;
  for (let j = 0; j < 8; j++) {
    assert.ok(Math.abs(q[j]! / lsb - Math.round(q[j]! / lsb)) < 1e-9);
    assert.ok(Math.abs(q[j]! - ideal[j]!) <= lsb / 2 + 1e-18);
  }
  assert.equal(xbar.counters.adcConversions, 8);
});

test('IR drop: matches the exact 1×1 solution to first order and grows with wire resistance', () => {
  const x1 = createCrossbar({ rows: 1, cols: 1, device: 'ideal', initial: 1 });
  const G = x1.g[0]!;
  for (const r of [1, 10, 100]) {
    const got = x1.read([0.2], undefined, { wireResistance: r })[0]!;
    const exact = 0.2 / (1 / G + 2 * r);
    const ideal = 0.2 * G;
    // First order: error relative to the exact drop is O((rG)²).
    assert.ok(Math.abs(got - exact) <= 5 * (r * G) ** 2 * ideal, `r=${r}`);
    assert.ok(Math.abs(ideal - got) > 0.5 * 2 * r * G * ideal, 'the drop itself is first order');
  }
  const xbar = createCrossbar({ rows: 64, cols: 64, device: 'ideal', initial: 0.7 });
  const v = new Float64Array(64).fill(0.1);
  const ideal = reference(xbar.g, 64, 64, v); // float64, like the physical read path
  const a = xbar.read(v, undefined, { wireResistance: 0.5 }).slice();
  const b = xbar.read(v, undefined, { wireResistance: 1 }).slice();
  for (let j = 0; j < 64; j++) {
    assert.ok(a[j]! < ideal[j]! && b[j]! < a[j]!);
    assert.ok(
      Math.abs((ideal[j]! - b[j]!) / (ideal[j]! - a[j]!) - 2) < 1e-6,
      'the first-order deviation is linear in r',
    );
  }
  // Columns far from the drivers lose more current.
  assert.ok(b[63]! < b[0]!);
});

test('energy of reads: spike reads cost V·t·ΣI, dense reads t·Σ v²G', () => {
  const ledger = sink();
  const xbar = createCrossbar({ rows: 10, cols: 3, seed: 1, initial: 0.5, ledger, phase: 'test' });
  const I = xbar.readSpikes(Int32Array.of(0, 4), 2);
  const p = PRESETS['cbram-subquantum'].read;
  const sumI = I.reduce((s, x) => s + x, 0);
  assert.deepEqual(ledger.events[0]!.slice(0, 3), ['read', 'test', 6]);
  assert.ok(Math.abs(ledger.events[0]![3] - Math.abs(p.voltage) * p.width * sumI) < 1e-27);
  const v = new Float64Array(10).fill(0.05);
  xbar.read(v);
  let e = 0;
  for (let k = 0; k < 30; k++) e += 0.05 ** 2 * xbar.g[k]! * p.width;
  assert.ok(Math.abs(ledger.events[1]![3] / e - 1) < 1e-5);
  assert.equal(xbar.counters.cellsRead, 6 + 30);
});

test('snapshot copies state and summarises it', () => {
  const xbar = createCrossbar({
    rows: 4,
    cols: 5,
    device: defineDevice({ pStuckOn: 0.5 }),
    seed: 3,
  });
  xbar.setFrozen(1, 1);
  const s = xbar.snapshot();
  assert.equal(s.g.length, 20);
  assert.equal(s.stats.frozen, 1);
  assert.equal(s.stats.stuckOn, [...s.stuck].filter((x) => x === 2).length);
  assert.ok(s.stats.gMin <= s.stats.gMean && s.stats.gMean <= s.stats.gMax);
  s.g[0] = 123;
  assert.notEqual(xbar.g[0], 123);
});

test('retention through the crossbar', () => {
  const xbar = createCrossbar({
    rows: 2,
    cols: 2,
    device: defineDevice({ retentionTau: 10 }),
    initial: 1,
  });
  const g0 = xbar.g[0]!;
  xbar.relax(10);
  assert.ok(xbar.g[0]! < g0);
});

test('bad input: createCrossbar and every Crossbar method', () => {
  assertCbramError(
    () => createCrossbar({ rows: -3, cols: 4 }),
    'E_ARG',
    /createCrossbar: rows must be an integer >= 1 and <= 65536, got -3/,
  );
  assertCbramError(
    () => createCrossbar({ rows: 3, colz: 4 } as never),
    'E_OPTION',
    /createCrossbar: unknown option "colz" \(did you mean "cols"\?\)/,
  );
  assertCbramError(
    () => createCrossbar({ rows: 3, cols: 4, device: 'cbram' as never }),
    'E_ARG',
    /createCrossbar: device must be one of .*did you mean "cbram-subquantum"/,
  );
  assertCbramError(
    () => createCrossbar({ rows: 3, cols: 4, seed: -1 }),
    'E_ARG',
    /createCrossbar: seed must be a non-negative integer seed/,
  );
  assertCbramError(
    () => createCrossbar({ rows: 3, cols: 4, initial: 1.5 }),
    'E_ARG',
    /createCrossbar: initial must be a finite number >= 0 and <= 1, got 1.5/,
  );
  assertCbramError(
    () => createCrossbar(undefined as never),
    'E_ARG',
    /createCrossbar: options must be an object/,
  );
  const x = createCrossbar({ rows: 3, cols: 4 });
  assertCbramError(
    () => x.pulseColumn(4, new Int8Array(3)),
    'E_ARG',
    /Crossbar.pulseColumn: col must be an integer >= 0 and <= 3, got 4/,
  );
  assertCbramError(
    () => x.pulseColumn(0, new Int8Array(4)),
    'E_ARG',
    /Crossbar.pulseColumn: pulses must be an Int8Array of length 3 \(rows\)/,
  );
  assertCbramError(
    () => x.pulseRow(0, [1, 1, 1, 1] as never),
    'E_ARG',
    /Crossbar.pulseRow: pulses must be an Int8Array of length 4 \(cols\)/,
  );
  assertCbramError(
    () => x.read([1, 2]),
    'E_ARG',
    /Crossbar.read: v must be an array of 3 voltages/,
  );
  assertCbramError(
    () => x.read([1, NaN, 2]),
    'E_ARG',
    /Crossbar.read: v\[1\] must be a finite voltage, got NaN/,
  );
  assertCbramError(
    () => x.read([1, 1, 1], undefined, { adcbits: 4 } as never),
    'E_OPTION',
    /did you mean "adcBits"/,
  );
  assertCbramError(
    () => x.read([1, 1, 1], undefined, { wireResistance: -1 }),
    'E_ARG',
    /options.wireResistance must be a finite number >= 0/,
  );
  assertCbramError(
    () => x.read([1, 1, 1], new Float64Array(3)),
    'E_ARG',
    /Crossbar.read: out must be a Float64Array of length 4/,
  );
  assertCbramError(() => x.readSpikes(Int32Array.of(5), 1), 'E_ARG', /idx\[0\] must be/);
  assertCbramError(
    () => x.setFrozen(3, 0),
    'E_ARG',
    /Crossbar.setFrozen: row must be an integer >= 0 and <= 2, got 3/,
  );
  assertCbramError(
    () => x.program([0.5]),
    'E_ARG',
    /Crossbar.program: x must be an array of 12 states/,
  );
  assertCbramError(
    () => x.program(new Array(12).fill(2)),
    'E_ARG',
    /Crossbar.program: x\[0\] must be a number in \[0, 1\], got 2/,
  );
});
