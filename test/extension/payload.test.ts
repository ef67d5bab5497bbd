/**
 * The renderer's side of the payload contract: payloads built by the kernel's own display code,
 * sent through JSON as Jupyter sends them, parse and decode to the same numbers; bad payloads
 * give readable errors and never throw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCrossbar } from '../../src/crossbar/crossbar';
import { PRESETS } from '../../src/device/presets';
import { createLedger } from '../../src/energy/ledger';
import { createTrainer } from '../../src/learning/trainer';
import { crossbarSpec, CROSSBAR_MIME } from '../../kernel/display/crossbar';
import { deviceSpec, DEVICE_MIME } from '../../kernel/display/device';
import { ledgerSpec, LEDGER_MIME } from '../../kernel/display/ledger';
import { trainingParts, TRAINING_MIME } from '../../kernel/display/training';
import { parsePayload, MIME_TYPES, type Parsed } from '../../extension/src/payload/parse';
import { MAX_ELEMENTS } from '../../extension/src/payload/arrays';
import type { Payload } from '../../extension/src/payload/types';

/** Through JSON, as the kernel sends it and JupyterLab parses it. */
function wire(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x));
}

function ok(p: Parsed): Payload {
  if (!p.ok) assert.fail(`expected a payload, got the error: ${p.error}`);
  return p.payload;
}

function err(p: Parsed, pattern: RegExp): void {
  assert.equal(p.ok, false, 'expected an error');
  if (!p.ok) assert.match(p.error, pattern);
}

function smallCrossbar() {
  const xbar = createCrossbar({ rows: 6, cols: 4, device: 'cbram-subquantum', seed: 3 });
  xbar.pulseColumn(1, new Int8Array(6).fill(5));
  xbar.setFrozen(2, 3);
  return xbar;
}

test('MIME types: one per kind, the versioned names the kernel writes', () => {
  for (const m of [CROSSBAR_MIME, DEVICE_MIME, LEDGER_MIME, TRAINING_MIME])
    assert.ok(MIME_TYPES.includes(m), m);
  assert.ok(MIME_TYPES.includes('application/vnd.cbram.plot.v1+json'));
  assert.ok(MIME_TYPES.includes('application/vnd.cbram.raster.v1+json'));
});

test('crossbar: the kernel payload decodes to the crossbar conductances, bit for bit', () => {
  const xbar = smallCrossbar();
  const p = ok(parsePayload(CROSSBAR_MIME, wire(crossbarSpec(xbar))));
  assert.equal(p.kind, 'crossbar');
  if (p.kind !== 'crossbar') return;
  assert.deepEqual([p.map.rows, p.map.cols], [6, 4]);
  assert.equal(p.map.quantity, 'conductance');
  assert.deepEqual(Array.from(p.map.values), Array.from(xbar.g));
  assert.equal(p.map.frozen![2 * 4 + 3], 1);
  assert.equal(
    p.map.frozen!.reduce((s, v) => s + v, 0),
    1,
  );
  assert.deepEqual(p.map.range, [xbar.config.gMin, xbar.config.gMax]);
  assert.deepEqual(p.map.weight, { wMin: -1, wMax: 1 });
  // Also as a JSON string (how a raw bundle may carry it).
  assert.equal(
    ok(parsePayload(CROSSBAR_MIME, JSON.stringify(crossbarSpec(xbar)))).kind,
    'crossbar',
  );
});

test('crossbar with receptive fields: pixel indices decode and are checked against the image', () => {
  const xbar = createCrossbar({ rows: 3, cols: 2 });
  const spec = wire(crossbarSpec(xbar, { pixelIndex: new Int32Array([0, 5, 783]) })) as {
    map: { receptiveFields: { pixelIndex: { data: string } } };
  };
  const p = ok(parsePayload(CROSSBAR_MIME, spec));
  assert.ok(p.kind === 'crossbar' && p.map.fields);
  if (p.kind === 'crossbar') assert.deepEqual(Array.from(p.map.fields!.pixelIndex), [0, 5, 783]);
  const bad = wire(crossbarSpec(xbar, { pixelIndex: new Int32Array([0, 5, 784]) }));
  err(parsePayload(CROSSBAR_MIME, bad), /pixelIndex\[2\]: 784 is outside the 28 × 28 image/);
});

