/** Payload → plotly figure, without a browser. */
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
import { parsePayload } from '../../extension/src/payload/parse';
import type { MapData, Payload } from '../../extension/src/payload/types';
import {
  holdMap,
  DARK,
  LIGHT,
  figureFor,
  fieldGrid,
  safeText,
  si,
  type Figure,
  type Trace,
} from '../../extension/src/figures';
import { mapTraces } from '../../extension/src/figures/map';

function payload(mime: string, spec: unknown): Payload {
  const p = parsePayload(mime, JSON.parse(JSON.stringify(spec)));
  if (!p.ok) assert.fail(p.error);
  return p.payload;
}

/** Where each axis of a figure sits: its domain, by axis name. */
function panelDomains(f: Figure): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(f.layout)
      .filter(([k]) => /^[xy]axis\d*$/.test(k))
      .map(([k, v]) => [k, (v as { domain: number[] }).domain]),
  );
}

function rows(t: Trace): ArrayLike<number>[] {
  return t.z as ArrayLike<number>[];
}

function close(a: number, b: number, tol = 1e-4): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);
}

test('conductance map: one heatmap cell per device, in µS, with w alongside for hover', () => {
  const xbar = createCrossbar({ rows: 7, cols: 5, device: 'cbram-subquantum', seed: 1 });
  xbar.pulseColumn(3, new Int8Array(7).fill(8));
  xbar.setFrozen(4, 1);
  const fig = figureFor(payload(CROSSBAR_MIME, crossbarSpec(xbar)), LIGHT);
  const [map, frozen] = fig.data;
  assert.equal(map!.type, 'heatmap');
  assert.equal(rows(map!).length, 7);
  assert.equal(rows(map!)[0]!.length, 5);
  const { gMin, gMax } = xbar.config;
  for (const [i, j] of [
    [0, 0],
    [6, 3],
    [4, 1],
  ] as const) {
    close(rows(map!)[i]![j]!, xbar.g[i * 5 + j]! * 1e6);
    const w = -1 + (2 * (xbar.g[i * 5 + j]! - gMin)) / (gMax - gMin);
    close((map!.customdata as ArrayLike<number>[])[i]![j]!, w);
  }
  assert.deepEqual(
    [map!.zmin, map!.zmax].map((v) => Math.round((v as number) * 1e3)),
    [gMin * 1e9, gMax * 1e9].map(Math.round),
  );
  assert.match(
    String(map!.hovertemplate),
    /row\) %\{y\}, output \(column\) %\{x\}<br>G = %\{z:.3g\} µS<br>w = %\{customdata:.3f\}/,
  );
  // The frozen overlay marks exactly the frozen cell; the rest is transparent (NaN).
  assert.equal(frozen!.name, 'frozen (pruned)');
  assert.equal(rows(frozen!)[4]![1], 1);
  assert.equal(
    rows(frozen!)
      .flatMap((r) => Array.from(r))
      .filter((v) => v === 1).length,
    1,
  );
  assert.equal(
    fig.layout.yaxis && (fig.layout.yaxis as { autorange: string }).autorange,
    'reversed',
  );
});

test('weight units: z is w = −1 + 2(G − G_min)/(G_max − G_min), colour range [−1, 1]', () => {
  const xbar = createCrossbar({ rows: 3, cols: 3, device: 'cbram-subquantum', seed: 2 });
  xbar.pulseRow(1, new Int8Array(3).fill(20));
  const p = payload(CROSSBAR_MIME, crossbarSpec(xbar));
  const map = figureFor(p, LIGHT, { units: 'weight' }).data[0]!;
  const { gMin, gMax } = xbar.config;
  close(rows(map)[1]![2]!, -1 + (2 * (xbar.g[5]! - gMin)) / (gMax - gMin));
  assert.deepEqual([map.zmin, map.zmax], [-1, 1]);
  close((map.customdata as ArrayLike<number>[])[1]![2]!, xbar.g[5]! * 1e6);
});

