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
  // 0: data and options: 50 outputs, 20,000 real MNIST images, the device rule on CBRAM.
  `import { loadPaperMnist, createTrainer, createCrossbar } from 'cbram-lab';
import { display, trainLive, plot } from 'cbram-lab/kernel';

const mnist = loadPaperMnist();
const opts = { outputs: 50, epochs: 1, imagesPerEpoch: 20000, seed: 3 };
'ready'`,
  // 1: the documented one-cell form: make the trainer, train it live (interrupted, then run
  // again: it resumes).
  `const t = createTrainer(mnist.train, opts);
await trainLive(t)`,
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
  // 5: the same run, never interrupted, to compare counters with.
  `const ref = createTrainer(mnist.train, opts);
await ref.train();
const keys = ['imagesDone', 'setPulses', 'resetPulses', 'energy', 'outputSpikes', 'runningAccuracy'] as const;
const pa = t.progress(), pb = ref.progress();
console.log('counters=' + JSON.stringify(keys.map((k) => pa[k])));
console.log('differ=' + JSON.stringify(keys.filter((k) => pa[k] !== pb[k])) + ' updates=' + (JSON.stringify(pa.updates) === JSON.stringify(pb.updates)));`,
  // 6: signature help is asked for with the cursor at the end (never run).
  `createCrossbar({ rows: 4, `,
  // 7: an error from inside the library.
  `createCrossbar({ rows: 0, cols: 2 })`,
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

/** The dashboard's stats line. */
async function stats(sel: string): Promise<string> {
  return page.evaluate(
    (q) =>
      ((document.querySelector(`${q} .cbram-Plot`) as any).layout.annotations as any[]).find(
        (a) => a.name === 'stats',
      ).text as string,
    sel,
  );
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
    // Record the dashboard's first frame as it is drawn.
    await page.evaluate(() => {
      const w = window as any;
      w.__frames = [];
      new (w.MutationObserver as any)((records: any[]) => {
        for (const r of records) {
          const node = r.target as HTMLElement;
          if (node.dataset.mimeType !== 'application/vnd.cbram.training.v1+json') continue;
          const gd = node.querySelector('.cbram-Plot') as any;
          const axes: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(gd.layout))
            if (/^[xy]axis\d*$/.test(k)) axes[k] = (v as any).domain;
          w.__frames.push({
            renders: Number(node.dataset.renders),
            width: gd.getBoundingClientRect().width,
            title: gd.layout.title.text,
            axes: JSON.stringify(axes),
            notes: (gd.layout.annotations as any[]).filter((a) => /^note/.test(a.name)).length,
          });
        }
      }).observe(document.body, {
        subtree: true,
        attributes: true,
        attributeFilter: ['data-renders'],
      });
    });
    await runCell(page, 1);
    const dash = plotOf(1, TRAINING);
    await page.waitForFunction(
      (q) => Number(document.querySelector(q)?.dataset.renders ?? 0) >= 2,
      dash,
      { timeout: 60_000 },
    );
    // The first frame says it is starting, at the final layout and width.
    const frames = await page.evaluate(() => (window as any).__frames as any[]);
    assert.equal(frames[0].renders, 1);
    assert.match(frames[0].title, /starting/);
    assert.ok(frames[0].notes > 0, 'the empty panels say "starting…"');
    for (const f of frames.slice(1)) {
      assert.equal(f.axes, frames[0].axes, 'no panel moves');
      assert.ok(Math.abs(f.width - frames[0].width) < 1, `width ${f.width} vs ${frames[0].width}`);
    }
    const first = await mapState(dash);
    assert.deepEqual([first.rows, first.cols], [397, 50]);
    // The map comes with an update every half second here (it is sent every 25 µs per cell;
    // updates between say it is held): wait for a live update that brings a new one.
    await page.waitForFunction(
      ([q, before]) => {
        const gd = document.querySelector(`${q as string} .cbram-Plot`) as any;
        let sum = 0;
        for (const row of gd.data[0].z as ArrayLike<number>[])
          for (let j = 0; j < row.length; j++) sum += row[j]!;
        return sum !== before;
      },
      [dash, first.sum],
      { timeout: 30_000 },
    );
    const second = await mapState(dash);
    assert.notEqual(second.sum, first.sum, 'the map changed while it trains');
    assert.deepEqual([second.rows, second.cols], [397, 50]);
    await shot(page, '1-live-training');
    // Interrupt with the notebook toolbar's button.
    await page.locator('.jp-NotebookPanel-toolbar [data-jp-item-name="interrupt"]').first().click();
    await waitCellDone(page, 1, 60_000);
    const title = await page.evaluate(
      (q) => (document.querySelector(`${q} .cbram-Plot`) as any).layout.title.text as string,
      dash,
    );
    assert.match(title, /interrupted/);
    const stopped = Number(
      /([\d,]+) \/ 20,000 images/.exec(await stats(dash))![1]!.replace(/,/g, ''),
    );
    assert.ok(stopped > 0 && stopped < 20000, `stopped at ${stopped}`);
    assert.match(
      await cellText(page, 1),
      new RegExp(
        `interrupted after image ${stopped.toLocaleString('en-US')} of 20,000\\. Run the cell again to resume`,
      ),
    );
    await shot(page, '2-interrupted');
    // Run the same cell again: it makes a new trainer, which continues the interrupted run.
    await runCellToEnd(page, 1, 120_000);
    await page.waitForFunction(
      (q) =>
        /completed/.test(
          (document.querySelector(`${q} .cbram-Plot`) as any)?.layout?.title?.text ?? '',
        ),
      dash,
      { timeout: 30_000 },
    );
    const out = await cellText(page, 1);
    assert.match(
      out,
      new RegExp(
        `resuming the interrupted run at image ${stopped.toLocaleString('en-US')} of 20,000`,
      ),
    );
    // Under the dashboard: the one-line summary, not the raw result object.
    assert.match(
      out,
      /trainLive completed: 20,000 of 20,000 images · resumed at [\d,]+ · running accuracy \(train\)/,
    );
    assert.doesNotMatch(out, /imagesPerSecond|progress:|\{/);
    // The history goes back to image 0 across the resume.
    const xs = await page.evaluate(
      (q) =>
        Array.from(
          ((document.querySelector(`${q} .cbram-Plot`) as any).data as any[]).find(
            (d) => d.name === 'running accuracy (train)',
          ).x,
        ) as number[],
      dash,
    );
    assert.equal(xs[0], 0);
    assert.ok(xs.includes(stopped), 'the point where it stopped');
    assert.equal(xs.at(-1), 20000);
    await shot(page, '3-resumed');
  },
);

