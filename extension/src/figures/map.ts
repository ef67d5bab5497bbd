/**
 * Conductance and weight maps as plotly heatmaps: the whole array, or receptive fields (each
 * output's column of weights laid out as its input image). The payload keeps full resolution;
 * only what is drawn is reduced, by block means, when the map has more cells than the screen
 * can show.
 */
import { BUDGET, fieldGridSize, withinBudget } from '../payload/budget';
import type { MapData } from '../payload/types';
import type { Theme, Trace } from './figure';

/** How to draw a map. */
export interface MapView {
  /** Colour by conductance (µS) or by weight (default: the map's own quantity). */
  units?: 'conductance' | 'weight';
  /** The array as it is, or receptive fields (needs `map.fields`; default 'map'). */
  view?: 'map' | 'fields';
  /**
   * Most cells drawn; larger maps are block-averaged (default 512 × 512, at most
   * `BUDGET.DRAWN_CELLS`; values that are not a positive number mean the default).
   */
  maxCells?: number;
  /** Plotly axis ids to draw on (default 'x' and 'y'). */
  xaxis?: string;
  yaxis?: string;
  /** Colour bar position on the page (fraction of the width; default at the right edge). */
  colorbarX?: number;
  colorbarLength?: number;
  colorbarY?: number;
}

/** The map's values in the chosen unit: a function of the stored value. */
export function unitTransform(
  map: MapData,
  units: 'conductance' | 'weight',
): { f: (v: number) => number; label: string; range: [number, number] } {
  const [lo, hi] = map.range;
  if (map.quantity === 'weight') return { f: (v) => v, label: 'w', range: [lo, hi] };
  if (units === 'weight' && map.weight) {
    const { wMin, wMax } = map.weight;
    const k = (wMax - wMin) / (hi - lo);
    return { f: (v) => wMin + k * (v - lo), label: 'w', range: [wMin, wMax] };
  }
  return { f: (v) => v * 1e6, label: 'G (µS)', range: [lo * 1e6, hi * 1e6] };
}

/** The colour range, scale and bar of a heatmap in unit `t` (the map and the receptive fields). */
function colorAxis(
  t: { label: string; range: [number, number] },
  theme: Theme,
  view: MapView,
): Record<string, unknown> {
  return {
    zmin: t.range[0],
    zmax: t.range[1],
    colorscale: theme.colorscale,
    colorbar: {
      title: { text: t.label, side: 'right' },
      thickness: 12,
      x: view.colorbarX ?? 1.0,
      len: view.colorbarLength ?? 1,
      y: view.colorbarY ?? 0.5,
      outlinewidth: 0,
    },
  };
}

/** Units a map can be shown in. */
export function availableUnits(map: MapData): ('conductance' | 'weight')[] {
  if (map.quantity === 'weight') return ['weight'];
  return map.weight ? ['conductance', 'weight'] : ['conductance'];
}

/** The block size that brings `rows × cols` to at most `maxCells` cells. */
export function blockSize(rows: number, cols: number, maxCells: number): number {
  return Math.max(1, Math.ceil(Math.sqrt((rows * cols) / drawnCells(maxCells))));
}

/** The view's cell limit, within the budget: 512 × 512 unless a positive number is given. */
function drawnCells(maxCells: number | undefined): number {
  if (maxCells === undefined || !(maxCells >= 1)) return 512 * 512;
  return Math.min(Math.floor(maxCells), BUDGET.DRAWN_CELLS);
}

/**
 * An upper bound of the values (numbers) in {@link mapTraces}' output, computed from the sizes
 * alone, for the figure budget.
 *
 * @example
 * mapSize(map397x500, { view: 'fields' }); // 2 × (666 × 637 + 4), 3 × with frozen cells
 */
