import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRng } from '../../src/core/rng';
import {
  applyUpdate,
  bake,
  checkSchemeHalf,
  compileEcm,
  compiledEcm,
  conductanceOf,
  createDeviceArray,
  createTally,
  devicePreset,
  ECM_DEVICES,
  fitDevice,
  fitEcm,
  gapOf,
  integratePulse,
  physicalDevice,
  PRESETS,
  pulseEnergy,
  pulseResponse,
  stateOf,
  type DeviceConfig,
  type EcmDevice,
  type EcmParams,
} from '../../src/device';
import { createCrossbar } from '../../src/crossbar/crossbar';
import { assertCbramError } from '../helpers';

const FC = { seed: 13, numRuns: 60 };
const DEV = ECM_DEVICES['cbram-ecm'];
const P = DEV.params;
const READ = DEV.read;
const T0 = 300;
const G_MIN = conductanceOf(P, P.gapMax);
const G_MAX = conductanceOf(P, P.gapMin);
const SPAN = G_MAX - G_MIN;

/** Gap of normalised state x in the nominal range. */
function gapAt(x: number): number {
  return Math.min(P.gapMax, Math.max(P.gapMin, gapOf(P, G_MIN + x * SPAN)));
}

/** Deterministic change of G (S) by one pulse of signed amplitude `va` and width `w` from x. */
function dG(x: number, va: number, w: number, T = T0): number {
  const s = gapAt(x);
  return conductanceOf(P, integratePulse(P, s, va, w, T).gap) - conductanceOf(P, s);
}

/** A noise-free train of `n` pulses on a device array of `config`, from x = 0 (up) or 1. */
function kernelTrain(config: DeviceConfig, n: number, up: boolean): number[] {
  const quiet = { ...config, c2cStd: 0, gMinDtod: 0, gMaxDtod: 0, stepDtod: 0 };
  const d = createDeviceArray(quiet, 1, createRng(1).stream('d2d'), { initial: up ? 0 : 1 });
  const xs = [d.normalized(0)];
  const tally = createTally();
  const c2c = createRng(2);
  for (let k = 0; k < n; k++) {
    d.pulse(0, 1, 1, Int8Array.of(up ? 1 : -1), null, c2c, tally);
    xs.push(d.normalized(0));
  }
  return xs;
}

function firstIndex(xs: number[], ok: (x: number) => boolean): number {
  return xs.findIndex(ok);
}

test('cbram-ecm reproduces cbram-subquantum within the stated tolerances', () => {
  const e = PRESETS['cbram-ecm'];
  const s = PRESETS['cbram-subquantum'];
  // Conductance range: equal to 1e-9 relative.
  assert.ok(Math.abs(e.gMin - s.gMin) <= 1e-9 * s.gMin);
  assert.ok(Math.abs(e.gMax - s.gMax) <= 1e-9 * s.gMax);
  const es = kernelTrain(e, 200, true);
  const ss = kernelTrain(s, 200, true);
  const er = kernelTrain(e, 200, false);
  const sr = kernelTrain(s, 200, false);
  // Pulses to 90 % of the range (SET) and to 10 % (RESET): within ±10 %.
  const n90e = firstIndex(es, (x) => x >= 0.9);
  const n90s = firstIndex(ss, (x) => x >= 0.9);
  assert.ok(Math.abs(n90e - n90s) <= 0.1 * n90s, `SET to 90 %: ${n90e} vs ${n90s}`);
  const n10e = firstIndex(er, (x) => x <= 0.1);
  const n10s = firstIndex(sr, (x) => x <= 0.1);
  assert.ok(Math.abs(n10e - n10s) <= 0.1 * n10s, `RESET to 10 %: ${n10e} vs ${n10s}`);
  // Shape of the nonlinearity: the normalised trains differ by at most 0.05 of the range.
  for (let k = 0; k <= 200; k++) {
    assert.ok(Math.abs(es[k]! - ss[k]!) <= 0.05, `SET pulse ${k}: ${es[k]} vs ${ss[k]}`);
    assert.ok(Math.abs(er[k]! - sr[k]!) <= 0.05, `RESET pulse ${k}: ${er[k]} vs ${sr[k]}`);
  }
  // Energy per pulse: at mid-range within ±25 %, over a 64-pulse train within ±15 %.
  const c = compiledEcm(e)!;
  const mid = pulseEnergy(s, 'set', s.gMin + 0.5 * (s.gMax - s.gMin));
  assert.ok(Math.abs(c.setEnergy[512]! / mid - 1) <= 0.25, `SET mid ${c.setEnergy[512]}`);
  assert.ok(Math.abs(c.resetEnergy[512]! / mid - 1) <= 0.25, `RESET mid ${c.resetEnergy[512]}`);
  for (const [xsE, xsS, table, kind] of [
    [es, ss, c.setEnergy, 'set'],
    [er, sr, c.resetEnergy, 'reset'],
  ] as const) {
    let a = 0;
    let b = 0;
    for (let k = 0; k < 64; k++) {
      a += table[Math.round(xsE[k]! * 1024)]!;
      b += pulseEnergy(s, kind, s.gMin + xsS[k]! * (s.gMax - s.gMin));
    }
    assert.ok(Math.abs(a / b - 1) <= 0.15, `${kind} train energy ratio ${a / b}`);
  }
  // Cycle-to-cycle noise and spreads as in cbram-subquantum.
  assert.ok(Math.abs(e.c2cStd / s.c2cStd - 1) <= 0.1, `c2c ${e.c2cStd}`);
  assert.equal(e.stepDtod, s.stepDtod);
  assert.equal(e.readNoiseStd, s.readNoiseStd);
  assert.ok(Math.abs(e.gMinDtod - s.gMinDtod) < 1e-3);
});

