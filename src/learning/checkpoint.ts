/**
 * Checkpoints: the whole training state in one versioned, checksummed binary file, written
 * atomically (to a temporary file, flushed, then renamed over the target).
 *
 * Layout: the 8-byte magic "CBRAMCK1", a uint32 (little-endian) header length, the JSON header,
 * zero padding to 8 bytes, the typed-array blobs (each 8-byte aligned), and a SHA-256 of all the
 * preceding bytes. The header holds the config, counters, generator states, the energy ledger and
 * a fingerprint of the training data, so resuming on different data is refused.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { writeFileDurable } from '../core/durable';
import { CbramError } from '../core/errors';
import { formatValue } from '../core/format';
import { fail } from '../core/validate';
import type { RngState } from '../core/rng';
import type { Dataset } from '../data/mnist';
import { EnergyLedger } from '../energy';
import { DeviceSynapses, IdealSynapses } from '../network/synapses';
import { resolveDevice, type TrainConfig } from './config';
import { createTrainer, type Trainer } from './trainer';

const MAGIC = Buffer.from('CBRAMCK1', 'latin1');
export const CHECKPOINT_VERSION = 1;

type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
const CTORS = { Float32Array, Float64Array, Int32Array, Uint8Array } as const;
type BlobType = keyof typeof CTORS;

interface BlobEntry {
  name: string;
  type: BlobType;
  offset: number;
  length: number;
}

interface Header {
  format: 'cbram-lab-checkpoint';
  version: number;
  config: TrainConfig;
  data: { n: number; pixels: number; sha256: string };
  imagesDone: number;
  outputSpikes: number;
  biasOffset: number;
  updates: { ltp: number; ltd: number };
  runningCorrect: number;
  runningSeen: number;
  elapsedMs: number;
  streams: Record<string, RngState>;
  ledger: unknown;
  counters: unknown;
  frozenCount: number;
  /** The trainer's caller-owned records (results so far), restored on load. */
  records?: Record<string, unknown>;
  blobs: BlobEntry[];
}

/** SHA-256 of a dataset's shape, labels and images: identifies the training data. */
export function datasetFingerprint(d: Dataset): string {
  const h = crypto.createHash('sha256');
  h.update(`${d.n}x${d.pixels}`);
  h.update(d.labels);
  h.update(d.images);
  return h.digest('hex');
}

function blobsOf(t: Trainer): Array<[string, TypedArray]> {
  const out: Array<[string, TypedArray]> = [
    ['bias', t.bias],
    ['running', t.running],
    ['frozen', t.synapses.frozen],
  ];
  const s = t.synapses;
  if (s instanceof IdealSynapses) out.push(['w', s.w]);
  if (s instanceof DeviceSynapses) {
    const d = s.crossbar.devices;
    out.push(['g', d.g], ['lo', d.lo], ['span', d.span], ['scale', d.scale], ['stuck', d.stuck]);
  }
  if (t.pruner)
    out.push(
      ['prunerSpikes', t.pruner.spikes],
      ['prunerMatured', t.pruner.matured],
      ['prunerMaturedAt', t.pruner.maturedAt],
    );
  return out;
}

function streamsOf(
  t: Trainer,
): Record<string, { getState(): RngState; setState(s: RngState): unknown }> {
  const r: Record<string, { getState(): RngState; setState(s: RngState): unknown }> = {
    ...t.streams,
  };
  if (t.synapses instanceof DeviceSynapses) {
    r.c2c = t.synapses.crossbar.c2cRng;
    r.read = t.synapses.crossbar.readNoiseRng;
  }
  return r;
}

/**
 * Serialise a trainer's state to bytes.
 */
export function checkpointBytes(t: Trainer): Buffer {
  const blobs = blobsOf(t);
  const entries: BlobEntry[] = [];
  let off = 0;
  for (const [name, a] of blobs) {
    entries.push({ name, type: a.constructor.name as BlobType, offset: off, length: a.length });
    off += Math.ceil(a.byteLength / 8) * 8;
  }
  const streams: Record<string, RngState> = {};
  for (const [k, r] of Object.entries(streamsOf(t))) streams[k] = r.getState();
  const header: Header = {
    format: 'cbram-lab-checkpoint',
    version: CHECKPOINT_VERSION,
    config: { ...t.config, device: resolveDevice(t.config) },
    data: { n: t.data.n, pixels: t.data.pixels, sha256: datasetFingerprint(t.data) },
    imagesDone: t.imagesDone,
    outputSpikes: t.outputSpikes,
    biasOffset: t.biasOffset,
    updates: { ...t.updates },
    runningCorrect: t.runningCorrect,
    runningSeen: t.runningSeen,
    elapsedMs: t.internals.elapsedMs,
    streams,
    ledger: t.ledger.toJSON(),
    counters: t.synapses instanceof DeviceSynapses ? { ...t.synapses.crossbar.counters } : null,
    frozenCount: t.pruner?.frozenCount ?? 0,
    records: t.records,
    blobs: entries,
  };
  const json = Buffer.from(
    JSON.stringify(header, (_k, v) => (v === Infinity ? 'Infinity' : v)),
    'utf8',
  );
  const headPad = Math.ceil((12 + json.length) / 8) * 8;
  const body = Buffer.alloc(headPad + off);
  MAGIC.copy(body, 0);
  body.writeUInt32LE(json.length, 8);
  json.copy(body, 12);
  for (const [i, [, a]] of blobs.entries()) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(body, headPad + entries[i]!.offset);
  }
  const sum = crypto.createHash('sha256').update(body).digest();
  return Buffer.concat([body, sum]);
}

