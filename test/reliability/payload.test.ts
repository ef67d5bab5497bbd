/**
 * Fuzzing the renderer with hostile payloads (issue 10): random values, mutations of real kernel
 * payloads (wrong types, NaN and Infinity, negative and huge sizes, huge declared shapes with
 * tiny data, deep nesting, very long strings, `__proto__` keys), base64 in every legal and
 * illegal spelling. For each one, the pure parse/check and figure code must:
 *
 * - return a payload and a figure, or throw a PayloadError whose message has the project's
 *   shape (a field path and what is wrong, or a plain sentence), never a raw TypeError or
 *   RangeError;
 * - allocate within the budget: typed arrays allocated while reading and drawing (counted by
 *   wrapping their constructors) stay under ¾ of the base64 text that came in plus 4 bytes per
 *   value of the figure's announced size; the built figure holds no more values than
 *   `figureSize` announced, which is at most `BUDGET.FIGURE_VALUES`.
 *
 * fast-check runs with fixed seeds, so every run draws the same cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createCrossbar } from '../../src/crossbar/crossbar';
import { PRESETS } from '../../src/device/presets';
import { createLedger } from '../../src/energy/ledger';
import { createTrainer } from '../../src/learning/trainer';
import { crossbarSpec, CROSSBAR_MIME } from '../../kernel/display/crossbar';
import { deviceSpec, DEVICE_MIME } from '../../kernel/display/device';
import { ledgerSpec, LEDGER_MIME } from '../../kernel/display/ledger';
import { plot, PLOT_MIME } from '../../kernel/display/plot';
import { raster, RASTER_MIME } from '../../kernel/display/raster';
import { trainingParts, TRAINING_MIME } from '../../kernel/display/training';
import { BUDGET } from '../../extension/src/payload/budget';
import { PayloadError } from '../../extension/src/payload/error';
import { MIME_TYPES, parsePayload, readPayload } from '../../extension/src/payload/parse';
import type { Payload } from '../../extension/src/payload/types';
import { DARK, LIGHT, figureFor, figureSize, type MapView } from '../../extension/src/figures';
import { measure } from '../extension/measure';

type Json = unknown;

// ---------------------------------------------------------------------------------------------
// Real payloads, small, from the kernel's own display code.

async function basePayloads(): Promise<[string, Json][]> {
  const device = { ...PRESETS['cbram-subquantum'], pStuckOff: 0.2, pStuckOn: 0.2 };
  const xbar = createCrossbar({ rows: 6, cols: 4, device, seed: 3 });
  xbar.pulseColumn(1, new Int8Array(6).fill(5));
  xbar.setFrozen(2, 3);
  const pixelIndex = new Int32Array([0, 1, 29, 30, 400, 783]);
  const n = 12;
  const images = new Uint8Array(n * 9).map((_, i) => ((i * 7) % 5 < 2 ? 255 : 0));
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  const data = { n, pixels: 9, images, labels, pixelIndex: new Int32Array(9).map((_, i) => i) };
  const trainer = createTrainer(data, { outputs: 3, epochs: 1, seed: 1 });
  await trainer.train({ maxImages: 6 });
  const specs: [string, unknown][] = [
    [CROSSBAR_MIME, crossbarSpec(xbar, { pixelIndex })],
    [
      DEVICE_MIME,
      deviceSpec(PRESETS['cbram-subquantum'], {
        cycles: 1,
        setPulses: 6,
        resetPulses: 5,
        devices: 2,
      }),
    ],
    [
      LEDGER_MIME,
      ledgerSpec([
        createLedger({ label: 'CBRAM' }).record('set', 'train', 10, 1e-12),
        createLedger({ label: 'RRAM' }).record('read', 'test', 3, 1e-10),
      ]),
    ],
    [LEDGER_MIME, ledgerSpec(createLedger({ label: 'one' }).record('set', 'train', 4, 1e-12))],
    [TRAINING_MIME, trainingParts(trainer, { status: 'running' }).spec],
    [
      PLOT_MIME,
      plot(
        [
          { name: 'a', x: [1, 2, 3], y: [1, NaN, 3], error: [0.1, 0.1, 0.2] },
          { name: 'b', x: [1, 2, 3], y: [2, 3, 4], mode: 'lines' },
        ],
        { y: { log: true, range: [0.5, 10] }, reference: [{ y: 2, label: '<b>ref</b>' }] },
      ).spec,
    ],
    [PLOT_MIME, plot({ name: '', x: ['CBRAM', 'PCM'], y: [1, 2] }, { type: 'bar' }).spec],
    [
      RASTER_MIME,
      raster([
        {
          label: 'before',
          neurons: 10,
          duration: 0.1,
          neuron: [0, 9, 3],
          time: [0.001, 0.05, 0.09],
        },
        { label: 'after', neurons: 3, duration: 0.1, neuron: [], time: [] },
      ]).spec,
    ],
  ];
  return specs.map(([m, s]) => [m, JSON.parse(JSON.stringify(s)) as Json]);
}

// ---------------------------------------------------------------------------------------------
// Hostile values.

/** Nested arrays and objects `depth` deep, built without recursion. */
function nested(depth: number): Json {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { version: 1, kind: 'plot', a: v };
  return v;
}

