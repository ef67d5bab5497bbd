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
import * as path from 'node:path';
import { CbramError } from '../core/errors';
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
 * Write a checkpoint atomically.
 *
 * @example
 * saveCheckpoint(trainer, 'results/run.ckpt');
 */
export function saveCheckpoint(t: Trainer, file: string): void {
  const bytes = checkpointBytes(t);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function corrupt(message: string, file?: string): never {
  throw new CbramError('E_CHECKSUM', `loadCheckpoint: ${message}`, {
    fn: 'loadCheckpoint',
    param: 'file',
    value: file,
  });
}

/**
 * Rebuild a trainer from checkpoint bytes and the same training data.
 */
export function restoreCheckpoint(bytes: Uint8Array, data: Dataset, file?: string): Trainer {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 + 32 || !buf.subarray(0, 8).equals(MAGIC))
    corrupt('not a CBRAM Lab checkpoint (bad magic)', file);
  const body = buf.subarray(0, buf.length - 32);
  const sum = crypto.createHash('sha256').update(body).digest();
  if (!sum.equals(buf.subarray(buf.length - 32)))
    corrupt('checksum mismatch: the file is truncated or corrupted', file);
  const len = body.readUInt32LE(8);
  let header: Header;
  try {
    header = JSON.parse(body.subarray(12, 12 + len).toString('utf8'), (_k, v) =>
      v === 'Infinity' ? Infinity : v,
    ) as Header;
  } catch {
    return corrupt('unreadable header', file);
  }
  if (header.format !== 'cbram-lab-checkpoint' || header.version !== CHECKPOINT_VERSION) {
    throw new CbramError(
      'E_CHECKSUM',
      `loadCheckpoint: unsupported checkpoint version ${header.version}; this CBRAM Lab reads version ${CHECKPOINT_VERSION}`,
      { fn: 'loadCheckpoint', param: 'file', value: file },
    );
  }
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
  const t = createTrainer(data, header.config);
  const headPad = Math.ceil((12 + len) / 8) * 8;
  const targets = new Map(blobsOf(t));
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
  for (const [k, st] of Object.entries(header.streams)) streams[k]?.setState(st);
  t.imagesDone = header.imagesDone;
  t.outputSpikes = header.outputSpikes;
  t.biasOffset = header.biasOffset;
  t.updates.ltp = header.updates.ltp;
  t.updates.ltd = header.updates.ltd;
  t.runningCorrect = header.runningCorrect;
  t.runningSeen = header.runningSeen;
  t.elapsed = header.elapsedMs;
  t.ledger.reset();
  t.ledger.merge(EnergyLedger.fromJSON(header.ledger as never));
  if (t.synapses instanceof DeviceSynapses && header.counters)
    Object.assign(t.synapses.crossbar.counters, header.counters);
  if (t.pruner) t.pruner.frozenCount = header.frozenCount;
  return t;
}

/**
 * Load a checkpoint written by {@link saveCheckpoint}; `data` must be the same training data.
 *
 * @example
 * const t = loadCheckpoint('results/run.ckpt', train); await t.train();
 */
export function loadCheckpoint(file: string, data: Dataset): Trainer {
  if (!fs.existsSync(file))
    throw new CbramError('E_ARG', `loadCheckpoint: file ${JSON.stringify(file)} does not exist`, {
      fn: 'loadCheckpoint',
      param: 'file',
      value: file,
    });
  return restoreCheckpoint(fs.readFileSync(file), data, file);
}
