/**
 * The training dashboard: the live map, running accuracy, images per second, pulses, energy and
 * the last image's output spikes, redrawn in place as the run goes on.
 */
import type { MapData, Payload, TrainingPayload } from '../payload/types';
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

/** The figure's height, px; the layout below is laid out for it. */
export const DASHBOARD_HEIGHT = 700;

/**
 * Where each panel sits (fractions of the plotting area). One layout for every state of a run —
 * starting, running, finished, with or without a map or spikes yet — so live updates never move
 * anything: the map and its colour bar on the left, accuracy and speed on the right, pulses,
 * energy and the last image's spikes below. Gaps leave room for tick labels and panel titles.
 */
function panels(hasMap: boolean): Record<string, Panel> {
  const top: [number, number] = [0.46, 1];
  const bottom: [number, number] = [0, 0.3];
  const right: [number, number] = hasMap ? [0.56, 1] : [0, 1];
  const w = (1 - 0.08 * 2) / 3;
  const col = (i: number): [number, number] => [i * (w + 0.08), i * (w + 0.08) + w];
  return {
    map: { id: '', title: 'map', x: [0, 0.4], y: top },
    accuracy: { id: '2', title: 'running accuracy (train), %', x: right, y: [0.79, 1] },
    speed: { id: '3', title: 'images per second', x: right, y: [0.46, 0.67] },
    pulses: { id: '4', title: 'programming pulses', x: col(0), y: bottom },
    energy: { id: '5', title: 'energy', x: col(1), y: bottom },
    raster: { id: '6', title: 'output spikes, last image', x: col(2), y: bottom },
  };
}

function place(layout: Layout, p: Panel, x: Layout, y: Layout): void {
  layout[`xaxis${p.id}`] = { ...x, domain: p.x, anchor: `y${p.id}` };
  layout[`yaxis${p.id}`] = { ...y, domain: p.y, anchor: `x${p.id}` };
}

/** A panel's title, left-aligned just above it (it may carry the panel's legend, in colour). */
function panelTitle(p: Panel, text = p.title): Layout {
  return {
    xref: 'paper',
    yref: 'paper',
    x: p.x[0],
    y: p.y[1],
    yshift: 4,
    xanchor: 'left',
    yanchor: 'bottom',
    text,
    showarrow: false,
    font: { size: 12 },
    name: `title:${p.id || '1'}`,
  };
}

/** A note in the middle of an empty panel ("starting…"). */
function panelNote(p: Panel, text: string, theme: Theme): Layout {
  return {
    xref: 'paper',
    yref: 'paper',
    x: (p.x[0] + p.x[1]) / 2,
    y: (p.y[0] + p.y[1]) / 2,
    xanchor: 'center',
    yanchor: 'middle',
    text,
    showarrow: false,
    font: { size: 12, color: theme.text },
    opacity: 0.6,
    name: `note:${p.id || '1'}`,
  };
}

/** Legend entries written into a title: each name in its series colour. */
function keyed(title: string, entries: [string, string][]): string {
  const keys = entries.map(([name, color]) => `<span style="color:${color}">━ ${name}</span>`);
  return `${title}   ${keys.join('  ')}`;
}

/**
 * A live training update may hold its map (`mapHeld`, `map` null: the kernel sends the map only
 * every few seconds). Such an update is drawn with `held`, the last map the same output had;
 * an update with a map replaces `held`. Without one (an output saved between two maps and
 * reopened) the map's panel stays in place, empty, until the next map.
 *
 * @example
 * const a = holdMap(withMap, null); // a.held === withMap.map
 * holdMap(heldUpdate, a.held).payload.map; // withMap.map
 */
export function holdMap(
  p: Payload,
  held: MapData | null,
): { payload: Payload; held: MapData | null } {
  if (p.kind !== 'training') return { payload: p, held };
  if (p.map !== null) return { payload: p, held: p.map };
  if (p.mapHeld && held !== null) return { payload: { ...p, map: held }, held };
  return { payload: p, held };
}

/** The map traces last built for each map, with the theme and view they were built for. */
const built = new WeakMap<MapData, { key: string; traces: Trace[] }>();

/**
 * mapTraces, reused while the map, theme and view are the same: live updates that hold the map
 * hand plotly the same arrays again instead of new ones built from the same data.
 */
function heldTraces(map: MapData, theme: Theme, view: MapView): Trace[] {
  const key = JSON.stringify([theme, view]);
  const hit = built.get(map);
  if (hit && hit.key === key) return hit.traces;
  const traces = mapTraces(map, theme, view);
  built.set(map, { key, traces });
  return traces;
}

/**
 * @example
 * trainingFigure(payload, LIGHT, { units: 'weight' }).data[0].type; // 'heatmap'
 */
