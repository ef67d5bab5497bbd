import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fromCSV } from 'arquero';
import { createRng } from '../../src/core/rng';
import {
  createDeviceArray,
  defineDevice,
  fitDevice,
  pulseResponse,
  toCSV,
  type DeviceConfig,
  type DeviceModel,
  type PulseResponseOptions,
} from '../../src/device';
import {
  SAMPLE_DEVICE,
  SAMPLE_OPTIONS,
  SAMPLE_PATH,
  sampleCSV,
} from '../../scripts/make-sample-pulse-data';
import { assertCbramError } from '../helpers';

/*
 * Tolerances, for one device measured over 5 cycles of 120 SET + 120 RESET pulses (a few hundred
 * usable steps per direction). In brackets: the worst error over seeds 1-20 for the four
 * recovery tests below (these tests use seed 1).
 * - step scale (1/P for linear) within 5 % [4.3 %]: its standard error is σ/√(Σf²) ≈ 1-2 %; the
 *   rest covers the bias from dropping steps at the bounds.
 * - curvature γ, ν within 0.3 [0.26]: where the step vanishes at a bound, the bound and the
 *   curvature trade off, and the refined bound carries its own noise.
 * - c2cStd within 20 % [8.5 %]: the RMS of N residuals has a relative error of 1/√(2N) ≈ 3 %; the
 *   rest covers the noise lost where steps are clipped at a bound.
 * - gMin and gMax within 3 % of the range [2.2 %]: exact where the device clips at its bound; the
 *   refinement leaves about 1-2 % where it only approaches it.
 */
const G_MIN = 2e-6;
const G_MAX = 40e-6;
const RANGE = G_MAX - G_MIN;

