import { test } from 'node:test';
import assert from 'node:assert/strict';
import { table } from 'arquero';
import { createCrossbar } from '../../src/crossbar/crossbar';
import { defineDevice } from '../../src/device/config';
import { PRESETS } from '../../src/device/presets';
import { DISPLAY } from '../../src/display/protocol';
import { createLedger } from '../../src/energy/ledger';
import { createTrainer } from '../../src/learning/trainer';
import { decodeArray, encodeArray } from '../../kernel/display/arrays';
import { normalizeBundle, render } from '../../kernel/display/bundle';
import { PNG } from 'pngjs';
import { ticks } from '../../kernel/display/chart';
import { CROSSBAR_MIME, crossbarSpec } from '../../kernel/display/crossbar';
import { DEVICE_MIME, deviceSpec } from '../../kernel/display/device';
import { textWidth } from '../../kernel/display/fonts';
import { LEDGER_MIME, ledgerFigure, ledgerSpec } from '../../kernel/display/ledger';
import { Scene } from '../../kernel/display/scene';
import { ProgressHistory, TRAINING_MIME, trainingParts } from '../../kernel/display/training';

/** Decode a base64 PNG from a bundle; its size and pixels. */
function png(b64: unknown): PNG {
  assert.equal(typeof b64, 'string');
  return PNG.sync.read(Buffer.from(b64 as string, 'base64'));
}

/** Tags balance and no text contains a raw '<': enough to catch broken or injected markup. */
function assertWellFormed(svg: string): void {
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), svg.slice(0, 60));
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^<>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self) continue;
    if (close) assert.equal(stack.pop(), name, `unbalanced </${name}>`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, []);
  const text = svg.replace(/<[^<>]*>/g, '');
  assert.ok(!text.includes('<') && !text.includes('>'), 'unescaped < or > in text');
}

function json<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

