/**
 * General charts for notebooks: `plot(series, options)` — accuracy against epochs, energy against
 * the pruned fraction, a technology comparison — as a payload
 * (`application/vnd.cbram.plot.v1+json`) with a PNG fallback.
 */
import { JUPYTER_DISPLAY, displayBundle, type MimeBundle } from '../../src/display/protocol';
import { checkBoolean, checkOneOf, checkOptions, fail } from '../../src/core/validate';
import {
  legendRows,
  linePanel,
  stackedBarHeight,
  stackedBarPanel,
  COLORS,
  type StackedBar,
} from './chart';
import { Scene, type FigureSize } from './scene';

/** The plot payload's MIME type. */
export const PLOT_MIME = 'application/vnd.cbram.plot.v1+json';

/** One series of a {@link plot}. */
export interface PlotSeries {
  name: string;
  /** Numbers, or category names (bars). */
  x: ArrayLike<number> | string[];
  y: ArrayLike<number>;
  /** Default 'lines+markers'. */
  mode?: 'lines' | 'markers' | 'lines+markers';
  /** ± error of each y. */
  error?: ArrayLike<number>;
}

/** Options of {@link plot}. */
export interface PlotOptions {
  title?: string;
  /** Default 'line'. */
  type?: 'line' | 'bar';
  /** Bars stacked instead of side by side. */
  stacked?: boolean;
  x?: { label?: string; log?: boolean };
  y?: { label?: string; log?: boolean; range?: [number, number] };
  /** Dashed horizontal lines, e.g. the paper's value. */
  reference?: { y: number; label: string }[];
}

/** A plot payload, version 1. Non-finite y values are null. */
export interface PlotSpec {
  version: 1;
  kind: 'plot';
  title: string;
  type: 'line' | 'bar';
  stacked: boolean;
  x: { label: string; log: boolean };
  y: { label: string; log: boolean; range: [number, number] | null };
  series: {
    name: string;
    x: number[] | string[];
    y: (number | null)[];
    mode: 'lines' | 'markers' | 'lines+markers';
    error: number[] | null;
  }[];
  reference: { y: number; label: string }[];
}

/** A chart that renders as a cell's value or with `display()`. */
export class Plot {
  constructor(readonly spec: PlotSpec) {}
  /** The rich display in Deno's Jupyter kernel (`Symbol.for('Jupyter.display')`). */
  [JUPYTER_DISPLAY](): MimeBundle {
    return displayBundle(this);
  }
  toString(): string {
    return plotText(this.spec);
  }
}

/** Is `x` a {@link Plot} (by shape)? */
export function isPlot(x: unknown): x is Plot {
  const s = (x as Plot | null)?.spec;
  return typeof x === 'object' && x !== null && s?.kind === 'plot' && s.version === 1;
}

const FN = 'plot';

function numbers(param: string, v: unknown, n?: number, log = false): number[] {
  const ok = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  if (!ok) fail(FN, param, v, 'an array of numbers');
  const a = Array.from(v as ArrayLike<unknown>);
  if (n !== undefined && a.length !== n) fail(FN, `${param}.length`, a.length, `${n} (like x)`);
  a.forEach((x, i) => {
    if (typeof x !== 'number') fail(FN, `${param}[${i}]`, x, 'a number');
    if (log && !(x > 0) && Number.isFinite(x))
      fail(FN, `${param}[${i}]`, x, 'a positive number (the axis is logarithmic)');
  });
  return a as number[];
}

/**
 * A line or bar chart of one or more series.
 *
 * @example
 * plot({ name: 'ours', x: [1, 2, 3], y: [91.2, 92.6, 93.0] },
 *   { title: 'Accuracy against epochs', x: { label: 'epoch' }, y: { label: 'accuracy (%)' },
 *     reference: [{ y: 93, label: 'paper' }] });
 */