function measure(
  model: DeviceModel,
  extra: Partial<DeviceConfig> = {},
  options: PulseResponseOptions = {},
) {
  const truth = defineDevice({ model, gMin: G_MIN, gMax: G_MAX, c2cStd: 0.004, ...extra });
  const data = pulseResponse(truth, {
    cycles: 5,
    setPulses: 120,
    resetPulses: 120,
    seed: 1,
    ...options,
  });
  return { truth, data };
}

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: got ${actual}, expected ${expected} ± ${tol}`,
  );
}

const rel = (actual: number, expected: number, tol: number, what: string) =>
  near(actual, expected, tol * Math.abs(expected), what);

function checkBoundsAndNoise(config: DeviceConfig, truth: DeviceConfig): void {
  near(config.gMin, truth.gMin, 0.03 * RANGE, 'gMin');
  near(config.gMax, truth.gMax, 0.03 * RANGE, 'gMax');
  rel(config.c2cStd, truth.c2cStd, 0.2, 'c2cStd');
}

/** Relative sample standard deviation. */
function relStd(a: ArrayLike<number>): number {
  const v = Array.from(a);
  const m = v.reduce((t, x) => t + x, 0) / v.length;
  return Math.sqrt(v.reduce((t, x) => t + (x - m) ** 2, 0) / (v.length - 1)) / m;
}

test('fitDevice: recovers a linear device', () => {
  const { truth, data } = measure({ kind: 'linear', setPulses: 50, resetPulses: 40 });
  const fit = fitDevice(data);
  assert.equal(fit.kind, 'linear');
  const m = fit.config.model as Extract<DeviceModel, { kind: 'linear' }>;
  rel(m.setPulses, 50, 0.05, 'setPulses');
  rel(m.resetPulses, 40, 0.05, 'resetPulses');
  checkBoundsAndNoise(fit.config, truth);
  assert.deepEqual(
    fit.candidates.map((c) => c.kind),
    ['linear', 'softBounds', 'nonlinear', 'exponential'],
  );
});

test('fitDevice: recovers a soft-bounds device', () => {
  const { truth, data } = measure({ kind: 'softBounds', setStep: 0.05, resetStep: 0.04 });
  const fit = fitDevice(data);
  assert.equal(fit.kind, 'softBounds');
  const m = fit.config.model as Extract<DeviceModel, { kind: 'softBounds' }>;
  rel(m.setStep, 0.05, 0.05, 'setStep');
  rel(m.resetStep, 0.04, 0.05, 'resetStep');
  checkBoundsAndNoise(fit.config, truth);
});

test('fitDevice: recovers a nonlinear (NeuroSim) device', () => {
  const model: DeviceModel = {
    kind: 'nonlinear',
    setPulses: 50,
    resetPulses: 40,
    setNonlinearity: 1.5,
    resetNonlinearity: 2,
  };
  const { truth, data } = measure(model, { c2cStd: 0.003 });
  const fit = fitDevice(data);
  assert.equal(fit.kind, 'nonlinear');
  const m = fit.config.model as Extract<DeviceModel, { kind: 'nonlinear' }>;
  rel(m.setPulses, 50, 0.05, 'setPulses');
  rel(m.resetPulses, 40, 0.05, 'resetPulses');
  near(m.setNonlinearity, 1.5, 0.3, 'setNonlinearity');
  near(m.resetNonlinearity, 2, 0.3, 'resetNonlinearity');
  checkBoundsAndNoise(fit.config, truth);
});

test('fitDevice: recovers an exponential (CBRAM-like) device', () => {
  const model: DeviceModel = {
    kind: 'exponential',
    setStep: 0.09,
    setGamma: 2.2,
    resetStep: 0.02,
    resetGamma: 0,
  };
  const { truth, data } = measure(model, { c2cStd: 0.006 });
  const fit = fitDevice(data);
  assert.equal(fit.kind, 'exponential');
  const m = fit.config.model as Extract<DeviceModel, { kind: 'exponential' }>;
  rel(m.setStep, 0.09, 0.05, 'setStep');
  near(m.setGamma, 2.2, 0.3, 'setGamma');
  rel(m.resetStep, 0.02, 0.05, 'resetStep');
  assert.equal(m.resetGamma, 0);
  checkBoundsAndNoise(fit.config, truth);
  // One device: no device-to-device spread can be estimated.
  assert.equal(fit.stats.gMinDtod, 0);
  assert.equal(fit.stats.stepDtod, 0);
  assert.equal(fit.residuals.set.length, fit.stats.used.set);
  near(fit.rmse.set, truth.c2cStd, 0.2 * truth.c2cStd, 'rmse.set');
});

test('fitDevice: noise-free data fit exactly', () => {
  const { data } = measure({ kind: 'softBounds', setStep: 0.05, resetStep: 0.04 }, { c2cStd: 0 });
  const fit = fitDevice(data);
  assert.equal(fit.kind, 'softBounds');
  assert.ok(fit.stats.c2cStd < 1e-4, `c2cStd ${fit.stats.c2cStd}`);
});

test('fitDevice: device-to-device spreads from 20 devices', () => {
  const truth = defineDevice({
    model: { kind: 'exponential', setStep: 0.09, setGamma: 2.2, resetStep: 0.02, resetGamma: 0 },
    gMin: G_MIN,
    gMax: G_MAX,
    c2cStd: 0.006,
    gMinDtod: 0.08,
    gMaxDtod: 0.08,
    stepDtod: 0.1,
  });
  const seed = 4;
  const fit = fitDevice(
    pulseResponse(truth, { devices: 20, cycles: 5, setPulses: 100, resetPulses: 100, seed }),
  );
  assert.equal(fit.kind, 'exponential');
  assert.equal(fit.stats.devices, 20);
  assert.equal(fit.stats.cycles, 5);
  // Per device, against the draws the simulator made (same seed, same 'd2d' stream).
  const drawn = createDeviceArray(truth, 20, createRng(seed).stream('d2d'));
  for (let d = 0; d < 20; d++) {
    near(fit.stats.gMinByDevice[d]!, drawn.lo[d]!, 0.03 * RANGE, `gMin of device ${d}`);
    near(
      fit.stats.gMaxByDevice[d]!,
      drawn.lo[d]! + drawn.span[d]!,
      0.03 * RANGE,
      `gMax of device ${d}`,
    );
  }
  // Against the nominal spreads: the relative std of 20 draws itself has a sampling error of
  // about 1/√38 ≈ 16 %, so 30 % is about two standard errors.
  rel(fit.stats.gMinDtod, 0.08, 0.3, 'gMinDtod');
  rel(fit.stats.gMaxDtod, 0.08, 0.3, 'gMaxDtod');
  rel(fit.stats.stepDtod, 0.1, 0.3, 'stepDtod');
  // And against the spread actually drawn, which the estimator should match more closely.
  rel(fit.stats.gMinDtod, relStd(drawn.lo), 0.1, 'gMinDtod vs drawn');
  rel(fit.stats.stepDtod, relStd(drawn.scale), 0.2, 'stepDtod vs drawn');
  near(fit.config.gMin, G_MIN, 0.03 * G_MIN + 0.01 * RANGE, 'gMin');
  rel(fit.config.gMax, G_MAX, 0.03, 'gMax');
  const m = fit.config.model as Extract<DeviceModel, { kind: 'exponential' }>;
  near(m.setGamma, 2.2, 0.3, 'setGamma');
  rel(fit.config.c2cStd, 0.006, 0.2, 'c2cStd');
});

test('fitDevice: CSV text, an arquero table and the arrays give the same fit', () => {
  const { data } = measure(
    { kind: 'softBounds', setStep: 0.05, resetStep: 0.04 },
    {},
    {
      devices: 2,
      cycles: 2,
      setPulses: 60,
      resetPulses: 60,
    },
  );
  const csv = toCSV(data);
  assert.match(csv, /^device,cycle,direction,pulse,conductance\n0,0,set,0,/);
  assert.equal(csv.split('\n').length, data.pulse.length + 2);
  const fromArrays = fitDevice(data);
  assert.deepEqual(fitDevice(csv), fromArrays);
  assert.deepEqual(fitDevice(fromCSV(csv)), fromArrays);
});

test('fitDevice: the shipped sample CSV is current and fits back to its parameters', () => {
  const text = readFileSync(resolve(__dirname, '../../..', SAMPLE_PATH), 'utf8');
  assert.equal(text, sampleCSV(), 'regenerate with node dist/scripts/make-sample-pulse-data.js');
  const fit = fitDevice(text, { name: 'sample-fit' });
  assert.equal(fit.kind, 'exponential');
  assert.equal(fit.config.name, 'sample-fit');
  assert.deepEqual([fit.stats.devices, fit.stats.cycles, fit.stats.pulses], [4, 5, 4 * 5 * 160]);
  const m = fit.config.model as Extract<DeviceModel, { kind: 'exponential' }>;
  rel(m.setStep, 0.09, 0.05, 'setStep');
  near(m.setGamma, 2.2, 0.3, 'setGamma');
  rel(m.resetStep, 0.02, 0.05, 'resetStep');
  assert.equal(m.resetGamma, 0);
  checkBoundsAndNoise(fit.config, SAMPLE_DEVICE);
  // Four devices: compare the spreads with the draws the simulator made (the nominal 5 % is
  // only known to about ±40 % from four draws).
  const drawn = createDeviceArray(
    SAMPLE_DEVICE,
    4,
    createRng(SAMPLE_OPTIONS.seed as number).stream('d2d'),
  );
  const hi = drawn.lo.map((lo, d) => lo + drawn.span[d]!);
  rel(fit.stats.gMinDtod, relStd(drawn.lo), 0.1, 'gMinDtod vs drawn');
  rel(fit.stats.gMaxDtod, relStd(hi), 0.2, 'gMaxDtod vs drawn');
  assert.ok(fit.stats.stepDtod < 0.05, `stepDtod ${fit.stats.stepDtod} (truth 0)`);
  assert.match(fit.config.source, /fitDevice: exponential model/);
  assert.ok(fit.config.assumed.includes('set') && fit.config.assumed.includes('read'));
});

test('fitDevice: options.model forces a kind; options.base supplies what the fit cannot know', () => {
  const { data } = measure({
    kind: 'exponential',
    setStep: 0.09,
    setGamma: 2.2,
    resetStep: 0.02,
    resetGamma: 0,
  });
  const free = fitDevice(data);
  const forced = fitDevice(data, {
    model: 'linear',
    base: { set: { voltage: 1.2, width: 20e-9 }, levels: 64 },
  });
  assert.equal(forced.kind, 'linear');
  assert.equal(forced.config.model.kind, 'linear');
  assert.deepEqual(
    forced.candidates.map((c) => c.kind),
    ['linear'],
  );
  assert.ok(forced.rmse.set > free.rmse.set);
  assert.deepEqual(forced.config.set, { voltage: 1.2, width: 20e-9 });
  assert.equal(forced.config.levels, 64);
  assert.ok(!forced.config.assumed.includes('set') && forced.config.assumed.includes('reset'));
  assert.ok(!forced.config.assumed.includes('levels'));
});

test('fitDevice: bad input gets a clear error', () => {
  const good = 'pulse,conductance,direction\n0,1e-6,set\n1,2e-6,set\n0,2e-6,reset\n1,1e-6,reset\n';
  const rows = (body: string) => 'pulse,conductance,direction\n' + body;
  assertCbramError(() => fitDevice(''), 'E_DATA', /^fitDevice: data is empty/);
  assertCbramError(() => fitDevice(rows('')), 'E_DATA', /fitDevice: data has no rows/);
  assertCbramError(
    () => fitDevice({ pulse: [], conductance: [], direction: [] }),
    'E_DATA',
    /data has no rows/,
  );
  assertCbramError(
    () => fitDevice(rows('0,1e-6,set\n1,NaN,set\n')),
    'E_DATA',
    /fitDevice: conductance in row 1 must be a finite number of siemens, got "NaN"/,
  );
  assertCbramError(
    () => fitDevice({ pulse: [0, 1], conductance: [1e-6, NaN], direction: ['set', 'set'] }),
    'E_DATA',
    /conductance in row 1 must be a finite number of siemens, got NaN/,
  );
  assertCbramError(
    () => fitDevice(rows('0,1e-6,set\n1,-2e-6,set\n')),
    'E_DATA',
    /conductance in row 1 must be non-negative \(siemens\), got -0\.000002/,
  );
  assertCbramError(
    () => fitDevice(rows('0,1e-6,set\n2,2e-6,set\n2,3e-6,set\n')),
    'E_DATA',
    /pulse in row 2 must be greater than 2 \(row 1\): pulse numbers must increase within a train.*device 0, cycle 0, set/,
  );
  assertCbramError(
    () => fitDevice('pulse,conductance\n0,1e-6\n'),
    'E_DATA',
    /fitDevice: data has no "direction" column \(columns found: pulse, conductance\)/,
  );
  assertCbramError(
    () => fitDevice(good.replace('1,1e-6,reset', '1,1e-6,rest')),
    'E_DATA',
    /direction in row 3 must be "set" or "reset" \(did you mean "reset"\?\), got "rest"/,
  );
  assertCbramError(
    () => fitDevice({ pulse: [0, 1], conductance: [1e-6], direction: ['set', 'set'] }),
    'E_DATA',
    /column lengths differ: pulse has 2 rows, conductance has 1/,
  );
  assertCbramError(
    () => fitDevice(rows('0,1e-6,set\n0,2e-6,reset\n1,1e-6,reset\n')),
    'E_DATA',
    /the train starting at row 0 \(device 0, cycle 0, set\) has 1 row; a train needs at least 2/,
  );
  assertCbramError(
    () => fitDevice(good),
    'E_DATA',
    /only \d usable set steps .* at least 3 are needed/,
  );
  assertCbramError(
    () => fitDevice(rows('0,1e-6,set\n1.5,2e-6,set\n')),
    'E_DATA',
    /pulse in row 1 must be a non-negative integer, got "1.5"/,
  );
  assertCbramError(() => fitDevice(42 as never), 'E_ARG', /fitDevice: data must be CSV text/);
  const { data } = measure({ kind: 'linear', setPulses: 20, resetPulses: 20 }, {}, { cycles: 1 });
  assertCbramError(
    () => fitDevice(data, { modle: 'linear' } as never),
    'E_OPTION',
    /fitDevice: unknown option "modle" \(did you mean "model"\?\)/,
  );
  assertCbramError(
    () => fitDevice(data, { model: 'table' as never }),
    'E_ARG',
    /options\.model must be one of "linear", "softBounds", "nonlinear", "exponential"/,
  );
  assertCbramError(
    () => fitDevice(data, { base: { gmax: 1 } as never }),
    'E_OPTION',
    /unknown option "gmax" \(did you mean "gMax"\?\)/,
  );
  assertCbramError(() => toCSV({} as never), 'E_ARG', /toCSV: response\.pulse must be/);
});
