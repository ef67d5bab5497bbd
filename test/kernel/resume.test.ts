/**
 * Resumable training cells without a kernel: the remembered interrupted run, restored into a new
 * trainer; the one-line result; the dashboard history kept in records; the update cadence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTrainer, type Dataset } from '../../src';
import { checkpointBytes, restoreCheckpoint } from '../../src/learning/checkpoint';
import { adoptInterrupted, configDifferences, rememberInterrupted } from '../../kernel/resume';
import { TrainLiveResult, dashboardRate, trainingView } from '../../kernel/training';
import { HISTORY_RECORD, ProgressHistory } from '../../kernel/display/training';
import type { Clock } from '../../kernel/throttle';

function data(n = 40, pixels = 16, shift = 0): Dataset {
  const images = new Uint8Array(n * pixels);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 10;
    for (let p = 0; p < pixels; p++)
      images[i * pixels + p] = (p * 7 + i + shift) % 10 === labels[i] ? 255 : 0;
  }
  return { n, pixels, images, labels };
}

const OPTS = { outputs: 4, epochs: 3, presentation: 0.02, seed: 7 };

test('a new trainer with the same data and options continues the interrupted run exactly', async () => {
  const d = data();
  const stopped = createTrainer(d, OPTS);
  await stopped.train({ maxImages: 50 });
  stopped.records[HISTORY_RECORD] = { kept: true };
  rememberInterrupted(stopped);
  // The cell ran again: the same options, and even a copy of the data.
  const t = createTrainer({ ...d, images: d.images.slice() }, { ...OPTS });
  assert.deepEqual(adoptInterrupted(t), { action: 'resumed', imagesDone: 50, imagesTotal: 120 });
  assert.equal(t.imagesDone, 50);
  assert.deepEqual(t.records[HISTORY_RECORD], { kept: true });
  assert.deepEqual(adoptInterrupted(createTrainer(d, OPTS)), { action: 'none' }, 'used once');
  const ref = createTrainer(d, OPTS);
  await t.train();
  await ref.train();
  assert.deepEqual(t.progress().updates, ref.progress().updates);
  assert.equal(t.ledger.joules(), ref.ledger.joules());
  assert.equal(t.progress().setPulses, ref.progress().setPulses);
  assert.deepEqual(t.synapses.weights(), ref.synapses.weights());
});

test('a changed configuration or changed data starts fresh, saying what changed', async () => {
  const d = data();
  const stopped = createTrainer(d, OPTS);
  await stopped.train({ maxImages: 10 });
  rememberInterrupted(stopped);
  const other = createTrainer(d, { ...OPTS, outputs: 5 });
  const r = adoptInterrupted(other);
  assert.equal(r.action, 'fresh');
  assert.match((r as { reason: string }).reason, /the configuration changed \(outputs: 4 → 5\)/);
  assert.equal(other.imagesDone, 0);
  rememberInterrupted(stopped);
  const r2 = adoptInterrupted(createTrainer(data(40, 16, 3), OPTS));
  assert.deepEqual(r2, {
    action: 'fresh',
    reason: 'the training data changed',
    imagesDone: 10,
    imagesTotal: 120,
  });
  // A trainer that has trained is never replaced.
  rememberInterrupted(stopped);
  const busy = createTrainer(d, OPTS);
  await busy.train({ maxImages: 1 });
  assert.deepEqual(adoptInterrupted(busy), { action: 'none' });
  rememberInterrupted(null);
});

test('configDifferences lists at most a few differences, device fields included', () => {
  const d = data();
  const a = createTrainer(d, OPTS);
  const b = createTrainer(d, { ...OPTS, outputs: 6, epochs: 2, seed: 1, device: 'rram-generic' });
  const diffs = configDifferences(a, b, 3);
  assert.equal(diffs.length, 4);
  assert.match(diffs[3]!, /^and \d+ more$/);
  assert.deepEqual(configDifferences(a, createTrainer(d, { ...OPTS })), []);
});

test('restoreCheckpointInto refuses a trainer of another configuration', async () => {
  const d = data();
  const a = createTrainer(d, OPTS);
  await a.train({ maxImages: 5 });
  const { restoreCheckpointInto } = await import('../../src/learning/checkpoint');
  assert.throws(
    () => restoreCheckpointInto(createTrainer(d, { ...OPTS, seed: 8 }), checkpointBytes(a)),
    /restoreCheckpointInto: the trainer was made with a different configuration/,
  );
  assert.throws(() => restoreCheckpointInto(a, checkpointBytes(a)), /t\.imagesDone/);
  // And restoring into a fresh trainer equals loading the checkpoint.
  const t = restoreCheckpointInto(createTrainer(d, OPTS), checkpointBytes(a));
  const u = restoreCheckpoint(checkpointBytes(a), d);
  assert.deepEqual(t.progress(), u.progress());
});

test('the result of trainLive shows as one summary line', () => {
  const progress = {
    epoch: 0,
    epochs: 1,
    imagesDone: 3000,
    imagesTotal: 3000,
    imagesPerSecond: 1234.5,
    eta: 0.1,
    runningAccuracy: 0.7123,
    updates: { ltp: 1, ltd: 2 },
    setPulses: 12345,
    resetPulses: 678,
    energy: 3.21e-6,
    outputSpikes: 10,
    matured: 0,
    frozenFraction: 0,
    elapsed: 2.5,
  };
  const r = new TrainLiveResult({ status: 'completed', imagesDone: 3000, progress }, 1000);
  const line =
    'trainLive completed: 3,000 of 3,000 images · resumed at 1,000 · running accuracy (train) 71.2 % · ' +
    '1,200 images/s · 12,345 SET / 678 RESET · 3.21 µJ';
  assert.equal(String(r), line);
  const bundle = (r as unknown as Record<symbol, () => Record<string, unknown>>)[
    Symbol.for('cbram.display')
  ]!();
  assert.deepEqual(bundle, { 'text/plain': line });
  assert.equal(r.status, 'completed');
  assert.equal(r.progress.imagesDone, 3000);
});

test('ProgressHistory.from keeps a saved history up to the trainer, and ignores malformed ones', () => {
  const saved = {
    imagesDone: [0, 10, 20],
    runningAccuracy: [0, 0.1, 0.2],
    imagesPerSecond: [0, 5, 6],
    setPulses: [0, 1, 2],
    resetPulses: [0, 1, 2],
    energy: [0, 1, 2],
    elapsed: [0, 1, 2],
  };
  assert.deepEqual(ProgressHistory.from(saved, 10).toJSON().imagesDone, [0, 10]);
  assert.equal(ProgressHistory.from(saved).length, 3);
  for (const bad of [null, 3, {}, { ...saved, energy: [0, 'x', 2] }, { ...saved, elapsed: [0] }])
    assert.equal(ProgressHistory.from(bad).length, 0);
});

test('dashboard cadence: 4 updates a second while new, down to maxRate; a 2 s run gets at least 5', () => {
  assert.equal(dashboardRate(0, 1), 4);
  assert.equal(dashboardRate(2500, 1), 2);
  assert.equal(dashboardRate(60_000, 1), 1);
  assert.equal(dashboardRate(0, 10), 10);
  // A trainingView on a fake clock, with a progress report every 250 ms for 2 s.
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => timers.push({ at: now + ms, fn }),
    clearTimeout: () => {},
  };
  const t = createTrainer(data(), OPTS);
  const view = trainingView(t, { clock, fallbackInterval: 1e9 });
  const first = view.display.sent;
  assert.equal(first, 1, 'shown at once, at the final layout');
  assert.equal(view.status, 'starting');
  for (let ms = 250; ms <= 2000; ms += 250) {
    now = ms;
    view.report({ ...t.progress(), imagesDone: ms });
  }
  assert.ok(view.display.sent - first >= 5, `${view.display.sent - first} updates in 2 s`);
  assert.equal(view.status, 'running');
  assert.deepEqual((t.records[HISTORY_RECORD] as { imagesDone: number[] }).imagesDone.at(-1), 2000);
  view.display.close();
});

test('dashboard map: with the first update, then held until mapInterval has passed, and with the last', async () => {
  const { setHost } = await import('../../kernel/host');
  const { MAP_CELL_MS } = await import('../../kernel/training');
  let now = 0;
  const clock: Clock = { now: () => now, setTimeout: () => 0, clearTimeout: () => {} };
  const sent: Record<string, unknown>[] = [];
  setHost({
    version: 1,
    outputParent: () => 'cell',
    publishDisplay: (content) =>
      sent.push(content.data['application/vnd.cbram.training.v1+json'] as Record<string, unknown>),
    clearOutput: () => undefined,
    interruptSignal: () => new AbortController().signal,
    trackLive: () => () => undefined,
    registerCommTarget: () => undefined,
    openComm: () => {
      throw new Error('no comms');
    },
    input: async () => '',
  });
  try {
    const t = createTrainer(data(), OPTS);
    // maxRate 1000: every report is sent at once (the cadence is tested above).
    const opts = { clock, fallbackInterval: 1e9, maxRate: 1000 };
    const view = trainingView(t, { ...opts, mapInterval: 1000 });
    for (let i = 0; i < 7; i++) {
      now += 300;
      view.report({ ...t.progress(), imagesDone: now });
    }
    view.finish({ status: 'completed', imagesDone: 120, progress: t.progress() });
    const maps = sent.map((p) => (p.map === null ? (p.mapHeld ? 'held' : 'none') : 'map'));
    // Shown at 0 ms with the map; updates at 300, 600 and 900 ms hold it; 1200 ms sends it, 1500
    // to 2100 ms hold it; the last update (completed) sends it.
    assert.deepEqual(maps, ['map', 'held', 'held', 'held', 'map', 'held', 'held', 'held', 'map']);
    assert.ok(sent.every((p) => p.mapHeld === undefined || p.map === null));
    // mapInterval 0: the map with every update; bad values are refused, naming the option.
    sent.length = 0;
    const every = trainingView(t, { ...opts, mapInterval: 0 });
    for (let i = 0; i < 3; i++) {
      now += 300;
      every.report(t.progress());
    }
    assert.equal(sent.length, 4);
    assert.ok(sent.every((p) => p.map !== null && p.mapHeld === undefined));
    every.display.close();
    for (const bad of [-1, NaN, '5'])
      assert.throws(
        () => trainingView(t, { clock, mapInterval: bad as number }),
        /trainingView.*options\.mapInterval/,
      );
    // map: false leaves it out without calling it held.
    sent.length = 0;
    const none = trainingView(t, { ...opts, map: false });
    now += 300;
    none.report(t.progress());
    none.display.close();
    assert.ok(sent.length >= 2);
    assert.ok(sent.every((p) => p.map === null && p.mapHeld === undefined));
    // By default the interval follows the map's size: 1.6 ms for these 16 × 4 cells (the map
    // with every update), about 5 s for the paper's 397 × 500.
    for (const [pixels, outputs, every] of [
      [16, 4, 1],
      [397, 500, Math.ceil((MAP_CELL_MS * 397 * 500) / 300)],
    ] as const) {
      sent.length = 0;
      const big = createTrainer(data(40, pixels), { ...OPTS, outputs });
      const auto = trainingView(big, opts);
      for (let i = 1; i <= 2 * every; i++) {
        now += 300;
        auto.report(big.progress());
      }
      const withMap = sent.flatMap((p, i) => (p.map !== null ? [i] : []));
      assert.deepEqual(
        withMap,
        Array.from({ length: 3 }, (_, k) => k * every).filter((i) => i < sent.length),
        `${pixels} × ${outputs}`,
      );
      auto.display.close();
    }
  } finally {
    setHost(null);
  }
});
