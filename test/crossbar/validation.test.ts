/** Crossbar, kernels, mapping, tiling and digital storage: checked at entry, sizes within budget. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  conductanceToWeight,
  createCrossbar,
  createCrossbarKernels,
  createDigitalStore,
  createMapping,
  createReadKernels,
  decodeWeights,
  encodeWeights,
  injectBitErrors,
  planTiles,
  weightToConductance,
} from '../../src/crossbar';
import { PRESETS } from '../../src/device';
import { createLedger } from '../../src/energy';
import { assertCbramError } from '../helpers';

test('createCrossbar checks a plain device config, the ledger and the phase when it is created', () => {
  assertCbramError(
    () => createCrossbar({ rows: 2, cols: 2, device: { ...PRESETS.ideal, gMin: 1e-4 } }),
    'E_ARG',
    /^createCrossbar: device\.gMax must be a finite number > 0\.0001, got 0\.00005$/,
  );
  assertCbramError(
    () => createCrossbar({ rows: 2, cols: 2, ledger: {} as never }),
    'E_ARG',
    /^createCrossbar: ledger must be an EnergyLedger from createLedger\(\), an object with a record\(kind, phase, count, joules\) method, or null, got an object$/,
  );
  assertCbramError(
    () => createCrossbar({ rows: 2, cols: 2, ledger: createLedger(), phase: 'trian' }),
    'E_ARG',
    /^createCrossbar: phase must be one of "train", "label", "test", "prune" \(did you mean "train"\?\), got "trian"$/,
  );
  const xbar = createCrossbar({ rows: 2, cols: 2, ledger: createLedger() });
  assertCbramError(
    () => {
      xbar.phase = 'tset';
    },
    'E_ARG',
    /^Crossbar\.phase: phase must be one of .*did you mean "test"/,
  );
  assertCbramError(
    () => {
      xbar.ledger = { record: 1 } as never;
    },
    'E_ARG',
    /^Crossbar\.ledger: ledger must be an EnergyLedger/,
  );
  xbar.phase = 'test';
  xbar.ledger = null;
  assert.equal(xbar.phase, 'test');
  assert.equal(xbar.ledger, null);
});

test('crossbar reads and rasters name the method the caller used', () => {
  const xbar = createCrossbar({ rows: 3, cols: 2, simd: false });
  assertCbramError(
    () => xbar.readSpikes(Int32Array.of(7), 1),
    'E_ARG',
    /^Crossbar\.readSpikes: idx\[0\] must be an integer in \[0, 3\), got 7$/,
  );
  assertCbramError(
    () => xbar.read([0, 0, 0], undefined, { noise: 'yes' } as never),
    'E_ARG',
    /^Crossbar\.read: options\.noise must be true or false, got "yes"$/,
  );
  assertCbramError(
    () => xbar.relax(-1),
    'E_ARG',
    /^Crossbar\.relax: dt must be a finite number >= 0/,
  );
});

test('kernels refuse shapes past the budget and non-finite voltages', () => {
  assertCbramError(
    () => createCrossbarKernels(1 << 14, 1 << 14),
    'E_BUDGET',
    /^createCrossbarKernels: rows × cols = 2\.68e8 cells \(4\.5 GiB\) exceeds the memory budget/,
  );
  const k = createReadKernels(2, 2, { simd: false });
  assertCbramError(
    () => k.matvec([1, NaN], new Float64Array(2)),
    'E_ARG',
    /^ReadKernels\.matvec: v\[1\] must be a finite voltage, got NaN$/,
  );
  assertCbramError(
    () => k.sumRows(Int32Array.of(0), 1, [0, 0] as never),
    'E_ARG',
    /^ReadKernels\.sumRows: out must be a Float32Array or Float64Array of length 2 \(cols\), got an array of length 2$/,
  );
});

test('planTiles and createDigitalStore refuse sizes past the budget before allocating', () => {
  const before = process.memoryUsage().arrayBuffers;
  assertCbramError(
    () => planTiles(1e15, 1e15),
    'E_BUDGET',
    /^planTiles: tiles \(⌈rows \/ tileRows⌉ × ⌈cols \/ weights per tile row⌉\) = 1\.91e24 tiles .* exceeds the memory budget of 8\.39e6 tiles \(1 GiB\); lower rows or cols, or use larger tiles/,
  );
  assertCbramError(
    () => createDigitalStore(1e9, 1e9, { bits: 2 }),
    'E_BUDGET',
    /^createDigitalStore: rows × cols = 1e18 weights .* exceeds the memory budget/,
  );
  assertCbramError(
    () => planTiles(2 ** 40, 2 ** 40, { tileRows: 2 ** 30, tileCols: 2 ** 30 }),
    'E_ARG',
    /^planTiles: rows × cols × cellsPerWeight must be at most 9007199254740991 \(cells are counted exactly\)/,
  );
  assert.ok(process.memoryUsage().arrayBuffers - before < 1e6, 'nothing was allocated');
});

test('digital storage methods name themselves and check generators and ranges', () => {
  const store = createDigitalStore(2, 2, { bits: 2 });
  assertCbramError(
    () => store.write([0, 0, NaN, 0]),
    'E_ARG',
    /^DigitalStore\.write: weights\[2\] must be a finite number, got NaN$/,
  );
  assertCbramError(
    () => store.injectErrors(0.5, Math.random as never),
    'E_ARG',
    /^DigitalStore\.injectErrors: rng must be an Rng/,
  );
  assertCbramError(
    () => store.weights(new Float64Array(4) as never),
    'E_ARG',
    /^DigitalStore\.weights: out must be a Float32Array of length 4/,
  );
  assertCbramError(
    () => encodeWeights([0], 2, NaN, 1),
    'E_ARG',
    /^encodeWeights: wMin must be a finite number, got NaN$/,
  );
  assertCbramError(
    () => decodeWeights(new Uint16Array(1), 2, 1, -1),
    'E_ARG',
    /^decodeWeights: wMax must be a finite number > 1, got -1$/,
  );
  assertCbramError(
    () => injectBitErrors(new Uint16Array(4), 2, 0.5, {} as never),
    'E_ARG',
    /^injectBitErrors: rng must be an Rng/,
  );
});

test('mappings built by hand are checked by the functions that use them', () => {
  const m = createMapping(PRESETS.ideal);
  assertCbramError(
    () => weightToConductance({ ...m, gMax: 0 }, 0),
    'E_ARG',
    /^weightToConductance: mapping\.gMax must be a finite number > 0\.000001, got 0$/,
  );
  assertCbramError(
    () => conductanceToWeight(m, NaN),
    'E_ARG',
    /^conductanceToWeight: g must be a finite number, got NaN$/,
  );
  assertCbramError(
    () => createMapping({ ...PRESETS.ideal, gMax: -1 }),
    'E_ARG',
    /^createMapping: device\.gMax must be/,
  );
});