/** Objects with the keys JSON.parse turns into own properties that look like prototypes. */
const POLLUTED = [
  JSON.parse('{"__proto__": {"version": 1, "kind": "plot", "rows": 3}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}, "__proto__": null}'),
  JSON.parse('{"__proto__": [1, 2, 3], "length": 1e9, "toString": "x", "valueOf": 3}'),
  Object.create({ version: 1, kind: 'crossbar', rows: 2, cols: 2, shape: [2, 2] }),
];

/** Shared big arrays (read only), one past the point and history limits. */
const BIG_POINTS = new Array(BUDGET.POINTS + 1).fill(1);
const BIG_HISTORY = new Array(BUDGET.HISTORY_POINTS + 1).fill(0);
const SHARED = new WeakSet<object>([...POLLUTED, BIG_POINTS, BIG_HISTORY]);

const dims = fc.oneof(
  fc.nat({ max: 8 }),
  fc.constantFrom(1024, 65536, 65537, 2 ** 24, 2 ** 31, 2 ** 32, 2 ** 53, 1e308),
  fc.constantFrom(-1, -0, 0.5, NaN, Infinity, -Infinity),
);

/** An encoded array whose shape may be huge and whose data is tiny, or not base64 at all. */
const encoded = fc.record({
  dtype: fc.constantFrom('float32', 'float64', 'int32', 'uint8', 'int8', '', null),
  shape: fc.oneof(fc.array(dims, { maxLength: 10 }), fc.constant(null), fc.constant('[2]')),
  encoding: fc.constantFrom('base64', 'hex', undefined),
  byteOrder: fc.constantFrom('little', 'big', undefined),
  data: fc.oneof(
    fc.base64String({ maxLength: 48 }),
    fc.string({ maxLength: 24 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom('', '====', 'AA==AA==', ' \n\t', 'AAAA'.repeat(1000), null),
  ),
});

const hostile: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Json>(NaN, Infinity, -Infinity, -1, 0, -0, 0.5, 1e9) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Json>(2 ** 31, 2 ** 32, 2 ** 53 + 2, 1e308, -1e308, 65537, 1025),
  },
  { weight: 3, arbitrary: fc.constantFrom<Json>(null, undefined, true, '', '1', 'NaN', [], {}) },
  { weight: 2, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 }) },
  { weight: 2, arbitrary: fc.double() },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc
      .nat({ max: 200_000 })
      .map((k) => '<script>alert(1)</script>'.repeat(1 + Math.floor(k / 25))),
  },
  { weight: 1, arbitrary: fc.nat({ max: 50_000 }).map(nested) },
  { weight: 1, arbitrary: fc.constantFrom(...POLLUTED) },
  { weight: 1, arbitrary: fc.constantFrom<Json>(BIG_POINTS, BIG_HISTORY) },
  { weight: 3, arbitrary: encoded },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.double(), fc.constant(null)), { maxLength: 8 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);

const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'length', 'hasOwnProperty'];

// ---------------------------------------------------------------------------------------------
// Mutating a real payload.

/** Keys of an object, or the first `max` indices of an array (without listing a huge one). */
function keysOf(x: object, max: number): string[] {
  if (!Array.isArray(x)) return Object.keys(x).slice(0, max);
  return Array.from({ length: Math.min(x.length, max) }, (_, i) => String(i));
}

/**
 * Places in `v` (object keys and array indices), breadth first, at most `max`; the shared
 * hostile constants are values to put in, never places to change.
 */
