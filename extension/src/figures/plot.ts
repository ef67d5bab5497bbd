/** General charts from the kernel's `plot()`: lines or bars, linear or log axes, reference lines. */
import type { PlotPayload } from '../payload/types';
import { axis, baseLayout, safeText, type Figure, type Theme, type Trace } from './figure';

/**
 * @example
 * plotFigure(payload, LIGHT).data[0].type; // 'scatter' or 'bar'
 */
export function plotFigure(p: PlotPayload, theme: Theme): Figure {
  const data: Trace[] = p.series.map((s) => {
    const x = typeof s.x[0] === 'string' ? (s.x as string[]).map(safeText) : s.x;
    const error = s.error ? { error_y: { type: 'data', array: s.error, visible: true } } : {};
    return p.type === 'bar'
      ? { type: 'bar', name: safeText(s.name), x, y: s.y, ...error }
      : { type: 'scatter', mode: s.mode, name: safeText(s.name), x, y: s.y, ...error };
  });
  const layout = baseLayout(theme, safeText(p.title), 360);
  if (p.type === 'bar') layout.barmode = p.stacked ? 'stack' : 'group';
  const numbers = (a: ReadonlyArray<unknown>): number[] =>
    a.filter((v): v is number => typeof v === 'number');
  const xs = p.series.flatMap((s) => numbers(s.x));
  layout.xaxis = axis(theme, safeText(p.x.label), {
    type: p.x.log ? 'log' : '-',
    ...(p.x.log ? logTicks(xs) : integerTicks(xs)),
  });
  layout.yaxis = axis(theme, safeText(p.y.label), {
    type: p.y.log ? 'log' : 'linear',
    ...(p.y.log ? logTicks(p.series.flatMap((s) => numbers(s.y))) : {}),
    ...(p.y.range
      ? { range: p.y.log ? p.y.range.map((v) => Math.log10(Math.max(v, 1e-300))) : p.y.range }
      : {}),
  });
  layout.showlegend = p.series.length > 1 || p.series[0]!.name !== '';
  layout.shapes = p.reference.map((r) => ({
    type: 'line',
    xref: 'paper',
    x0: 0,
    x1: 1,
    y0: r.y,
    y1: r.y,
    line: { color: theme.text, width: 1, dash: 'dash' },
  }));
  layout.annotations = p.reference.map((r) => ({
    xref: 'paper',
    x: 1,
    xanchor: 'right',
    y: p.y.log ? Math.log10(r.y) : r.y,
    yanchor: 'bottom',
    text: safeText(r.label),
    showarrow: false,
    font: { size: 11 },
  }));
  return { data, layout };
}

/**
 * Ticks for a log axis that read as numbers: 1, 2, 5 × 10^k over up to three decades
 * (50, 100, 200, 500, 1000), powers of ten beyond; never plotly's "5 6 7 8 9 100 2 3".
 */
export function logTicks(values: readonly number[]): Record<string, unknown> {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  if (pos.length === 0) return {};
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of pos) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const k0 = Math.floor(Math.log10(lo));
  const k1 = Math.ceil(Math.log10(hi));
  if (k1 - k0 > 3) return { dtick: 1, exponentformat: 'power' };
  const tickvals: number[] = [];
  for (let k = k0; k <= k1; k++)
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** k).toPrecision(12));
      if (v >= lo / 1.0001 && v <= hi * 1.0001) tickvals.push(v);
    }
  if (tickvals.length < 2) return { dtick: 'D1' };
  return { tickvals, ticktext: tickvals.map((v) => v.toLocaleString('en-US')) };
}

/** Whole-number ticks when every value is a whole number and there are few of them (epochs, counts). */
export function integerTicks(values: readonly number[]): Record<string, unknown> {
  if (values.length === 0 || !values.every((v) => Number.isInteger(v))) return {};
  const span = Math.max(...values) - Math.min(...values);
  return span <= 20 ? { dtick: 1, tick0: 0 } : { tickformat: 'd' };
}
