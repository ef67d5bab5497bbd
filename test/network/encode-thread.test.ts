/**
 * Encoding on a second thread: the same rasters, generator states and trained network, bit for
 * bit, as encoding in the training thread, however the run is split, restored or interrupted, and
 * a thread that stops answering hands the work back without losing an image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/core/rng';
import { firstN, loadPaperMnist, subset } from '../../src/data';
import {
  checkpointBytes,
  createTrainer,
  evaluate,
  restoreCheckpointInto,
  type Trainer,
} from '../../src/learning';
import { createPoissonEncoder } from '../../src/network/encoding';
import * as os from 'node:os';
import { EncodeThread, encodeThreadByDefault } from '../../src/network/encode-thread';

const mnist = loadPaperMnist();
const data = subset(mnist.train, firstN(400));

type Options = Parameters<typeof createTrainer>[1];
const IDEAL: Options = { outputs: 30, epochs: 2, rule: 'ideal', seed: 3 };
const DEVICE: Options = {
  outputs: 30,
  epochs: 2,
  rule: 'device',
  seed: 5,
  pruning: { fraction: 0.5, matureSpikes: 40 },
};

/** Everything a run leaves behind. */
function snapshot(t: Trainer) {
  return {
    weights: t.synapses.weights(),
    frozen: Array.from(t.synapses.frozen),
    bias: Array.from(t.bias),
    biasOffset: t.biasOffset,
    updates: { ...t.updates },
    outputSpikes: t.outputSpikes,
    ledger: t.ledger.toJSON(),
    streams: [t.streams.spikes, t.streams.wta, t.streams.pulses].map((r) => r.getState()),
    imagesDone: t.imagesDone,
  };
}

async function reference(options: Options) {
  const t = createTrainer(data, options);
  await t.train({ encodeThread: false });
  return snapshot(t);
}

test('the encoding thread gives the same rasters and generator states as the encoder', () => {
  const steps = 100;
  const enc = createPoissonEncoder({ rate: 200, dt: 1e-3, steps });
  const here = createRng(9).stream('spikes');
  const there = createRng(9).stream('spikes');
  const pipe = EncodeThread.start(there, {
    pixels: data.pixels,
    steps,
    rate: 200,
    dt: 1e-3,
    slots: 4,
    images: data.images,
    offsetOf: (seq) => (seq < 40 ? seq * data.pixels : -1),
  })!;
  try {
    let spikes = 0;
    for (let n = 0; n < 40; n++) {
      const got = pipe.take();
      assert.ok(got !== null, `image ${n}: ${pipe.failure}`);
      const want = enc.encode(data.images, n * data.pixels, data.pixels, here);
      assert.equal(got.count, want.count);
      assert.deepEqual(got.start, want.start);
      assert.deepEqual(got.inputs.subarray(0, want.count), want.inputs.subarray(0, want.count));
      pipe.release(there);
      assert.deepEqual(there.getState(), here.getState());
      spikes += want.count;
    }
    assert.equal(pipe.take(), null, 'no image past the last');
    assert.ok(spikes > 40 * 500, `real images give spikes (${spikes})`);
  } finally {
    pipe.close();
  }
});

for (const [name, options] of [
  ['ideal rule', IDEAL],
  ['device rule, noisy CBRAM, soft pruning', DEVICE],
] as const) {
  test(`${name}: training with the encoding thread equals training without it, in one call or in pieces`, async () => {
    const want = await reference(options);
    const whole = createTrainer(data, options);
    await whole.train({ encodeThread: true });
    assert.deepEqual(snapshot(whole), want);
    // Pieces that end mid-epoch and across the epoch boundary, the thread kept between calls.
    const pieces = createTrainer(data, options);
    for (const n of [150, 333, 17]) await pieces.train({ encodeThread: true, maxImages: n });
    await pieces.train({ encodeThread: true });
    assert.deepEqual(snapshot(pieces), want);
  });
}

test('restoring a checkpoint into a trainer whose thread has encoded ahead restarts the thread at the restored image', async () => {
  const want = await reference(DEVICE);
  const early = createTrainer(data, DEVICE);
  await early.train({ encodeThread: false, maxImages: 120 });
  const bytes = checkpointBytes(early);
  // A cell interrupted before its first image: the thread has started and encoded images 0, 1, ...
  const t = createTrainer(data, DEVICE);
  const stop = new AbortController();
  stop.abort();
  const r = await t.train({ encodeThread: true, signal: stop.signal });
  assert.equal(r.status, 'interrupted');
  assert.equal(t.imagesDone, 0);
  restoreCheckpointInto(t, bytes);
  assert.equal(t.imagesDone, 120);
  await t.train({ encodeThread: true });
  assert.deepEqual(snapshot(t), want);
});

test('switching the thread off mid-run, or losing it, changes nothing', async () => {
  const want = await reference(IDEAL);
  const t = createTrainer(data, IDEAL);
  await t.train({ encodeThread: true, maxImages: 200 });
  await t.train({ encodeThread: false, maxImages: 100 });
  await t.train({ encodeThread: true, maxImages: 100 });
  // The thread goes away under the trainer: it encodes the rest itself, from its own stream.
  (t as unknown as { pipe: EncodeThread }).pipe.close();
  await t.train({ encodeThread: true, maxImages: 50 });
  await t.train();
  assert.deepEqual(snapshot(t), want);
});

test('evaluation with the encoding thread equals evaluation without it, at the training and at a longer presentation', async () => {
  const t = createTrainer(data, DEVICE);
  await t.train({ maxImages: 400 });
  const testData = subset(mnist.test, firstN(600));
  const labelData = subset(mnist.train, firstN(600));
  for (const presentation of [undefined, 0.15]) {
    // 600 images in each phase: above the 500 from which a phase starts its thread.
    const opts = { labelData, testData, labelImages: 600, testImages: 600, presentation };
    const here = evaluate(t, { ...opts, encodeThread: false });
    const there = evaluate(t, { ...opts, encodeThread: true });
    assert.deepEqual(there, here);
    assert.ok(here.accuracy > 0.3, `a trained network classifies (${here.accuracy})`);
  }
  // Evaluation leaves the training streams alone, thread or not.
  assert.equal(t.imagesDone, 400);
  assert.throws(
    () => evaluate(t, { testData, encodeThread: 1 as never }),
    /evaluate: options\.encodeThread must be true or false, got 1/,
  );
});

test('the default: on with 2 or more cores on the main thread, off with CBRAM_ENCODE_THREAD=0', () => {
  const saved = process.env.CBRAM_ENCODE_THREAD;
  try {
    delete process.env.CBRAM_ENCODE_THREAD;
    assert.equal(encodeThreadByDefault(), os.availableParallelism() >= 2);
    process.env.CBRAM_ENCODE_THREAD = '0';
    assert.equal(encodeThreadByDefault(), false);
  } finally {
    if (saved === undefined) delete process.env.CBRAM_ENCODE_THREAD;
    else process.env.CBRAM_ENCODE_THREAD = saved;
  }
});