test('stuck cells get their own overlays', () => {
  const device = { ...PRESETS['cbram-subquantum'], pStuckOff: 0.2, pStuckOn: 0.2 };
  const xbar = createCrossbar({ rows: 20, cols: 20, device, seed: 5 });
  const fig = figureFor(payload(CROSSBAR_MIME, crossbarSpec(xbar)), LIGHT);
  const names = fig.data.map((t) => t.name);
  assert.ok(names.includes('stuck at G_min') && names.includes('stuck at G_max'), String(names));
  const low = fig.data.find((t) => t.name === 'stuck at G_min')!;
  let marked = 0;
  for (let k = 0; k < 400; k++) {
    const on = rows(low)[Math.floor(k / 20)]![k % 20] === 1;
    assert.equal(on, xbar.devices.stuck[k] === 1);
    marked += on ? 1 : 0;
  }
  assert.ok(marked > 40 && marked < 130, `${marked} stuck low`);
});

function synthetic(r: number, c: number, fields = false): MapData {
  return {
    rows: r,
    cols: c,
    quantity: 'weight',
    range: [-1, 1],
    values: new Float32Array(r * c).map((_, k) => (k % 7) / 7),
    frozen: new Uint8Array(r * c).map((_, k) => (k % 3 === 0 ? 1 : 0)),
    stuck: null,
    weight: null,
    fields: fields
      ? { pixelIndex: new Int32Array(r).map((_, i) => i * 2), width: 28, height: 28 }
      : null,
  };
}

test('a map larger than the screen budget is drawn as block means; the data stay whole', () => {
  const map = synthetic(10, 10);
  const [z] = mapTraces(map, LIGHT, { maxCells: 25 });
  assert.equal(rows(z!).length, 5); // blocks of 2 × 2
  assert.equal(rows(z!)[0]!.length, 5);
  const want = (map.values[0]! + map.values[1]! + map.values[10]! + map.values[11]!) / 4;
  close(rows(z!)[0]![0]!, want);
  assert.deepEqual(z!.x, [0, 2, 4, 6, 8]);
  assert.match(String(z!.hovertemplate), /mean of 2 × 2 cells/);
  assert.equal(map.values.length, 100);
  // The paper's 397 × 500 array fits the default budget: drawn cell for cell.
  const [full] = mapTraces(synthetic(397, 500), LIGHT);
  assert.equal(rows(full!).length, 397);
  assert.equal(full!.x, undefined);
});

test('receptive fields: each output is a 28 × 28 image of its weights, pruned pixels marked', () => {
  const map = synthetic(30, 6, true);
  const fig = figureFor({ kind: 'crossbar', title: 't', device: 'd', map, counters: null }, LIGHT, {
    view: 'fields',
  });
  const [img, marks] = fig.data;
  const g = fieldGrid(6);
  assert.deepEqual(g, { columns: 3, rows: 2 });
  assert.equal(rows(img!).length, 2 * 29 - 1);
  assert.equal(rows(img!)[0]!.length, 3 * 29 - 1);
  // Output 4 sits in grid cell (row 1, column 1); input 7 is pixel 14 → (y 0, x 14).
  close(rows(img!)[29 + 0]![29 + 14]!, map.values[7 * 6 + 4]!);
  assert.equal((img!.customdata as ArrayLike<number>[])[29]![29 + 14], 4);
  assert.ok(Number.isNaN(rows(img!)[0]![1]!), 'a pixel that is not an input is transparent');
  assert.equal(rows(marks!)[29]![29 + 14], map.frozen![7 * 6 + 4] ? 1 : NaN);
  assert.equal((fig.layout.yaxis as { scaleanchor: string }).scaleanchor, 'x');
});

