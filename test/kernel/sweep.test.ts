/**
 * sweepLive: a sweep from a cell with a live dashboard (table, accuracy against energy with the
 * Pareto front, a parameter with seed error bars), interrupted by the kernel's interrupt and
 * resumed by running it again.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setHost, type DisplayContent, type KernelHost } from '../../kernel/host';
import { PLOT_MIME, type PlotSpec } from '../../kernel/display/plot';
import { sweepDashboard, sweepLive } from '../../kernel/sweep';
import { runSweep } from '../../src/sweep/local';
import { defineSweep } from '../../src/sweep/spec';
import type { TrialRow } from '../../src/sweep/results';

const SPEC = {
  name: 'live',
  base: { outputs: 20, epochs: 1, imagesPerEpoch: 400 },
  evaluate: { labelImages: 200, testImages: 200 },
  grid: { 'device.c2cStd': [0, 0.05] },
  seeds: [0, 1],
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-sweep-live-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function fakeHost(
  interrupt: AbortController,
  messages: { content: DisplayContent; update: boolean }[],
): KernelHost {
  return {
    version: 1,
    outputParent: () => 'cell',
    publishDisplay: (content, update) => messages.push({ content, update }),
    clearOutput: () => undefined,
    interruptSignal: () => interrupt.signal,
    trackLive: () => () => undefined,
    registerCommTarget: () => undefined,
    openComm: () => {
      throw new Error('no comms');
    },
    input: async () => '',
  };
}

function deterministic(r: TrialRow): unknown {
  return { trial: r.trial, params: r.params, seed: r.seed, metrics: r.metrics };
}

test('sweepLive: live dashboard, stopped by an interrupt, resumed by running it again', async () => {
  const reference = await runSweep(SPEC, { out: path.join(tmp, 'ref'), workers: 2 });
  const out = path.join(tmp, 'live');
  const messages: { content: DisplayContent; update: boolean }[] = [];
  const interrupt = new AbortController();
  setHost(fakeHost(interrupt, messages));
  try {
    // The user interrupts the cell once the first trial has finished.
    const first = await sweepLive(SPEC, { out, workers: 1, onTrial: () => interrupt.abort() });
    assert.equal(first.status, 'interrupted');
    assert.ok(first.rows.length >= 1 && first.rows.length < 4, `${first.rows.length} rows`);
    const kept = first.rows.map((r) => r.run.id);

    // The next cell has a fresh interrupt signal, as in the kernel.
    messages.length = 0;
    setHost(fakeHost(new AbortController(), messages));
    const again = await sweepLive(SPEC, { out, workers: 2, param: 'device.c2cStd' });
    assert.equal(again.status, 'completed');
    assert.deepEqual(again.rows.map(deterministic), reference.rows.map(deterministic));
    assert.deepEqual(
      again.rows.filter((r) => kept.includes(r.run.id)).length,
      kept.length,
      'rows of the first run kept',
    );
    // Three displays, each updated in place; the last payloads hold all four trials.
    const ids = [...new Set(messages.map((m) => m.content.transient?.display_id))];
    assert.equal(ids.length, 3);
    const last = (id: unknown) =>
      messages.filter((m) => m.content.transient?.display_id === id).pop()!.content.data;
    const plots = ids.map(last).filter((d) => PLOT_MIME in d);
    assert.equal(plots.length, 2);
    for (const d of plots) {
      assert.equal(typeof d['image/png'], 'string', 'a PNG fallback');
      assert.match((d[PLOT_MIME] as PlotSpec).title, /\(4\/4 trials\)/);
    }
    const pareto = plots
      .map((d) => d[PLOT_MIME] as PlotSpec)
      .find((s) => /against energy/.test(s.title))!;
    assert.deepEqual(
      pareto.series.map((s) => s.name),
      ['trials', 'Pareto front'],
    );
    assert.equal(pareto.series[0]!.x.length, 4);
    const table = ids.map(last).find((d) => 'text/html' in d && !(PLOT_MIME in d))!;
    assert.match(String(table['text/plain']), /^4 rows × \d+ columns/);
    // Only the panels asked for; a wrong panel name is refused before any trial.
    messages.length = 0;
    await sweepLive(SPEC, { out, panels: ['param'] });
    assert.equal(new Set(messages.map((m) => m.content.transient?.display_id)).size, 1);
    await assert.rejects(
      sweepLive(SPEC, { out: path.join(tmp, 'never'), panels: ['chart' as 'param'] }),
      /sweepLive: options\.panels must be a list of "table", "pareto", "param", got "chart"/,
    );
    assert.equal(fs.existsSync(path.join(tmp, 'never')), false);
  } finally {
    setHost(null);
  }
});

test('sweepDashboard: seed means with s.d. error bars against the chosen parameter', () => {
  const sweep = defineSweep({ ...SPEC, seeds: [0, 1, 2] });
  const rows = [0, 1, 2, 3, 4, 5].map((i): TrialRow => ({
    trial: i,
    params: { 'device.c2cStd': i < 3 ? 0 : 0.05 },
    seed: i % 3,
    metrics: { accuracy: [0.9, 0.92, 0.94, 0.8, 0.8, 0.8][i]!, energy_J: 1 + i },
    images_per_s: 1,
    wall_s: 1,
    run: { id: '', host: '', pid: 0, finished: '', resumed: false },
  }));
  const d = sweepDashboard(sweep, rows);
  const p = d.param!.spec.series[0]!;
  assert.deepEqual(p.x, [0, 0.05]);
  assert.ok(Math.abs(p.y[0]! - 92) < 1e-12 && Math.abs(p.y[1]! - 80) < 1e-12);
  assert.ok(Math.abs(p.error![0]! - 2) < 1e-12);
  assert.equal(p.error![1], 0);
  assert.deepEqual(d.pareto!.spec.series[1]!.x, [1, 2, 3]);
  assert.equal(d.table.numRows(), 6);
  assert.throws(
    () => sweepDashboard(sweep, rows, { param: 'outputs' }),
    /options\.param must be a varied parameter \(device\.c2cStd\)/,
  );
  const mapped = sweepDashboard(sweep, rows, { xOf: (v) => v * 100, xLabel: 'c2c noise (%)' });
  assert.deepEqual(mapped.param!.spec.series[0]!.x, [0, 5]);
  assert.equal(mapped.param!.spec.x.label, 'c2c noise (%)');
  const empty = sweepDashboard(sweep, []);
  assert.equal(empty.pareto, null);
  assert.equal(empty.param, null);
});