export function trainingFigure(p: TrainingPayload, theme: Theme, view: MapView = {}): Figure {
  const h = p.history;
  const g = p.progress;
  const P = panels(p.map !== null || p.mapHeld);
  const summary =
    `${count(g.imagesDone)} / ${count(g.imagesTotal)} images · epoch ${Math.min(g.epoch + 1, g.epochs)}/${g.epochs} · ` +
    `running accuracy (train) ${(100 * g.runningAccuracy).toFixed(1)} % · ${count(g.imagesPerSecond)} images/s · ` +
    `${count(g.setPulses)} SET / ${count(g.resetPulses)} RESET · ${si(g.energy, 'J')}` +
    (g.frozenFraction > 0 ? ` · ${(100 * g.frozenFraction).toFixed(1)} % frozen` : '');
  const layout = baseLayout(
    theme,
    `${safeText(p.title)} — ${safeText(p.status)}`,
    DASHBOARD_HEIGHT,
  );
  // Title, then the stats line, then the panel titles: each on its own band of the top margin.
  layout.title = {
    text: `${safeText(p.title)} — ${safeText(p.status)}`,
    font: { size: 14 },
    x: 0.01,
    xanchor: 'left',
    xref: 'container',
    y: 1 - 10 / DASHBOARD_HEIGHT,
    yref: 'container',
    yanchor: 'top',
  };
  layout.margin = { l: 60, r: 30, t: 92, b: 44 };
  layout.showlegend = false;
  const data: Trace[] = [];
  const annotations: Layout[] = [
    {
      xref: 'paper',
      yref: 'paper',
      x: 0,
      y: 1,
      yshift: 30,
      xanchor: 'left',
      yanchor: 'bottom',
      text: summary,
      showarrow: false,
      font: { size: 11 },
      name: 'stats',
    },
  ];
  const starting = h.imagesDone.length < 2;
  if (p.map) {
    const units = view.units ?? p.map.quantity;
    const fields = view.view === 'fields' && p.map.fields !== null;
    data.push(
      ...heldTraces(p.map, theme, {
        ...view,
        units,
        xaxis: 'x',
        yaxis: 'y',
        colorbarX: 0.41,
        colorbarY: (P.map!.y[0] + P.map!.y[1]) / 2,
        colorbarLength: P.map!.y[1] - P.map!.y[0],
      }),
    );
    // Receptive fields are images: no pixel ticks, square pixels kept inside the panel.
    const bare = {
      showticklabels: false,
      showline: false,
      ticks: '',
      showgrid: false,
      zeroline: false,
    };
    place(
      layout,
      P.map!,
      axis(theme, fields ? '' : 'output (column)', {
        showgrid: false,
        zeroline: false,
        ...(fields ? { ...bare, constrain: 'domain' } : {}),
      }),
      axis(theme, fields ? '' : 'input (row)', {
        autorange: 'reversed',
        showgrid: false,
        zeroline: false,
        ...(fields ? { ...bare, scaleanchor: 'x', constrain: 'domain' } : {}),
      }),
    );
    const what = p.map.quantity === 'weight' || units === 'weight' ? 'weights' : 'conductance';
    annotations.push(panelTitle(P.map!, fields ? `${what}, receptive fields` : what));
  } else if (p.mapHeld) {
    // An update that holds a map this output never had (reopened between two maps): the same
    // layout, the map's panel empty until the next one.
    place(
      layout,
      P.map!,
      axis(theme, 'output (column)', { range: [-0.5, p.config.outputs - 0.5], zeroline: false }),
      axis(theme, 'input (row)', {
        range: [p.config.inputs - 0.5, -0.5],
        showgrid: false,
        zeroline: false,
      }),
    );
    annotations.push(
      panelTitle(P.map!, 'map'),
      panelNote(P.map!, 'the map comes with the next update', theme),
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
      'running accuracy (train)',
      h.runningAccuracy.map((a) => 100 * a),
      P.accuracy!.id,
      c[0]!,
    ),
  );
  data.push(line('images/s', h.imagesPerSecond, P.speed!.id, c[2]!));
  data.push(line('SET', h.setPulses, P.pulses!.id, c[0]!));
  data.push(line('RESET', h.resetPulses, P.pulses!.id, c[1]!));
  data.push(line('energy (J)', h.energy, P.energy!.id, c[3]!));
  // The x axes span the whole run, so the curves grow into a fixed frame.
  const range = [0, Math.max(1, g.imagesTotal)];
  const run = axis(theme, '', { range });
  const images = axis(theme, 'images', { range });
  place(layout, P.accuracy!, run, axis(theme, '', { range: [0, 100] }));
  place(layout, P.speed!, run, axis(theme, '', { rangemode: 'tozero' }));
  place(layout, P.pulses!, images, axis(theme, '', { tickformat: '~s', rangemode: 'tozero' }));
  place(layout, P.energy!, images, axis(theme, 'J', { tickformat: '~s', rangemode: 'tozero' }));
  annotations.push(
    panelTitle(P.accuracy!),
    panelTitle(P.speed!),
    panelTitle(
      P.pulses!,
      keyed(P.pulses!.title, [
        ['SET', c[0]!],
        ['RESET', c[1]!],
      ]),
    ),
    panelTitle(P.energy!),
    panelTitle(P.raster!),
  );
  if (starting)
    for (const k of ['accuracy', 'speed', 'pulses', 'energy'])
      annotations.push(panelNote(P[k]!, 'starting…', theme));
  if (p.raster) {
    data.push(rasterTrace(p.raster, theme, `x${P.raster!.id}`, `y${P.raster!.id}`));
    const ax = rasterAxes(p.raster, theme);
    place(layout, P.raster!, ax.x, ax.y);
  } else {
    // The same panel before the first image, so nothing moves when spikes arrive.
    place(
      layout,
      P.raster!,
      axis(theme, 'time (ms)', { range: [0, 1] }),
      axis(theme, 'neuron', {
        range: [-0.5, Math.max(0.5, p.config.outputs - 0.5)],
        zeroline: false,
      }),
    );
    annotations.push(panelNote(P.raster!, starting ? 'starting…' : 'no image yet', theme));
  }
  layout.annotations = annotations;
  fixedFrame(layout);
  return { data, layout };
}

/**
 * The dashboard's margins and gaps are fixed, so its axes need neither automatic margins nor
 * plotly's check of each tick label against the plot's edges. Both measure text in the page, and
 * every live update redraws every axis: together they were about a third of an update's redraw.
 */
function fixedFrame(layout: Layout): void {
  for (const [key, value] of Object.entries(layout))
    if (/^[xy]axis\d*$/.test(key) && value && typeof value === 'object')
      Object.assign(value, { automargin: false, ticklabeloverflow: 'allow' });
}