function places(v: Json, max = 2000): { parent: Record<string, Json>; key: string }[] {
  const out: { parent: Record<string, Json>; key: string }[] = [];
  const queue: Json[] = [v];
  for (let q = 0; q < queue.length && out.length < max; q++) {
    const x = queue[q];
    if (typeof x !== 'object' || x === null || SHARED.has(x)) continue;
    const parent = x as Record<string, Json>;
    for (const key of keysOf(x, max - out.length)) {
      out.push({ parent, key });
      queue.push(parent[key]);
    }
  }
  return out;
}

const mutation = fc.record({
  at: fc.nat(),
  op: fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), value: hostile }),
    fc.record({ kind: fc.constant('delete' as const) }),
    fc.record({
      kind: fc.constant('add' as const),
      key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })),
      value: hostile,
    }),
  ),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(base: Json, mutations: Mutation[]): Json {
  const v = structuredClone(base);
  for (const m of mutations) {
    const all = places(v);
    if (all.length === 0) break;
    const { parent, key } = all[m.at % all.length]!;
    if (m.op.kind === 'replace') parent[key] = m.op.value;
    else if (m.op.kind === 'delete') delete parent[key];
    else {
      const target = parent[key];
      if (typeof target === 'object' && target !== null && !SHARED.has(target)) {
        try {
          // An own property, as JSON.parse makes it (assigning __proto__ would not).
          Object.defineProperty(target, m.op.key, {
            value: m.op.value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } catch {
          // An array's length cannot be redefined: no mutation this time.
        }
      }
    }
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// The promise, checked for one input.

const FIELD_PATH = /^[A-Za-z]+(\[\d+\])*(\.[A-Za-z]+(\[\d+\])*)*: \S/;
const SENTENCE = /^(The|This) /;
const RAW =
  /TypeError|RangeError|SyntaxError|ReferenceError|Cannot read|is not a function|is not iterable|\[object |Invalid (typed )?array|\bundefined\b/;

function assertPayloadError(e: unknown): void {
  if (!(e instanceof PayloadError)) {
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    assert.fail(`not a PayloadError: ${text}`);
  }
  const m = e.message;
  assert.ok(m.length > 0 && m.length <= 1000, `message length ${m.length}: ${m.slice(0, 200)}`);
  assert.ok(FIELD_PATH.test(m) || SENTENCE.test(m), `message shape: ${m.slice(0, 200)}`);
  // JSON.parse describes the text it was given; anything else must be our own words.
  const own = m.startsWith('The payload is not valid JSON: ') ? '' : m;
  assert.doesNotMatch(own, RAW, 'raw JavaScript error text');
}

const TYPED = ['Float32Array', 'Float64Array', 'Int32Array', 'Uint8Array', 'Int8Array'] as const;

/** Run `f`, counting the bytes of every typed array constructed meanwhile. */
function counting<T>(f: () => T): { value: T; bytes: number } {
  const g = globalThis as unknown as Record<string, unknown>;
  const originals = TYPED.map((name) => g[name]);
  let bytes = 0;
  TYPED.forEach((name, i) => {
    g[name] = new Proxy(originals[i] as new (...a: unknown[]) => ArrayBufferView, {
      construct(target, args, newTarget) {
        const a = Reflect.construct(target, args, newTarget) as ArrayBufferView;
        // A view on an existing buffer allocates nothing.
        if (!(args[0] instanceof ArrayBuffer)) bytes += a.byteLength;
        return a;
      },
    });
  });
  try {
    return { value: f(), bytes };
  } finally {
    TYPED.forEach((name, i) => (g[name] = originals[i]));
  }
}

/** Characters of all strings in `v` (iteratively: inputs may be nested very deep). */
function stringChars(v: Json): number {
  let n = 0;
  const stack: Json[] = [v];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'string') n += x.length;
    else if (Array.isArray(x) && !seen.has(x)) {
      seen.add(x);
      for (let i = 0; i < x.length; i++)
        if (typeof x[i] === 'object' || typeof x[i] === 'string') stack.push(x[i]);
    } else if (typeof x === 'object' && x !== null && !seen.has(x)) {
      seen.add(x);
      for (const key of Object.keys(x)) stack.push((x as Record<string, Json>)[key]);
    }
  }
  return n;
}

const VIEWS: MapView[] = [
  {},
  { view: 'fields' },
  { view: 'fields', units: 'weight' },
  { units: 'conductance', maxCells: 4 },
  { units: 'weight', maxCells: 1e12 },
  { maxCells: NaN },
  { view: 'map', maxCells: -3 },
];

/** Statistics of a fuzz run, so the tests can show they reached both outcomes. */
interface Tally {
  payloads: number;
  errors: number;
}

/** The whole promise for one (mime, data): see the file comment. */
function check(mime: string, data: Json, tally: Tally, views: MapView[] = VIEWS): void {
  const input = stringChars(data);
  const read = counting(() => {
    try {
      return readPayload(mime, data);
    } catch (e) {
      assertPayloadError(e);
      return null;
    }
  });
  const payload: Payload | null = read.value;
  assert.ok(
    read.bytes <= 0.75 * input + 16,
    `reading allocated ${read.bytes} bytes for ${input} characters`,
  );
  // parsePayload is the same, wrapped: never a cause (an internal error).
  const parsed = parsePayload(mime, data);
  assert.equal(parsed.ok, payload !== null);
  if (!parsed.ok) assert.ok(!('cause' in parsed), parsed.error);
  if (payload === null) {
    tally.errors++;
    return;
  }
  tally.payloads++;
  for (const view of views) {
    const size = figureSize(payload, view);
    const drawn = counting(() => {
      try {
        return figureFor(payload, view.units === 'weight' ? DARK : LIGHT, view);
      } catch (e) {
        assertPayloadError(e);
        return null;
      }
    });
    if (drawn.value === null) {
      assert.ok(size > BUDGET.FIGURE_VALUES || drawn.bytes === 0, 'refused after allocating');
      continue;
    }
    assert.ok(size <= BUDGET.FIGURE_VALUES, `figure of ${size} values was built`);
    const values = measure(drawn.value);
    assert.ok(values <= size, `figure holds ${values} values, announced ${size}`);
    assert.ok(
      drawn.bytes <= 4 * size + 64,
      `drawing allocated ${drawn.bytes} bytes for ${size} values`,
    );
  }
}

const SEED = 20_240_610;

// ---------------------------------------------------------------------------------------------

test('fuzz: mutated kernel payloads give a figure or a clear error, within the budget', async () => {
  const bases = await basePayloads();
  const tally: Tally = { payloads: 0, errors: 0 };
  fc.assert(
    fc.property(
      fc.nat({ max: bases.length - 1 }),
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      fc.nat({ max: 9 }),
      (which, mutations, form) => {
        const [mime, base] = bases[which]!;
        const data = mutate(base, mutations);
        // Mostly the object JupyterLab hands over; sometimes the JSON text, whole or cut.
        let sent: Json = data;
        if (form >= 7) {
          let text: string | undefined;
          try {
            text = JSON.stringify(data);
          } catch {
            text = undefined; // too deep to write: send the object
          }
          if (text !== undefined) sent = form === 9 ? text.slice(0, text.length >> 1) : text;
        }
        check(mime, sent, tally);
      },
    ),
    { seed: SEED, numRuns: 4000, includeErrorInReport: true },
  );
  // Both outcomes were reached: the mutations do not only break payloads.
  assert.ok(tally.payloads > 100 && tally.errors > 100, JSON.stringify(tally));
});

test('fuzz: random values, for every MIME type and for strange ones', () => {
  const tally: Tally = { payloads: 0, errors: 0 };
  const mimes = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...MIME_TYPES) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'application/vnd.cbram.crossbar.v2+json',
        'application/vnd.cbram.__proto__.v1+json',
        'application/vnd.cbram.constructor.v1+json',
        'text/plain',
        '',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
  const data = fc.oneof(
    { weight: 8, arbitrary: hostile },
    { weight: 2, arbitrary: fc.string({ maxLength: 64 }) },
    { weight: 1, arbitrary: fc.nat({ max: 50_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)) },
    {
      weight: 1,
      arbitrary: fc.nat({ max: 50_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"version":1,"kind":"plot","__proto__":{"series":[]}}',
        'null',
        '1e999',
        '{"version":1,"kind":"crossbar","map":{"__proto__":{"rows":2,"cols":2}}}',
      ),
    },
  );
  fc.assert(
    fc.property(mimes, data, (mime, d) => check(mime, d, tally)),
    { seed: SEED + 1, numRuns: 3000, includeErrorInReport: true },
  );
  assert.ok(tally.errors > 1000, JSON.stringify(tally));
});

test('fuzz: huge declared sizes with tiny data are refused before allocation', () => {
  const tally: Tally = { payloads: 0, errors: 0 };
  const side = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 64 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 70_000 }) },
  );
  const fieldSide = fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 64 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2048 }) },
  );
  const tiny = fc.record({
    dtype: fc.constantFrom('float32', 'int32', 'uint8'),
    encoding: fc.constant('base64'),
    data: fc.base64String({ maxLength: 64 }),
  });
  // Data that fits the declared shape when the map is small (so the payload is valid and the
  // receptive-field sizes decide), tiny data otherwise.
  const fill = (bytes: number, tinyData: string) =>
    bytes <= 1 << 16 ? Buffer.alloc(bytes).toString('base64') : tinyData;
  const crossbar = fc
    .record({
      rows: side,
      cols: side,
      width: fieldSide,
      height: fieldSide,
      values: tiny,
      pixelIndex: tiny,
      frozen: fc.option(tiny),
      fits: fc.boolean(),
    })
    .map((c) => {
      const data = (t: { data: string }, bytes: number) => ({
        encoding: 'base64',
        data: c.fits ? fill(bytes, t.data) : t.data,
      });
      return {
        version: 1,
        kind: 'crossbar',
        map: {
          rows: c.rows,
          cols: c.cols,
          quantity: 'weight',
          range: [-1, 1],
          values: {
            ...data(c.values, 4 * c.rows * c.cols),
            dtype: 'float32',
            shape: [c.rows, c.cols],
          },
          frozen: c.frozen && {
            ...data(c.frozen, c.rows * c.cols),
            dtype: 'uint8',
            shape: [c.rows, c.cols],
          },
          receptiveFields: {
            width: c.width,
            height: c.height,
            pixelIndex: { ...data(c.pixelIndex, 4 * c.rows), dtype: 'int32', shape: [c.rows] },
          },
        },
      };
    });
  const rasterOf = fc
    .array(fc.record({ n: fc.nat({ max: 2 ** 25 }), neurons: side, data: tiny }), {
      minLength: 1,
      maxLength: 20,
    })
    .map((panels) => ({
      version: 1,
      kind: 'raster',
      panels: panels.map((p) => ({
        neurons: p.neurons,
        duration: 1,
        neuron: { ...p.data, dtype: 'int32', shape: [p.n] },
        time: { ...p.data, dtype: 'float32', shape: [p.n] },
      })),
    }));
  fc.assert(
    fc.property(fc.oneof(crossbar, rasterOf), (spec) =>
      check(spec.kind === 'crossbar' ? CROSSBAR_MIME : RASTER_MIME, spec, tally),
    ),
    { seed: SEED + 2, numRuns: 3000, includeErrorInReport: true },
  );
  assert.ok(tally.errors > 1000 && tally.payloads > 100, JSON.stringify(tally));
});

