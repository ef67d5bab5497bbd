/**
 * From a MIME bundle entry to a checked, decoded payload — or a {@link PayloadError} that says
 * what is wrong. Nothing here throws anything else for any input.
 */
import { decodeArray } from './arrays';
import { Tally, fieldGridSize, fmt, withinBudget } from './budget';
import { PayloadError, Reader, describe } from './check';
import { problemMessage } from './error';
import type {
  CrossbarPayload,
  DevicePayload,
  LedgerPayload,
  MapData,
  Payload,
  PlotPayload,
  PlotSeries,
  RasterPanel,
  RasterPayload,
  TrainingHistory,
  TrainingPayload,
} from './types';

/** The payload kinds, in the order of their MIME types. */
export const KINDS = ['crossbar', 'device', 'ledger', 'training', 'plot', 'raster'] as const;
export type Kind = (typeof KINDS)[number];

/** `application/vnd.cbram.<kind>.v1+json`. */
export function mimeType(kind: Kind): string {
  return `application/vnd.cbram.${kind}.v1+json`;
}

/** Every MIME type the extension renders. */
export const MIME_TYPES = KINDS.map(mimeType);

const MIME = /^application\/vnd\.cbram\.([a-z]+)\.v(\d+)\+json$/;

/** Labels longer than this are cut (they are shown as text, never refused). */
const MAX_TEXT = 400;

/** Bound of indices that only position things (a train's device and cycle); nothing is allocated from them. */
const MAX_INDEX = 1_000_000;

/** A label from a payload: a string, cut to a sane length (it is always shown as text). */
function text(r: Reader, key: string, fallback = ''): string {
  const s = r.string(key, fallback);
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}

/**
 * The outcome of {@link parsePayload}: the payload, or the error panel's text; `cause` is set
 * when the error was not a {@link PayloadError} (a bug: log it for the report).
 */
export type Parsed = { ok: true; payload: Payload } | { ok: false; error: string; cause?: unknown };

/**
 * Check and decode the data of `mime` from a bundle: an object (JupyterLab parses `+json`
 * types), or a JSON string.
 *
 * @example
 * parsePayload('application/vnd.cbram.plot.v1+json', '{"version":1'); // { ok: false, error: 'The payload is not valid JSON: …' }
 */
export function parsePayload(mime: string, data: unknown): Parsed {
  try {
    return { ok: true, payload: readPayload(mime, data) };
  } catch (e) {
    const error = problemMessage(e, 'reading');
    return e instanceof PayloadError ? { ok: false, error } : { ok: false, error, cause: e };
  }
}

/**
 * {@link parsePayload} that throws: the checked payload, or a {@link PayloadError}. Anything
 * else it throws is a bug (the fuzz tests in test/reliability/payload.test.ts look for them).
 *
 * @example
 * readPayload('application/vnd.cbram.plot.v1+json', {}); // throws PayloadError: version: expected 1 …
 */