test(
  'the resumed run’s counters equal those of a run that was never interrupted',
  { skip },
  async () => {
    await runCellToEnd(page, 5, 180_000);
    const text = await cellText(page, 5);
    assert.match(text, /counters=\[20000,/);
    assert.match(text, /differ=\[\] updates=true/);
  },
);

test(
  'the heatmap has the crossbar’s dimensions and the kernel’s conductances',
  { skip },
  async () => {
    await runCellToEnd(page, 2);
    const text = await cellText(page, 2);
    assert.match(text, /imagesDone=20000/);
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
    await page.evaluate((at) => {
      const panel = (window as any).jupyterapp.shell.currentWidget;
      panel.content.model.sharedModel.insertCell(at, { cell_type: 'code', source: '1 + 1' });
    }, CELLS.length);
    await runCellToEnd(page, CELLS.length);
    assert.match(await cellText(page, CELLS.length), /2/);
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

/** Text boxes of the dashboard that overlap each other (beyond 1 px), described. */
async function overlappingText(sel: string): Promise<string[]> {
  return page.evaluate((q) => {
    const root = document.querySelector(`${q} .cbram-Plot`) as HTMLElement;
    const boxes = (Array.from(root.querySelectorAll('svg text')) as HTMLElement[])
      .filter((t) => (t.textContent ?? '').trim() !== '')
      .map((t) => ({ text: (t.textContent as string).trim(), r: t.getBoundingClientRect() }))
      .filter((b) => b.r.width > 0 && b.r.height > 0);
    const out: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!.r;
        const b = boxes[j]!.r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) out.push(`"${boxes[i]!.text}" over "${boxes[j]!.text}"`);
      }
    return out;
  }, sel);
}

test(
  'the finished dashboard: no text overlaps other text, in the array and receptive-field views',
  { skip },
  async () => {
    const dash = plotOf(1, TRAINING);
    await page.locator(dash).scrollIntoViewIfNeeded();
    assert.deepEqual(await overlappingText(dash), []);
    const titles = await page.evaluate(
      (q) =>
        ((document.querySelector(`${q} .cbram-Plot`) as any).layout.annotations as any[]).map(
          (a) => a.text as string,
        ),
      dash,
    );
    assert.ok(titles.includes('running accuracy (train), %'), titles.join(' | '));
    if (process.env.CBRAM_DASHBOARD_SHOT)
      await page.locator(dash).screenshot({ path: process.env.CBRAM_DASHBOARD_SHOT });
    await shot(page, '8-dashboard');
    // Where the colour bar sits in the figure (not on the page: the notebook may scroll while
    // the figure redraws).
    const colorbar = async () =>
      page.evaluate((q) => {
        const plot = (
          document.querySelector(`${q} .cbram-Plot`) as HTMLElement
        ).getBoundingClientRect();
        const bar = (
          document.querySelector(`${q} .cbram-Plot .colorbar`) as HTMLElement
        ).getBoundingClientRect();
        return [Math.round(bar.left - plot.left), Math.round(bar.top - plot.top)];
      }, dash);
    const before = await colorbar();
    const drawn = await renders(dash);
    await page.locator(`${dash} button[data-option="view:fields"]`).click();
    // The new view's data, and its draw finished (plotly sets the data before it draws).
    await page.waitForFunction(
      ([q, k]) =>
        Number(document.querySelector(q as string)!.dataset.renders) > (k as number) &&
        (document.querySelector(`${q} .cbram-Plot`) as any).data[0].z.length === 7 * 29 - 1,
      [dash, drawn],
    );
    assert.deepEqual(await colorbar(), before, 'the colour bar stays where it was');
    assert.deepEqual(await overlappingText(dash), []);
    const ticks = await page.evaluate(
      (q) =>
        document.querySelectorAll(`${q} .cbram-Plot .xy .xtick, ${q} .cbram-Plot .xy .ytick`)
          .length,
      dash,
    );
    assert.equal(ticks, 0, 'no pixel ticks on the receptive fields');
    await shot(page, '9-dashboard-fields');
    await page.locator(`${dash} button[data-option="view:map"]`).click();
  },
);

test(
  'Shift-Tab inside call parentheses shows the function’s signature and doc',
  { skip },
  async () => {
    // As a user does: click into the cell's text, go to the end of the line, press Shift-Tab.
    // (The notebook renders only the cells in view, so the cell is found through the notebook.)
    await page.evaluate(async () => {
      const nb = (window as any).jupyterapp.shell.currentWidget.content;
      await nb.scrollToItem(6, 'center');
    });
    const editor = await page.evaluateHandle(() =>
      (window as any).jupyterapp.shell.currentWidget.content.widgets[6].node.querySelector(
        '.cm-content',
      ),
    );
    await (editor as any).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Tab');
    const tip = page.locator('.jp-Tooltip');
    await tip.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await tip.innerText()).replace(/\s+/g, ' ');
    assert.match(text, /createCrossbar\(options: CrossbarOptions\): Crossbar/);
    assert.match(text, /A crossbar of `?rows × cols`? devices/);
    await shot(page, '10-signature-help');
    await page.keyboard.press('Escape');
    await page.evaluate(() =>
      (window as any).jupyterapp.commands.execute('notebook:enter-command-mode'),
    );
  },
);

