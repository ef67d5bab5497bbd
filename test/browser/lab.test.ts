/* eslint-disable @typescript-eslint/no-explicit-any -- page functions use JupyterLab's and plotly's runtime objects */
/**
 * CBRAM Lab in a real browser: JupyterLab built from npm with the extension, Debian's
 * jupyter_server, the CBRAM Lab kernel, real MNIST, and Debian's Chromium. One session runs the
 * steps in order, as a user would: train with a live view, interrupt and resume, compare the
 * heatmap with the kernel's data, see the energy chart, feed bad payloads, save and reopen.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  cellText,
  missingPrerequisite,
  openNotebook,
  openSession,
  runCell,
  runCellToEnd,
  shot,
  waitCellDone,
  writeNotebook,
  type Session,
} from './harness';

// Page functions run in Chromium: the DOM and JupyterLab's objects, untyped here (no DOM lib in Node's build).
declare const window: any;
declare const document: any;
type HTMLElement = any;

const missing = missingPrerequisite();
if (missing && process.env.CBRAM_REQUIRE_JUPYTER === '1')
  throw new Error(`the browser tests must run here (CBRAM_REQUIRE_JUPYTER=1), but ${missing}`);
const skip = missing ? `browser tests need ${missing}` : false;

const CROSSBAR = 'application/vnd.cbram.crossbar.v1+json';
const TRAINING = 'application/vnd.cbram.training.v1+json';
const LEDGER = 'application/vnd.cbram.ledger.v1+json';

const CELLS = [
  // 0: data and a trainer: 50 outputs, 40,000 real MNIST images, the device rule on CBRAM.
  `import { loadPaperMnist, createTrainer } from 'cbram-lab';
import { display, trainLive, plot } from 'cbram-lab/kernel';

const mnist = loadPaperMnist();
const t = createTrainer(mnist.train, { outputs: 50, epochs: 1, imagesPerEpoch: 40000, seed: 3 });
'ready'`,
  // 1: train with the live dashboard (interrupted, then run again to resume).
  `await trainLive(t);`,
  // 2: the crossbar as a receptive-field-capable map, and some of its conductances.
  `const xbar = (t.synapses as any).crossbar;
display(xbar, { pixelIndex: mnist.pixelIndex, title: 'after training' });
console.log('G=' + JSON.stringify([[0, 0], [100, 7], [396, 49]].map(([r, c]) => xbar.g[r * xbar.cols + c])));
console.log('imagesDone=' + t.imagesDone);`,
  // 3: the energy ledger.
  `display(t.ledger, { title: 'training energy' });`,
  // 4: bad payloads.
  `const M = '${CROSSBAR}';
display.bundle({ [M]: '{"version":1,"kind":"crossbar","map":{"rows":', 'text/plain': 'truncated' });
display.bundle({ [M]: { version: 2, kind: 'crossbar' }, 'text/plain': 'v2' });
display.bundle({ [M]: { version: 1, kind: 'crossbar', title: 'nan', map: { rows: 2, cols: 2, quantity: 'conductance', range: [NaN, 1] } }, 'text/plain': 'nan' });
display.bundle({ [M]: { version: 1, kind: 'crossbar', title: 'huge', map: { rows: 1e9, cols: 500, quantity: 'conductance', range: [0, 1] } }, 'text/plain': 'huge' });
display(plot({ name: '<script>window.__pwned = 1</script>', x: [1, 2], y: [1, 2] }, { title: '<img src=x onerror="window.__pwned = 1">' }));`,
];

let s: Session;
let page: Page;
const FILE = 'live.ipynb';

before(async () => {
  if (skip) return;
  s = await openSession();
  page = s.page;
  writeNotebook(s.dir, FILE, CELLS);
  await openNotebook(page, FILE);
});

after(async () => {
  await s?.close();
});

/** The plotly div of the first renderer of `mime` in cell `index`. */
function plotOf(index: number, mime: string): string {
  return `.jp-Notebook .jp-Cell:nth-child(${index + 1}) .cbram-Renderer[data-mime-type="${mime}"]`;
}

/** Renders so far of that renderer (0 when it is not there). */
async function renders(sel: string): Promise<number> {
  return page.evaluate((q) => Number(document.querySelector(q)?.dataset.renders ?? 0), sel);
}

/** The map trace's z, summed, and its shape. */
async function mapState(sel: string): Promise<{ rows: number; cols: number; sum: number }> {
  return page.evaluate((q) => {
    const gd = document.querySelector(`${q} .cbram-Plot`) as any;
    const z = gd.data[0].z as ArrayLike<number>[];
    let sum = 0;
    for (const row of z) for (let j = 0; j < row.length; j++) sum += row[j]!;
    return { rows: z.length, cols: z[0]!.length, sum };
  }, sel);
}

