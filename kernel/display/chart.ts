/**
 * Chart building blocks drawn into a {@link Scene}: ticks, colours, line panels and stacked bar
 * panels. Labels and legends come from data and are kept as text (the SVG backend escapes them).
 */
import type { Scene } from './scene';

/** A compact number: 3 significant digits, k/M/G for large magnitudes, exponent form for tiny ones. */
export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4) {
    const [d, suffix] = a >= 1e9 ? [1e9, 'G'] : a >= 1e6 ? [1e6, 'M'] : [1e3, 'k'];
    return `${Number((v / d).toPrecision(digits))}${suffix}`;
  }
  if (a < 1e-3) return v.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(digits)));
}

/** A unit prefix for values up to `max`: [scale, prefix], e.g. 3e-10 → [1e12, 'p']. */
export function prefixFor(max: number): [number, string] {
  const table: [number, string][] = [
    [1e-12, 'p'],
    [1e-9, 'n'],
    [1e-6, 'µ'],
    [1e-3, 'm'],
    [1, ''],
  ];
  let pick = table[0]!;
  for (const t of table) if (Math.abs(max) >= t[0]) pick = t;
  return [1 / pick[0], pick[1]];
}

/** Round tick values covering [lo, hi], about `count` of them. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => raw <= s) ?? 10 * mag;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    out.push(Number(t.toPrecision(12)));
  return out;
}

// Viridis at nine stops (matplotlib's colormap, public domain).
const VIRIDIS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
] as const;

/** Viridis colour of t ∈ [0, 1] as [r, g, b] bytes (NaN → grey). */
export function viridis(t: number): [number, number, number] {
  if (!Number.isFinite(t)) return [128, 128, 128];
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [0, 1, 2].map((k) => Math.round(a[k]! + f * (b[k]! - a[k]!))) as [number, number, number];
}

/** Categorical colours (Tableau 10). */
export const COLORS = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

const AXIS = '#888888';
const GRID = '#eeeeee';
const MUTED = '#444444';

/** One line of a chart. */
export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
}

/** Layout and labels of a chart panel. */
export interface PanelOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Panel position and size in the scene. */
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  /** Fixed y range (default: the data's). */
  yMin?: number;
  yMax?: number;
  /** Logarithmic axes (values ≤ 0 are left out). */
  xLog?: boolean;
  yLog?: boolean;
  /** Dashed horizontal reference lines with labels (in data units). */
  reference?: { y: number; label: string }[];
}

/** Log10 of positive values, NaN for the rest. */
function log10s(a: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => (a[i]! > 0 ? Math.log10(a[i]!) : NaN));
}

/** Ticks of a log axis drawn in log10 units: the decades, or round values inside one decade. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(lo - 1e-9); e <= hi + 1e-9; e++) out.push(e);
  return out.length >= 2
    ? out
    : ticks(10 ** lo, 10 ** hi, 4)
        .filter((v) => v > 0)
        .map(Math.log10);
}

/** A centred bold title. */
export function title(scene: Scene, x: number, y: number, text: string): void {
  scene.add({ kind: 'text', x, y, text, anchor: 'middle', bold: true });
}

/** A muted caption line. */
export function caption(scene: Scene, x: number, y: number, text: string): void {
  scene.add({ kind: 'text', x, y, text, anchor: 'middle', color: MUTED });
}

function extent(values: Iterable<ArrayLike<number>>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of values)
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** A line chart with axes, ticks, grid and a legend (for two or more distinct names). */
export function linePanel(scene: Scene, series: Series[], o: PanelOptions = {}): void {
  if (!o.xLog && !o.yLog) return drawLines(scene, series, o, false, false);
  // Log axes: draw log10 of the data on linear axes, and label the ticks with the values.
  const lg = (v: number | undefined, on?: boolean) =>
    v === undefined || !on ? v : v > 0 ? Math.log10(v) : undefined;
  const logged = series.map((s) => ({
    ...s,
    x: o.xLog ? log10s(s.x) : s.x,
    y: o.yLog ? log10s(s.y) : s.y,
  }));
  drawLines(
    scene,
    logged,
    {
      ...o,
      yMin: lg(o.yMin, o.yLog),
      yMax: lg(o.yMax, o.yLog),
      reference: o.reference?.map((r) => ({ ...r, y: lg(r.y, o.yLog) ?? NaN })),
    },
    o.xLog === true,
    o.yLog === true,
  );
}