export function plot(series: PlotSeries | PlotSeries[], options: PlotOptions = {}): Plot {
  checkOptions(FN, options, ['title', 'type', 'stacked', 'x', 'y', 'reference']);
  const list = Array.isArray(series) ? series : [series];
  if (list.length === 0) fail(FN, 'series', series, 'a series or a non-empty array of series');
  const type = checkOneOf(FN, 'options.type', options.type ?? 'line', ['line', 'bar'] as const);
  const x = options.x ?? {};
  const y = options.y ?? {};
  checkOptions(FN, x, ['label', 'log']);
  checkOptions(FN, y, ['label', 'log', 'range']);
  const xLog = checkBoolean(FN, 'options.x.log', x.log ?? false);
  const yLog = checkBoolean(FN, 'options.y.log', y.log ?? false);
  let range: [number, number] | null = null;
  if (y.range !== undefined) {
    const r = numbers('options.y.range', y.range, 2, yLog);
    if (!(Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0]! < r[1]!))
      fail(FN, 'options.y.range', y.range, '[lo, hi] with lo < hi');
    range = [r[0]!, r[1]!];
  }
  const out = list.map((s, i) => {
    const p = `series[${i}]`;
    if (typeof s !== 'object' || s === null) fail(FN, p, s, 'an object { name, x, y }');
    checkOptions(FN, s, ['name', 'x', 'y', 'mode', 'error']);
    if (typeof s.name !== 'string') fail(FN, `${p}.name`, s.name, 'a string');
    const categorical = Array.isArray(s.x) && s.x.length > 0 && typeof s.x[0] === 'string';
    let xs: number[] | string[];
    if (categorical) {
      (s.x as unknown[]).forEach((v, k) => {
        if (typeof v !== 'string') fail(FN, `${p}.x[${k}]`, v, 'a string, like x[0]');
      });
      xs = (s.x as string[]).slice();
    } else xs = numbers(`${p}.x`, s.x, undefined, xLog);
    if (xs.length === 0) fail(FN, `${p}.x`, s.x, 'at least one value');
    const ys = numbers(`${p}.y`, s.y, xs.length, yLog);
    const error = s.error === undefined ? null : numbers(`${p}.error`, s.error, xs.length);
    return {
      name: s.name,
      x: xs,
      y: ys.map((v) => (Number.isFinite(v) ? v : null)),
      mode: checkOneOf(FN, `${p}.mode`, s.mode ?? 'lines+markers', [
        'lines',
        'markers',
        'lines+markers',
      ] as const),
      error: error && error.map((v) => (Number.isFinite(v) ? v : 0)),
    };
  });
  const kinds = new Set(out.map((s) => typeof s.x[0]));
  if (kinds.size > 1) fail(FN, 'series', 'mixed', 'all numeric x or all category x');
  if (kinds.has('string') && type === 'line' && xLog)
    fail(FN, 'options.x.log', true, 'false for category x');
  const reference = (options.reference ?? []).map((r, i) => {
    if (typeof r !== 'object' || r === null || typeof r.label !== 'string')
      fail(FN, `options.reference[${i}]`, r, 'an object { y, label }');
    if (!Number.isFinite(r.y) || (yLog && !(r.y > 0)))
      fail(FN, `options.reference[${i}].y`, r.y, yLog ? 'a positive number' : 'a finite number');
    return { y: r.y, label: r.label };
  });
  if (options.title !== undefined && typeof options.title !== 'string')
    fail(FN, 'options.title', options.title, 'a string');
  if (x.label !== undefined && typeof x.label !== 'string')
    fail(FN, 'options.x.label', x.label, 'a string');
  if (y.label !== undefined && typeof y.label !== 'string')
    fail(FN, 'options.y.label', y.label, 'a string');
  return new Plot({
    version: 1,
    kind: 'plot',
    title: options.title ?? '',
    type,
    stacked: checkBoolean(FN, 'options.stacked', options.stacked ?? false),
    x: { label: x.label ?? '', log: xLog },
    y: { label: y.label ?? '', log: yLog, range },
    series: out,
    reference,
  });
}

/** Text: one line per series. */
export function plotText(spec: PlotSpec): string {
  const head = spec.title ? `${spec.title}\n` : '';
  return (
    head +
    spec.series
      .map(
        (s) =>
          `${s.name || 'series'}: ` +
          s.x
            .slice(0, 20)
            .map((x, i) => `(${x}, ${s.y[i] === null ? '—' : Number(s.y[i]!.toPrecision(4))})`)
            .join(' ') +
          (s.x.length > 20 ? ` … ${s.x.length} points` : ''),
      )
      .join('\n')
  );
}

/**
 * The static figure: a line panel (markers, error bars, reference lines, log axes), or horizontal
 * bars (one per category, or per category and series) on a linear or log value axis.
 */
export function plotFigure(spec: PlotSpec, size: FigureSize = {}): Scene {
  const W = Math.max(240, size.width ?? 640);
  if (spec.type === 'bar') {
    const cats = [...new Set(spec.series.flatMap((s) => s.x.map(String)))];
    const at = (s: PlotSpec['series'][number], c: string) => s.x.map(String).indexOf(c);
    const value = (s: PlotSpec['series'][number], c: string) => {
      const i = at(s, c);
      return i < 0 ? 0 : (s.y[i] ?? 0);
    };
    const error = (s: PlotSpec['series'][number], c: string) => {
      const i = at(s, c);
      return i < 0 || !s.error ? undefined : s.error[i];
    };
    const bars: StackedBar[] = spec.stacked
      ? cats.map((c) => ({ label: c, values: spec.series.map((s) => value(s, c)) }))
      : cats.flatMap((c) =>
          spec.series.map((s, k) => ({
            label: spec.series.length > 1 ? `${c} · ${s.name}` : c,
            values: spec.series.map((_, j) => (j === k ? value(s, c) : 0)),
            error: error(s, c),
          })),
        );
    const names = spec.series.map((s) => s.name);
    const rows =
      names.length > 1
        ? legendRows(
            names.map((name) => ({ name, color: '', mode: 'box' as const })),
            W * 0.6,
          ).length
        : 0;
    const natural =
      stackedBarHeight(bars.length, true, spec.y.label !== '', rows, spec.reference.length > 0) +
      10;
    const scene = new Scene(W, Math.max(natural, size.height ?? 0), spec.title);
    stackedBarPanel(scene, bars, names, {
      title: spec.title,
      xLabel: spec.y.label,
      width: W,
      log: spec.y.log,
      reference: spec.reference,
    });
    return scene;
  }
  const H = Math.max(200, size.height ?? 360);
  const scene = new Scene(W, H, spec.title);
  const numeric = spec.series.map((s, k) => ({
    name: s.name,
    x: typeof s.x[0] === 'string' ? s.x.map((_, i) => i) : (s.x as number[]),
    y: s.y.map((v) => (v === null ? NaN : v)),
    color: COLORS[k % COLORS.length],
    mode: s.mode,
    error: s.error,
  }));
  linePanel(scene, numeric, {
    title: spec.title,
    xLabel: spec.x.label,
    yLabel: spec.y.label,
    width: W,
    height: H,
    xLog: spec.x.log,
    yLog: spec.y.log,
    yMin: spec.y.range?.[0],
    yMax: spec.y.range?.[1],
    reference: spec.reference,
  });
  return scene;
}
