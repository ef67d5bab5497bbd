/** Spike rasters: one tick per spike, neuron against time, panels side by side. */
import type { RasterPanel, RasterPayload } from '../payload/types';
import {
  axis,
  baseLayout,
  safeText,
  type Figure,
  type Layout,
  type Theme,
  type Trace,
} from './figure';

/** A raster trace for `panel` on the given axes (time in ms). */
export function rasterTrace(panel: RasterPanel, theme: Theme, xaxis: string, yaxis: string): Trace {
  const x = new Float32Array(panel.time.length);
  for (let i = 0; i < x.length; i++) x[i] = panel.time[i]! * 1e3;
  return {
    type: 'scatter',
    mode: 'markers',
    name: safeText(panel.label),
    x,
    y: panel.neuron,
    marker: { symbol: 'line-ns-open', size: 9, color: theme.text, line: { width: 1.5 } },
    hovertemplate: 'neuron %{y}, %{x:.1f} ms<extra></extra>',
    showlegend: false,
    xaxis,
    yaxis,
  };
}

/** Axis settings for a raster panel. */
export function rasterAxes(panel: RasterPanel, theme: Theme): { x: Layout; y: Layout } {
  return {
    x: axis(theme, 'time (ms)', { range: [0, panel.duration * 1e3] }),
    y: axis(theme, 'neuron', {
      range: [-0.5, panel.neurons - 0.5],
      dtick: panel.neurons <= 20 ? 1 : undefined,
      zeroline: false,
    }),
  };
}

/**
 * @example
 * rasterFigure(payload, LIGHT).layout.xaxis2; // the second panel's time axis
 */
export function rasterFigure(p: RasterPayload, theme: Theme): Figure {
  const n = p.panels.length;
  const gap = 0.06;
  const w = (1 - gap * (n - 1)) / n;
  const layout = baseLayout(theme, safeText(p.title), 320);
  const data: Trace[] = [];
  const annotations: Layout[] = [];
  p.panels.forEach((panel, i) => {
    const id = i === 0 ? '' : String(i + 1);
    data.push(rasterTrace(panel, theme, `x${id}`, `y${id}`));
    const ax = rasterAxes(panel, theme);
    const x0 = i * (w + gap);
    layout[`xaxis${id}`] = { ...ax.x, domain: [x0, x0 + w], anchor: `y${id}` };
    layout[`yaxis${id}`] = { ...ax.y, anchor: `x${id}` };
    annotations.push({
      xref: 'paper',
      yref: 'paper',
      x: x0 + w / 2,
      y: 1.02,
      xanchor: 'center',
      yanchor: 'bottom',
      text: safeText(panel.label),
      showarrow: false,
    });
  });
  layout.annotations = annotations;
  layout.margin = { l: 60, r: 20, t: 64, b: 48 };
  return { data, layout };
}