test('a larger SET amplitude or a longer width never gives a smaller mean step (property)', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 2, noNaN: true }),
      fc.double({ min: 0, max: 2, noNaN: true }),
      fc.double({ min: 1e-10, max: 1e-7, noNaN: true }),
      (x, a1, a2, w) => {
        const [lo, hi] = a1 <= a2 ? [a1, a2] : [a2, a1];
        assert.ok(dG(x, hi, w) >= dG(x, lo, w) - 1e-15);
        // RESET: a larger amplitude never gives a smaller fall.
        assert.ok(-dG(x, -hi, w) >= -dG(x, -lo, w) - 1e-15);
      },
    ),
    FC,
  );
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0.3, max: 2, noNaN: true }),
      fc.double({ min: 1e-10, max: 1e-7, noNaN: true }),
      fc.double({ min: 1e-10, max: 1e-7, noNaN: true }),
      (x, a, w1, w2) => {
        const [lo, hi] = w1 <= w2 ? [w1, w2] : [w2, w1];
        assert.ok(dG(x, a, hi) >= dG(x, a, lo) - 1e-15);
      },
    ),
    FC,
  );
  // The mean over cycle-to-cycle noise follows: seeded averages at two amplitudes.
  const s = gapAt(0.3);
  const mean = (a: number) => {
    const c2c = createRng(5).stream('c2c');
    const half = checkSchemeHalf('test', 'set', { amplitude: a, width: 10e-9 }, P);
    let sum = 0;
    for (let i = 0; i < 400; i++)
      sum += conductanceOf(P, applyUpdate(P, s, true, half, 0, T0, READ, { c2c }).gap);
    return sum / 400;
  };
  assert.ok(mean(1.1) > mean(1.0));
});

test('zero amplitude or zero width changes nothing and costs nothing', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (x) => {
      const s = gapAt(x);
      const a = integratePulse(P, s, 0, 10e-9, T0);
      assert.equal(a.gap, s);
      assert.equal(a.energy, 0);
      const b = integratePulse(P, s, 1.5, 0, T0);
      assert.equal(b.gap, s);
      assert.equal(b.energy, 0);
    }),
    FC,
  );
});

test('a read pulse at the read voltage moves G by less than 1e-9 of the range', () => {
  for (let i = 0; i <= 1024; i += 4) {
    const x = i / 1024;
    for (const v of [READ.amplitude, -READ.amplitude]) {
      const d = Math.abs(dG(x, v, READ.width));
      assert.ok(d < 1e-9 * SPAN, `read at x=${x}, ${v} V moved G by ${d} S`);
    }
  }
  // The disturb is real, just small: at 0.4 V a RESET-polarity read moves G measurably.
  assert.ok(Math.abs(dG(0.5, -0.4, READ.width)) > 1e-9 * SPAN);
});