/**
 * Write a checkpoint durably and atomically ({@link writeFileDurable}): the file holds the whole
 * new state, or keeps the previous one and this throws E_IO (full disk, unwritable folder).
 *
 * @example
 * saveCheckpoint(trainer, 'results/run.ckpt');
 */
export function saveCheckpoint(t: Trainer, file: string): void {
  if (typeof file !== 'string' || file === '')
    fail('saveCheckpoint', 'file', file, 'a non-empty path string');
  writeFileDurable(file, checkpointBytes(t), 'saveCheckpoint');
}

/** JSON of a config, with the same encoding of Infinity as checkpoint headers. */
function canonical(config: TrainConfig): string {
  return JSON.stringify(config, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v));
}

function corrupt(message: string, file?: string): never {
  throw new CbramError('E_CHECKSUM', `loadCheckpoint: ${message}`, {
    fn: 'loadCheckpoint',
    param: 'file',
    value: file,
  });
}

/** A header field that fails the schema: E_DATA naming the field, the value and what is allowed. */
function malformed(field: string, value: unknown, allowed: string, file?: string): never {
  throw new CbramError(
    'E_DATA',
    `loadCheckpoint: ${file ? `${file}: ` : ''}header field ${field} must be ${allowed}, got ${formatValue(value)}; the checkpoint is malformed`,
    { fn: 'loadCheckpoint', param: field, value },
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Check a header read from disk against the schema; `blobBytes` is the room for blobs. */
function checkHeader(h: unknown, blobBytes: number, file?: string): Header {
  if (!isRecord(h)) return malformed('(root)', h, 'an object', file);
  const count = (field: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      malformed(field, v, 'an integer >= 0', file);
    return v;
  };
  const nonNegative = (field: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      malformed(field, v, 'a finite number >= 0', file);
    return v;
  };
  if (!isRecord(h.config)) malformed('config', h.config, 'an object', file);
  const d = h.data;
  if (!isRecord(d) || typeof d.sha256 !== 'string')
    malformed('data', d, 'a dataset fingerprint', file);
  count('data.n', d.n);
  count('data.pixels', d.pixels);
  count('imagesDone', h.imagesDone);
  count('outputSpikes', h.outputSpikes);
  if (typeof h.biasOffset !== 'number' || !Number.isFinite(h.biasOffset))
    malformed('biasOffset', h.biasOffset, 'a finite number', file);
  if (!isRecord(h.updates)) malformed('updates', h.updates, 'an object', file);
  nonNegative('updates.ltp', h.updates.ltp);
  nonNegative('updates.ltd', h.updates.ltd);
  const seen = nonNegative('runningSeen', h.runningSeen);
  if (nonNegative('runningCorrect', h.runningCorrect) > seen + 1e-9)
    malformed('runningCorrect', h.runningCorrect, `<= runningSeen (${seen})`, file);
  nonNegative('elapsedMs', h.elapsedMs);
  count('frozenCount', h.frozenCount);
  if (!isRecord(h.streams)) malformed('streams', h.streams, 'an object of generator states', file);
  if (h.counters !== null) {
    if (!isRecord(h.counters)) malformed('counters', h.counters, 'null or an object', file);
    for (const [k, v] of Object.entries(h.counters)) nonNegative(`counters.${k}`, v);
  }
  if (h.records !== undefined && !isRecord(h.records))
    malformed('records', h.records, 'an object', file);
  if (!Array.isArray(h.blobs)) malformed('blobs', h.blobs, 'an array', file);
  const names = new Set<string>();
  for (const [i, e] of (h.blobs as unknown[]).entries()) {
    if (!isRecord(e) || typeof e.name !== 'string')
      malformed(`blobs[${i}]`, e, 'a blob entry', file);
    if (names.has(e.name)) malformed(`blobs[${i}].name`, e.name, 'a name used once', file);
    names.add(e.name);
    if (typeof e.type !== 'string' || !Object.hasOwn(CTORS, e.type))
      malformed(`blobs[${i}].type`, e.type, Object.keys(CTORS).join(' | '), file);
    const offset = count(`blobs[${i}].offset`, e.offset);
    const length = count(`blobs[${i}].length`, e.length);
    if (offset % 8 !== 0) malformed(`blobs[${i}].offset`, offset, 'a multiple of 8', file);
    const end = offset + length * CTORS[e.type as BlobType].BYTES_PER_ELEMENT;
    if (end > blobBytes)
      malformed(
        `blobs[${i}]`,
        `${e.name}: bytes ${offset}..${end}`,
        `within the ${blobBytes} bytes of blobs`,
        file,
      );
  }
  return h as unknown as Header;
}

/**
 * Rebuild a trainer from checkpoint bytes and the same training data. The bytes must pass the
 * checksum and the header schema: every blob the configured trainer needs present and in range,
 * counters non-negative and consistent. Nothing is trusted because it hashes correctly.
 */
export function restoreCheckpoint(bytes: Uint8Array, data: Dataset, file?: string): Trainer {
  return restore(bytes, data, file, null);
}

/**
 * The configuration a checkpoint records for `t` (the device resolved to its full config), for
 * comparing runs: two trainers with equal `checkpointConfig` and the same data train alike.
 *
 * @example
 * JSON.stringify(checkpointConfig(a)) === JSON.stringify(checkpointConfig(b));
 */
export function checkpointConfig(t: Trainer): TrainConfig {
  return { ...t.config, device: resolveDevice(t.config) };
}

/**
 * Restore checkpoint bytes into `t`, a trainer that has not trained yet, made with the same data
 * and configuration as the checkpoint's run: afterwards `t` is that run, exactly (the same checks
 * as {@link restoreCheckpoint}). This is how a notebook cell that builds a new trainer continues
 * an interrupted one.
 *
 * @example
 * const t = createTrainer(train, options);
 * restoreCheckpointInto(t, checkpointBytes(interrupted));
 */
export function restoreCheckpointInto(t: Trainer, bytes: Uint8Array): Trainer {
  if (t.imagesDone !== 0 || t.runningSeen !== 0)
    fail(
      'restoreCheckpointInto',
      't.imagesDone',
      t.imagesDone,
      '0 (a trainer that has not trained)',
    );
  return restore(bytes, t.data, undefined, t);
}

function restore(
  bytes: Uint8Array,
  data: Dataset,
  file: string | undefined,
  into: Trainer | null,
): Trainer {
  if (!(bytes instanceof Uint8Array))
    fail('restoreCheckpoint', 'bytes', bytes, 'a Uint8Array or Buffer of checkpoint bytes');
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 + 32 || !buf.subarray(0, 8).equals(MAGIC))
    corrupt('not a CBRAM Lab checkpoint (bad magic)', file);
  const body = buf.subarray(0, buf.length - 32);
  const sum = crypto.createHash('sha256').update(body).digest();
  if (!sum.equals(buf.subarray(buf.length - 32)))
    corrupt('checksum mismatch: the file is truncated or corrupted', file);
  const len = body.readUInt32LE(8);
  if (12 + len > body.length) corrupt('header length past the end of the file', file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.subarray(12, 12 + len).toString('utf8'), (_k, v) =>
      v === 'Infinity' ? Infinity : v,
    );
  } catch {
    return corrupt('unreadable header', file);
  }
  if (
    !isRecord(parsed) ||
    parsed.format !== 'cbram-lab-checkpoint' ||
    parsed.version !== CHECKPOINT_VERSION
  ) {
    throw new CbramError(
      'E_CHECKSUM',
      `loadCheckpoint: unsupported checkpoint version ${formatValue(isRecord(parsed) ? parsed.version : parsed)}; this CBRAM Lab reads version ${CHECKPOINT_VERSION}`,
      { fn: 'loadCheckpoint', param: 'file', value: file },
    );
  }
  const headPad = Math.ceil((12 + len) / 8) * 8;
  const header = checkHeader(parsed, Math.max(0, body.length - headPad), file);
  if (
    data.n !== header.data.n ||
    data.pixels !== header.data.pixels ||
    datasetFingerprint(data) !== header.data.sha256
  ) {
    throw new CbramError(
      'E_STATE',
      `loadCheckpoint: the checkpoint was trained on different data (${header.data.n} × ${header.data.pixels}); pass the same dataset`,
      { fn: 'loadCheckpoint', param: 'data', value: data.n },
    );
  }
  let t: Trainer;
  if (into) {
    const want = canonical(header.config);
    const have = canonical(checkpointConfig(into));
    if (want !== have)
      throw new CbramError(
        'E_STATE',
        "restoreCheckpointInto: the trainer was made with a different configuration than the checkpoint's run; make it with the same options",
        { fn: 'restoreCheckpointInto', param: 't', value: have },
      );
  }
  try {
    t = into ?? createTrainer(data, header.config);
  } catch (e) {
    if (!(e instanceof CbramError)) throw e;
    throw new CbramError(
      'E_DATA',
      `loadCheckpoint: the checkpoint's config is invalid: ${e.message}`,
      {
        fn: 'loadCheckpoint',
        param: 'config',
        value: file,
      },
    );
  }
  if (header.imagesDone > t.imagesTotal)
    malformed('imagesDone', header.imagesDone, `<= ${t.imagesTotal} (the run's images)`, file);
  const targets = new Map(blobsOf(t));
  const given = new Set(header.blobs.map((e) => e.name));
  for (const name of targets.keys())
    if (!given.has(name))
      malformed(
        'blobs',
        `no "${name}"`,
        `every blob the trainer needs (${[...targets.keys()].join(', ')})`,
        file,
      );
  for (const e of header.blobs) {
    const target = targets.get(e.name);
    if (!target || target.constructor.name !== e.type || target.length !== e.length)
      corrupt(`blob ${e.name} does not match the configured trainer`, file);
    const Ctor = CTORS[e.type];
    const start = headPad + e.offset;
    const copy = new Uint8Array(e.length * Ctor.BYTES_PER_ELEMENT);
    copy.set(body.subarray(start, start + copy.length));
    target.set(new Ctor(copy.buffer) as never);
  }
  const streams = streamsOf(t);
  for (const name of Object.keys(streams))
    if (!isRecord(header.streams[name]))
      malformed(`streams.${name}`, header.streams[name], 'a generator state', file);
  for (const [k, st] of Object.entries(header.streams)) {
    const target = streams[k];
    if (!target) malformed(`streams.${k}`, k, `one of ${Object.keys(streams).join(', ')}`, file);
    try {
      target.setState(st);
    } catch (e) {
      if (!(e instanceof CbramError)) throw e;
      malformed(`streams.${k}`, st, 'a generator state of this run', file);
    }
  }
  let ledger: EnergyLedger;
  try {
    ledger = EnergyLedger.fromJSON(header.ledger as never);
  } catch (e) {
    if (!(e instanceof CbramError)) throw e;
    return malformed('ledger', header.ledger, `an energy ledger (${e.message})`, file);
  }
  if (t.pruner) {
    let frozen = 0;
    for (const f of t.synapses.frozen) frozen += f;
    if (header.frozenCount !== frozen)
      malformed(
        'frozenCount',
        header.frozenCount,
        `the frozen cells in the mask (${frozen})`,
        file,
      );
  }
  t.imagesDone = header.imagesDone;
  t.outputSpikes = header.outputSpikes;
  t.biasOffset = header.biasOffset;
  t.updates.ltp = header.updates.ltp;
  t.updates.ltd = header.updates.ltd;
  t.runningCorrect = header.runningCorrect;
  t.runningSeen = header.runningSeen;
  t.elapsed = header.elapsedMs;
  t.ledger.reset();
  t.ledger.merge(ledger);
  if (t.synapses instanceof DeviceSynapses && header.counters) {
    const counters = t.synapses.crossbar.counters as unknown as Record<string, number>;
    for (const [k, v] of Object.entries(header.counters as Record<string, number>)) {
      if (!Object.hasOwn(counters, k))
        malformed(`counters.${k}`, k, `one of ${Object.keys(counters).join(', ')}`, file);
      counters[k] = v;
    }
  }
  if (t.pruner) t.pruner.frozenCount = header.frozenCount;
  t.records = structuredClone(header.records ?? {});
  return t;
}

/**
 * Load a checkpoint written by {@link saveCheckpoint}; `data` must be the same training data.
 *
 * @example
 * const t = loadCheckpoint('results/run.ckpt', train); await t.train();
 */
export function loadCheckpoint(file: string, data: Dataset): Trainer {
  if (typeof file !== 'string' || file === '')
    fail('loadCheckpoint', 'file', file, 'a non-empty path string');
  if (!fs.existsSync(file))
    throw new CbramError('E_ARG', `loadCheckpoint: file ${JSON.stringify(file)} does not exist`, {
      fn: 'loadCheckpoint',
      param: 'file',
      value: file,
    });
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new CbramError(
      'E_IO',
      `loadCheckpoint: could not read ${JSON.stringify(file)}: ${(e as Error).message}`,
      { fn: 'loadCheckpoint', param: 'file', value: file },
    );
  }
  return restoreCheckpoint(bytes, data, file);
}