test('fuzz: base64 with or without padding and with whitespace anywhere decodes the same', async () => {
  const bases = await basePayloads();
  const [, base] = bases.find(([m]) => m === CROSSBAR_MIME)!;
  const expected = readPayload(CROSSBAR_MIME, base);
  assert.equal(expected.kind, 'crossbar');
  const spaces = fc.array(
    fc.record({ at: fc.nat(), s: fc.constantFrom(' ', '\n', '\r\n', '\t', '\f', '   ') }),
    { maxLength: 12 },
  );
  fc.assert(
    fc.property(spaces, fc.boolean(), (inserts, unpad) => {
      const spec = structuredClone(base) as { map: { values: { data: string } } };
      let data = spec.map.values.data;
      if (unpad) data = data.replace(/=+$/, '');
      for (const { at, s } of inserts) {
        const i = at % (data.length + 1);
        data = data.slice(0, i) + s + data.slice(i);
      }
      spec.map.values.data = data;
      const got = readPayload(CROSSBAR_MIME, spec);
      assert.ok(got.kind === 'crossbar' && expected.kind === 'crossbar');
      assert.deepEqual(Array.from(got.map.values), Array.from(expected.map.values));
    }),
    { seed: SEED + 3, numRuns: 300, includeErrorInReport: true },
  );
});