test('energy per pulse is positive and grows with amplitude and width (property)', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0.01, max: 2, noNaN: true }),
      fc.double({ min: 0.01, max: 2, noNaN: true }),
      fc.double({ min: 1e-10, max: 1e-7, noNaN: true }),
      fc.double({ min: 1e-10, max: 1e-7, noNaN: true }),
      fc.boolean(),
      (x, a1, a2, w1, w2, set) => {
        const s = gapAt(x);
        const sign = set ? 1 : -1;
        const E = (a: number, w: number) => integratePulse(P, s, sign * a, w, T0).energy;
        const [alo, ahi] = a1 <= a2 ? [a1, a2] : [a2, a1];
        const [wlo, whi] = w1 <= w2 ? [w1, w2] : [w2, w1];
        assert.ok(E(alo, wlo) > 0);
        assert.ok(E(ahi, wlo) >= E(alo, wlo) * (1 - 1e-9));
        assert.ok(E(alo, whi) >= E(alo, wlo) * (1 - 1e-9));
      },
    ),
    FC,
  );
});

test('G stays within its bounds under noise, abrupt SETs and any scheme (seeded)', () => {
  const noisy: EcmDevice = {
    ...DEV,
    params: { ...P, c2cStd: 0.8, abruptSet: 0.1, gapDtod: 0 } as EcmParams,
  };
  const config = compileEcm(noisy);
  for (const scheme of [
    { set: { amplitude: 2, width: 1e-7 }, reset: { amplitude: 2, width: 1e-7 } },
    { set: { kind: 'ispp' as const, amplitude: 0.8, width: 10e-9, step: 0.1 } },
    { set: { kind: 'verify' as const, amplitude: 1, width: 5e-9, target: 0.05 } },
  ]) {
    const r = pulseResponse(config, { scheme, devices: 3, cycles: 2, seed: 4 });
    for (const g of r.conductance) {
      assert.ok(g >= G_MIN * (1 - 1e-12) && g <= G_MAX * (1 + 1e-12), `G = ${g}`);
    }
  }
});

test('sub-step refinement converges: halving the sub-step changes G by < 1e-6 relative', () => {
  for (const x of [0, 0.25, 0.5, 0.9]) {
    for (const [va, w] of [
      [1, 10e-9],
      [-1, 10e-9],
      [1.6, 50e-9],
    ] as const) {
      const s = gapAt(x);
      const g = (n: number) =>
        conductanceOf(P, integratePulse(P, s, va, w, T0, { substeps: n }).gap);
      let prev = Math.abs(g(8) - g(16));
      for (const n of [16, 32, 64]) {
        const d = Math.abs(g(n) - g(2 * n));
        assert.ok(d <= prev + 1e-18, `not converging at n=${n}`);
        prev = d;
      }
      // The adaptive default meets the stated accuracy against a fine reference.
      const fine = g(4096);
      const auto = conductanceOf(P, integratePulse(P, s, va, w, T0).gap);
      assert.ok(Math.abs(auto - fine) <= 1e-6 * fine, `x=${x} va=${va}: ${auto} vs ${fine}`);
    }
  }
});

