/**
 * Sweeps from a notebook cell with a live dashboard that updates as trials finish: the table of
 * rows, accuracy against energy with the Pareto front marked, and one parameter against accuracy
 * with seed error bars. The panels are the kernel's versioned displays (an arquero table; plots
 * as `application/vnd.cbram.plot.v1+json` with a PNG fallback), each a throttled live display.
 * Interrupting the cell stops the running trials at their next image (they checkpoint); running
 * the same cell again resumes the sweep.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as aq from 'arquero';
import { fail } from '../src/core/validate';
import { paretoFront, seedSummary } from '../src/sweep/analysis';
import { runSweep, type RunSweepOptions, type SweepRunResult } from '../src/sweep/local';
import { readRows, rowsToTable, type TrialRow } from '../src/sweep/results';
import { defineSweep, type Sweep } from '../src/sweep/spec';
import { plot, type Plot, type PlotSeries } from './display/plot';
import { interruptSignal, live, type LiveDisplay } from './notebook';

/** Options of {@link sweepDashboard}. */
export interface SweepDashboardOptions {
  /** Parameter on the x axis of the third panel (default: the first numeric varied one). */
  param?: string;
  /** Metric on the y axes (default 'accuracy'; 'on_off_ratio' for device-only sweeps). */
  metric?: string;
  /** Map a parameter value to its x position, e.g. levels 0 (analog) → 10 on a log2 axis. */
  xOf?: (value: number) => number;
  /** x-axis label (default: the parameter's path). */
  xLabel?: string;
  title?: string;
}

/** The three panels of a sweep dashboard. */
export interface SweepDashboard {
  table: aq.ColumnTable;
  /** Metric against energy, every trial and the Pareto front (null before any row). */
  pareto: Plot | null;
  /** The parameter against the metric, mean ± s.d. over seeds (null without a numeric parameter). */
  param: Plot | null;
}

function scale(metric: string): [number, string] {
  return metric === 'accuracy' ? [100, 'accuracy (%)'] : [1, metric];
}

/**
 * The dashboard's panels for some rows of a sweep (pure: no kernel needed).
 *
 * @example
 * const d = sweepDashboard(sweep, rows, { param: 'device.c2cStd' });
 * display(d.pareto);
 */
export function sweepDashboard(
  sweep: Sweep,
  rows: readonly TrialRow[],
  options: SweepDashboardOptions = {},
): SweepDashboard {
  const fn = 'sweepDashboard';
  const metric = options.metric ?? (sweep.kind === 'train' ? 'accuracy' : 'on_off_ratio');
  const [k, label] = scale(metric);
  const numeric = sweep.varied.filter((p) => rows.every((r) => typeof r.params[p] === 'number'));
  const param = options.param ?? numeric[0];
  if (options.param !== undefined && !sweep.varied.includes(options.param))
    fail(fn, 'options.param', options.param, `a varied parameter (${sweep.varied.join(', ')})`);
  const done = `${rows.length}/${sweep.trials} trials`;
  const title = options.title ?? sweep.spec.name ?? 'sweep';
  const usable = rows.filter((r) => typeof r.metrics[metric] === 'number');
  let pareto: Plot | null = null;
  const withEnergy = usable.filter((r) => (r.metrics.energy_J ?? 0) > 0);
  if (withEnergy.length > 0) {
    const front = paretoFront(withEnergy, 'energy_J', metric);
    const pt = (rs: TrialRow[], name: string, mode: PlotSeries['mode']): PlotSeries => ({
      name,
      x: rs.map((r) => r.metrics.energy_J!),
      y: rs.map((r) => r.metrics[metric]! * k),
      mode,
    });
    pareto = plot(
      [pt(withEnergy, 'trials', 'markers'), pt(front, 'Pareto front', 'lines+markers')],
      {
        title: `${title}: ${label} against energy (${done})`,
        x: { label: 'energy (J)', log: true },
        y: { label },
      },
    );
  }
  let paramPlot: Plot | null = null;
  if (param !== undefined && usable.length > 0) {
    // One series per combination of the other varied parameters; error bars over seeds.
    const others = sweep.varied.filter((p) => p !== param);
    const series = new Map<string, { x: number[]; y: number[]; e: number[] }>();
    for (const s of seedSummary(usable, metric)) {
      const x = s.params[param];
      if (typeof x !== 'number') continue;
      const name = others.map((p) => `${p}=${JSON.stringify(s.params[p])}`).join(', ') || label;
      let ser = series.get(name);
      if (!ser) series.set(name, (ser = { x: [], y: [], e: [] }));
      ser.x.push(options.xOf ? options.xOf(x) : x);
      ser.y.push(s.mean * k);
      ser.e.push(s.std * k);
    }
    if (series.size > 0)
      paramPlot = plot(
        [...series].map(([name, s]) => {
          const order = s.x.map((_, i) => i).sort((a, b) => s.x[a]! - s.x[b]!);
          return {
            name,
            x: order.map((i) => s.x[i]!),
            y: order.map((i) => s.y[i]!),
            error: order.map((i) => s.e[i]!),
          };
        }),
        {
          title: `${title}: ${label} against ${param}, mean ± s.d. over seeds (${done})`,
          x: { label: options.xLabel ?? param },
          y: { label },
        },
      );
  }
  return { table: rowsToTable(sweep, rows), pareto, param: paramPlot };
}