test('crossbar: full-resolution float32 conductances, frozen cells, text and a heatmap SVG', () => {
  const xbar = createCrossbar({ rows: 5, cols: 7, seed: 1 });
  xbar.pulseColumn(2, new Int8Array(5).fill(3));
  xbar.setFrozen(1, 1);
  const r = render(xbar, { svg: true });
  assert.deepEqual(
    Object.keys(r.data).sort(),
    [CROSSBAR_MIME, 'image/png', 'image/svg+xml', 'text/plain'].sort(),
  );
  assert.deepEqual(
    Object.keys(render(xbar).data).sort(),
    [CROSSBAR_MIME, 'image/png', 'text/plain'].sort(),
  );
  const image = png(r.data['image/png']);
  assert.deepEqual(r.metadata['image/png'], { width: image.width / 2, height: image.height / 2 });
  const spec = json(r.data[CROSSBAR_MIME]) as ReturnType<typeof crossbarSpec>;
  assert.equal(spec.version, 1);
  assert.equal(spec.kind, 'crossbar');
  assert.deepEqual(spec.map.values.shape, [5, 7]);
  assert.deepEqual(Array.from(decodeArray(spec.map.values)), Array.from(xbar.g));
  assert.equal(decodeArray(spec.map.frozen!)[1 * 7 + 1], 1);
  assert.equal(spec.map.stuck, null);
  assert.deepEqual(spec.map.range, [
    PRESETS['cbram-subquantum'].gMin,
    PRESETS['cbram-subquantum'].gMax,
  ]);
  assert.equal(spec.counters.setPulses, 15);
  assert.match(String(r.data['text/plain']), /^Crossbar 5 × 7 \(cbram-subquantum\): G .*15 SET/);
  const svg = String(r.data['image/svg+xml']);
  assertWellFormed(svg);
  assert.match(svg, /<image [^>]*href="data:image\/png;base64,/);
});

test('device config: SET and RESET trains over cycles from the library device kernel, JSON-safe', () => {
  const r = render(PRESETS.ideal, { cycles: 3, svg: true });
  assert.equal(png(r.data['image/png']).width, 1120);
  const spec = json(r.data[DEVICE_MIME]) as ReturnType<typeof deviceSpec>;
  assert.equal(spec.response.trains.length, 6);
  assert.deepEqual(
    spec.response.trains.map((t) => t.direction),
    ['set', 'reset', 'set', 'reset', 'set', 'reset'],
  );
  const set = spec.response.trains[0]!.conductance;
  assert.equal(set.length, spec.response.setPulses + 1);
  // Conductances are stored as float32: equal to the bounds to about 1e-7 relative.
  assert.ok(Math.abs(set[0]! / PRESETS.ideal.gMin - 1) < 1e-6);
  assert.ok(Math.abs(set[set.length - 1]! / PRESETS.ideal.gMax - 1) < 1e-6);
  for (let k = 1; k < set.length; k++) assert.ok(set[k]! >= set[k - 1]!);
  assert.equal(spec.device.retentionTau, null); // Infinity is not JSON
  assert.ok(spec.pulseEnergy.set > 0);
  assertWellFormed(String(r.data['image/svg+xml']));
  assert.match(String(r.data['text/plain']), /^Device ideal: linear pulse response/);
});

test('strings from configs are escaped in fallbacks', () => {
  const evil = defineDevice({ name: '<img src=x onerror=alert(1)>', source: '"quoted" & <b>' });
  const svg = String(render(evil, { svg: true }).data['image/svg+xml']);
  assertWellFormed(svg);
  assert.ok(!svg.includes('<img'));
  assert.ok(svg.includes('&lt;img src=x onerror=alert(1)&gt;'));
  const ledger = createLedger({ label: '<script>alert(1)</script>' });
  ledger.record('set', 'train', 1, 1e-12);
  const other = createLedger({ label: 'baseline' });
  other.record('mac', 'train', 10, 1e-11);
  const cmp = ledgerFigure(ledgerSpec([ledger, other])).toSvg();
  assertWellFormed(cmp);
  assert.ok(!cmp.includes('<script'));
});

test('ledger: kind-major cells like EnergyLedger.toJSON, one ledger or a comparison', () => {
  const a = createLedger({ label: 'CBRAM' });
  a.record('set', 'train', 100, 25e-12);
  a.record('read', 'test', 398, 4e-12);
  const r = render(a);
  const spec = json(r.data[LEDGER_MIME]) as ReturnType<typeof ledgerSpec>;
  assert.equal(spec.ledgers.length, 1);
  const P = spec.phases.length;
  const k = spec.kinds.indexOf('set');
  assert.equal(spec.ledgers[0]!.counts[k * P + spec.phases.indexOf('train')], 100);
  assert.ok(Math.abs(spec.ledgers[0]!.total - 29e-12) < 1e-24);
  assert.equal(r.data['text/plain'], a.toString());
  const b = createLedger({ label: 'von Neumann' });
  b.record('weightMove', 'train', 10, 1e-9);
  const both = json(render([a, b]).data[LEDGER_MIME]) as ReturnType<typeof ledgerSpec>;
  assert.deepEqual(
    both.ledgers.map((l) => l.label),
    ['CBRAM', 'von Neumann'],
  );
  assertWellFormed(String(render([a, b], { svg: true }).data['image/svg+xml']));
  assert.ok(png(render([a, b]).data['image/png']).height > 50);
});

test('training: dashboard payload with progress, history, map and energy', async () => {
  const n = 40;
  const pixels = 16;
  const images = new Uint8Array(n * pixels).map((_, i) => ((i * 37) % 11 < 4 ? 255 : 0));
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  const t = createTrainer(
    { n, pixels, images, labels },
    { outputs: 4, epochs: 1, presentation: 0.02, seed: 2 },
  );
  const history = new ProgressHistory(8);
  await t.train({ maxImages: 20, progressInterval: 0, onProgress: (p) => history.push(p) });
  const { spec, data } = trainingParts(t, { status: 'paused', history: history.toJSON() });
  assert.equal(spec.status, 'paused');
  assert.equal(spec.progress.imagesDone, 20);
  assert.equal(spec.config.imagesTotal, 40);
  assert.equal(spec.map!.quantity, 'conductance');
  assert.equal(data!.values.length, pixels * 4);
  assert.ok(spec.history.imagesDone.length > 0 && spec.history.imagesDone.length < 8);
  assert.equal(spec.history.imagesDone[spec.history.imagesDone.length - 1], 20);
  assert.equal(spec.raster!.neurons, 4);
  assert.deepEqual(
    Array.from(decodeArray(spec.raster!.neuron)),
    Array.from(t.lastImageSpikes().neuron),
  );
  assert.equal(spec.raster!.label, 'image 20');
  const r = render(t, { svg: true });
  assert.ok(TRAINING_MIME in r.data);
  assertWellFormed(String(r.data['image/svg+xml']));
  assert.deepEqual([png(r.data['image/png']).width, png(r.data['image/png']).height], [1800, 1280]);
  assert.doesNotThrow(() => JSON.stringify(r.data));
  const ideal = createTrainer({ n, pixels, images, labels }, { outputs: 4, rule: 'ideal' });
  assert.equal(trainingParts(ideal).spec.map!.quantity, 'weight');
  assert.equal(trainingParts(ideal).spec.status, 'idle');
});

test('arquero tables render as HTML tables with a text table', () => {
  const r = render(table({ a: [1, 2.5], b: ['<x>', 'y'] }));
  assert.match(String(r.data['text/html']), /^<div class="cbram-table"><table>/);
  assert.ok(String(r.data['text/html']).includes('&lt;x&gt;'));
  assert.equal(String(r.data['text/plain']).split('\n')[0], '2 rows × 2 columns');
});

test('the display protocol: an object renders itself; text/plain is added; bytes become base64', () => {
  const obj = {
    [DISPLAY]: () => ({ 'text/html': '<b>hi</b>', 'image/png': new Uint8Array([137, 80]) }),
  };
  const r = render(obj);
  assert.equal(r.data['text/html'], '<b>hi</b>');
  assert.equal(r.data['image/png'], 'iVA=');
  assert.equal(typeof r.data['text/plain'], 'string');
  assert.throws(() => render({ [DISPLAY]: () => ({ html: 'x' }) }), /"html" is not a MIME type/);
  assert.throws(() => normalizeBundle([] as never, null, 'x'), /must return an object/);
  assert.deepEqual(render(42).data, { 'text/plain': '42' });
  assert.deepEqual(render('x').data, { 'text/plain': "'x'" });
  assert.deepEqual(render([1, 2]).data, { 'text/plain': '[ 1, 2 ]' });
});

test('arrays: base64 little-endian round trip; ticks are round numbers', () => {
  const a = new Float32Array([1, -2.5, 3e-6]);
  const e = encodeArray(a, [3]);
  assert.equal(e.dtype, 'float32');
  assert.equal(e.byteOrder, 'little');
  assert.deepEqual(Array.from(decodeArray(e)), Array.from(a));
  assert.deepEqual(Array.from(decodeArray(encodeArray(new Uint8Array([0, 255])))), [0, 255]);
  assert.deepEqual(ticks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(ticks(1, 50, 5), [10, 20, 30, 40, 50]);
});

test('scenes: the PNG is the SVG rendered by resvg with DejaVu Sans, at 2× by default', () => {
  const scene = new Scene(40, 20, 'test');
  scene.add({ kind: 'rect', x: 0, y: 0, w: 10, h: 10, fill: '#ff0000' });
  scene.add({ kind: 'line', x1: 20, y1: 5, x2: 39, y2: 5, stroke: 'rgb(0,0,255)', width: 2 });
  scene.add({ kind: 'text', x: 12, y: 19, text: 'Hi' });
  const image = PNG.sync.read(scene.toPng());
  assert.deepEqual([image.width, image.height], [80, 40]);
  const at = (x: number, y: number) =>
    Array.from(image.data.subarray((y * 80 + x) * 4, (y * 80 + x) * 4 + 3));
  assert.deepEqual(at(10, 10), [255, 0, 0]);
  assert.deepEqual(at(60, 10), [0, 0, 255]);
  assert.deepEqual(at(60, 30), [255, 255, 255]);
  // 'H' at x = 12 … 19 px, baseline 19: its left stem is dark ink (the font was found and drawn).
  let darkest = 255;
  for (let y = 26; y < 38; y++)
    for (let x = 24; x < 30; x++) darkest = Math.min(darkest, at(x, y)[0]!);
  assert.ok(darkest < 60, `ink of 'H': ${darkest}`);
  // Measured from DejaVu Sans's own advance widths: H 0.752 em, i 0.278 em.
  assert.ok(
    Math.abs(textWidth('Hi', 11) - 11 * (0.752 + 0.278)) < 0.05,
    String(textWidth('Hi', 11)),
  );
  assertWellFormed(scene.toSvg());
  // Deterministic: the same scene gives the same bytes.
  assert.ok(scene.toPng().equals(scene.toPng()));
});
