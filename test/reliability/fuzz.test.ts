/**
 * Property-based fuzzing of the library's public entry points (issue 10): every call with random
 * and hostile arguments either succeeds or throws a CbramError (never a raw TypeError or
 * RangeError), and no call allocates past the memory budget.
 *
 * The budget is lowered to 64 MiB for this file, so the sizes a call may accept stay quick to
 * allocate, and each call's growth of `process.memoryUsage().arrayBuffers` is checked against it.
 * Seeds are fixed and runs bounded: the file runs in about 5 s on one core.
 */
process.env.CBRAM_MEMORY_BUDGET = '64MiB';

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CbramError,
  EnergyLedger,
  PRESETS,
  conductanceToWeight,
  createCrossbar,
  createCrossbarKernels,
  createDeviceArray,
  createDigitalStore,
  createLedger,
  createLifTrainer,
  createMapping,
  createPoissonEncoder,
  createReadKernels,
  createRng,
  createTally,
  createTrainer,
  decodeWeights,
  defineDevice,
  definePruning,
  defineTraining,
  devicePreset,
  deviceDiff,
  encodeWeights,
  evaluate,
  fieldMosaic,
  firstN,
  fitDevice,
  formatSI,
  injectBitErrors,
  labelNeurons,
  memoryBudget,
  parseIdx,
  planTiles,
  pulseEnergy,
  pulseResponse,
  randomIndices,
  receptiveFields,
  recordSpikes,
  reducePixels,
  reprice,
  saturatedWeights,
  selectPixels,
  spikeCountMaturity,
  subset,
  tallyEnergy,
  toCSV,
  vonNeumannBaseline,
  weightToConductance,
  type Dataset,
} from '../../src';

const BUDGET = 64 * 2 ** 20;
/** Room for the result, scratch the estimates leave out, and garbage not yet collected. */
const GROWTH_BOUND = 3 * BUDGET;
const SEED = 20240610;
/** Scales every property's run count (about 10 s on one core at 4). */
const RUNS_SCALE = 4;

// ---------------------------------------------------------------------------------------------
// The harness.

let worstGrowth = 0;
let calls = 0;
let accepted = 0;
/** Calls and accepted calls per entry point, for the diagnostic. */
const perFunction = new Map<string, [number, number]>();

