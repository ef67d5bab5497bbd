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
  layout.xaxis = axis(theme, safeText(p.x.label), { type: p.x.log ? 'log' : '-' });
  layout.yaxis = axis(theme, safeText(p.y.label), {
    type: p.y.log ? 'log' : 'linear',
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
