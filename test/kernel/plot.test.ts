/** plot() and raster(): payloads, text, PNG fallbacks and bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { render } from '../../kernel/display/bundle';
import { decodeArray } from '../../kernel/display/arrays';
import { PLOT_MIME, plot, type PlotSpec } from '../../kernel/display/plot';
import { RASTER_MIME, raster, type RasterSpec } from '../../kernel/display/raster';
import { createLedger } from '../../src/energy/ledger';
import { LEDGER_MIME } from '../../kernel/display/ledger';
import { assertCbramError } from '../helpers';

function png(b64: unknown): PNG {
  return PNG.sync.read(Buffer.from(String(b64), 'base64'));
}

test('plot: a JSON-safe payload (non-finite y → null), text and a PNG', () => {
  const p = plot(
    [
      { name: 'soft', x: [0, 25, 50, 75], y: [93.2, 92.4, 91.6, NaN] },
      {
        name: 'hard',
        x: [0, 25, 50, 75],
        y: [93.2, 91.9, 88.7, 84.2],
        mode: 'lines',
        error: [0.1, 0.2, 0.2, 0.3],
      },
    ],
    {
      title: 'Accuracy against P',
      x: { label: 'pruned (%)' },
      y: { label: 'accuracy (%)', range: [80, 95] },
      reference: [{ y: 93, label: 'paper' }],
    },
  );
  const r = render(p);
  assert.deepEqual(Object.keys(r.data).sort(), [PLOT_MIME, 'image/png', 'text/plain'].sort());
  const spec = JSON.parse(JSON.stringify(r.data[PLOT_MIME])) as PlotSpec;
  assert.equal(spec.version, 1);
  assert.equal(spec.kind, 'plot');
  assert.deepEqual(spec.series[0]!.y, [93.2, 92.4, 91.6, null]);
  assert.equal(spec.series[0]!.mode, 'lines+markers');
  assert.deepEqual(spec.series[1]!.error, [0.1, 0.2, 0.2, 0.3]);
  assert.deepEqual(spec.y.range, [80, 95]);
  assert.deepEqual(spec.reference, [{ y: 93, label: 'paper' }]);
  assert.match(
    String(r.data['text/plain']),
    /^Accuracy against P\nsoft: \(0, 93\.2\) \(25, 92\.4\) \(50, 91\.6\) \(75, —\)/,
  );
  // Drawn at 2× for sharp text; the metadata gives the size to show it at.
  const image = png(r.data['image/png']);
  assert.deepEqual([image.width, image.height], [1280, 720]);
  assert.deepEqual(r.metadata['image/png'], { width: 640, height: 360 });
});

test('plot: category bars, stacked or side by side, and log axes', () => {
  const bars = plot(
    { name: 'energy (J)', x: ['CBRAM', 'RRAM', 'PCM'], y: [4e-4, 9.8e-3, 5.5e-3] },
    { type: 'bar', y: { log: true } },
  );
  const spec = render(bars).data[PLOT_MIME] as PlotSpec;
  assert.deepEqual(spec.series[0]!.x, ['CBRAM', 'RRAM', 'PCM']);
  assert.equal(spec.y.log, true);
  assert.ok(png(render(bars).data['image/png']).height > 60);
  const log = plot(
    { name: 'a', x: [50, 100, 1000], y: [1, 10, 100] },
    { x: { log: true }, y: { log: true } },
  );
  assert.ok(png(render(log).data['image/png']).width === 1280);
});

test('plot: bad input names the parameter, the value and what is allowed', () => {
  assertCbramError(() => plot([]), 'E_ARG', /plot: series must be a series or a non-empty array/);
  assertCbramError(
    () => plot({ name: 'a', x: [1, 2], y: [1] }),
    'E_ARG',
    /plot: series\[0\]\.y\.length must be 2 \(like x\), got 1/,
  );
  assertCbramError(
    () => plot({ name: 'a', x: [1, 0], y: [1, 2] }, { x: { log: true } }),
    'E_ARG',
    /series\[0\]\.x\[1\] must be a positive number \(the axis is logarithmic\), got 0/,
  );
  assertCbramError(
    () => plot({ name: 'a', x: [1], y: [1] }, { type: 'pie' as 'bar' }),
    'E_ARG',
    /options\.type/,
  );
  assertCbramError(
    () => plot({ name: 'a', x: [1], y: [1] }, { titel: 'x' } as object),
    'E_OPTION',
    /titel/,
  );
  assertCbramError(
    () => plot({ name: 'a', x: [1], y: [1] }, { y: { range: [2, 1] } }),
    'E_ARG',
    /options\.y\.range must be \[lo, hi\] with lo < hi/,
  );
});

test('raster: spikes as int32 neurons and float32 times, a PNG per panel, bad input', () => {
  const r = raster(
    [
      { label: 'before', neurons: 10, duration: 0.1, neuron: [0, 3, 9], time: [0.001, 0.05, 0.1] },
      {
        label: 'after',
        neurons: 10,
        duration: 0.1,
        neuron: new Int32Array([2]),
        time: new Float64Array([0.02]),
      },
    ],
    { title: 'Fig. 3a' },
  );
  const b = render(r);
  const spec = JSON.parse(JSON.stringify(b.data[RASTER_MIME])) as RasterSpec;
  assert.equal(spec.kind, 'raster');
  assert.equal(spec.panels.length, 2);
  assert.deepEqual(Array.from(decodeArray(spec.panels[0]!.neuron)), [0, 3, 9]);
  assert.equal(spec.panels[0]!.neuron.dtype, 'int32');
  assert.equal(spec.panels[0]!.time.dtype, 'float32');
  assert.ok(Math.abs(decodeArray(spec.panels[1]!.time)[0]! - 0.02) < 1e-7);
  assert.match(
    String(b.data['text/plain']),
    /before: 3 spikes in 100 ms; per neuron 1 0 0 1 0 0 0 0 0 1/,
  );
  assert.deepEqual([png(b.data['image/png']).width, png(b.data['image/png']).height], [1360, 600]);
  assertCbramError(
    () => raster({ label: 'x', neurons: 10, duration: 0.1, neuron: [10], time: [0] }),
    'E_ARG',
    /raster: panels\[0\]\.neuron\[0\] must be an integer from 0 to 9, got 10/,
  );
  assertCbramError(
    () => raster({ label: 'x', neurons: 10, duration: 0.1, neuron: [1], time: [0.2] }),
    'E_ARG',
    /time\[0\] must be a time in s from 0 to the duration 0\.1/,
  );
  assertCbramError(
    () => raster({ label: 'x', neurons: 10, duration: 0.1, neuron: [1, 2], time: [0] }),
    'E_ARG',
    /panels\[0\]\.time must be an array of 2 spike times/,
  );
});

test('ledgers: display(ledgers, { log: true }) marks the payload log scale', () => {
  const a = createLedger({ label: 'CBRAM' }).record('set', 'train', 1, 1e-12);
  const b = createLedger({ label: 'DRAM' }).record('set', 'train', 1, 1e-6);
  assert.equal((render([a, b], { log: true }).data[LEDGER_MIME] as { scale: string }).scale, 'log');
  assert.equal((render([a, b]).data[LEDGER_MIME] as { scale: string }).scale, 'linear');
  // The PNG of a log comparison is its own figure: a bar per ledger on a log scale.
  const logPng = String(render([a, b], { log: true }).data['image/png']);
  assert.notEqual(logPng, String(render([a, b]).data['image/png']));
  assert.ok(png(logPng).width === 1200);
});