test('higher temperature speeds retention loss; bake mutates a crossbar in place', () => {
  const make = () =>
    createCrossbar({ rows: 8, cols: 8, device: PRESETS['cbram-ecm'], seed: createRng(3) });
  const a = make();
  const b = make();
  a.program(Array.from({ length: 64 }, (_, i) => (i % 8) / 7));
  b.program(Array.from({ length: 64 }, (_, i) => (i % 8) / 7));
  const before = Float64Array.from(a.devices.g);
  const year = 365.25 * 86400;
  const ra = bake(a, { temperature: 300, time: 10 * year });
  const rb = bake(b, { temperature: 358.15, time: 10 * year });
  assert.ok(rb.gapDrift > ra.gapDrift && rb.factor < ra.factor);
  // Calibration: one λ of gap (G / e) in 10 years at 85 °C.
  assert.ok(Math.abs(rb.factor - Math.exp(-1)) < 1e-3, `factor ${rb.factor}`);
  let lossA = 0;
  let lossB = 0;
  for (let i = 0; i < 64; i++) {
    assert.ok(b.devices.g[i]! >= b.devices.lo[i]! - 1e-12);
    lossA += before[i]! - a.devices.g[i]!;
    lossB += before[i]! - b.devices.g[i]!;
  }
  assert.ok(lossB > lossA && lossA >= 0);
  // A trainer is baked through its crossbar (the shape of Trainer.synapses.crossbar).
  const c = make();
  c.program(new Array(64).fill(1));
  const g0 = c.devices.g[0]!;
  bake({ synapses: { crossbar: c } }, { temperature: 358.15, time: 10 * year });
  assert.ok(Math.abs(c.devices.g[0]! / g0 - rb.factor) < 1e-6);
  fc.assert(
    fc.property(
      fc.double({ min: 250, max: 500, noNaN: true }),
      fc.double({ min: 250, max: 500, noNaN: true }),
      (t1, t2) => {
        const c = make();
        const f1 = bake(c, { temperature: Math.min(t1, t2), time: year }).factor;
        const f2 = bake(c, { temperature: Math.max(t1, t2), time: year }).factor;
        assert.ok(f2 <= f1);
      },
    ),
    { seed: 13, numRuns: 20 },
  );
});

test('the compiled tables equal direct integration (seeded grid points and kernel pulses)', () => {
  const config = PRESETS['cbram-ecm'];
  assert.equal(config, PRESETS['cbram-ecm'], 'compiled once and cached');
  const c = compiledEcm(config)!;
  const rng = createRng(21);
  const quiet = { ...config, c2cStd: 0, gMinDtod: 0, gMaxDtod: 0, stepDtod: 0 };
  const dev = createDeviceArray(quiet, 1, createRng(1).stream('d2d'));
  for (let t = 0; t < 40; t++) {
    const i = Math.floor(rng.float() * 1025);
    const x = i / 1024;
    const s = gapAt(x);
    const x0 = stateOf(P, s);
    const up = applyUpdate(P, s, true, DEV.scheme.set, 0, T0, READ);
    const down = applyUpdate(P, s, false, DEV.scheme.reset, 0, T0, READ);
    assert.equal(c.set[i], Math.max(0, stateOf(P, up.gap) - x0));
    assert.equal(c.reset[i], Math.max(0, x0 - stateOf(P, down.gap)));
    assert.equal(config.model.kind === 'steps' && config.model.set[i], c.set[i]);
    // The kernel, from the same state, lands where the direct integration does (float32 G).
    dev.setNormalized(0, x);
    dev.pulse(0, 1, 1, Int8Array.of(1), null, createRng(0), createTally());
    const gDirect = conductanceOf(P, up.gap);
    assert.ok(Math.abs(dev.g[0]! - gDirect) <= 1e-6 * SPAN, `x=${x}: ${dev.g[0]} vs ${gDirect}`);
  }
  // Between grid points the kernel interpolates: within 1e-4 of the range of the physics.
  for (let t = 0; t < 40; t++) {
    const x = rng.float();
    const s = gapAt(x);
    dev.g[0] = conductanceOf(P, s);
    dev.pulse(0, 1, 1, Int8Array.of(-1), null, createRng(0), createTally());
    const g = conductanceOf(P, applyUpdate(P, s, false, DEV.scheme.reset, 0, T0, READ).gap);
    assert.ok(Math.abs(dev.g[0]! - g) <= 1e-4 * SPAN, `x=${x}`);
  }
});