function count(what: string, ok: boolean): void {
  const c = perFunction.get(what) ?? [0, 0];
  c[0]++;
  if (ok) c[1]++;
  perFunction.set(what, c);
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.constructor.name}: ${e.message}\n${e.stack ?? ''}`;
  return `a thrown ${typeof e}: ${String(e)}`;
}

/** Record how much array-buffer memory a call left behind. */
function trackGrowth(before: number, what: string): void {
  const growth = process.memoryUsage().arrayBuffers - before;
  if (growth > worstGrowth) worstGrowth = growth;
  assert.ok(
    growth <= GROWTH_BOUND,
    `${what} grew array buffers by ${growth} bytes, past ${GROWTH_BOUND}`,
  );
}

/** Call `f`: it must return, or throw a CbramError. */
function probe(what: string, f: () => unknown): unknown {
  calls++;
  const before = process.memoryUsage().arrayBuffers;
  let result: unknown;
  try {
    result = f();
    accepted++;
    count(what, true);
  } catch (e) {
    count(what, false);
    if (!(e instanceof CbramError)) assert.fail(`${what} threw ${describeError(e)}`);
    assert.match(e.message, /^\S+.*: /, 'the message names the function');
  }
  trackGrowth(before, what);
  return result;
}

/** The async form of {@link probe}. */
async function probeAsync(what: string, f: () => Promise<unknown>): Promise<void> {
  calls++;
  const before = process.memoryUsage().arrayBuffers;
  try {
    await f();
    accepted++;
    count(what, true);
  } catch (e) {
    count(what, false);
    if (!(e instanceof CbramError)) assert.fail(`${what} rejected with ${describeError(e)}`);
  }
  trackGrowth(before, what);
}

/** fast-check's report, with the failing call's own message (its `cause`) appended. */
function withCause(e: unknown): Error {
  const cause = (e as { cause?: unknown }).cause;
  return new Error(`${(e as Error).message}\n${cause ? describeError(cause) : ''}`);
}

function run<T extends unknown[]>(prop: fc.IProperty<T>, numRuns: number): void {
  try {
    fc.assert(prop, { seed: SEED, numRuns: numRuns * RUNS_SCALE, endOnFailure: true });
  } catch (e) {
    throw withCause(e);
  }
}

async function runAsync<T extends unknown[]>(
  prop: fc.IAsyncProperty<T>,
  numRuns: number,
): Promise<void> {
  try {
    await fc.assert(prop, { seed: SEED, numRuns: numRuns * RUNS_SCALE, endOnFailure: true });
  } catch (e) {
    throw withCause(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries: hostile values, plausible values, and options objects mixing both.

const polluted = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1}') as object;
const nullProto = Object.create(null) as object;

/** Values that break naive code: wrong types, non-finite numbers, huge and fractional sizes. */
const weird = fc.constantFrom<unknown>(
  undefined,
  null,
  NaN,
  Infinity,
  -Infinity,
  -1,
  -0,
  0,
  0.5,
  1.5,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  1e15,
  1e308,
  -1e308,
  '',
  'x',
  '3',
  '__proto__',
  'toString',
  'train',
  true,
  false,
  [],
  [1, 2],
  [NaN],
  {},
  polluted,
  nullProto,
  Symbol('s'),
  10n,
  new Float32Array(2),
  new Float64Array(3),
  new Int32Array(2),
  new Uint8Array(4),
  new Int8Array(3),
  () => 1,
);

/** Small numbers that are often valid, so calls get past their first check. */
const plausibleNumber = fc.oneof(
  fc.integer({ min: -2, max: 40 }),
  fc.double({ min: -2, max: 2, noNaN: true }),
  fc.constantFrom(1e-6, 5e-5, 1e-3, 0.1, 100, 1000, 1e5, 1e6, 1e9, 1e12),
);

const anyValue = fc.oneof(weird, plausibleNumber, fc.string({ maxLength: 6 }));

/** Mostly `valid` (so calls get past their first check), sometimes hostile. */
function mostly(valid: fc.Arbitrary<unknown>, hostile: fc.Arbitrary<unknown> = anyValue) {
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: hostile });
}

/**
 * Options objects: each known key present or not, its value mostly valid (from `spec`, a list of
 * keys takes any value), sometimes a typo, '__proto__' or 'constructor' key, sometimes no object.
 */
function optionsOf(
  spec: readonly string[] | Record<string, fc.Arbitrary<unknown>>,
  value: fc.Arbitrary<unknown> = anyValue,
) {
  const valid: Record<string, fc.Arbitrary<unknown>> = Array.isArray(spec)
    ? Object.fromEntries(spec.map((k: string) => [k, value]))
    : (spec as Record<string, fc.Arbitrary<unknown>>);
  const keys = Object.keys(valid);
  // About one record in two has a hostile field, however many keys there are.
  const odds = Math.max(5, 2 * keys.length);
  const fields = Object.fromEntries(
    keys.map((k) => [
      k,
      fc.oneof({ weight: odds, arbitrary: valid[k]! }, { weight: 1, arbitrary: anyValue }),
    ]),
  );
  const junkKey = fc.constantFrom('__proto__', 'constructor', ...keys.map((k) => `${k}s`));
  return fc.oneof(
    { weight: 1, arbitrary: weird },
    { weight: 8, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.record(fields, { requiredKeys: [] }), junkKey, anyValue)
        .map(([o, k, v]) => {
          Object.defineProperty(o, k, {
            value: v,
            enumerable: true,
            configurable: true,
            writable: true,
          });
          return o;
        }),
    },
  );
}

/** Small positive integers, the usual valid size. */
const small = (max = 40) => fc.integer({ min: 1, max });

/** A tiny synthetic dataset. */
function tiny(n = 4, pixels = 6): Dataset {
  const images = new Uint8Array(n * pixels);
  for (let i = 0; i < images.length; i++) images[i] = (i * 37) % 256;
  return { n, pixels, images, labels: Uint8Array.from({ length: n }, (_, i) => i % 10) };
}

/** Datasets: valid, corrupted in one field, or not datasets at all. */
const datasetArb = mostly(
  fc.constantFrom(tiny(), tiny(6, 6), tiny(3, 6)),
  fc.oneof(
    fc.record({
      n: anyValue,
      pixels: anyValue,
      images: fc.constantFrom<unknown>(new Uint8Array(24), new Uint8Array(0), [1, 2], null),
      labels: fc.constantFrom<unknown>(Uint8Array.of(0, 1, 2, 3), Uint8Array.of(0, 12, 2, 3), null),
    }),
    fc.constant(tiny(3, 5)),
    weird,
  ),
);

const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const spread = fc.double({ min: 0, max: 0.2, noNaN: true });
const pulse = fc.record({
  voltage: mostly(fc.double({ min: -3, max: 3, noNaN: true })),
  width: mostly(fc.constantFrom(1e-8, 1e-7)),
});
const modelArb = fc.oneof(
  fc.record({ kind: fc.constant('linear'), setPulses: small(100), resetPulses: small(100) }),
  fc.record({
    kind: fc.constant('nonlinear'),
    setPulses: small(100),
    resetPulses: small(100),
    setNonlinearity: fc.double({ min: 0, max: 5, noNaN: true }),
    resetNonlinearity: fc.double({ min: 0, max: 5, noNaN: true }),
  }),
  fc.record({ kind: fc.constant('softBounds'), setStep: fraction, resetStep: fraction }),
  fc.record({
    kind: fc.constantFrom<unknown>('exponential', 'expo'),
    setStep: fraction,
    setGamma: fc.double({ min: 0, max: 5, noNaN: true }),
    resetStep: fraction,
    resetGamma: fc.double({ min: 0, max: 5, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('table'),
    set: fc.constantFrom<unknown>([1e-6, 2e-5, 5e-5], [1e-6, NaN], [5e-5, 1e-6]),
    reset: fc.constantFrom<unknown>([5e-5, 1e-6], []),
  }),
);
/** Valid values of every DeviceConfig field. */
const deviceSpec: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.constantFrom('d', 'fuzzed'),
  source: fc.constant('fuzz'),
  assumed: fc.constant([]),
  model: modelArb,
  gMin: fc.constantFrom(1e-6, 0, 2e-6),
  gMax: fc.constantFrom(5e-5, 1e-4, 1e-5),
  levels: fc.constantFrom(0, 2, 16),
  c2cStd: spread,
  gMinDtod: spread,
  gMaxDtod: spread,
  stepDtod: spread,
  pStuckOff: spread,
  pStuckOn: spread,
  readNoiseStd: spread,
  retentionTau: fc.constantFrom(Infinity, 1, 1e3),
  set: pulse,
  reset: pulse,
  read: pulse,
};
/** Device configs: presets, plain copies with fields changed, and junk. */
const deviceArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(...Object.values(PRESETS)) },
  {
    weight: 3,
    arbitrary: optionsOf(deviceSpec).map((o) =>
      o !== null && typeof o === 'object' && !Array.isArray(o) ? { ...PRESETS.ideal, ...o } : o,
    ),
  },
  { weight: 1, arbitrary: weird },
);

const seedArb = fc.nat(1000);
const phases = fc.constantFrom('train', 'label', 'test', 'prune');

// ---------------------------------------------------------------------------------------------
// Device layer.

test('fuzz: defineDevice, devicePreset, deviceDiff, pulseEnergy, tallyEnergy', () => {
  run(
    fc.property(optionsOf(deviceSpec), (o) => {
      probe('defineDevice', () => defineDevice(o as never));
    }),
    300,
  );
  run(
    fc.property(
      mostly(fc.constantFrom(...Object.keys(PRESETS))),
      optionsOf(deviceSpec),
      (name, o) => {
        probe('devicePreset', () => devicePreset(name as never, o as never));
      },
    ),
    200,
  );
  run(
    fc.property(
      deviceArb,
      deviceArb,
      mostly(fc.constantFrom('set', 'reset', 'read')),
      mostly(fc.double({ min: 0, max: 1e-4, noNaN: true })),
      (a, b, kind, g) => {
        probe('deviceDiff', () => deviceDiff(a as never, b as never));
        probe('pulseEnergy', () => pulseEnergy(a as never, kind as never, g as never));
        probe('tallyEnergy', () =>
          tallyEnergy(a as never, { set: g, reset: 0, setG: 0, resetG: 0 } as never),
        );
      },
    ),
    200,
  );
});

test('fuzz: createDeviceArray and DeviceArray.pulse', () => {
  run(
    fc.property(
      deviceArb,
      mostly(small(2000)),
      mostly(fc.constant(createRng(1))),
      optionsOf({ initial: fraction }),
      (config, size, rng, options) => {
        probe('createDeviceArray', () =>
          createDeviceArray(config as never, size as never, rng as never, options as never),
        );
      },
    ),
    200,
  );
  const dev = createDeviceArray(PRESETS['cbram-subquantum'], 16, createRng(2));
  const pulses = fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 4, maxLength: 4 });
  run(
    fc.property(
      mostly(fc.integer({ min: 0, max: 15 })),
      mostly(fc.integer({ min: -4, max: 4 })),
      mostly(fc.integer({ min: 0, max: 4 })),
      mostly(pulses.map((a) => Int8Array.from(a))),
      (start, stride, count, p) => {
        probe('DeviceArray.pulse', () =>
          dev.pulse(
            start as never,
            stride as never,
            count as never,
            p as never,
            null,
            createRng(3),
            createTally(),
          ),
        );
        probe('DeviceArray.relax', () => dev.relax(start as never));
      },
    ),
    200,
  );
});

test('fuzz: pulseResponse, toCSV and fitDevice', () => {
  const pulseSpec = {
    cycles: small(20),
    setPulses: small(200),
    resetPulses: small(200),
    devices: small(4),
    seed: seedArb,
  };
  run(
    fc.property(deviceArb, optionsOf(pulseSpec), (config, options) => {
      probe('pulseResponse', () => pulseResponse(config as never, options as never));
    }),
    200,
  );
  const good = pulseResponse(PRESETS['cbram-subquantum'], { cycles: 2, devices: 2, seed: 1 });
  const csv = toCSV(good);
  const lines = csv.trim().split('\n');
  // CSV text: random text, headers with hostile cells, and a real file with one cell replaced.
  const cell = fc.oneof(
    fc.constantFrom('', 'set', 'reset', 'SET ', 'NaN', '-1', '1e400', '"', '""', ',', '\u0000'),
    fc.string({ maxLength: 5 }),
    fc.double().map(String),
  );
  const csvArb = fc.oneof(
    fc.constant(csv),
    fc.string({ maxLength: 40 }),
    fc
      .array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 8 })
      .map((rows) =>
        ['pulse,conductance,direction,cycle,device', ...rows.map((r) => r.join(','))].join('\n'),
      ),
    fc
      .tuple(fc.integer({ min: 1, max: lines.length - 1 }), fc.integer({ min: 0, max: 4 }), cell)
      .map(([row, col, v]) => {
        const copy = [...lines];
        const cells = copy[row]!.split(',');
        cells[col] = v;
        copy[row] = cells.join(',');
        return copy.join('\n');
      }),
  );
  const columnsArb = fc.record({
    pulse: fc.oneof(fc.array(anyValue, { maxLength: 6 }), weird),
    conductance: fc.oneof(fc.array(anyValue, { maxLength: 6 }), weird),
    direction: fc.oneof(
      fc.array(fc.constantFrom<unknown>('set', 'reset', 'x', 3, null), { maxLength: 6 }),
      weird,
    ),
    device: fc.oneof(fc.array(anyValue, { maxLength: 6 }), fc.constant(undefined)),
  });
  const fitSpec = {
    model: fc.constantFrom('linear', 'softBounds', 'nonlinear', 'exponential'),
    name: fc.constant('fit'),
    base: optionsOf({ set: pulse, reset: pulse, read: pulse, levels: deviceSpec.levels! }),
  };
  run(
    fc.property(
      fc.oneof(csvArb, columnsArb, fc.constant(good), weird),
      optionsOf(fitSpec),
      (data, options) => {
        probe('fitDevice', () => fitDevice(data as never, options as never));
      },
    ),
    60,
  );
  run(
    fc.property(
      fc.constantFrom('device', 'cycle', 'direction', 'pulse', 'conductance'),
      mostly(fc.constant(undefined), anyValue),
      (col, v) => {
        probe('toCSV', () => toCSV(v === undefined ? good : ({ ...good, [col]: v } as never)));
      },
    ),
    100,
  );
});

// ---------------------------------------------------------------------------------------------
// Crossbar layer.

test('fuzz: createCrossbar and its methods', () => {
  const sink = { record: () => undefined };
  const crossbarSpec = {
    rows: small(64),
    cols: small(64),
    device: deviceArb,
    seed: seedArb,
    initial: fraction,
    simd: fc.boolean(),
    ledger: fc.constantFrom<unknown>(createLedger(), sink, null),
    phase: phases,
    adcEnergy: fc.constantFrom(0, 2e-12),
  };
  run(
    fc.property(optionsOf(crossbarSpec), (options) => {
      probe('createCrossbar', () => createCrossbar(options as never));
    }),
    200,
  );
  for (const simd of [true, false]) {
    const xbar = createCrossbar({ rows: 5, cols: 4, seed: 1, simd, ledger: createLedger() });
    const volts = (n: number) =>
      mostly(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: n, maxLength: n }));
    const int8 = (n: number) =>
      mostly(
        fc
          .array(fc.integer({ min: -2, max: 2 }), { minLength: n, maxLength: n })
          .map((a) => Int8Array.from(a)),
      );
    const rowIdx = mostly(
      fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 8 }).map((a) => Int32Array.from(a)),
    );
    const readSpec = {
      noise: fc.boolean(),
      adcBits: fc.integer({ min: 0, max: 8 }),
      adcFullScale: fc.constantFrom(1e-6, 1e-4),
      wireResistance: fc.constantFrom(0, 1, 10),
    };
    run(
      fc.property(
        volts(5),
        mostly(fc.constant(new Float64Array(4))),
        optionsOf(readSpec),
        rowIdx,
        mostly(fc.integer({ min: 0, max: 8 })),
        int8(4),
        int8(5),
        mostly(fc.array(fraction, { minLength: 20, maxLength: 20 })),
        (v, out, options, idx, n, rowPulses, colPulses, states) => {
          probe('Crossbar.read', () => xbar.read(v as never, out as never, options as never));
          probe('Crossbar.readSpikes', () =>
            xbar.readSpikes(idx as never, n as never, out as never),
          );
          probe('Crossbar.pulseRow', () => xbar.pulseRow(n as never, rowPulses as never));
          probe('Crossbar.pulseColumn', () => xbar.pulseColumn(n as never, colPulses as never));
          probe('Crossbar.program', () => xbar.program(states as never));
          probe('Crossbar.setFrozen', () => xbar.setFrozen(n as never, n as never, false));
          probe('Crossbar.relax', () => xbar.relax(n as never));
          probe('Crossbar.phase', () => {
            xbar.phase = (typeof n === 'number' ? 'test' : n) as never;
          });
          probe('Crossbar.ledger', () => {
            xbar.ledger = (typeof n === 'number' ? createLedger() : n) as never;
          });
          xbar.ledger = createLedger();
          xbar.phase = 'train';
        },
      ),
      100,
    );
  }
});

test('fuzz: read kernels', () => {
  const sizes = mostly(small(256), fc.oneof(anyValue, fc.integer({ min: 1, max: 1 << 15 })));
  run(
    fc.property(sizes, sizes, optionsOf({ simd: fc.boolean() }), (rows, cols, options) => {
      probe('createReadKernels', () =>
        createReadKernels(rows as never, cols as never, options as never),
      );
      probe('createCrossbarKernels', () =>
        createCrossbarKernels(rows as never, cols as never, options as never),
      );
    }),
    100,
  );
  for (const simd of [true, false]) {
    const k = createReadKernels(3, 2, { simd });
    run(
      fc.property(
        mostly(
          fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
        ),
        mostly(
          fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 6 }).map((a) => Int32Array.from(a)),
        ),
        mostly(fc.integer({ min: 0, max: 6 })),
        mostly(fc.constantFrom(new Float64Array(2), new Float32Array(2))),
        (v, idx, n, out) => {
          probe('ReadKernels.matvec', () => k.matvec(v as never, out as never));
          probe('ReadKernels.sumRows', () => k.sumRows(idx as never, n as never, out as never));
        },
      ),
      100,
    );
  }
});

test('fuzz: mapping, tiling and digital storage', () => {
  const mappingSpec = {
    kind: fc.constantFrom('offset', 'differential'),
    wMin: fc.constantFrom(-1, 0, -2),
    wMax: fc.constantFrom(1, 2),
  };
  const weight = mostly(fc.double({ min: -2, max: 2, noNaN: true }));
  run(
    fc.property(deviceArb, optionsOf(mappingSpec), weight, weight, (device, options, w, g) => {
      const m = probe('createMapping', () => createMapping(device as never, options as never));
      const map = m ?? { kind: 'offset', wMin: w, wMax: g, gMin: 0, gMax: 1, devicesPerWeight: 1 };
      probe('weightToConductance', () => weightToConductance(map as never, w as never));
      probe('conductanceToWeight', () => conductanceToWeight(map as never, g as never, w as never));
    }),
    200,
  );
  const big = mostly(small(5000), fc.oneof(anyValue, fc.integer({ min: 1, max: 2 ** 40 })));
  const tileSpec = { tileRows: small(1024), tileCols: small(2048), cellsPerWeight: small(8) };
  run(
    fc.property(big, big, optionsOf(tileSpec), (rows, cols, options) => {
      probe('planTiles', () => planTiles(rows as never, cols as never, options as never));
    }),
    200,
  );
  const storeSpec = {
    bits: small(16),
    wMin: fc.constantFrom(-1, 0),
    wMax: fc.constantFrom(1, 2),
    tileRows: small(1024),
    tileCols: small(2048),
  };
  run(
    fc.property(big, big, optionsOf(storeSpec), (rows, cols, options) => {
      probe('createDigitalStore', () =>
        createDigitalStore(rows as never, cols as never, options as never),
      );
    }),
    200,
  );
  const store = createDigitalStore(2, 3, { bits: 4 });
  run(
    fc.property(
      mostly(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 })),
      mostly(small(16)),
      mostly(fraction),
      mostly(fc.constantFrom(new Uint16Array(6), Uint16Array.of(1, 2, 3))),
      (weights, bits, rate, codes) => {
        probe('DigitalStore.write', () => store.write(weights as never));
        probe('DigitalStore.injectErrors', () => store.injectErrors(rate as never, createRng(1)));
        probe('DigitalStore.weights', () => store.weights());
        probe('encodeWeights', () => encodeWeights(weights as never, bits as never));
        probe('decodeWeights', () =>
          decodeWeights(codes as never, bits as never, -1, rate as never),
        );
        probe('injectBitErrors', () =>
          injectBitErrors(codes as never, bits as never, rate as never, createRng(2)),
        );
      },
    ),
    200,
  );
});

// ---------------------------------------------------------------------------------------------
// Energy ledger.

test('fuzz: the energy ledger, reprice, the von Neumann baseline and formatSI', () => {
  const ledger = createLedger({ label: 'fuzz' });
  const kinds = mostly(
    fc.constantFrom('set', 'reset', 'read', 'spike', 'adc', 'mac', 'weightMove'),
  );
  const amount = mostly(fc.double({ min: 0, max: 1e6, noNaN: true }));
  run(
    fc.property(
      kinds,
      mostly(phases),
      amount,
      amount,
      optionsOf({ includeEmpty: fc.boolean() }),
      optionsOf({ digits: small(15) }),
      (kind, phase, count, joules, breakdown, si) => {
        probe('EnergyLedger.record', () =>
          ledger.record(kind as never, phase as never, count as never, joules as never),
        );
        probe('EnergyLedger.count', () => ledger.count(kind as never, phase as never));
        probe('EnergyLedger.joules', () => ledger.joules(kind as never, phase as never));
        probe('EnergyLedger.breakdown', () => ledger.breakdown(breakdown as never));
        probe('EnergyLedger.toTable', () => ledger.toTable(breakdown as never));
        probe('EnergyLedger.merge', () =>
          ledger.merge((typeof count === 'number' ? createLedger() : count) as never),
        );
        probe('createLedger', () => createLedger(si as never));
        probe('formatSI', () => formatSI(count as never, 'J', si as never));
      },
    ),
    200,
  );
  const json = JSON.stringify(ledger);
  run(
    fc.property(
      fc.oneof(
        anyValue,
        fc.string({ maxLength: 30 }),
        fc.json().map(String),
        fc.constant(json),
        fc.constant(json.slice(0, -3)),
        fc.constant(json.replace('"version":1', '"version":2')),
      ),
      (text) => {
        probe('EnergyLedger.fromJSON', () => EnergyLedger.fromJSON(text as never));
      },
    ),
    150,
  );
  const perEvent = Object.fromEntries(
    ['set', 'reset', 'read', 'spike', 'adc', 'weightMove', 'mac'].map((k) => [k, amount]),
  );
  const vnSpec = {
    memory: fc.constantFrom('sram', 'dram'),
    wordBits: small(64),
    mac: fc.constantFrom('fp32', 'int8'),
    offChipBus: fc.boolean(),
    label: fc.constant('vn'),
  };
  run(
    fc.property(optionsOf(perEvent), optionsOf(vnSpec), (prices, options) => {
      probe('reprice', () => reprice(ledger, prices as never));
      probe('vonNeumannBaseline', () => vonNeumannBaseline(ledger, options as never));
    }),
    150,
  );
});

// ---------------------------------------------------------------------------------------------
// Data and network.

test('fuzz: datasets, IDX parsing, encoders and receptive fields', () => {
  run(
    fc.property(
      datasetArb,
      mostly(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 5 })),
      mostly(
        fc
          .array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 })
          .map((a) => Int32Array.from(a)),
      ),
      mostly(fc.integer({ min: 0, max: 1000 })),
      mostly(fc.double({ min: 0, max: 0.99, noNaN: true })),
      (ds, indices, pixelIndex, n, threshold) => {
        probe('subset', () => subset(ds as never, indices as never));
        probe('reducePixels', () => reducePixels(ds as never, pixelIndex as never));
        probe('selectPixels', () => selectPixels([ds] as never, threshold as never));
        probe('firstN', () => firstN(n as never));
        probe('randomIndices', () => randomIndices(n as never, 3, createRng(1)));
        probe('createRng', () => createRng(n as never));
      },
    ),
    200,
  );
  const idx = fc.oneof(
    fc.uint8Array({ maxLength: 24 }),
    fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }).map((dims) => {
      const n = dims.reduce((a, b) => a * b, 1);
      const b = new Uint8Array(4 + 4 * dims.length + n);
      b[2] = 8;
      b[3] = dims.length;
      const view = new DataView(b.buffer);
      dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
      return b;
    }),
    fc
      .tuple(
        fc.integer({ min: 0, max: 5 }),
        fc.array(
          fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
          {
            maxLength: 5,
          },
        ),
        fc.integer({ min: 0, max: 12 }),
      )
      .map(([nd, dims, extra]) => {
        const b = new Uint8Array(4 + 4 * dims.length + extra);
        b[2] = 8;
        b[3] = nd;
        const view = new DataView(b.buffer);
        dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
        return b;
      }),
    weird,
  );
  run(
    fc.property(idx, (bytes) => {
      probe('parseIdx', () => parseIdx(bytes as never));
    }),
    200,
  );
  const encoderSpec = {
    rate: fc.double({ min: 0, max: 500, noNaN: true }),
    dt: fc.constantFrom(1e-3, 1e-4),
    steps: small(200),
  };
  run(
    fc.property(
      optionsOf(encoderSpec),
      mostly(fc.constantFrom(new Uint8Array(24).fill(200), new Uint8Array(24))),
      mostly(fc.integer({ min: 0, max: 20 })),
      mostly(fc.integer({ min: 0, max: 8 })),
      (options, images, offset, pixels) => {
        const enc = probe('createPoissonEncoder', () => createPoissonEncoder(options as never));
        const e =
          (enc as ReturnType<typeof createPoissonEncoder> | undefined) ?? createPoissonEncoder();
        probe('PoissonEncoder.encode', () =>
          e.encode(images as never, offset as never, pixels as never, createRng(1)),
        );
      },
    ),
    200,
  );
  run(
    fc.property(
      mostly(fc.constantFrom(Int32Array.of(0, 5, 27), Int32Array.of(0, 1, 2, 3, 4, 900))),
      mostly(small(4)),
      mostly(small(28)),
      mostly(small(28)),
      fc.boolean(),
      (index, outputs, width, height, sized) => {
        const n = (index as { length?: number } | null)?.length;
        const w =
          sized &&
          typeof n === 'number' &&
          typeof outputs === 'number' &&
          outputs > 0 &&
          n * outputs < 1e6
            ? new Float32Array(n * outputs)
            : new Float32Array(6);
        probe('receptiveFields', () =>
          receptiveFields(w, index as never, outputs as never, width as never, height as never),
        );
        probe('fieldMosaic', () =>
          fieldMosaic(
            new Float32Array(2 * 28 * 28),
            outputs as never,
            2,
            width as never,
            height as never,
          ),
        );
      },
    ),
    400,
  );
});

// ---------------------------------------------------------------------------------------------
// Learning and pruning.

test('fuzz: defineTraining, definePruning, createTrainer and createLifTrainer', () => {
  const pruneSpec = {
    fraction,
    mode: fc.constantFrom('soft', 'hard'),
    softValue: fc.constantFrom(-1, 0),
    matureSpikes: small(600),
    selection: fc.constantFrom('smallest', 'saturated'),
    floorTolerance: fc.constantFrom(0.05, 0.1),
    recheckSpikes: fc.nat(10),
    deadlineSpikes: fc.nat(10),
  };
  const trainSpec = {
    outputs: fc.integer({ min: 2, max: 40 }),
    inputRate: fc.constantFrom(100, 200),
    outputRate: fc.constantFrom(100, 200),
    dt: fc.constantFrom(1e-3, 5e-4),
    presentation: fc.constantFrom(0.02, 0.1),
    window: fc.constantFrom(0.005, 0.01),
    rule: fc.constantFrom('ideal', 'device'),
    device: deviceArb,
    eta: fc.constantFrom(0.02, 0.1),
    etaFinal: fc.constantFrom(0.001, 0.01),
    etaBias: fc.constantFrom(0, 0.1),
    ltpConstant: fc.constant(Math.E),
    wInitMin: fc.constantFrom(-1, 0),
    wInitMax: fc.constantFrom(0.5, 1),
    epochs: small(3),
    imagesPerEpoch: fc.nat(6),
    seed: seedArb,
    spikeEnergy: fc.constantFrom(0, 1e-12),
    pruning: fc.oneof(fc.constant(null), optionsOf(pruneSpec)),
  };
  run(
    fc.property(optionsOf(trainSpec), optionsOf(pruneSpec), (o, p) => {
      probe('defineTraining', () => defineTraining(o as never));
      probe('definePruning', () => definePruning(p as never));
      const q = (p ?? {}) as { matureSpikes?: unknown; softValue?: unknown };
      probe('spikeCountMaturity', () => spikeCountMaturity((q.matureSpikes ?? 5) as never));
      probe('saturatedWeights', () => saturatedWeights((q.softValue ?? -1) as never));
    }),
    200,
  );
  run(
    fc.property(datasetArb, optionsOf(trainSpec), (data, o) => {
      probe('createTrainer', () => createTrainer(data as never, o as never));
    }),
    150,
  );
  const lifSpec = {
    outputs: fc.integer({ min: 2, max: 20 }),
    inputRate: fc.constantFrom(63.75, 200),
    steps: small(100),
    eta: fc.constantFrom(0.01, 0.1),
    traceTarget: fc.constant(0.4),
    tauTrace: fc.constant(20),
    weightSum: fc.constant(1),
    minSpikes: fc.nat(5),
    rateBoost: fc.constantFrom(0, 32),
    epochs: small(2),
    imagesPerEpoch: fc.nat(4),
    seed: seedArb,
    vRest: fc.constant(-65),
    vThresh: fc.constant(-52),
    tauMembrane: fc.constant(100),
    refractory: fc.nat(5),
    inputGain: fc.constant(0.65),
    thetaPlus: fc.constant(0.05),
    inhibition: fc.constant(20),
  };
  run(
    fc.property(datasetArb, optionsOf(lifSpec), (data, o) => {
      probe('createLifTrainer', () => createLifTrainer(data as never, o as never));
    }),
    150,
  );
});

test('fuzz: Trainer.train, LifTrainer.train, evaluate, labelNeurons and recordSpikes', async () => {
  const runSpec = {
    signal: fc.constantFrom<unknown>(AbortSignal.abort(), new AbortController().signal),
    onProgress: fc.constant(() => undefined),
    progressInterval: fc.constantFrom(0, 250),
    maxImages: fc.nat(4),
    yieldInterval: fc.constantFrom(0, 20),
  };
  const lifSpec = { signal: runSpec.signal, maxImages: runSpec.maxImages };
  await runAsync(
    fc.asyncProperty(
      fc.boolean().chain((lif) => fc.tuple(fc.constant(lif), optionsOf(lif ? lifSpec : runSpec))),
      async ([lif, options]) => {
        const t = lif
          ? createLifTrainer(tiny(), { outputs: 2, steps: 20 })
          : createTrainer(tiny(), { outputs: 2, epochs: 1, rule: 'device' });
        await probeAsync(lif ? 'LifTrainer.train' : 'Trainer.train', () =>
          t.train(options as never),
        );
      },
    ),
    80,
  );
  const t = createTrainer(tiny(), { outputs: 3, epochs: 1, rule: 'ideal' });
  await t.train();
  const evalSpec = {
    labelData: datasetArb,
    testData: datasetArb,
    labelImages: small(4),
    testImages: small(4),
    seed: seedArb,
    presentation: fc.constantFrom(0.01, 0.1),
  };
  run(
    fc.property(
      optionsOf(evalSpec),
      datasetArb,
      mostly(small(3)),
      mostly(fc.nat(3)),
      optionsOf({ seed: seedArb, neurons: fc.constantFrom([0, 1], [2], [0, 0], [5]) }),
      (options, data, n, index, rec) => {
        probe('evaluate', () => evaluate(t, options as never));
        probe('labelNeurons', () => labelNeurons(t, data as never, n as never));
        probe('recordSpikes', () => recordSpikes(t, data as never, index as never, rec as never));
        probe('evaluate (model)', () =>
          evaluate((typeof n === 'number' ? t : n) as never, { testData: tiny() }),
        );
      },
    ),
    150,
  );
});
test('the fuzz run exercised the library and stayed inside the memory budget', (t) => {
  t.diagnostic(
    `${calls} calls, ${accepted} accepted, worst array-buffer growth ${worstGrowth} bytes`,
  );
  t.diagnostic([...perFunction].map(([fn, [n, ok]]) => `${fn} ${ok}/${n}`).join(', '));
  assert.equal(memoryBudget(), BUDGET);
  assert.ok(calls > 20000, `only ${calls} calls were made`);
  assert.ok(
    accepted > calls / 4,
    `only ${accepted} of ${calls} calls were accepted: the arbitraries are too hostile`,
  );
  assert.ok(worstGrowth <= GROWTH_BOUND, `worst growth ${worstGrowth}`);
});
