/**
 * The training dashboard: the live map, running accuracy, images per second, pulses, energy and
 * the last image's output spikes, redrawn in place as the run goes on.
 */
import type { TrainingPayload } from '../payload/types';
import {
  axis,
  baseLayout,
  count,
  safeText,
  si,
  type Figure,
  type Layout,
  type Theme,
  type Trace,
} from './figure';
import { mapTraces, type MapView } from './map';
import { rasterAxes, rasterTrace } from './raster';

interface Panel {
  id: string;
  title: string;
  x: [number, number];
  y: [number, number];
}

/** Where each panel sits (fractions of the figure). */
function panels(hasMap: boolean, hasRaster: boolean): Record<string, Panel> {
  const top: [number, number] = [0.44, 1];
  const bottom: [number, number] = [0, 0.3];
  const right: [number, number] = hasMap ? [0.56, 1] : [0, 1];
  const third = hasRaster ? 3 : 2;
  const w = (1 - 0.08 * (third - 1)) / third;
  const col = (i: number): [number, number] => [i * (w + 0.08), i * (w + 0.08) + w];
  return {
    map: { id: '', title: 'map', x: [0, 0.42], y: top },
    accuracy: { id: '2', title: 'running accuracy (%)', x: right, y: [0.77, 1] },
    speed: { id: '3', title: 'images per second', x: right, y: [0.44, 0.67] },
    pulses: { id: '4', title: 'programming pulses', x: col(0), y: bottom },
    energy: { id: '5', title: 'energy', x: col(1), y: bottom },
    raster: { id: '6', title: 'output spikes, last image', x: col(2), y: bottom },
  };
}

function place(layout: Layout, p: Panel, x: Layout, y: Layout): void {
  layout[`xaxis${p.id}`] = { ...x, domain: p.x, anchor: `y${p.id}` };
  layout[`yaxis${p.id}`] = { ...y, domain: p.y, anchor: `x${p.id}` };
}

function panelTitle(p: Panel): Layout {
  return {
    xref: 'paper',
    yref: 'paper',
    x: (p.x[0] + p.x[1]) / 2,
    y: p.y[1] + 0.01,
    xanchor: 'center',
    yanchor: 'bottom',
    text: p.title,
    showarrow: false,
    font: { size: 12 },
  };
}

/**
 * @example
 * trainingFigure(payload, LIGHT, { units: 'weight' }).data[0].type; // 'heatmap'
 */
export function trainingFigure(p: TrainingPayload, theme: Theme, view: MapView = {}): Figure {
  const h = p.history;
  const g = p.progress;
  const P = panels(p.map !== null, p.raster !== null);
  const summary =
    `${count(g.imagesDone)} / ${count(g.imagesTotal)} images · epoch ${Math.min(g.epoch + 1, g.epochs)}/${g.epochs} · ` +
    `accuracy ${(100 * g.runningAccuracy).toFixed(1)} % · ${count(g.imagesPerSecond)} images/s · ` +
    `${count(g.setPulses)} SET / ${count(g.resetPulses)} RESET · ${si(g.energy, 'J')}` +
    (g.frozenFraction > 0 ? ` · ${(100 * g.frozenFraction).toFixed(1)} % frozen` : '');
  const layout = baseLayout(
    theme,
    `${safeText(p.title)} — ${safeText(p.status)}<br><span style="font-size:11px">${summary}</span>`,
    660,
  );
  layout.margin = { l: 60, r: 30, t: 70, b: 40 };
  layout.showlegend = true;
  layout.legend = { orientation: 'h', x: 0.56, y: 0.36, xanchor: 'left' };
  const data: Trace[] = [];
  const annotations: Layout[] = [];
  if (p.map) {
    const units = view.units ?? p.map.quantity;
    data.push(
      ...mapTraces(p.map, theme, {
        ...view,
        units,
        xaxis: 'x',
        yaxis: 'y',
        colorbarX: 0.43,
        colorbarY: 0.72,
        colorbarLength: 0.56,
      }),
    );
    const fields = view.view === 'fields' && p.map.fields;
    place(
      layout,
      P.map!,
      axis(theme, fields ? '' : 'output (column)', { showgrid: false, zeroline: false }),
      axis(theme, fields ? '' : 'input (row)', {
        autorange: 'reversed',
        showgrid: false,
        zeroline: false,
        ...(fields ? { scaleanchor: 'x', showticklabels: false } : {}),
      }),
    );
    annotations.push(
      panelTitle({ ...P.map!, title: p.map.quantity === 'weight' ? 'weights' : 'conductance' }),
    );
  }
  const line = (name: string, y: number[], axisId: string, color: string): Trace => ({
    type: 'scatter',
    mode: 'lines',
    name,
    x: h.imagesDone,
    y,
    line: { color, width: 1.5 },
    xaxis: `x${axisId}`,
    yaxis: `y${axisId}`,
    showlegend: false,
  });
  const c = theme.colorway;
  data.push(
    line(
      'running accuracy',
      h.runningAccuracy.map((a) => 100 * a),
      P.accuracy!.id,
      c[0]!,
    ),
  );
  data.push(line('images/s', h.imagesPerSecond, P.speed!.id, c[2]!));
  data.push({ ...line('SET', h.setPulses, P.pulses!.id, c[0]!), showlegend: true });
  data.push({ ...line('RESET', h.resetPulses, P.pulses!.id, c[1]!), showlegend: true });
  data.push(line('energy (J)', h.energy, P.energy!.id, c[3]!));
  const images = axis(theme, 'images');
  place(layout, P.accuracy!, axis(theme, ''), axis(theme, '', { range: [0, 100] }));
  place(layout, P.speed!, axis(theme, ''), axis(theme, '', { rangemode: 'tozero' }));
  place(layout, P.pulses!, images, axis(theme, '', { tickformat: '~s' }));
  place(layout, P.energy!, images, axis(theme, 'J', { tickformat: '~s' }));
  for (const k of ['accuracy', 'speed', 'pulses', 'energy']) annotations.push(panelTitle(P[k]!));
  if (p.raster) {
    data.push(rasterTrace(p.raster, theme, `x${P.raster!.id}`, `y${P.raster!.id}`));
    const ax = rasterAxes(p.raster, theme);
    place(layout, P.raster!, ax.x, ax.y);
    annotations.push(panelTitle(P.raster!));
  }
  layout.annotations = annotations;
  return { data, layout };
}
