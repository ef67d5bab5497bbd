/**
 * The renderer's budget: the largest real payloads fit, every limit refuses with a message that
 * names the field, the value and the limit, before anything is allocated, and base64 is read as
 * the standard allows (padding, whitespace).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCrossbar } from '../../src/crossbar/crossbar';
import { PRESETS } from '../../src/device/presets';
import { createTrainer } from '../../src/learning/trainer';
import { crossbarSpec, CROSSBAR_MIME } from '../../kernel/display/crossbar';
import { deviceSpec, DEVICE_MIME } from '../../kernel/display/device';
import { ProgressHistory, trainingParts, TRAINING_MIME } from '../../kernel/display/training';
import { parsePayload, readPayload, type Parsed } from '../../extension/src/payload/parse';
import { BUDGET, fieldGridSize, type Limit } from '../../extension/src/payload/budget';
import { decodeBase64 } from '../../extension/src/payload/base64';
import { PayloadError, problemMessage } from '../../extension/src/payload/error';
import type { MapData, Payload } from '../../extension/src/payload/types';
import { LIGHT, figureFor, figureSize } from '../../extension/src/figures';
import { mapTraces } from '../../extension/src/figures/map';
import { measure } from './measure';

const PLOT_MIME = 'application/vnd.cbram.plot.v1+json';
const RASTER_MIME = 'application/vnd.cbram.raster.v1+json';
const LEDGER_MIME = 'application/vnd.cbram.ledger.v1+json';

function wire<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function ok(p: Parsed): Payload {
  if (!p.ok) assert.fail(`expected a payload, got the error: ${p.error}`);
  return p.payload;
}

/** The error names `limit` with its value, and the field `path`. */
function refused(p: Parsed, path: string, limit: Limit): string {
  assert.equal(p.ok, false, `expected ${limit} to refuse the payload`);
  if (p.ok) return '';
  assert.ok(!('cause' in p), `not a payload error: ${p.error}`);
  const value = BUDGET[limit].toLocaleString('en-US');
  assert.ok(p.error.startsWith(`${path}: `), `field ${path} in: ${p.error}`);
  assert.ok(p.error.includes(`at most ${value} `), `value ${value} in: ${p.error}`);
  assert.ok(p.error.endsWith(`(limit ${limit})`), `limit ${limit} in: ${p.error}`);
  return p.error;
}

function enc(a: Int32Array | Float32Array | Uint8Array, dtype: string, shape = [a.length]) {
  return {
    dtype,
    shape,
    encoding: 'base64',
    byteOrder: 'little',
    data: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64'),
  };
}

test('the largest real payloads fit: 397 × 500 with 28 × 28 fields, 1024 × 1024, a 3-epoch dashboard', async () => {
  const pixelIndex = new Int32Array(397).map((_, i) => Math.floor((i * 784) / 397));
  const paper = createCrossbar({ rows: 397, cols: 500, seed: 1 });
  const p = ok(parsePayload(CROSSBAR_MIME, wire(crossbarSpec(paper, { pixelIndex }))));
  for (const view of ['map', 'fields'] as const) {
    const fig = figureFor(p, LIGHT, { view });
    assert.ok(measure(fig) <= figureSize(p, { view }));
    assert.ok(figureSize(p, { view }) <= BUDGET.FIGURE_VALUES);
  }
  const g = fieldGridSize(500, 28, 28);
  assert.deepEqual([g.W, g.H], [666, 637]);
  assert.ok(4 * g.W * g.H <= BUDGET.FIELD_GRID_CELLS, 'four times the paper fits the field grid');

  const big = createCrossbar({ rows: 1024, cols: 1024, seed: 2 });
  const q = ok(parsePayload(CROSSBAR_MIME, wire(crossbarSpec(big))));
  assert.ok(measure(figureFor(q, LIGHT)) <= figureSize(q));

  // The dashboard at the paper's size, with the history the kernel keeps over 3 epochs of
  // 60,000 images (thinned to under 512 points) and the last image's spikes.
  const n = 4;
  const images = new Uint8Array(n * 397).map((_, i) => ((i * 13) % 7 < 3 ? 255 : 0));
  const data = { n, pixels: 397, images, labels: new Uint8Array(n), pixelIndex };
  const t = createTrainer(data, { outputs: 500, epochs: 1, seed: 1 });
  await t.train({ maxImages: 2 });
  const history = new ProgressHistory();
  const progress = t.progress();
  for (let i = 1; i <= 3 * 60000; i += 7)
    history.push({ ...progress, imagesDone: i, elapsed: i / 1000 });
  const spec = wire(trainingParts(t, { history: history.toJSON() }).spec);
  const d = ok(parsePayload(TRAINING_MIME, spec));
  assert.ok(d.kind === 'training' && d.history.imagesDone.length < 512 && d.raster !== null);
  for (const view of ['map', 'fields'] as const)
    assert.ok(measure(figureFor(d, LIGHT, { view })) <= figureSize(d, { view }));

  // Device curves: 10 cycles of 10 devices at the default train length.
  const dev = ok(
    parsePayload(
      DEVICE_MIME,
      wire(deviceSpec(PRESETS['cbram-subquantum'], { cycles: 10, devices: 10 })),
    ),
  );
  assert.ok(dev.kind === 'device' && dev.trains.length === 200);
  assert.ok(measure(figureFor(dev, LIGHT)) <= figureSize(dev));
});