test('schemes: ISPP grows the step, width modulation too, verify counts reads and hits its target', () => {
  const base = compiledEcm(PRESETS['cbram-ecm'])!;
  const ispp = compiledEcm(
    compileEcm(DEV, { scheme: { set: { kind: 'ispp', amplitude: 1, width: 10e-9, step: 0.02 } } }),
  )!;
  const width = compiledEcm(
    compileEcm(DEV, {
      scheme: { set: { kind: 'width', amplitude: 1, width: 10e-9, growth: 1.1 } },
    }),
  )!;
  for (let i = 0; i < 1024; i += 8) {
    assert.ok(ispp.set[i]! >= base.set[i]! - 1e-15, `ISPP at ${i}`);
    assert.ok(width.set[i]! >= base.set[i]! - 1e-15, `width at ${i}`);
  }
  assert.ok(ispp.set[900]! > base.set[900]!, 'ISPP raises late steps');
  // The reset half, omitted, keeps the default.
  assert.deepEqual(Array.from(ispp.reset), Array.from(base.reset));
  const verify = compiledEcm(
    compileEcm(DEV, {
      scheme: { set: { kind: 'verify', amplitude: 1, width: 2e-9, target: 0.02, maxPulses: 20 } },
    }),
  )!;
  let multi = 0;
  for (let i = 0; i < 900; i += 8) {
    assert.ok(verify.set[i]! >= 0.02 || verify.setPulses[i] === 20, `verify at ${i}`);
    if (verify.setPulses[i]! > 1) multi++;
  }
  assert.ok(multi > 0, 'some updates need several pulses');
  // Reads are counted in the energy: a verify update costs more than its pulses alone.
  const s = gapAt(0.5);
  const half = checkSchemeHalf('t', 'set', { kind: 'verify', amplitude: 1, width: 2e-9 }, P);
  const u = applyUpdate(P, s, true, half, 0, T0, READ);
  assert.equal(u.reads, u.pulses);
  assert.ok(u.readEnergy > 0 && u.energy > 0);
});

test('temperature speeds programming (Arrhenius), and the compiled config records it', () => {
  assert.ok(dG(0.3, 1, 10e-9, 358) > dG(0.3, 1, 10e-9, 300));
  const hot = compileEcm(DEV, { temperature: 358 });
  assert.equal(compiledEcm(hot)!.temperature, 358);
  assert.ok(compiledEcm(hot)!.set[300]! > compiledEcm(PRESETS['cbram-ecm'])!.set[300]!);
});

test('pulseResponse: energy per row, physical trains, defaults and copies of the preset', () => {
  const r = pulseResponse(PRESETS['cbram-ecm'], {
    scheme: { set: { amplitude: 1.2, width: 5e-9 } },
    temperature: 330,
    cycles: 1,
    devices: 2,
    setPulses: 20,
    resetPulses: 20,
    seed: 7,
  });
  assert.equal(r.energy.length, r.conductance.length);
  for (let i = 0; i < r.pulse.length; i++) {
    if (r.pulse[i] === 0) assert.equal(r.energy[i], 0);
    else assert.ok(r.energy[i]! > 0);
  }
  const again = pulseResponse(PRESETS['cbram-ecm'], { seed: 7, setPulses: 10, resetPulses: 10 });
  const same = pulseResponse(devicePreset('cbram-ecm'), {
    seed: 7,
    setPulses: 10,
    resetPulses: 10,
  });
  assert.deepEqual(Array.from(again.conductance), Array.from(same.conductance));
  assert.ok(physicalDevice(devicePreset('cbram-ecm')));
  assert.equal(physicalDevice(PRESETS['cbram-subquantum']), null);
  // Non-physical devices: V²·G·t with G at the pulse's start.
  const s = pulseResponse(PRESETS['cbram-subquantum'], { setPulses: 5, resetPulses: 5, cycles: 1 });
  assert.ok(Math.abs(s.energy[1]! - 1 * 1 * 10e-9 * s.conductance[0]!) < 1e-25);
});