test(
  'a library error: frames relative to the package, folded, and no request fails',
  { skip },
  async () => {
    const failed: string[] = [];
    const onResponse = (r: { status(): number; url(): string }) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    };
    page.on('response', onResponse);
    const resolved = page.waitForResponse((r) => r.url().includes('/api/resolvePath'), {
      timeout: 30_000,
    });
    try {
      await runCellToEnd(page, 7);
      const err = await page.evaluate(() => {
        const panel = (window as any).jupyterapp.shell.currentWidget;
        const node = panel.content.widgets[7].outputArea.node as HTMLElement;
        return {
          text: node.innerText as string,
          links: (Array.from(node.querySelectorAll('a[href]')) as HTMLElement[]).map((a) =>
            a.getAttribute('href'),
          ),
        };
      });
      assert.match(err.text, /CbramError/);
      assert.match(
        err.text,
        /at (?:\w+\.)?createCrossbar \(cbram-lab\/dist\/src\/[\w/.-]+:\d+:\d+\)( and \d+ frames? inside cbram-lab)?/,
      );
      assert.doesNotMatch(err.text, new RegExp(s.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.doesNotMatch(err.text, /\/(?:work|home|tmp|usr)\//, 'no absolute path of the machine');
      assert.deepEqual(err.links, [], 'no links to nowhere');
      // JupyterLab asks the server which file the frame's path names: answered, not a 404.
      assert.equal((await resolved).status(), 200);
      await page.evaluate(() => fetch(window.location.href).then(() => undefined));
      assert.deepEqual(failed, []);
    } finally {
      page.off('response', onResponse);
    }
  },
);

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
