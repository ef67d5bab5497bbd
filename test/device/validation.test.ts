/** Device configs checked where they enter, and sizes refused before allocation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PRESETS,
  checkDeviceConfig,
  createDeviceArray,
  defineDevice,
  deviceDiff,
  fitDevice,
  pulseEnergy,
  pulseResponse,
  tallyEnergy,
  toCSV,
} from '../../src/device';
import { createRng } from '../../src/core/rng';
import { assertCbramError } from '../helpers';

const ideal = PRESETS.ideal;

test('a plain-object device config is checked with the defineDevice rules where it enters', () => {
  const swapped = { ...ideal, gMin: 50e-6, gMax: 1e-6 };
  assertCbramError(
    () => createDeviceArray(swapped, 4, createRng(1)),
    'E_ARG',
    /^createDeviceArray: config\.gMax must be a finite number > 0\.00005, got 0\.000001$/,
  );
  assertCbramError(
    () => pulseResponse({ ...ideal, gMax: NaN }),
    'E_ARG',
    /^pulseResponse: config\.gMax must be a finite number > 0\.000001, got NaN$/,
  );
  assertCbramError(
    () => pulseEnergy({ ...ideal, set: { voltage: 1, width: 0 } }, 'set', 1e-6),
    'E_ARG',
    /^pulseEnergy: config\.set\.width must be a finite number > 0, got 0$/,
  );
  assertCbramError(
    () => tallyEnergy({ ...ideal, c2cStd: -1 }, { set: 0, reset: 0, setG: 0, resetG: 0 }),
    'E_ARG',
    /^tallyEnergy: config\.c2cStd must be/,
  );
  assertCbramError(
    () => deviceDiff({ ...ideal, colour: 'red' } as never),
    'E_OPTION',
    /^deviceDiff \(config\): unknown option "colour"/,
  );
  const partial: Record<string, unknown> = { ...ideal };
  delete partial.levels;
  assertCbramError(
    () => createDeviceArray(partial as never, 4, createRng(1)),
    'E_ARG',
    /config\.levels must be present \(a DeviceConfig has every field; build one from a subset with defineDevice\(\)\)/,
  );
  assertCbramError(
    () =>
      createDeviceArray(
        { ...ideal, model: { kind: 'linear', setPulses: 0, resetPulses: 4 } },
        4,
        createRng(1),
      ),
    'E_ARG',
    /^createDeviceArray: config\.model\.setPulses must be a finite number >= 1, got 0$/,
  );
  // A valid plain object is accepted and gives the same devices as the preset itself.
  const a = createDeviceArray({ ...ideal }, 8, createRng(3));
  const b = createDeviceArray(ideal, 8, createRng(3));
  assert.deepEqual(a.g, b.g);
  // Presets and defineDevice results pass through unchanged.
  assert.equal(checkDeviceConfig('f', ideal), ideal);
});

test('conductances and pulses have physical ranges', () => {
  assertCbramError(
    () => defineDevice({ gMax: 5 }),
    'E_ARG',
    /^defineDevice: gMax must be at most 1 S/,
  );
  assertCbramError(
    () => defineDevice({ set: { voltage: 1e6, width: 1e-8 } }),
    'E_ARG',
    /^defineDevice: set\.voltage must be a finite number >= -1000 and <= 1000, got 1000000$/,
  );
  assertCbramError(
    () => defineDevice({ read: { voltage: 0.1, width: 10 } }),
    'E_ARG',
    /^defineDevice: read\.width must be at most 1 s/,
  );
});

test('createDeviceArray checks its generator and options, and its size against the budget', () => {
  assertCbramError(
    () => createDeviceArray(ideal, 4, 7 as never),
    'E_ARG',
    /^createDeviceArray: d2d must be an Rng/,
  );
  assertCbramError(
    () => createDeviceArray(ideal, 4, createRng(1), { intial: 0.5 } as never),
    'E_OPTION',
    /did you mean "initial"/,
  );
  assertCbramError(
    () => createDeviceArray(ideal, 2 ** 30, createRng(1)),
    'E_BUDGET',
    /^createDeviceArray: size = 1\.07e9 cells \(17 GiB\) exceeds the memory budget of 6\.32e7 cells \(1 GiB\); each new cell takes 17 bytes of state; lower size/,
  );
});

test('pulseResponse refuses a product of sizes past the budget before allocating', () => {
  const before = process.memoryUsage().arrayBuffers;
  assertCbramError(
    () => pulseResponse(ideal, { cycles: 10000, setPulses: 100000, resetPulses: 100000 }),
    'E_BUDGET',
    /^pulseResponse: devices × cycles × \(setPulses \+ resetPulses \+ 2\) = 2e9 rows \(52\.2 GiB\) exceeds the memory budget of 3\.83e7 rows \(1 GiB\); lower cycles, devices or the pulses per train/,
  );
  assert.ok(process.memoryUsage().arrayBuffers - before < 1e6, 'nothing was allocated');
});

test('DeviceArray.pulse checks its line, generator and tally at entry', () => {
  const dev = createDeviceArray(ideal, 4, createRng(1));
  const tally = { set: 0, reset: 0, setG: 0, resetG: 0 };
  assertCbramError(
    () => dev.pulse(2, 1, 4, new Int8Array(4), null, createRng(2), tally),
    'E_ARG',
    /^DeviceArray\.pulse: \(start, stride, count, pulses\) must be a line of distinct cells inside the 4 cells/,
  );
  assertCbramError(
    () => dev.pulse(0, 1, 1, Int8Array.of(1), null, {} as never, tally),
    'E_ARG',
    /^DeviceArray\.pulse: c2c must be an Rng/,
  );
});

test('fitDevice checks options.base early and toCSV rejects non-numeric rows', () => {
  const r = pulseResponse(ideal, { cycles: 2, seed: 1 });
  assertCbramError(
    () => fitDevice(r, { base: { gMax: -1 } }),
    'E_ARG',
    /^fitDevice: options\.base\.gMax must be a finite number > 0\.000001, got -1$/,
  );
  assertCbramError(
    () => fitDevice(r, { base: [] as never }),
    'E_ARG',
    /^fitDevice: options\.base must be an object of DeviceConfig fields/,
  );
  assertCbramError(
    () => toCSV({ ...r, conductance: Array.from(r.conductance, () => 'x') } as never),
    'E_DATA',
    /^toCSV: response\.conductance\[0\] must be a finite number of siemens, got "x"$/,
  );
});
