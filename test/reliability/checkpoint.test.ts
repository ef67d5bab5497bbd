/**
 * Crafted checkpoints: headers edited and re-hashed, so the checksum passes. The schema must still
 * refuse them with a clear E_DATA naming the field, never restore fresh or zeroed state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import { firstN, loadPaperMnist, subset } from '../../src/data/mnist';
import { checkpointBytes, restoreCheckpoint } from '../../src/learning/checkpoint';
import { createTrainer } from '../../src/learning/trainer';
import { assertCbramError } from '../helpers';

const mnist = loadPaperMnist();
const data = subset(mnist.train, firstN(100));

type Header = Record<string, unknown> & {
  blobs: Array<{ name: string; type: string; offset: number; length: number }>;
};

/** Rewrite a checkpoint's header (and optionally its blob bytes), then re-hash it. */
function craft(
  bytes: Buffer,
  edit: (h: Header) => void,
  blobBytes?: (b: Buffer) => Buffer,
): Buffer {
  const len = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + len).toString('utf8')) as Header;
  const pad = Math.ceil((12 + len) / 8) * 8;
  let blobs = Buffer.from(bytes.subarray(pad, bytes.length - 32));
  edit(header);
  if (blobBytes) blobs = blobBytes(blobs);
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headPad = Math.ceil((12 + json.length) / 8) * 8;
  const body = Buffer.alloc(headPad + blobs.length);
  bytes.copy(body, 0, 0, 8);
  body.writeUInt32LE(json.length, 8);
  json.copy(body, 12);
  blobs.copy(body, headPad);
  return Buffer.concat([body, crypto.createHash('sha256').update(body).digest()]);
}

async function trained(options: Parameters<typeof createTrainer>[1]): Promise<Buffer> {
  const t = createTrainer(data, { outputs: 6, epochs: 1, ...options });
  await t.train({ maxImages: 40 });
  return checkpointBytes(t);
}

test('an untouched re-hash restores (the crafting itself is faithful)', async () => {
  const bytes = await trained({ rule: 'device' });
  const t = restoreCheckpoint(
    craft(bytes, () => undefined),
    data,
  );
  assert.equal(t.imagesDone, 40);
});

test('crafted headers that pass the checksum are refused by the schema', async () => {
  const bytes = await trained({ rule: 'device', pruning: { fraction: 0.5, matureSpikes: 2 } });
  const cases: Array<[string, (h: Header) => void, RegExp]> = [
    [
      'missing weights blob',
      (h) => (h.blobs = h.blobs.filter((b) => b.name !== 'g')),
      /header field blobs must be every blob the trainer needs .* got "no \\"g\\""/,
    ],
    [
      'negative imagesDone',
      (h) => (h.imagesDone = -5),
      /header field imagesDone must be an integer >= 0, got -5/,
    ],
    ['fractional imagesDone', (h) => (h.imagesDone = 1.5), /imagesDone must be an integer >= 0/],
    [
      'imagesDone past the run',
      (h) => (h.imagesDone = 1e9),
      /imagesDone must be <= 100 \(the run's images\)/,
    ],
    [
      'blob offset past the end',
      (h) => (h.blobs[0]!.offset = 1 << 24),
      /header field blobs\[0\] must be within the \d+ bytes of blobs/,
    ],
    [
      'unaligned blob',
      (h) => (h.blobs[1]!.offset += 4),
      /blobs\[1\]\.offset must be a multiple of 8/,
    ],
    ['duplicate blob', (h) => h.blobs.push({ ...h.blobs[0]! }), /must be a name used once/],
    [
      'unknown blob type',
      (h) => (h.blobs[0]!.type = 'BigInt64Array'),
      /blobs\[0\]\.type must be Float32Array/,
    ],
    ['negative spikes', (h) => (h.outputSpikes = -1), /outputSpikes must be an integer >= 0/],
    ['NaN bias offset', (h) => (h.biasOffset = 'NaN'), /biasOffset must be a finite number/],
    [
      'running accuracy above 1',
      (h) => (h.runningCorrect = (h.runningSeen as number) + 5),
      /runningCorrect must be <= runningSeen/,
    ],
    [
      'negative counters',
      (h) => ((h.counters as Record<string, number>).setPulses = -3),
      /counters\.setPulses must be a finite number >= 0/,
    ],
    [
      'unknown counter',
      (h) => ((h.counters as Record<string, number>).bogus = 3),
      /counters\.bogus must be one of/,
    ],
    [
      'frozen count mismatch',
      (h) => (h.frozenCount = (h.frozenCount as number) + 1),
      /frozenCount must be the frozen cells in the mask/,
    ],
    [
      'missing stream',
      (h) => delete (h.streams as Record<string, unknown>).wta,
      /streams\.wta must be a generator state/,
    ],
    [
      'foreign stream',
      (h) =>
        ((h.streams as Record<string, unknown>).spikes = (
          h.streams as Record<string, unknown>
        ).wta),
      /streams\.spikes must be a generator state of this run/,
    ],
    [
      'broken ledger',
      (h) => (h.ledger = { version: 1, counts: [1], joules: [] }),
      /ledger must be an energy ledger/,
    ],
    ['records not an object', (h) => (h.records = [1, 2]), /records must be an object/],
    [
      'invalid config',
      (h) => ((h.config as Record<string, unknown>).outputs = -2),
      /the checkpoint's config is invalid: createTrainer: outputs/,
    ],
    ['no header object', (h) => (h.updates = null), /updates must be an object/],
  ];
  for (const [name, edit, message] of cases) {
    assertCbramError(() => restoreCheckpoint(craft(bytes, edit), data), 'E_DATA', message);
    assert.ok(true, name);
  }
  // A blob shorter than the trainer's is refused too (not padded with zeros).
  assertCbramError(
    () =>
      restoreCheckpoint(
        craft(bytes, (h) => (h.blobs.find((b) => b.name === 'g')!.length -= 1)),
        data,
      ),
    'E_CHECKSUM',
    /blob g does not match the configured trainer/,
  );
  assertCbramError(
    () => restoreCheckpoint('nope' as never, data),
    'E_ARG',
    /restoreCheckpoint: bytes must be a Uint8Array/,
  );
});