test('device, ledger and training payloads from the kernel parse', async () => {
  const d = ok(
    parsePayload(
      DEVICE_MIME,
      wire(deviceSpec(PRESETS['cbram-subquantum'], { cycles: 2, devices: 2 })),
    ),
  );
  assert.equal(d.kind, 'device');
  if (d.kind === 'device') {
    assert.equal(d.trains.length, 2 * 2 * 2);
    assert.ok(d.pulseEnergy.set > 0 && d.gMax > d.gMin);
  }
  const a = createLedger({ label: 'CBRAM' }).record('set', 'train', 10, 1e-12);
  const b = createLedger({ label: 'RRAM' }).record('set', 'train', 10, 1e-10);
  const l = ok(parsePayload(LEDGER_MIME, wire(ledgerSpec([a, b]))));
  assert.ok(l.kind === 'ledger' && l.ledgers.length === 2 && l.scale === 'linear');
  const n = 30;
  const images = new Uint8Array(n * 9).map((_, i) => ((i * 7) % 5 < 2 ? 255 : 0));
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  const t = createTrainer({ n, pixels: 9, images, labels }, { outputs: 3, epochs: 1, seed: 1 });
  await t.train({ maxImages: 10 });
  const tr = ok(parsePayload(TRAINING_MIME, wire(trainingParts(t, { status: 'paused' }).spec)));
  assert.ok(tr.kind === 'training');
  if (tr.kind === 'training') {
    assert.equal(tr.progress.imagesDone, 10);
    assert.deepEqual([tr.map!.rows, tr.map!.cols], [9, 3]);
  }
});

test('plot and raster payloads (the kernel contract) parse, with nulls for missing values', () => {
  const plot = {
    version: 1,
    kind: 'plot',
    title: 'Accuracy against epochs',
    type: 'line',
    stacked: false,
    x: { label: 'epoch', log: false },
    y: { label: 'accuracy (%)', log: false, range: [80, 100] },
    series: [{ name: 'ours', x: [1, 2, 3], y: [91, null, 93], mode: 'lines+markers', error: null }],
    reference: [{ y: 93, label: 'paper' }],
  };
  const p = ok(parsePayload('application/vnd.cbram.plot.v1+json', plot));
  assert.ok(p.kind === 'plot' && p.series[0]!.y[1] === null && p.y.range![1] === 100);
  const bars = { ...plot, type: 'bar', series: [{ name: 'E', x: ['CBRAM', 'PCM'], y: [1, 2] }] };
  const pb = ok(parsePayload('application/vnd.cbram.plot.v1+json', bars));
  assert.ok(
    pb.kind === 'plot' && pb.series[0]!.x[0] === 'CBRAM' && pb.series[0]!.mode === 'lines+markers',
  );
  const enc = (a: Int32Array | Float32Array, dtype: string) => ({
    dtype,
    shape: [a.length],
    encoding: 'base64',
    byteOrder: 'little',
    data: Buffer.from(a.buffer).toString('base64'),
  });
  const raster = {
    version: 1,
    kind: 'raster',
    title: 'Spikes',
    panels: [
      {
        label: 'before',
        neurons: 10,
        duration: 0.1,
        neuron: enc(new Int32Array([0, 9, 3]), 'int32'),
        time: enc(new Float32Array([0.001, 0.05, 0.099]), 'float32'),
      },
    ],
  };
  const r = ok(parsePayload('application/vnd.cbram.raster.v1+json', raster));
  assert.ok(r.kind === 'raster');
  if (r.kind === 'raster') assert.deepEqual(Array.from(r.panels[0]!.neuron), [0, 9, 3]);
  raster.panels[0]!.neuron = enc(new Int32Array([0, 10, 3]), 'int32');
  err(
    parsePayload('application/vnd.cbram.raster.v1+json', raster),
    /neuron\[1\]: 10 is not in 0 … 9/,
  );
});