export function readPayload(mime: string, data: unknown): Payload {
  if (typeof mime !== 'string')
    throw new PayloadError(`The MIME type ${describe(mime)} is not one this extension draws.`);
  const m = MIME.exec(mime);
  if (!m || !(KINDS as readonly string[]).includes(m[1]!))
    throw new PayloadError(`The MIME type ${describe(mime)} is not one this extension draws.`);
  const kind = m[1] as Kind;
  if (m[2] !== '1')
    throw new PayloadError(
      `This extension draws version 1 of ${kind} payloads; the output is version ${m[2]}. Update CBRAM Lab's JupyterLab extension.`,
    );
  let value = data;
  if (typeof data === 'string') {
    withinBudget('payload', data.length, 'JSON_CHARS', `${fmt(data.length)} characters`);
    try {
      value = JSON.parse(data);
    } catch (e) {
      throw new PayloadError(
        e instanceof SyntaxError
          ? `The payload is not valid JSON: ${e.message.slice(0, 200)}`
          : 'The payload is nested too deeply to read as JSON.',
      );
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PayloadError(`The payload is not a JSON object: got ${describe(value)}.`);
  const r = Reader.of(value, '');
  if (r.raw('version') !== 1)
    throw new PayloadError(
      `version: expected 1 (this extension draws version 1 of ${kind} payloads), got ${describe(r.raw('version'))}`,
    );
  const k = r.raw('kind');
  if (k !== kind) throw new PayloadError(`kind: expected "${kind}", got ${describe(k)}`);
  switch (kind) {
    case 'crossbar':
      return crossbar(r);
    case 'device':
      return device(r);
    case 'ledger':
      return ledger(r);
    case 'training':
      return training(r);
    case 'plot':
      return plot(r);
    case 'raster':
      return raster(r);
  }
}

/** A map (crossbar or training). */
export function parseMap(r: Reader): MapData {
  const rows = r.int('rows', 1, 'SIDE');
  const cols = r.int('cols', 1, 'SIDE');
  withinBudget(
    r.path,
    rows * cols,
    'MAP_CELLS',
    `${fmt(rows)} × ${fmt(cols)} is ${fmt(rows * cols)} cells`,
  );
  const fields = r.optionalObject('receptiveFields');
  let width = 0;
  let height = 0;
  if (fields) {
    // The grid is drawn from these sizes alone: check it before decoding anything.
    width = fields.int('width', 1, 'FIELD_SIDE');
    height = fields.int('height', 1, 'FIELD_SIDE');
    const g = fieldGridSize(cols, width, height);
    withinBudget(
      fields.path,
      g.W * g.H,
      'FIELD_GRID_CELLS',
      `${fmt(cols)} fields of ${fmt(width)} × ${fmt(height)} pixels make a grid of ${fmt(g.W * g.H)} cells`,
    );
  }
  const quantity = r.oneOf('quantity', ['conductance', 'weight'] as const);
  const range = r.range('range');
  const shape = [rows, cols];
  const values = decodeArray(r, 'values', 'float32', shape);
  const weight = r.optionalObject('weight');
  let f: MapData['fields'] = null;
  if (fields) {
    const pixelIndex = decodeArray(fields, 'pixelIndex', 'int32', [rows]);
    for (let i = 0; i < rows; i++)
      if (pixelIndex[i]! < 0 || pixelIndex[i]! >= width * height)
        throw new PayloadError(
          `${fields.path}.pixelIndex[${i}]: ${pixelIndex[i]} is outside the ${width} × ${height} image`,
        );
    f = { pixelIndex, width, height };
  }
  return {
    rows,
    cols,
    quantity,
    range,
    values,
    frozen: r.has('frozen') ? decodeArray(r, 'frozen', 'uint8', shape) : null,
    stuck: r.has('stuck') ? decodeArray(r, 'stuck', 'uint8', shape) : null,
    weight: weight ? { wMin: weight.number('wMin'), wMax: weight.number('wMax') } : null,
    fields: f,
  };
}

function crossbar(r: Reader): CrossbarPayload {
  const c = r.optionalObject('counters');
  return {
    kind: 'crossbar',
    title: text(r, 'title', 'Crossbar'),
    device: text(r, 'device', ''),
    map: parseMap(r.object('map')),
    counters: c
      ? {
          setPulses: c.number('setPulses'),
          resetPulses: c.number('resetPulses'),
          reads: c.has('reads') ? c.number('reads') : 0,
        }
      : null,
  };
}

function device(r: Reader): DevicePayload {
  const d = r.object('device');
  const resp = r.object('response');
  const e = r.object('pulseEnergy');
  const points = new Tally('POINTS', 'points in the trains');
  const trains = resp.objects('trains', 'TRAINS').map((t) => {
    points.add(`${t.path}.conductance`, t.lengthOf('conductance'));
    return {
      device: t.int('device', 0, MAX_INDEX),
      cycle: t.int('cycle', 0, MAX_INDEX),
      direction: t.oneOf('direction', ['set', 'reset'] as const),
      conductance: t.numbers('conductance', 'POINTS'),
    };
  });
  return {
    kind: 'device',
    title: text(r, 'title', 'Device'),
    deviceName: text(d, 'name', 'device'),
    gMin: d.number('gMin'),
    gMax: d.number('gMax'),
    cycles: resp.int('cycles', 0, MAX_INDEX),
    setPulses: resp.int('setPulses', 0, MAX_INDEX),
    resetPulses: resp.int('resetPulses', 0, MAX_INDEX),
    trains,
    pulseEnergy: { set: e.number('set'), reset: e.number('reset'), read: e.number('read') },
  };
}

function ledger(r: Reader): LedgerPayload {
  const kinds = r.strings('kinds', 'LEDGER_KINDS');
  const phases = r.strings('phases', 'LEDGER_PHASES');
  const cells = kinds.length * phases.length;
  const all = r.objects('ledgers', 'LEDGERS');
  withinBudget(
    'ledgers',
    all.length * cells,
    'LEDGER_CELLS',
    `${fmt(all.length)} ledgers × ${fmt(kinds.length)} kinds × ${fmt(phases.length)} phases is ${fmt(all.length * cells)} cells`,
  );
  const ledgers = all.map((l) => {
    const counts = l.numbers('counts', cells);
    const joules = l.numbers('joules', cells);
    if (counts.length !== cells || joules.length !== cells)
      throw new PayloadError(
        `${l.path}: expected ${cells} cells (${kinds.length} kinds × ${phases.length} phases), got ${counts.length} counts and ${joules.length} joules`,
      );
    return { label: text(l, 'label', ''), counts, joules, total: l.number('total') };
  });
  if (ledgers.length === 0) throw new PayloadError('ledgers: expected at least one ledger');
  return {
    kind: 'ledger',
    title: text(r, 'title', 'Energy'),
    kinds: kinds.map((s) => s.slice(0, MAX_TEXT)),
    phases: phases.map((s) => s.slice(0, MAX_TEXT)),
    ledgers,
    scale: r.oneOf('scale', ['linear', 'log'] as const, 'linear'),
  };
}

const HISTORY_KEYS: (keyof TrainingHistory)[] = [
  'imagesDone',
  'runningAccuracy',
  'imagesPerSecond',
  'setPulses',
  'resetPulses',
  'energy',
  'elapsed',
];

function training(r: Reader): TrainingPayload {
  const c = r.object('config');
  const p = r.object('progress');
  const h = r.object('history');
  const history = {} as TrainingHistory;
  for (const k of HISTORY_KEYS) history[k] = h.numbers(k, 'HISTORY_POINTS');
  const n = history.imagesDone.length;
  for (const k of HISTORY_KEYS)
    if (history[k].length !== n)
      throw new PayloadError(
        `history.${k}: expected ${n} points like history.imagesDone, got ${history[k].length}`,
      );
  return {
    kind: 'training',
    title: text(r, 'title', 'Training'),
    status: text(r, 'status', ''),
    config: {
      outputs: c.int('outputs', 1, 'SIDE'),
      inputs: c.int('inputs', 1, 'SIDE'),
      rule: text(c, 'rule', ''),
      device: text(c, 'device', ''),
    },
    progress: {
      epoch: p.number('epoch'),
      epochs: p.number('epochs'),
      imagesDone: p.number('imagesDone'),
      imagesTotal: p.number('imagesTotal'),
      imagesPerSecond: p.number('imagesPerSecond'),
      runningAccuracy: p.number('runningAccuracy'),
      setPulses: p.number('setPulses'),
      resetPulses: p.number('resetPulses'),
      energy: p.number('energy'),
      frozenFraction: p.has('frozenFraction') ? p.number('frozenFraction') : 0,
    },
    history,
    map: r.has('map') ? parseMap(r.object('map')) : null,
    mapHeld: r.boolean('mapHeld', false),
    raster: r.has('raster')
      ? rasterPanel(r.object('raster'), 'last image', new Tally('SPIKES', 'spikes'))
      : null,
  };
}

function plot(r: Reader): PlotPayload {
  const x = r.object('x');
  const y = r.object('y');
  const points = new Tally('POINTS', 'points in the series');
  const series: PlotSeries[] = r.objects('series', 'SERIES').map((s) => {
    points.add(`${s.path}.y`, s.lengthOf('y'));
    const xs = s.raw('x');
    const xv =
      Array.isArray(xs) && xs.some((v) => typeof v === 'string')
        ? s.strings('x', 'POINTS').map((v) => v.slice(0, MAX_TEXT))
        : s.numbers('x', 'POINTS');
    const yv = s.numbersOrNull('y', 'POINTS');
    if (xv.length !== yv.length)
      throw new PayloadError(`${s.path}: x has ${xv.length} values but y has ${yv.length}`);
    const error = s.has('error') ? s.numbers('error', 'POINTS') : null;
    if (error && error.length !== yv.length)
      throw new PayloadError(`${s.path}.error: expected ${yv.length} values, got ${error.length}`);
    return {
      name: text(s, 'name', ''),
      x: xv,
      y: yv,
      mode: s.oneOf('mode', ['lines', 'markers', 'lines+markers'] as const, 'lines+markers'),
      error,
    };
  });
  if (series.length === 0) throw new PayloadError('series: expected at least one series');
  const reference = r.has('reference')
    ? r
        .objects('reference', 'REFERENCES')
        .map((f) => ({ y: f.number('y'), label: text(f, 'label', '') }))
    : [];
  return {
    kind: 'plot',
    title: text(r, 'title', ''),
    type: r.oneOf('type', ['line', 'bar'] as const, 'line'),
    stacked: r.boolean('stacked', false),
    x: { label: text(x, 'label', ''), log: x.boolean('log', false) },
    y: {
      label: text(y, 'label', ''),
      log: y.boolean('log', false),
      range: y.has('range') ? y.range('range') : null,
    },
    series,
    reference,
  };
}

function rasterPanel(p: Reader, fallbackLabel: string, spikes: Tally): RasterPanel {
  const neurons = p.int('neurons', 1, 'SIDE');
  const n = Reader.of(p.raw('neuron'), `${p.path}.neuron`).numbers('shape', 1)[0];
  // Before decoding: the spikes of all panels so far (each array is also checked on its own).
  if (n !== undefined && Number.isInteger(n) && n >= 0) spikes.add(`${p.path}.neuron`, n);
  const neuron = decodeArray(p, 'neuron', 'int32', n === undefined ? undefined : [n]);
  const time = decodeArray(p, 'time', 'float32', [neuron.length]);
  for (let i = 0; i < neuron.length; i++)
    if (neuron[i]! < 0 || neuron[i]! >= neurons)
      throw new PayloadError(`${p.path}.neuron[${i}]: ${neuron[i]} is not in 0 … ${neurons - 1}`);
  return {
    label: text(p, 'label', fallbackLabel),
    neurons,
    duration: p.number('duration'),
    neuron,
    time,
  };
}

function raster(r: Reader): RasterPayload {
  const spikes = new Tally('SPIKES', 'spikes');
  const panels = r
    .objects('panels', 'PANELS')
    .map((p, i) => rasterPanel(p, `panel ${i + 1}`, spikes));
  if (panels.length === 0) throw new PayloadError('panels: expected at least one panel');
  return { kind: 'raster', title: text(r, 'title', 'Spikes'), panels };
}