export function mapSize(map: MapData, view: MapView = {}): number {
  // Per trace, besides its grids: an overlay's two-stop colour scale.
  const extra = 4;
  if (view.view === 'fields' && map.fields) {
    const g = fieldGridSize(map.cols, map.fields.width, map.fields.height);
    return (g.W * g.H + extra) * (map.frozen ? 3 : 2);
  }
  const b = blockSize(map.rows, map.cols, view.maxCells ?? 512 * 512);
  const R = Math.ceil(map.rows / b);
  const C = Math.ceil(map.cols / b);
  // Values, their other unit for the hover, and overlays for frozen, stuck-low, stuck-high.
  const grids = 2 + (map.frozen ? 1 : 0) + (map.stuck ? 2 : 0);
  return grids * (R * C + R + C + extra);
}

/** Grid of f × f block means of `values` (rows × cols), after `f` is applied to each value. */
function blockMeans(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  b: number,
  f: (v: number) => number,
): Float32Array[] {
  const R = Math.ceil(rows / b);
  const C = Math.ceil(cols / b);
  const out: Float32Array[] = [];
  for (let I = 0; I < R; I++) {
    const row = new Float32Array(C);
    for (let J = 0; J < C; J++) {
      let s = 0;
      let n = 0;
      for (let i = I * b; i < Math.min(rows, (I + 1) * b); i++)
        for (let j = J * b; j < Math.min(cols, (J + 1) * b); j++) {
          const v = values[i * cols + j]!;
          if (v === v) {
            s += f(v);
            n++;
          }
        }
      row[J] = n ? s / n : NaN;
    }
    out.push(row);
  }
  return out;
}

/** A mask as overlay rows: 1 where the block is mostly marked with `code`, NaN (transparent) elsewhere. */
function overlayRows(
  mask: Uint8Array,
  rows: number,
  cols: number,
  b: number,
  code: number,
): Float32Array[] | null {
  const m = blockMeans(mask, rows, cols, b, (v) => (v === code ? 1 : 0));
  let any = false;
  for (const row of m)
    for (let j = 0; j < row.length; j++) {
      if (row[j]! >= 0.5) {
        row[j] = 1;
        any = true;
      } else row[j] = NaN;
    }
  return any ? m : null;
}

function overlay(
  z: Float32Array[],
  color: string,
  name: string,
  o: Required<Pick<MapView, 'xaxis' | 'yaxis'>>,
  coords: { x?: number[]; y?: number[] },
): Trace {
  return {
    type: 'heatmap',
    name,
    z,
    ...coords,
    zmin: 0,
    zmax: 1,
    colorscale: [
      [0, color],
      [1, color],
    ],
    showscale: false,
    hoverinfo: 'skip',
    xaxis: o.xaxis,
    yaxis: o.yaxis,
  };
}

function steps(n: number, b: number): number[] {
  return Array.from({ length: Math.ceil(n / b) }, (_, i) => i * b);
}

/**
 * Heatmap traces for `map`: the values, then overlays for frozen and stuck cells.
 *
 * @example
 * mapTraces(map, LIGHT, { units: 'weight' })[0].z; // rows of weights
 */