test("the hostile tester's payload: a 1 × 1024 map with 1024 × 1024 fields is refused before decoding", () => {
  const spec = wire(crossbarSpec(createCrossbar({ rows: 1, cols: 1024 }))) as unknown as {
    map: Record<string, unknown>;
  };
  spec.map.receptiveFields = {
    width: 1024,
    height: 1024,
    // Not even valid base64: the size check comes first, so nothing is decoded.
    pixelIndex: { dtype: 'int32', shape: [1], encoding: 'base64', byteOrder: 'little', data: '!' },
  };
  assert.ok(JSON.stringify(spec).length < 10_000);
  const message = refused(
    parsePayload(CROSSBAR_MIME, spec),
    'map.receptiveFields',
    'FIELD_GRID_CELLS',
  );
  assert.match(message, /1,024 fields of 1,024 × 1,024 pixels make a grid of 1,075,774,401 cells/);
  // A map built by other code is checked again by the figure, before its grids are allocated.
  const map: MapData = {
    rows: 1,
    cols: 1024,
    quantity: 'weight',
    range: [-1, 1],
    values: new Float32Array(1024),
    frozen: null,
    stuck: null,
    weight: null,
    fields: { pixelIndex: new Int32Array(1), width: 1024, height: 1024 },
  };
  assert.throws(
    () => mapTraces(map, LIGHT, { view: 'fields' }),
    (e: unknown) => e instanceof PayloadError && /limit FIELD_GRID_CELLS/.test(e.message),
  );
});