test('device curves: SET and RESET trains per cycle, pulse numbers running on', () => {
  const spec = deviceSpec(PRESETS['cbram-subquantum'], {
    cycles: 2,
    setPulses: 50,
    resetPulses: 40,
  });
  const fig = figureFor(payload(DEVICE_MIME, spec), LIGHT);
  assert.equal(fig.data.length, 4);
  const second = fig.data.find((t) => (t.hovertemplate as string).startsWith('RESET, cycle 2'))!;
  assert.equal((second.x as number[])[0], 90 + 50);
  close((second.y as number[])[0]!, spec.response.trains[3]!.conductance[0]! * 1e6);
  assert.deepEqual(
    fig.data.map((t) => t.showlegend),
    [true, true, false, false],
  );
  assert.match(String((fig.layout.title as { text: string }).text), /SET [\d.]+ [fpnµ]J/);
});

test('energy: stacked by kind per phase; a comparison on a log scale groups bars', () => {
  const a = createLedger({ label: 'CBRAM' })
    .record('set', 'train', 10, 2e-12)
    .record('read', 'test', 5, 1e-13);
  const single = figureFor(payload(LEDGER_MIME, ledgerSpec(a)), LIGHT);
  assert.equal(single.layout.barmode, 'stack');
  const set = single.data.find((t) => t.name === 'set')!;
  assert.deepEqual(set.x, ['train', 'test']);
  assert.deepEqual(set.y, [2e-12, 0]);
  const b = createLedger({ label: 'von Neumann' }).record('set', 'train', 10, 2e-6);
  const spec = { ...ledgerSpec([a, b]), scale: 'log' };
  const log = figureFor(payload(LEDGER_MIME, spec), LIGHT);
  assert.equal(log.layout.barmode, 'group');
  assert.equal((log.layout.yaxis as { type: string }).type, 'log');
  const reads = log.data.find((t) => t.name === 'read')!;
  assert.deepEqual(reads.y, [1e-13, null]); // zero has no place on a log axis
  assert.deepEqual(reads.x, ['CBRAM', 'von Neumann']);
});

test('training dashboard: map, accuracy, speed, pulses and energy on their own axes', async () => {
  const n = 30;
  const images = new Uint8Array(n * 9).map((_, i) => ((i * 7) % 5 < 2 ? 255 : 0));
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  const t = createTrainer({ n, pixels: 9, images, labels }, { outputs: 3, epochs: 1, seed: 1 });
  await t.train({ maxImages: 12 });
  const fig = figureFor(payload(TRAINING_MIME, trainingParts(t, { status: 'running' }).spec), DARK);
  assert.equal(fig.data[0]!.type, 'heatmap');
  const axes = new Set(fig.data.map((d) => `${d.xaxis}/${d.yaxis}`));
  for (const a of ['x/y', 'x2/y2', 'x3/y3', 'x4/y4', 'x5/y5', 'x6/y6']) assert.ok(axes.has(a), a);
  // The last image's output spikes, in ms, on the raster panel.
  const spikes = fig.data.find((d) => d.xaxis === 'x6')!;
  const last = t.lastImageSpikes();
  assert.deepEqual(Array.from(spikes.y as Int32Array), Array.from(last.neuron));
  assert.ok(last.neuron.length > 0);
  close((spikes.x as Float32Array)[0]!, last.time[0]! * 1e3);
  for (const k of ['xaxis', 'xaxis2', 'xaxis5', 'yaxis4']) assert.ok(fig.layout[k], k);
  assert.equal(fig.layout.paper_bgcolor, DARK.background);
  const stats = (fig.layout.annotations as { name?: string; text: string }[]).find(
    (a) => a.name === 'stats',
  )!;
  assert.match(stats.text, /12 \/ 30 images · .*running accuracy \(train\)/);
  assert.equal(fig.layout.showlegend, false, 'legends sit in the panel titles');
  // A fixed frame: no axis asks plotly to measure its labels for margins or overflow.
  const axisKeys = Object.keys(fig.layout).filter((k) => /^[xy]axis\d*$/.test(k));
  assert.equal(axisKeys.length, 12);
  for (const k of axisKeys) {
    const ax = fig.layout[k] as { automargin?: boolean; ticklabeloverflow?: string };
    assert.equal(ax.automargin, false, k);
    assert.equal(ax.ticklabeloverflow, 'allow', k);
  }
});