function drawLines(
  scene: Scene,
  series: Series[],
  o: PanelOptions,
  logX: boolean,
  logY: boolean,
): void {
  const [xlo, xmax] = extent(series.map((s) => s.x));
  const xhi = xmax === xlo ? xlo + 1 : xmax;
  let [ylo, yhi] = extent(series.map((s) => s.y));
  ylo = o.yMin ?? ylo;
  yhi = o.yMax ?? yhi;
  if (yhi === ylo) {
    const pad = (Math.abs(ylo) || 1) * 0.5;
    [ylo, yhi] = [ylo - pad, yhi + pad];
  }
  const names = new Map<string, string>();
  series.forEach((s, k) => {
    if (!names.has(s.name)) names.set(s.name, s.color ?? COLORS[k % COLORS.length]!);
  });
  const X = o.x ?? 0;
  const Y = o.y ?? 0;
  const W = o.width ?? 480;
  const H = o.height ?? 280;
  const left = X + 58;
  const top = Y + (o.title ? 26 : 10) + (names.size > 1 ? 14 : 0);
  const w = W - 58 - 14;
  const h = H - (top - Y) - 40;
  const px = (v: number) => left + ((v - xlo) / (xhi - xlo)) * w;
  const py = (v: number) => top + h - ((v - ylo) / (yhi - ylo)) * h;
  if (o.title) title(scene, X + W / 2, Y + 16, o.title);
  for (const t of logY ? logTicks(ylo, yhi) : ticks(ylo, yhi, 5)) {
    scene.add({ kind: 'line', x1: left, x2: left + w, y1: py(t), y2: py(t), stroke: GRID });
    scene.add({
      kind: 'text',
      x: left - 5,
      y: py(t),
      text: fmt(logY ? 10 ** t : t),
      anchor: 'end',
      align: 'middle',
    });
  }
  for (const t of logX ? logTicks(xlo, xhi) : ticks(xlo, xhi, 5)) {
    scene.add({ kind: 'line', x1: px(t), x2: px(t), y1: top + h, y2: top + h + 4, stroke: AXIS });
    const label = fmt(logX ? 10 ** t : t);
    scene.add({ kind: 'text', x: px(t), y: top + h + 15, text: label, anchor: 'middle' });
  }
  for (const r of o.reference ?? []) {
    if (!(r.y >= ylo && r.y <= yhi)) continue;
    for (let x = left; x < left + w; x += 8)
      scene.add({
        kind: 'line',
        x1: x,
        x2: Math.min(x + 4, left + w),
        y1: py(r.y),
        y2: py(r.y),
        stroke: MUTED,
      });
    scene.add({ kind: 'text', x: left + w - 4, y: py(r.y) - 4, text: r.label, anchor: 'end' });
  }
  scene.add({ kind: 'rect', x: left, y: top, w, h, stroke: AXIS });
  if (o.xLabel)
    scene.add({ kind: 'text', x: left + w / 2, y: top + h + 31, text: o.xLabel, anchor: 'middle' });
  if (o.yLabel)
    scene.add({
      kind: 'text',
      x: X + 13,
      y: top + h / 2,
      text: o.yLabel,
      anchor: 'middle',
      vertical: true,
    });
  series.forEach((s, k) => {
    const points: number[] = [];
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      points.push(Number.isFinite(x) && Number.isFinite(y) ? px(x) : NaN, py(y));
    }
    scene.add({ kind: 'path', points, stroke: s.color ?? COLORS[k % COLORS.length]!, width: 1.5 });
  });
  if (names.size > 1) {
    let x = left + w;
    const entries = [...names].reverse().map(([name, color]) => {
      x -= 28 + 6.5 * name.length;
      return { name, color, x };
    });
    for (const e of entries) {
      scene.add({
        kind: 'line',
        x1: e.x,
        x2: e.x + 16,
        y1: top - 8,
        y2: top - 8,
        stroke: e.color,
        width: 2,
      });
      scene.add({ kind: 'text', x: e.x + 20, y: top - 8, text: e.name, align: 'middle' });
    }
  }
}

/** One stacked horizontal bar. */
export interface StackedBar {
  label: string;
  /** Segment values, one per legend entry. */
  values: number[];
}

/** Height a {@link stackedBarPanel} of `n` bars needs. */
export function stackedBarHeight(n: number, titled: boolean, labelled: boolean): number {
  return (titled ? 28 : 8) + n * 24 + 26 + (labelled ? 20 : 0);
}

/** Horizontal stacked bars with a legend; totals formatted by `format`. */
export function stackedBarPanel(
  scene: Scene,
  bars: StackedBar[],
  legend: string[],
  o: PanelOptions & { format?: (v: number) => string } = {},
): void {
  const X = o.x ?? 0;
  const Y = o.y ?? 0;
  const W = o.width ?? 560;
  const labelW = Math.min(200, 12 + 6.5 * Math.max(4, ...bars.map((b) => b.label.length)));
  const top = Y + (o.title ? 28 : 8);
  const barH = 18;
  const gap = 6;
  const left = X + labelW;
  const w = W - labelW - 90;
  const max = Math.max(
    1e-300,
    ...bars.map((b) => b.values.reduce((s, v) => s + Math.max(0, v), 0)),
  );
  const format = o.format ?? fmt;
  if (o.title) title(scene, X + W / 2, Y + 16, o.title);
  bars.forEach((b, i) => {
    const y = top + i * (barH + gap);
    scene.add({
      kind: 'text',
      x: left - 6,
      y: y + barH / 2,
      text: b.label,
      anchor: 'end',
      align: 'middle',
    });
    let x = left;
    let total = 0;
    b.values.forEach((v, k) => {
      if (!(v > 0)) return;
      const bw = Math.max(0.5, (v / max) * w);
      scene.add({
        kind: 'rect',
        x,
        y,
        w: bw,
        h: barH,
        fill: COLORS[k % COLORS.length],
        title: `${b.label}, ${legend[k]}: ${format(v)}`,
      });
      x += bw;
      total += v;
    });
    scene.add({ kind: 'text', x: x + 5, y: y + barH / 2, text: format(total), align: 'middle' });
  });
  const ly = top + bars.length * (barH + gap) + 8;
  let lx = left;
  legend.forEach((name, k) => {
    scene.add({ kind: 'rect', x: lx, y: ly, w: 10, h: 10, fill: COLORS[k % COLORS.length] });
    scene.add({ kind: 'text', x: lx + 14, y: ly + 5, text: name, align: 'middle' });
    lx += 24 + 6.5 * name.length;
  });
  if (o.xLabel)
    scene.add({ kind: 'text', x: left + w / 2, y: ly + 28, text: o.xLabel, anchor: 'middle' });
}