test(
  'live training: the conductance map changes while it trains; interrupt from the toolbar, then resume',
  { skip },
  async () => {
    await runCellToEnd(page, 0, 60_000);
    assert.match(await cellText(page, 0), /ready/);
    await runCell(page, 1);
    const dash = plotOf(1, TRAINING);
    await page.waitForFunction(
      (q) => Number(document.querySelector(q)?.dataset.renders ?? 0) >= 2,
      dash,
      { timeout: 60_000 },
    );
    const first = await mapState(dash);
    assert.deepEqual([first.rows, first.cols], [397, 50]);
    const n = await renders(dash);
    await page.waitForFunction(
      ([q, k]) => Number(document.querySelector(q as string)?.dataset.renders ?? 0) > (k as number),
      [dash, n],
      { timeout: 30_000 },
    );
    const second = await mapState(dash);
    assert.notEqual(second.sum, first.sum, 'the map changed between two live updates');
    await shot(page, '1-live-training');
    // Interrupt with the notebook toolbar's button.
    await page.locator('.jp-NotebookPanel-toolbar [data-jp-item-name="interrupt"]').first().click();
    await waitCellDone(page, 1, 60_000);
    const title = await page.evaluate(
      (q) => (document.querySelector(`${q} .cbram-Plot`) as any).layout.title.text as string,
      dash,
    );
    assert.match(title, /interrupted/);
    const stopped = Number(/([\d,]+) \/ 40,000 images/.exec(title)![1]!.replace(/,/g, ''));
    assert.ok(stopped > 0 && stopped < 40000, `stopped at ${stopped}`);
    await shot(page, '2-interrupted');
    // Run the cell again: training resumes where it stopped and completes.
    await runCellToEnd(page, 1, 120_000);
    await page.waitForFunction(
      (q) =>
        /completed/.test(
          (document.querySelector(`${q} .cbram-Plot`) as any)?.layout?.title?.text ?? '',
        ),
      dash,
      { timeout: 30_000 },
    );
    await shot(page, '3-resumed');
  },
);

test(
  'the heatmap has the crossbar’s dimensions and the kernel’s conductances',
  { skip },
  async () => {
    await runCellToEnd(page, 2);
    const text = await cellText(page, 2);
    assert.match(text, /imagesDone=40000/);
    const g = JSON.parse(/G=(\[.*\])/.exec(text)![1]!) as number[];
    const sel = plotOf(2, CROSSBAR);
    await page.waitForFunction(
      (q) => Number(document.querySelector(q)?.dataset.renders ?? 0) >= 1,
      sel,
    );
    const shape = await mapState(sel);
    assert.deepEqual([shape.rows, shape.cols], [397, 50]);
    const z = await page.evaluate((q) => {
      const gd = document.querySelector(`${q} .cbram-Plot`) as any;
      const z = gd.data[0].z;
      return [z[0][0], z[100][7], z[396][49]] as number[];
    }, sel);
    g.forEach((v, i) =>
      assert.ok(
        Math.abs(z[i]! - v * 1e6) < 1e-4 * Math.max(1, v * 1e6),
        `cell ${i}: ${z[i]} µS vs ${v} S`,
      ),
    );
    // Receptive fields: 50 images of 28 × 28 in an 8 × 7 grid.
    await page.locator(`${sel} button[data-option="view:fields"]`).click();
    await page.waitForFunction(
      (q) => (document.querySelector(`${q} .cbram-Plot`) as any).data[0].z.length === 7 * 29 - 1,
      sel,
    );
    const fields = await page.evaluate(
      (q) => (document.querySelector(`${q} .cbram-Plot`) as any).data[0].z[0].length,
      sel,
    );
    assert.equal(fields, 8 * 29 - 1);
    await shot(page, '4-receptive-fields');
  },
);

test('the energy chart renders stacked bars with the ledger’s totals', { skip }, async () => {
  await runCellToEnd(page, 3);
  const sel = plotOf(3, LEDGER);
  await page.waitForFunction(
    (q) => Number(document.querySelector(q)?.dataset.renders ?? 0) >= 1,
    sel,
  );
  const bars = await page.evaluate((q) => {
    const gd = document.querySelector(`${q} .cbram-Plot`) as any;
    return {
      types: gd.data.map((d: any) => d.type),
      names: gd.data.map((d: any) => d.name),
      rects: document.querySelectorAll(`${q} .cbram-Plot .bars path`).length,
    };
  }, sel);
  assert.ok(
    bars.types.length >= 2 && bars.types.every((t: string) => t === 'bar'),
    JSON.stringify(bars),
  );
  assert.ok(bars.names.includes('set') && bars.names.includes('read'), JSON.stringify(bars.names));
  assert.ok(bars.rects > 0, 'bars are drawn');
  await shot(page, '5-energy');
});