/** Rows already in the results folder (a resumed sweep); runSweep reports a foreign folder. */
function existingRows(out: unknown, sweep: Sweep): TrialRow[] {
  if (typeof out !== 'string' || !fs.existsSync(path.join(out, 'spec.json'))) return [];
  try {
    return readRows(out, sweep);
  } catch {
    return [];
  }
}

/** Options of {@link sweepLive}: those of `runSweep` and of the dashboard. */
export type SweepLiveOptions = RunSweepOptions &
  SweepDashboardOptions & {
    /** The panels to show (default all: 'table', 'pareto', 'param'). */
    panels?: readonly ('table' | 'pareto' | 'param')[];
  };

/**
 * Run a sweep with a live dashboard. Interrupting the cell stops the running trials at their
 * next image, with a checkpoint; run the same cell again to resume (finished trials are kept).
 *
 * @example
 * const res = await sweepLive(
 *   { base: { outputs: 50, imagesPerEpoch: 3000, epochs: 1 }, grid: { 'device.c2cStd': [0, 0.05] }, seeds: [0, 1, 2] },
 *   { out: 'results/sweeps/c2c', workers: 2 });
 */
export async function sweepLive(spec: unknown, options: SweepLiveOptions): Promise<SweepRunResult> {
  const { param, metric, title, xOf, xLabel, panels, ...run } = options ?? ({} as SweepLiveOptions);
  const sweep = defineSweep(spec); // every check before any display or trial
  const dashOptions: SweepDashboardOptions = {
    ...(param !== undefined ? { param } : {}),
    ...(metric !== undefined ? { metric } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(xOf !== undefined ? { xOf } : {}),
    ...(xLabel !== undefined ? { xLabel } : {}),
  };
  const show = new Set(panels ?? ['table', 'pareto', 'param']);
  for (const p of show)
    if (p !== 'table' && p !== 'pareto' && p !== 'param')
      fail('sweepLive', 'options.panels', p, 'a list of "table", "pareto", "param"');
  const rows = existingRows(run.out, sweep);
  let dash = sweepDashboard(sweep, rows, dashOptions);
  const views: {
    table: LiveDisplay | null;
    pareto: LiveDisplay | null;
    param: LiveDisplay | null;
  } = {
    table: show.has('table') ? live(dash.table, { maxRate: 2 }) : null,
    pareto: null,
    param: null,
  };
  const refresh = () => {
    dash = sweepDashboard(sweep, rows, dashOptions);
    views.table?.update(dash.table);
    for (const k of ['pareto', 'param'] as const) {
      const p = dash[k];
      if (!p || !show.has(k)) continue;
      if (views[k]) views[k]!.update(p);
      else views[k] = live(p, { maxRate: 2 });
    }
  };
  refresh();
  const signals = [interruptSignal(), ...(run.signal ? [run.signal] : [])];
  let result: SweepRunResult;
  try {
    result = await runSweep(spec, {
      ...run,
      signal: signals.length === 1 ? signals[0]! : AbortSignal.any(signals),
      onTrial: (row) => {
        rows.push(row);
        rows.sort((a, b) => a.trial - b.trial);
        refresh();
        run.onTrial?.(row);
      },
    });
  } finally {
    views.table?.close();
    views.pareto?.close();
    views.param?.close();
  }
  if (result.status === 'interrupted')
    process.stderr.write(
      `sweepLive: stopped with ${result.rows.length} of ${sweep.trials} trials finished; run the cell again to resume\n`,
    );
  return result;
}