test('bad input gets a clear CbramError', () => {
  const e = PRESETS['cbram-ecm'];
  assertCbramError(
    () => pulseResponse(e, { scheme: { set: { amplitude: 1, width: -1e-9 } } }),
    'E_ARG',
    /pulseResponse: options\.scheme\.set\.width must be a finite number >= 0/,
  );
  assertCbramError(
    () => compileEcm(DEV, { scheme: { reset: { amplitude: 1, width: 0 } } }),
    'E_ARG',
    /compileEcm: options\.scheme\.reset\.width must be a pulse width > 0 and <= 1 s, got 0/,
  );
  assertCbramError(
    () => pulseResponse(e, { scheme: { set: { amplitude: NaN, width: 1e-9 } } }),
    'E_ARG',
    /options\.scheme\.set\.amplitude must be a finite number of volts, got NaN/,
  );
  assertCbramError(
    () => pulseResponse(e, { scheme: { reset: { amplitude: 2.5, width: 1e-9 } } }),
    'E_ARG',
    /amplitude must be within ±2 V \(the breakdown bound/,
  );
  assertCbramError(
    () => compileEcm(DEV, { scheme: { set: { amplitude: -1, width: 1e-9 } } }),
    'E_ARG',
    /a magnitude >= 0/,
  );
  assertCbramError(
    () => compileEcm(DEV, { temperature: -5 }),
    'E_ARG',
    /compileEcm: options\.temperature must be/,
  );
  assertCbramError(
    () => compileEcm(DEV, { scheme: { set: { amplitude: 1, width: 1e-9, widht: 2 } as never } }),
    'E_OPTION',
    /did you mean "width"/,
  );
  assertCbramError(
    () => pulseResponse(PRESETS['cbram-subquantum'], { temperature: 300 }),
    'E_ARG',
    /only physical devices/,
  );
  assertCbramError(
    () => integratePulse(P, gapAt(0.5), 1, -1e-9, T0),
    'E_ARG',
    /integratePulse: pulse\.width must be a finite number >= 0/,
  );
  assertCbramError(
    () => integratePulse(P, gapAt(0.5), NaN, 1e-9, T0),
    'E_ARG',
    /integratePulse: pulse\.amplitude must be a finite number of volts, got NaN/,
  );
  assertCbramError(() => integratePulse(P, gapAt(0.5), -3, 1e-9, T0), 'E_ARG', /within ±2 V/);
  assertCbramError(
    () => compileEcm({ ...DEV, params: { ...P, lambda: -1 } }),
    'E_ARG',
    /compileEcm \(device\): params\.lambda must be a finite number > 0/,
  );
  const xbar = createCrossbar({ rows: 2, cols: 2, device: 'cbram-subquantum', seed: 1 });
  assertCbramError(() => bake(xbar, { temperature: 358, time: 1 }), 'E_ARG', /physical retention/);
  const ecm = createCrossbar({ rows: 2, cols: 2, device: e, seed: 1 });
  assertCbramError(() => bake(ecm, { temperature: 358, time: -1 }), 'E_ARG', /options\.time/);
  assertCbramError(() => bake({} as never, { temperature: 358, time: 1 }), 'E_ARG', /crossbar/);
});

test('fitEcm recovers the lumped parameters from trains at two amplitudes (seeded)', () => {
  const mult = { setVelocity: 2, resetVelocity: 0.6, setGamma: 1.1, resetGamma: 0.9 } as const;
  const at = (a: number) => ({
    set: { amplitude: a, width: 10e-9 },
    reset: { amplitude: a, width: 10e-9 },
  });
  for (const noisy of [false, true]) {
    const p: Record<string, number> = { ...P, gapDtod: 0 };
    for (const [k, m] of Object.entries(mult)) p[k] = p[k]! * m;
    if (!noisy) Object.assign(p, { c2cStd: 0, velocityDtod: 0 });
    const truth: EcmDevice = { ...DEV, params: p as unknown as EcmParams };
    const config = compileEcm(truth);
    const data = [0.9, 1.1].map((a) => ({
      scheme: at(a),
      data: pulseResponse(config, {
        scheme: at(a),
        devices: noisy ? 3 : 1,
        cycles: 1,
        setPulses: 40,
        resetPulses: 40,
        seed: 3,
      }),
    }));
    const fit = fitEcm(data, { iterations: 160, maxSteps: noisy ? 240 : 80 });
    for (const [k, m] of Object.entries(mult)) {
      const got = fit.params[k as keyof typeof mult]! / p[k]!;
      // Clean data: within 1 %. With c2c noise (σ = 0.147 of each step) and a 10 % spread of the
      // velocity over 3 devices: velocities within 35 %, field factors within 25 %.
      const tol = !noisy ? 0.01 : k.endsWith('Velocity') ? 0.35 : 0.25;
      assert.ok(Math.abs(got - 1) <= tol, `${noisy ? 'noisy' : 'clean'} ${k}: ${got} (×${m})`);
    }
    if (!noisy) assert.ok(fit.rmse < 1e-4, `clean rmse ${fit.rmse}`);
    // The fit explains the data at least as well as the true parameters do.
    const atTruth = fitEcm(data, { base: truth, iterations: 1, maxSteps: noisy ? 240 : 80 });
    assert.ok(fit.rmse <= atTruth.rmse * 1.01 + 1e-5, `${fit.rmse} vs ${atTruth.rmse}`);
    assert.equal(fit.config.model.kind, 'steps');
  }
  assertCbramError(
    () => fitEcm({ direction: ['set'], pulse: [0], conductance: [1e-6] }),
    'E_ARG',
    /fitEcm: data\.conductance must be an array of at least 2/,
  );
  assertCbramError(
    () =>
      fitEcm(
        { direction: ['set', 'set'], pulse: [0, 1], conductance: [1e-6, 2e-6] },
        {
          fit: ['velocity' as never],
        },
      ),
    'E_ARG',
    /did you mean "setVelocity"/,
  );
});

test("fitDevice(data, { model: 'ecm' }) fits the physical model from CSV text, columns or measurements, as fitEcm does", () => {
  const at = (a: number) => ({
    set: { amplitude: a, width: 10e-9 },
    reset: { amplitude: a, width: 10e-9 },
  });
  const p = { ...P, setVelocity: P.setVelocity * 1.5, gapDtod: 0, c2cStd: 0, velocityDtod: 0 };
  const config = compileEcm({ ...DEV, params: p });
  const measured = pulseResponse(config, {
    scheme: at(1),
    cycles: 2,
    setPulses: 30,
    resetPulses: 30,
    seed: 2,
  });
  const opts = { scheme: at(1), fit: ['setVelocity', 'resetVelocity'] as const, iterations: 80 };
  const direct = fitEcm(measured, { ...opts, fit: [...opts.fit] });
  const viaColumns = fitDevice(measured, { model: 'ecm', ...opts, fit: [...opts.fit] });
  assert.deepEqual(viaColumns.params, direct.params);
  assert.ok(
    Math.abs(direct.params.setVelocity! / p.setVelocity - 1) < 0.02,
    `${direct.params.setVelocity}`,
  );
  // The same trains as CSV text, as a user's measurement file would hold them.
  const csv = ['pulse,conductance,direction,cycle,device'];
  for (let i = 0; i < measured.conductance.length; i++)
    csv.push(
      `${measured.pulse[i]},${measured.conductance[i]},${measured.direction[i]},${measured.cycle[i]},${measured.device[i]}`,
    );
  const viaCsv = fitDevice(csv.join('\n'), { model: 'ecm', ...opts, fit: [...opts.fit] });
  assert.ok(Math.abs(viaCsv.params.setVelocity! / direct.params.setVelocity! - 1) < 1e-6);
  assert.equal(viaCsv.config.model.kind, 'steps');
  // Several measurements, each with its scheme.
  const list = [{ scheme: at(1), data: measured }];
  assert.deepEqual(
    fitDevice(list, { model: 'ecm', fit: [...opts.fit], iterations: opts.iterations }).params,
    direct.params,
  );
  assertCbramError(
    () => fitDevice(measured, { model: 'ecn' as never }),
    'E_ARG',
    /fitDevice: options\.model must be one of .*"ecm" \(did you mean "ecm"\?\)/,
  );
  assertCbramError(
    () => fitDevice(list as never),
    'E_ARG',
    /fitDevice: data must be one pulse-response data set \(a list of \{ scheme, data \} measurements needs model: 'ecm'\)/,
  );
  // The physical fit's own checks name the function the user called.
  assertCbramError(
    () => fitDevice(measured, { model: 'ecm', fit: ['setSpeed' as never] }),
    'E_ARG',
    /^fitDevice: options\.fit/,
  );
  assertCbramError(() => fitDevice([], { model: 'ecm' }), 'E_DATA', /^fitDevice: data /);
});
