/**
 * Static figures: log and integer ticks, no overlapping text, exportFigure to SVG and PNG, and the
 * Symbol.for('Jupyter.display') interop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { createCrossbar } from '../../src/crossbar/crossbar';
import { PRESETS } from '../../src/device/presets';
import { JUPYTER_DISPLAY, displayBundle, type MimeBundle } from '../../src/display/protocol';
import { createLedger } from '../../src/energy/ledger';
import { figureOf, render } from '../../kernel/display/bundle';
import { logTicks, powerOfTen, ticks } from '../../kernel/display/chart';
import { CROSSBAR_MIME } from '../../kernel/display/crossbar';
import { exportFigure } from '../../kernel/display/export';
import { FONT_SIZE, TITLE_SIZE, textWidth } from '../../kernel/display/fonts';
import { plot } from '../../kernel/display/plot';
import { raster } from '../../kernel/display/raster';
import type { Scene } from '../../kernel/display/scene';
import { assertCbramError } from '../helpers';

const labels = (lo: number, hi: number) =>
  logTicks(lo, hi)
    .filter((t) => t.label)
    .map((t) => t.label);

test('log axes: decades as 10ⁿ over many decades, 1-2-5 numbers over a few, never "5 6 7 8 9 100"', () => {
  assert.equal(powerOfTen(-12), '10⁻¹²');
  assert.deepEqual(labels(-6, -2), ['10⁻⁶', '10⁻⁵', '10⁻⁴', '10⁻³', '10⁻²']);
  // Fig. 3e's axis: 50 to 1000 output neurons.
  assert.deepEqual(labels(Math.log10(50), 3), ['50', '100', '200', '500', '1000']);
  // Minor ticks carry no label; every labelled tick is a 1, 2 or 5 multiple over a few decades.
  const all = logTicks(Math.log10(50), 3);
  assert.ok(all.length > 10 && all.some((t) => t.label === ''));
  // Inside one decade: round values, at least two labelled.
  assert.ok(labels(Math.log10(20), Math.log10(60)).length >= 2);
  // Over very many decades, only every other decade is labelled.
  assert.ok(labels(-12, 4).length <= 9);
});

test('count axes tick at whole numbers only', () => {
  assert.deepEqual(ticks(0, 3, 8, true), [0, 1, 2, 3]);
  assert.deepEqual(ticks(0, 1, 5, true), [0, 1]);
  assert.deepEqual(ticks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  // An epoch axis in a plot: x values are whole numbers, so its tick labels are too.
  const scene = figureOf(plot({ name: 'acc', x: [0, 1], y: [10, 80] }, { x: { label: 'epoch' } }))!;
  const xLabels = texts(scene).filter((t) => t.y > scene.height - 40 && /^[\d.]+$/.test(t.text));
  assert.deepEqual(
    xLabels.map((t) => t.text),
    ['0', '1'],
  );
});

interface Box {
  text: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  y: number;
}

/** Text boxes of a scene from the font's advance widths (ascent 0.76 em, descent 0.24 em). */
function texts(scene: Scene): Box[] {
  const out: Box[] = [];
  for (const s of scene.shapes) {
    if (s.kind !== 'text' || s.text === '') continue;
    const size = s.size ?? (s.bold ? TITLE_SIZE : FONT_SIZE);
    const w = textWidth(s.text, size, s.bold === true);
    const start = s.anchor === 'middle' ? -w / 2 : s.anchor === 'end' ? -w : 0;
    const base = s.align === 'middle' ? 0.35 * size : 0;
    const [a0, a1] = [start, start + w];
    const [b0, b1] = [base - 0.76 * size, base + 0.24 * size];
    // Vertical text (rotated −90°): along runs up the page.
    if (s.vertical)
      out.push({ text: s.text, x0: s.x + b0, x1: s.x + b1, y0: s.y - a1, y1: s.y - a0, y: s.y });
    else out.push({ text: s.text, x0: s.x + a0, x1: s.x + a1, y0: s.y + b0, y1: s.y + b1, y: s.y });
  }
  return out;
}

function assertNoOverlap(scene: Scene, what: string): void {
  const boxes = texts(scene);
  for (const b of boxes)
    assert.ok(
      b.x0 >= -0.5 && b.x1 <= scene.width + 0.5 && b.y0 >= -0.5 && b.y1 <= scene.height + 0.5,
      `${what}: "${b.text}" leaves the figure`,
    );
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      const overlap =
        a.x0 < b.x1 - 0.5 && b.x0 < a.x1 - 0.5 && a.y0 < b.y1 - 0.5 && b.y0 < a.y1 - 0.5;
      assert.ok(!overlap, `${what}: "${a.text}" overlaps "${b.text}"`);
    }
}