test('every limit, one past it: the message names the field, the value and the limit', () => {
  const f32 = (n: number) => enc(new Float32Array(n), 'float32');
  const i32 = (n: number) => enc(new Int32Array(n), 'int32');
  const plot = (series: unknown[], extra: Record<string, unknown> = {}) => ({
    version: 1,
    kind: 'plot',
    x: {},
    y: {},
    series,
    ...extra,
  });
  const panel = (n: number) => ({ neurons: 1, duration: 1, neuron: i32(n), time: f32(n) });
  const ledger = (kinds: number, phases: number, ledgers: number) => ({
    version: 1,
    kind: 'ledger',
    kinds: Array.from({ length: kinds }, (_, i) => `k${i}`),
    phases: Array.from({ length: phases }, (_, i) => `p${i}`),
    ledgers: Array.from({ length: ledgers }, () => ({
      counts: new Array(kinds * phases).fill(0),
      joules: new Array(kinds * phases).fill(0),
      total: 0,
    })),
  });
  const dev = wire(deviceSpec(PRESETS['cbram-subquantum'], { cycles: 1 }));
  const train = dev.response.trains[0]!;
  const devWith = (trains: unknown[]) => ({ ...dev, response: { ...dev.response, trains } });
  const half = new Array(BUDGET.POINTS / 2 + 1).fill(1e-6);
  const history = (n: number) => {
    const h: Record<string, number[]> = {};
    for (const k of [
      'imagesDone',
      'runningAccuracy',
      'imagesPerSecond',
      'setPulses',
      'resetPulses',
      'energy',
      'elapsed',
    ])
      h[k] = new Array(n).fill(0);
    return h;
  };
  const xbar = wire(crossbarSpec(createCrossbar({ rows: 2, cols: 2 }))) as unknown as {
    map: Record<string, unknown>;
  };
  const tr = {
    version: 1,
    kind: 'training',
    config: { outputs: 1, inputs: 1 },
    progress: {},
    history: history(BUDGET.HISTORY_POINTS + 1),
  };
  const cases: [string, unknown, string, Limit][] = [
    [CROSSBAR_MIME, { ...xbar, map: { ...xbar.map, cols: BUDGET.SIDE + 1 } }, 'map.cols', 'SIDE'],
    [CROSSBAR_MIME, { ...xbar, map: { ...xbar.map, rows: 8192, cols: 4096 } }, 'map', 'MAP_CELLS'],
    [
      CROSSBAR_MIME,
      {
        ...xbar,
        map: { ...xbar.map, receptiveFields: { width: BUDGET.FIELD_SIDE + 1, height: 1 } },
      },
      'map.receptiveFields.width',
      'FIELD_SIDE',
    ],
    [
      CROSSBAR_MIME,
      {
        ...xbar,
        map: {
          ...xbar.map,
          values: { ...(xbar.map.values as object), shape: new Array(9).fill(1) },
        },
      },
      'map.values.shape',
      'ARRAY_DIMS',
    ],
    [
      RASTER_MIME,
      { version: 1, kind: 'raster', panels: [{ neurons: BUDGET.SIDE + 1 }] },
      'panels[0].neurons',
      'SIDE',
    ],
    [
      RASTER_MIME,
      { version: 1, kind: 'raster', panels: new Array(BUDGET.PANELS + 1).fill(panel(1)) },
      'panels',
      'PANELS',
    ],
    [
      RASTER_MIME,
      {
        version: 1,
        kind: 'raster',
        panels: [panel(BUDGET.SPIKES / 2), panel(BUDGET.SPIKES / 2 + 1)],
      },
      'panels[1].neuron',
      'SPIKES',
    ],
    [
      CROSSBAR_MIME,
      {
        ...xbar,
        map: {
          ...xbar.map,
          values: { ...(xbar.map.values as object), shape: [BUDGET.ARRAY_ELEMENTS + 1] },
        },
      },
      'map.values.shape',
      'ARRAY_ELEMENTS',
    ],
    [DEVICE_MIME, devWith(new Array(BUDGET.TRAINS + 1).fill(train)), 'response.trains', 'TRAINS'],
    [
      DEVICE_MIME,
      devWith([
        { ...train, conductance: half },
        { ...train, conductance: half },
      ]),
      'response.trains[1].conductance',
      'POINTS',
    ],
    [PLOT_MIME, plot(new Array(BUDGET.SERIES + 1).fill({ x: [1], y: [1] })), 'series', 'SERIES'],
    [
      PLOT_MIME,
      plot([{ x: [1], y: [1] }], { reference: new Array(BUDGET.REFERENCES + 1).fill({ y: 1 }) }),
      'reference',
      'REFERENCES',
    ],
    [
      PLOT_MIME,
      plot([
        { x: half, y: half },
        { x: half, y: half },
      ]),
      'series[1].y',
      'POINTS',
    ],
    [LEDGER_MIME, ledger(BUDGET.LEDGER_KINDS + 1, 1, 1), 'kinds', 'LEDGER_KINDS'],
    [LEDGER_MIME, ledger(1, BUDGET.LEDGER_PHASES + 1, 1), 'phases', 'LEDGER_PHASES'],
    [LEDGER_MIME, ledger(1, 1, BUDGET.LEDGERS + 1), 'ledgers', 'LEDGERS'],
    [LEDGER_MIME, ledger(64, 64, 17), 'ledgers', 'LEDGER_CELLS'],
    [TRAINING_MIME, tr, 'history.imagesDone', 'HISTORY_POINTS'],
    [
      TRAINING_MIME,
      { ...tr, history: history(1), config: { outputs: BUDGET.SIDE + 1 } },
      'config.outputs',
      'SIDE',
    ],
  ];
  for (const [mime, spec, path, limit] of cases) refused(parsePayload(mime, spec), path, limit);
});

test('drawn cells: a view asking for more than DRAWN_CELLS gets block means within it', () => {
  const rows = 2048;
  const cols = 1024;
  const map: MapData = {
    rows,
    cols,
    quantity: 'weight',
    range: [-1, 1],
    values: new Float32Array(rows * cols),
    frozen: null,
    stuck: null,
    weight: null,
    fields: null,
  };
  for (const maxCells of [1e12, Infinity, NaN, -5, 0]) {
    const [z] = mapTraces(map, LIGHT, { maxCells });
    const grid = z!.z as Float32Array[];
    assert.ok(grid.length * grid[0]!.length <= BUDGET.DRAWN_CELLS, String(maxCells));
  }
  const [z] = mapTraces(map, LIGHT, { maxCells: 1e12 });
  assert.equal((z!.z as Float32Array[]).length, 1024); // 2 × 2 blocks: exactly DRAWN_CELLS
});