test('training dashboard: one layout from the first frame on; receptive fields keep the colour bar and have no ticks', async () => {
  const n = 30;
  const images = new Uint8Array(n * 9).map((_, i) => ((i * 7) % 5 < 2 ? 255 : 0));
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  const t = createTrainer({ n, pixels: 9, images, labels }, { outputs: 3, epochs: 1, seed: 1 });
  t.data.pixelIndex = Int32Array.from({ length: 9 }, (_, i) => i * 3);
  const starting = figureFor(
    payload(TRAINING_MIME, trainingParts(t, { status: 'starting' }).spec),
    LIGHT,
  );
  await t.train({ maxImages: 12 });
  const parts = trainingParts(t, { status: 'running' });
  parts.spec.history = {
    ...parts.spec.history,
    imagesDone: [0, 12],
    runningAccuracy: [0, 0.5],
    imagesPerSecond: [0, 100],
    setPulses: [0, 5],
    resetPulses: [0, 3],
    energy: [0, 1e-9],
    elapsed: [0, 0.1],
  };
  const running = figureFor(payload(TRAINING_MIME, parts.spec), LIGHT);
  assert.deepEqual(panelDomains(starting), panelDomains(running), 'the panels do not move');
  const notes = (f: typeof running) =>
    (f.layout.annotations as { name: string; text: string }[]).filter((a) =>
      a.name.startsWith('note'),
    );
  assert.ok(
    notes(starting).some((a) => a.text === 'starting…'),
    'the first frame says it is starting',
  );
  assert.equal(notes(running).length, 0);
  const titles = (running.layout.annotations as { name: string; text: string }[]).map(
    (a) => a.text,
  );
  assert.ok(titles.includes('running accuracy (train), %'));
  assert.ok(
    titles.some((x) => /programming pulses.*SET.*RESET/.test(x)),
    'the legend is in the title',
  );
  const map = running.data[0]!.colorbar as { x: number; y: number };
  const fields = figureFor(payload(TRAINING_MIME, parts.spec), LIGHT, { view: 'fields' });
  assert.deepEqual(fields.data[0]!.colorbar, running.data[0]!.colorbar, 'the colour bar stays put');
  assert.ok(map.x < 0.5);
  for (const k of ['xaxis', 'yaxis']) {
    const ax = fields.layout[k] as { showticklabels: boolean; ticks: string };
    assert.equal(ax.showticklabels, false, k);
    assert.equal(ax.ticks, '', k);
  }
});

test('plot: lines with log axes, error bars and reference lines', () => {
  const p = payload('application/vnd.cbram.plot.v1+json', {
    version: 1,
    kind: 'plot',
    title: 'Accuracy against outputs',
    type: 'line',
    stacked: false,
    x: { label: 'outputs', log: true },
    y: { label: '%', log: false, range: null },
    series: [
      {
        name: 'ours',
        x: [50, 100, 1000],
        y: [80, 85, 93],
        mode: 'lines+markers',
        error: [1, 1, 0.5],
      },
    ],
    reference: [{ y: 93, label: 'paper, 500 outputs' }],
  });
  const fig = figureFor(p, LIGHT);
  assert.equal(fig.data[0]!.type, 'scatter');
  assert.deepEqual((fig.data[0]!.error_y as { array: number[] }).array, [1, 1, 0.5]);
  assert.equal((fig.layout.xaxis as { type: string }).type, 'log');
  assert.equal((fig.layout.shapes as { y0: number }[])[0]!.y0, 93);
});