test(
  'bad payloads show readable error panels, never run script, and the page keeps working',
  { skip },
  async () => {
    await runCellToEnd(page, 4);
    const errors = await page.evaluate(() =>
      Array.from(
        document.querySelectorAll(
          '.jp-Notebook .jp-Cell:nth-child(5) .cbram-Error',
        ) as ArrayLike<HTMLElement>,
      )
        .filter((e: HTMLElement) => !e.hidden)
        .map((e: HTMLElement) => e.innerText as string),
    );
    assert.equal(errors.length, 4, errors.join('\n---\n'));
    assert.match(errors[0]!, /not valid JSON/);
    assert.match(errors[1]!, /version: expected 1 .* got 2/);
    assert.match(errors[2]!, /map\.range\[0\]: expected a finite number, got null/);
    assert.match(errors[3]!, /map\.rows: expected an integer from 1 to 65536, got 1000000000/);
    const evil = await page.evaluate(() => {
      const r = document.querySelectorAll(
        '.jp-Notebook .jp-Cell:nth-child(5) .cbram-Renderer[data-mime-type="application/vnd.cbram.plot.v1+json"] .cbram-Plot',
      );
      const gd = r[0] as any;
      return {
        pwned: (window as any).__pwned ?? null,
        title: gd.querySelector('.gtitle')?.textContent ?? '',
        images: gd.querySelectorAll('img').length,
        scripts: gd.querySelectorAll('script').length,
      };
    });
    assert.deepEqual(evil, {
      pwned: null,
      title: '<img src=x onerror="window.__pwned = 1">',
      images: 0,
      scripts: 0,
    });
    await shot(page, '6-bad-payloads');
    // The page and kernel still work: a cell runs after them.
    await page.evaluate(() => {
      const panel = (window as any).jupyterapp.shell.currentWidget;
      panel.content.model.sharedModel.insertCell(5, { cell_type: 'code', source: '1 + 1' });
    });
    await runCellToEnd(page, 5);
    assert.match(await cellText(page, 5), /2/);
  },
);

test('figures follow JupyterLab’s theme: dark, then light again', { skip }, async () => {
  const sel = plotOf(3, LEDGER);
  // The plot's background as set, and as the browser resolves it ('rgb(r, g, b)').
  const background = () =>
    page.evaluate((q) => {
      const raw = (document.querySelector(`${q} .cbram-Plot`) as any).layout
        .paper_bgcolor as string;
      const probe = document.createElement('div');
      probe.style.color = raw;
      document.body.append(probe);
      const rgb = (window as any).getComputedStyle(probe).color as string;
      probe.remove();
      return { raw, rgb };
    }, sel);
  const lum = (c: string) => {
    const rgb = /rgb\((\d+), *(\d+), *(\d+)/.exec(c)?.slice(1).map(Number) ?? [];
    assert.equal(rgb.length, 3, `a colour, got ${c}`);
    return 0.2126 * rgb[0]! + 0.7152 * rgb[1]! + 0.0722 * rgb[2]!;
  };
  const backgroundIs = (raw: string, same: boolean) =>
    page.waitForFunction(
      ([q, r, eq]) =>
        ((document.querySelector(`${q} .cbram-Plot`) as any).layout.paper_bgcolor === r) === eq,
      [sel, raw, same] as const,
      { timeout: 30_000 },
    );
  const light = await background();
  const theme = (name: string) =>
    page.evaluate(
      (t) => (window as any).jupyterapp.commands.execute('apputils:change-theme', { theme: t }),
      name,
    );
  await theme('JupyterLab Dark');
  await backgroundIs(light.raw, false);
  const dark = await background();
  assert.ok(lum(dark.rgb) < 80 && lum(light.rgb) > 180, `light ${light.rgb}, dark ${dark.rgb}`);
  await shot(page, '6b-dark-theme');
  await theme('JupyterLab Light');
  await backgroundIs(light.raw, true);
});

test(
  'a saved notebook reopens with its figures redrawn from the saved outputs',
  { skip },
  async () => {
    await page.evaluate(async () => {
      const app = (window as any).jupyterapp;
      await app.shell.currentWidget.context.save();
      await app.commands.execute('application:close-all');
    });
    await page.waitForFunction(() => document.querySelectorAll('.jp-NotebookPanel').length === 0);
    await openNotebook(page, FILE);
    for (const [i, mime] of [
      [1, TRAINING],
      [2, CROSSBAR],
      [3, LEDGER],
    ] as const)
      await page.waitForFunction(
        (q) => Number(document.querySelector(q)?.dataset.renders ?? 0) >= 1,
        plotOf(i, mime),
        { timeout: 30_000 },
      );
    const shape = await mapState(plotOf(2, CROSSBAR));
    assert.deepEqual([shape.rows, shape.cols], [397, 50]);
    const title = await page.evaluate(
      (q) => (document.querySelector(`${q} .cbram-Plot`) as any).layout.title.text as string,
      plotOf(1, TRAINING),
    );
    assert.match(title, /completed/);
    await shot(page, '7-reopened');
  },
);