test('no text overlaps: long legends wrap above the plot, away from the x label (Fig. 3c)', () => {
  const w = Array.from({ length: 41 }, (_, j) => -1 + j / 20);
  const fig3c = plot(
    [
      { name: 'LTP: one SET pulse (CBRAM)', x: w, y: w.map((v) => 0.1 * (1 - v)), mode: 'markers' },
      { name: 'LTD: one RESET pulse (CBRAM)', x: w, y: w.map(() => -0.05), mode: 'markers' },
      {
        name: 'paper: η_dev (exp(1 − w) − 1)',
        x: w,
        y: w.map((v) => 0.02 * (Math.exp(1 - v) - 1)),
      },
      { name: 'paper: −η_dev', x: w, y: w.map(() => -0.02) },
    ],
    { title: '(c) Δw against w for one pulse', x: { label: 'w' }, y: { label: 'Δw per pulse' } },
  );
  const fig3e = plot(
    [{ name: 'CBRAM', x: [50, 100, 300, 1000], y: [70, 80, 88, 92], error: [2, 1, 1, 0.5] }],
    {
      title: '(e) accuracy against output neurons',
      x: { label: 'output neurons', log: true },
      y: { label: 'test accuracy (%)', range: [0, 100] },
      reference: [{ y: 93, label: 'paper: about 93 %' }],
    },
  );
  const bars = plot(
    [
      { name: 'soft pruning', x: ['25 %', '50 %', '75 %'], y: [3e-6, 2e-6, 1e-6] },
      { name: 'hard pruning', x: ['25 %', '50 %', '75 %'], y: [3.1e-6, 2.2e-6, 1.3e-6] },
    ],
    { type: 'bar', title: 'Energy (µJ)', y: { label: 'energy (J)', log: true } },
  );
  const a = createLedger({ label: 'CBRAM' }).record('set', 'train', 1, 1e-12);
  const b = createLedger({ label: 'von Neumann (SRAM + DRAM)' }).record('read', 'train', 9, 1e-6);
  for (const [what, value, opts] of [
    ['Fig. 3c', fig3c, {}],
    ['Fig. 3e', fig3e, {}],
    ['bars', bars, {}],
    ['ledger comparison', [a, b], { log: true }],
    ['device', PRESETS['cbram-subquantum'], {}],
    ['crossbar', createCrossbar({ rows: 8, cols: 8 }), {}],
    [
      'raster',
      raster(
        [
          { label: 'before training', neurons: 10, duration: 1, neuron: [1, 8], time: [0.1, 0.7] },
          { label: 'after training', neurons: 10, duration: 1, neuron: [0, 9], time: [0.05, 0.95] },
        ],
        { title: '(a) output spikes of 10 neurons; digits 0–9 shown 100 ms each' },
      ),
      {},
    ],
  ] as const)
    for (const width of [640, 420]) {
      const scene = figureOf(value, opts, { width })!;
      assert.ok(scene, what);
      assertNoOverlap(scene, `${what} at ${width} px`);
    }
  // The legend of 3c sits between the title and the plot, above the x label.
  const scene = figureOf(fig3c)!;
  const boxes = texts(scene);
  const legendY = boxes.find((t) => t.text === 'paper: −η_dev')!.y;
  assert.ok(legendY < boxes.find((t) => t.text === 'w')!.y - 100);
});

test('exportFigure: SVG at the chosen size, PNG at the chosen dpi (pHYs), durable and checked', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-export-'));
  try {
    const p = plot({ name: 'G', x: [1, 10, 100], y: [1e-6, 5e-6, 2e-5] }, { y: { log: true } });
    const svg = exportFigure(p, path.join(dir, 'fig.svg'), { width: 480, height: 300 });
    assert.equal(svg.format, 'svg');
    const text = fs.readFileSync(svg.file, 'utf8');
    assert.match(text, /^<svg [^>]*width="480" height="300" viewBox="0 0 480 300"/);
    assert.match(text, /10⁻⁵/);
    const out = exportFigure(p, path.join(dir, 'sub', 'fig.png'), { width: 320, dpi: 300 });
    const image = PNG.sync.read(fs.readFileSync(out.file));
    assert.equal(image.width, Math.round((320 * 300) / 96));
    assert.deepEqual(out.pixels, [image.width, image.height]);
    // pHYs: 300 dpi = 11811 pixels per metre, unit metre.
    const bytes = fs.readFileSync(out.file);
    const at = bytes.indexOf('pHYs');
    assert.ok(at > 0);
    assert.equal(bytes.readUInt32BE(at + 4), 11811);
    assert.equal(bytes[at + 12], 1);
    // A figure that keeps its own layout (the dashboard) scales; a crossbar re-lays out.
    const x = exportFigure(createCrossbar({ rows: 4, cols: 4 }), path.join(dir, 'x.svg'), {
      width: 300,
    });
    assert.equal(x.width, 300);
    assertCbramError(
      () => exportFigure(p, path.join(dir, 'fig.jpg')),
      'E_ARG',
      /exportFigure.*file.*\.svg/,
    );
    assertCbramError(
      () => exportFigure(42, path.join(dir, 'n.svg')),
      'E_ARG',
      /exportFigure.*value.*a crossbar/,
    );
    assertCbramError(
      () => exportFigure(p, path.join(dir, 'f.png'), { dpi: 5 }),
      'E_ARG',
      /exportFigure.*options\.dpi/,
    );
    assertCbramError(
      () => exportFigure(p, path.join(dir, 'f.png'), { widht: 3 } as never),
      'E_OPTION',
      /width/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("Symbol.for('Jupyter.display'): library objects answer with the CBRAM payload and a PNG", () => {
  const xbar = createCrossbar({ rows: 4, cols: 5, seed: 2 });
  const bundle = (xbar as unknown as { [JUPYTER_DISPLAY](): MimeBundle })[
    Symbol.for('Jupyter.display') as typeof JUPYTER_DISPLAY
  ]();
  assert.deepEqual(Object.keys(bundle).sort(), [CROSSBAR_MIME, 'image/png', 'text/plain'].sort());
  assert.match(String(bundle['image/png']), /^iVBORw0KGgo/);
  assert.ok(displayBundle(createLedger())['application/vnd.cbram.ledger.v1+json']);
  const r = raster({ label: 'a', neurons: 2, duration: 0.1, neuron: [0], time: [0.05] });
  assert.ok(displayBundle(r)['image/png']);
  // The kernel honours the symbol on other objects (Deno-style libraries).
  const dice = { [Symbol.for('Jupyter.display')]: () => ({ 'text/html': '<b>6</b>' }) };
  const shown = render(dice).data;
  assert.equal(shown['text/html'], '<b>6</b>');
  assert.equal(typeof shown['text/plain'], 'string');
});