test('raster: one tick per spike, time in ms, one panel per entry', () => {
  const enc = (a: Int32Array | Float32Array, dtype: string) => ({
    dtype,
    shape: [a.length],
    encoding: 'base64',
    data: Buffer.from(a.buffer).toString('base64'),
  });
  const panel = (label: string) => ({
    label,
    neurons: 10,
    duration: 0.1,
    neuron: enc(new Int32Array([1, 2]), 'int32'),
    time: enc(new Float32Array([0.01, 0.02]), 'float32'),
  });
  const p = payload('application/vnd.cbram.raster.v1+json', {
    version: 1,
    kind: 'raster',
    title: 'Fig. 3a',
    panels: [panel('before'), panel('after')],
  });
  const fig = figureFor(p, LIGHT);
  assert.equal(fig.data.length, 2);
  close((fig.data[1]!.x as Float32Array)[1]!, 20);
  assert.equal(fig.data[1]!.xaxis, 'x2');
  assert.deepEqual((fig.layout.xaxis2 as { range: number[] }).range, [0, 100]);
});

test('text from payloads never reaches plotly as markup', () => {
  const evil =
    '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script><a href="javascript:x">';
  const xbar = createCrossbar({ rows: 2, cols: 2 });
  const a = createLedger({ label: evil }).record('set', 'train', 1, 1e-12);
  const figures = [
    figureFor(payload(CROSSBAR_MIME, crossbarSpec(xbar, { title: evil })), LIGHT),
    figureFor(payload(LEDGER_MIME, { ...ledgerSpec([a, a], { title: evil }) }), LIGHT),
    figureFor(
      payload('application/vnd.cbram.plot.v1+json', {
        version: 1,
        kind: 'plot',
        title: evil,
        x: { label: evil },
        y: { label: evil },
        series: [{ name: evil, x: [evil], y: [1] }],
        reference: [{ y: 1, label: evil }],
      }),
      LIGHT,
    ),
  ];
  for (const f of figures) {
    const s = JSON.stringify(f, (_, v) => (ArrayBuffer.isView(v) ? [] : v));
    assert.ok(s.includes('&lt;img'), 'the label is shown, escaped');
    assert.ok(!/<(img|script|a)\b/i.test(s), s.slice(0, 300));
  }
  assert.equal(safeText('a & b'), 'a &amp; b');
  assert.equal(si(4.07e-4, 'J'), '407 µJ');
  assert.equal(si(0, 'J'), '0 J');
});

test('plot axes: log axes read as numbers, whole-number axes tick at integers, legends clear of axis titles', async () => {
  const { logTicks, integerTicks } = await import('../../extension/src/figures/plot');
  // Fig. 3e: 50 … 1000 outputs on a log axis ticks 50, 100, 200, 500, 1000 (not "5 6 7 8 9 100 2 3").
  assert.deepEqual(logTicks([50, 100, 200, 500, 1000]), {
    tickvals: [50, 100, 200, 500, 1000],
    ticktext: ['50', '100', '200', '500', '1,000'],
  });
  // Over more than three decades: powers of ten.
  assert.deepEqual(logTicks([1e-3, 1e3]), { dtick: 1, exponentformat: 'power' });
  assert.deepEqual(logTicks([0, -1]), {});
  // Fig. 3d: epochs 0 … 3 tick at integers, never 0.5, 1.5, 2.5.
  assert.deepEqual(integerTicks([0, 1, 2, 3]), { dtick: 1, tick0: 0 });
  assert.deepEqual(integerTicks([0, 60000, 120000]), { tickformat: 'd' });
  assert.deepEqual(integerTicks([0.5, 1]), {});
  const payload: Payload = {
    kind: 'plot',
    title: 'Δw against w',
    type: 'line',
    stacked: false,
    x: { label: 'w', log: false },
    y: { label: 'Δw', log: false, range: null },
    series: [
      { name: 'LTP', x: [-1, 0, 1], y: [0.2, 0.05, 0], mode: 'lines', error: null },
      { name: 'LTD', x: [-1, 0, 1], y: [-0.03, -0.03, -0.03], mode: 'lines', error: null },
    ],
    reference: [],
  };
  const layout = figureFor(payload, LIGHT).layout as {
    legend: { y: number; yanchor: string };
    xaxis: Record<string, unknown>;
  };
  assert.equal(layout.xaxis.dtick, 1, 'whole-number x values tick at integers');
  assert.ok(layout.legend.y >= 1 && layout.legend.yanchor === 'bottom', 'legend above the plot');
});