test('base64: padding, no padding and whitespace decode to the same bytes', () => {
  const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253]);
  const padded = Buffer.from(bytes).toString('base64'); // 'AAEC+vv8/Q=='
  for (const data of [
    padded,
    padded.replace(/=/g, ''),
    ` ${padded.slice(0, 5)}\n${padded.slice(5, 9)}\r\n\t${padded.slice(9)} `,
  ])
    assert.deepEqual(
      Array.from(decodeBase64(data, 'a.data', 7, '7 uint8 values')),
      Array.from(bytes),
    );
  // Through a whole payload: the kernel's arrays wrapped at 76 characters, as MIME tools do.
  const xbar = createCrossbar({ rows: 20, cols: 30, seed: 4 });
  const spec = wire(crossbarSpec(xbar)) as unknown as { map: { values: { data: string } } };
  spec.map.values.data = spec.map.values.data.replace(/.{76}/g, '$&\n');
  const p = ok(parsePayload(CROSSBAR_MIME, spec));
  assert.ok(p.kind === 'crossbar');
  if (p.kind === 'crossbar') assert.deepEqual(Array.from(p.map.values), Array.from(xbar.g));
});

test('base64: what is not base64 gets a clear message, never a RangeError', () => {
  const cases: [string, number, RegExp][] = [
    [
      'AAEC+vv8/Q=',
      7,
      /^a\.data: 1 padding characters after 10 base64 characters; padding fills the last group of 4$/,
    ],
    ['AAEC+vv8/Q===', 7, /^a\.data: 3 padding characters/],
    ['AA==AAEC+vv8', 7, /^a\.data: padding "=" before position 4; it may only end the data$/],
    ['AAEC-vv8/Q==', 7, /^a\.data: character "-" at position 4 is not base64/],
    ['AAEC\u00e9vv8/Q==', 7, /^a\.data: character U\+00E9 at position 4 is not base64/],
    ['AAECA', 3, /^a\.data: 5 base64 characters is not a whole number of bytes$/],
    [
      'AAEC+vv8/Q==',
      8,
      /^a\.data: 10 base64 characters do not hold 8 uint8 values \(8 bytes; they hold 7\)$/,
    ],
    ['AAEC+vv8/QAAAA', 7, /do not hold 7 uint8 values \(7 bytes; they hold 10\)$/],
    ['AAAA', 1 << 20, /^a\.data: 4 base64 characters do not hold .* need at least 1,398,102\)$/],
  ];
  for (const [data, n, pattern] of cases)
    assert.throws(
      () => decodeBase64(data, 'a.data', n, `${n} uint8 values`),
      (e: unknown) => e instanceof PayloadError && pattern.test(e.message),
      data,
    );
  // Too little data behind a 7-value shape, in a whole payload (was a raw RangeError).
  const p = parsePayload(RASTER_MIME, {
    version: 1,
    kind: 'raster',
    panels: [
      {
        neurons: 1,
        duration: 1,
        neuron: { ...enc(new Int32Array(2), 'int32'), data: 'AAAAAAAAAA==' },
        time: enc(new Float32Array(2), 'float32'),
      },
    ],
  });
  assert.equal(p.ok, false);
  if (!p.ok)
    assert.match(
      p.error,
      /^panels\[0\]\.neuron\.data: 10 base64 characters do not hold 2 int32 values \(8 bytes; they hold 7\)$/,
    );
});

test('errors that are not payload errors are told plainly, without the raw JavaScript error', () => {
  const internal = problemMessage(
    new TypeError("Cannot read properties of null (reading 'x')"),
    'drawing',
  );
  assert.match(
    internal,
    /^CBRAM Lab's renderer hit an internal error while drawing this output\. This is a bug/,
  );
  assert.doesNotMatch(internal, /TypeError|Cannot read/);
  const memory = problemMessage(new RangeError('Array buffer allocation failed'), 'drawing');
  assert.equal(
    memory,
    'This output is too large for the page: the browser ran out of memory while drawing it.',
  );
  assert.equal(problemMessage(new PayloadError('a: b'), 'reading'), 'a: b');
  assert.throws(() => readPayload(PLOT_MIME, { version: 1, kind: 'plot' }), PayloadError);
});