export function mapTraces(map: MapData, theme: Theme, view: MapView = {}): Trace[] {
  if (view.view === 'fields' && map.fields) return fieldTraces(map, theme, view);
  const units = view.units ?? map.quantity;
  const t = unitTransform(map, units);
  const other = unitTransform(map, units === 'weight' ? 'conductance' : 'weight');
  const axes = { xaxis: view.xaxis ?? 'x', yaxis: view.yaxis ?? 'y' };
  const b = blockSize(map.rows, map.cols, view.maxCells ?? 512 * 512);
  const { rows, cols, values } = map;
  let z: Float32Array[];
  let custom: Float32Array[] | undefined;
  const hasOther = other.label !== t.label;
  if (b === 1) {
    // Cell for cell: rows in the chosen unit, and in the other unit for the hover.
    const convert = (f: (v: number) => number) =>
      Array.from({ length: rows }, (_, i) =>
        Float32Array.from(values.subarray(i * cols, (i + 1) * cols), f),
      );
    z = convert(t.f);
    custom = hasOther ? convert(other.f) : undefined;
  } else {
    z = blockMeans(values, rows, cols, b, t.f);
    custom = hasOther ? blockMeans(values, rows, cols, b, other.f) : undefined;
  }
  const coords = b === 1 ? {} : { x: steps(cols, b), y: steps(rows, b) };
  const where =
    b === 1
      ? 'input (row) %{y}, output (column) %{x}'
      : `inputs %{y}…, outputs %{x}… (mean of ${b} × ${b} cells)`;
  const value = (label: string, ref: string) =>
    label === 'w' ? `w = ${ref}:.3f}` : `G = ${ref}:.3g} µS`;
  const hover =
    `${where}<br>${value(t.label, '%{z')}` +
    (custom ? `<br>${value(other.label, '%{customdata')}` : '') +
    '<extra></extra>';
  const traces: Trace[] = [
    {
      type: 'heatmap',
      name: t.label,
      z,
      ...coords,
      ...(custom ? { customdata: custom } : {}),
      ...colorAxis(t, theme, view),
      hoverongaps: false,
      hovertemplate: hover,
      ...axes,
    },
  ];
  if (map.frozen) {
    const m = overlayRows(map.frozen, rows, cols, b, 1);
    if (m) traces.push(overlay(m, theme.frozen, 'frozen (pruned)', axes, coords));
  }
  if (map.stuck) {
    const lo = overlayRows(map.stuck, rows, cols, b, 1);
    const hi = overlayRows(map.stuck, rows, cols, b, 2);
    if (lo) traces.push(overlay(lo, theme.stuckLow, 'stuck at G_min', axes, coords));
    if (hi) traces.push(overlay(hi, theme.stuckHigh, 'stuck at G_max', axes, coords));
  }
  return traces;
}

/** Columns of the receptive-field grid for `n` outputs (about square). */
export function fieldGrid(n: number): { columns: number; rows: number } {
  const { columns, rows } = fieldGridSize(n, 1, 1);
  return { columns, rows };
}

/**
 * Receptive fields: output k's weights drawn at its inputs' pixel positions, one image per
 * output in a grid with one-pixel gaps (gaps and unused pixels are transparent).
 */
function fieldTraces(map: MapData, theme: Theme, view: MapView): Trace[] {
  const f = map.fields!;
  const units = view.units ?? map.quantity;
  const t = unitTransform(map, units);
  const axes = { xaxis: view.xaxis ?? 'x', yaxis: view.yaxis ?? 'y' };
  const { columns, W, H } = fieldGridSize(map.cols, f.width, f.height);
  // Checked when the payload was read; checked again here, before the grids are allocated, for
  // maps built by other code.
  withinBudget('map.receptiveFields', W * H, 'FIELD_GRID_CELLS', `a grid of ${W} × ${H} cells`);
  const z = Array.from({ length: H }, () => new Float32Array(W).fill(NaN));
  const neuron = Array.from({ length: H }, () => new Float32Array(W).fill(NaN));
  const frozen = map.frozen ? Array.from({ length: H }, () => new Float32Array(W).fill(NaN)) : null;
  let anyFrozen = false;
  for (let k = 0; k < map.cols; k++) {
    const x0 = (k % columns) * (f.width + 1);
    const y0 = Math.floor(k / columns) * (f.height + 1);
    for (let i = 0; i < map.rows; i++) {
      const p = f.pixelIndex[i]!;
      const y = y0 + Math.floor(p / f.width);
      const x = x0 + (p % f.width);
      z[y]![x] = t.f(map.values[i * map.cols + k]!);
      neuron[y]![x] = k;
      if (frozen && map.frozen![i * map.cols + k]) {
        frozen[y]![x] = 1;
        anyFrozen = true;
      }
    }
  }
  const traces: Trace[] = [
    {
      type: 'heatmap',
      name: t.label,
      z,
      customdata: neuron,
      ...colorAxis(t, theme, view),
      hoverongaps: false,
      hovertemplate: `output %{customdata}<br>${t.label === 'w' ? 'w = %{z:.3f}' : 'G = %{z:.3g} µS'}<extra></extra>`,
      ...axes,
    },
  ];
  if (frozen && anyFrozen) traces.push(overlay(frozen, theme.frozen, 'frozen (pruned)', axes, {}));
  return traces;
}