test('bad payloads: a readable error for each, never a throw', () => {
  const good = wire(crossbarSpec(smallCrossbar())) as Record<string, unknown> & {
    map: Record<string, unknown>;
  };
  const text = JSON.stringify(good);
  // Truncated JSON.
  err(
    parsePayload(CROSSBAR_MIME, text.slice(0, text.length / 2)),
    /^The payload is not valid JSON/,
  );
  // Wrong versions, in the MIME type or in the payload.
  err(parsePayload('application/vnd.cbram.crossbar.v2+json', good), /version 1 .* version 2/);
  err(parsePayload(CROSSBAR_MIME, { ...good, version: 2 }), /^version: expected 1 .* got 2/);
  err(parsePayload('application/vnd.cbram.nope.v1+json', good), /not one this extension draws/);
  err(parsePayload(CROSSBAR_MIME, { ...good, kind: 'device' }), /kind: expected "crossbar"/);
  // NaN (JSON turns it into null) and non-numbers.
  err(
    parsePayload(CROSSBAR_MIME, wire({ ...good, map: { ...good.map, range: [NaN, 1] } })),
    /map\.range\[0\]: expected a finite number, got null/,
  );
  err(
    parsePayload(CROSSBAR_MIME, { ...good, map: { ...good.map, rows: '6' } }),
    /map\.rows: expected an integer from 1 to 65536, got "6"/,
  );
  // Huge sizes: refused before any allocation, naming the field, the value and the limit.
  err(
    parsePayload(CROSSBAR_MIME, { ...good, map: { ...good.map, rows: 1e9 } }),
    /^map\.rows: expected an integer from 1 to 65536, got 1000000000; the renderer draws at most 65,536 per side \(limit SIDE\)$/,
  );
  err(
    parsePayload(CROSSBAR_MIME, { ...good, map: { ...good.map, rows: 0 } }),
    /^map\.rows: expected an integer from 1 to 65536, got 0$/,
  );
  const values = good.map.values as Record<string, unknown>;
  err(
    parsePayload(CROSSBAR_MIME, {
      ...good,
      map: { ...good.map, rows: 60000, cols: 60000, values: { ...values, shape: [60000, 60000] } },
    }),
    /^map: 60,000 × 60,000 is 3,600,000,000 cells; the renderer draws at most 16,777,216 map cells \(limit MAP_CELLS\)$/,
  );
  err(
    parsePayload(CROSSBAR_MIME, {
      ...good,
      map: { ...good.map, values: { ...values, shape: [60000, 60000, 1] } },
    }),
    new RegExp(
      `^map\\.values\\.shape: \\[60000, 60000, 1\\] is 3,600,000,000 elements; the renderer draws at most ${MAX_ELEMENTS.toLocaleString('en-US')} elements per array \\(limit ARRAY_ELEMENTS\\)$`,
    ),
  );
  // Data that does not match its shape.
  err(
    parsePayload(CROSSBAR_MIME, { ...good, map: { ...good.map, cols: 5 } }),
    /map\.values\.shape: expected \[6, 5\], got \[6, 4\]/,
  );
  err(
    parsePayload(CROSSBAR_MIME, {
      ...good,
      map: { ...good.map, values: { ...values, data: 'AAAA' } },
    }),
    /base64 characters do not hold 24 float32 values/,
  );
  err(
    parsePayload(CROSSBAR_MIME, {
      ...good,
      map: { ...good.map, values: { ...values, dtype: 'float64' } },
    }),
    /dtype: expected float32, got "float64"/,
  );
  // Not an object at all.
  for (const v of [null, 42, [], 'null', undefined])
    assert.equal(parsePayload(CROSSBAR_MIME, v).ok, false);
  // Long strings are cut in messages.
  err(parsePayload(CROSSBAR_MIME, { ...good, kind: 'x'.repeat(1000) }), /got "x{40}…"$/);
});