test('a live update that holds its map is drawn with the last map, the same traces reused', async () => {
  const n = 20;
  const images = new Uint8Array(n * 9).map((_, i) => ((i * 7) % 5 < 2 ? 255 : 0));
  const labels = new Uint8Array(n).map((_, i) => i % 10);
  const t = createTrainer({ n, pixels: 9, images, labels }, { outputs: 3, epochs: 1, seed: 1 });
  const first = payload(TRAINING_MIME, trainingParts(t, { status: 'running' }).spec);
  await t.train({ maxImages: 10 });
  const spec = trainingParts(t, { status: 'running', map: false }).spec;
  const held = payload(TRAINING_MIME, { ...spec, mapHeld: true });
  const bare = payload(TRAINING_MIME, spec);
  assert.ok(held.kind === 'training' && held.mapHeld && held.map === null);
  assert.ok(bare.kind === 'training' && !bare.mapHeld);
  // The first update's map is kept, and drawn again for the update that holds it.
  const a = holdMap(first, null);
  assert.ok(first.kind === 'training' && a.held === first.map);
  const b = holdMap(held, a.held);
  assert.ok(b.payload.kind === 'training' && b.payload.map === first.map && b.held === a.held);
  assert.ok(b.payload.kind === 'training' && b.payload.progress.imagesDone === 10);
  const f1 = figureFor(a.payload, LIGHT, { maxCells: 64 });
  const f2 = figureFor(b.payload, LIGHT, { maxCells: 64 });
  assert.equal(f2.data[0]!.type, 'heatmap');
  assert.equal(f2.data[0]!.z, f1.data[0]!.z, 'the same arrays: plotly need not rebuild the map');
  assert.notEqual(figureFor(a.payload, DARK, { maxCells: 64 }).data[0]!.z, f1.data[0]!.z);
  // An update without `mapHeld` has no map; so has a held one with nothing to hold.
  assert.equal(holdMap(bare, a.held).payload, bare);
  assert.equal(holdMap(held, null).payload, held);
  // Drawn without the map but in the same layout, the map's panel saying the map is coming.
  const waiting = figureFor(holdMap(held, null).payload, LIGHT);
  assert.equal(waiting.data[0]!.type, 'scatter');
  assert.deepEqual(panelDomains(waiting), panelDomains(f1), 'the panels do not move');
  const notes = (waiting.layout.annotations as { name: string; text: string }[]).filter(
    (a) => a.name === 'note:1',
  );
  assert.deepEqual(
    notes.map((a) => a.text),
    ['the map comes with the next update'],
  );
  // A new map replaces the held one; other kinds pass through.
  const c = holdMap(payload(TRAINING_MIME, trainingParts(t, { status: 'running' }).spec), a.held);
  assert.ok(c.payload.kind === 'training' && c.held === c.payload.map && c.held !== a.held);
  const xbar = payload(CROSSBAR_MIME, crossbarSpec(createCrossbar({ rows: 2, cols: 2 })));
  assert.deepEqual(holdMap(xbar, a.held), { payload: xbar, held: a.held });
  // mapHeld must be a boolean.
  const bad = parsePayload(TRAINING_MIME, JSON.parse(JSON.stringify({ ...spec, mapHeld: 'yes' })));
  assert.ok(!bad.ok && /mapHeld/.test(bad.error), bad.ok ? '' : bad.error);
});
