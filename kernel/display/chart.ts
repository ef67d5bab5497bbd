/**
 * Chart building blocks drawn into a {@link Scene}: ticks, colours, line panels and stacked bar
 * panels. Labels and legends come from data and are kept as text (the SVG backend escapes them).
 */
import { TITLE_SIZE, textWidth } from './fonts';
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

/**
 * Round tick values covering [lo, hi], about `count` of them; with `integer`, whole numbers only
 * (an axis that counts epochs or neurons never ticks at 0.5).
 *
 * @example
 * ticks(0, 1, 5); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * ticks(0, 3, 8, true); // [0, 1, 2, 3]
 */
export function ticks(lo: number, hi: number, count = 5, integer = false): number[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((k) => k * mag).find((s) => raw <= s) ?? 10 * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const out: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step)
    out.push(Number(t.toPrecision(12)));
  return out;
}

const SUPERSCRIPT: Record<string, string> = {
  '-': '\u207b',
  '0': '\u2070',
  '1': '\u00b9',
  '2': '\u00b2',
  '3': '\u00b3',
  '4': '\u2074',
  '5': '\u2075',
  '6': '\u2076',
  '7': '\u2077',
  '8': '\u2078',
  '9': '\u2079',
};

/**
 * A power of ten with a superscript exponent.
 *
 * @example
 * powerOfTen(-3); // '10⁻³'
 */
export function powerOfTen(e: number): string {
  return `10${[...String(e)].map((c) => SUPERSCRIPT[c] ?? c).join('')}`;
}

/** m × 10ᵉ as a plain number from 0.001 to 9999, else in powers of ten ('2×10⁻⁶'). */
function logLabel(m: number, e: number): string {
  if (e >= -3 && e <= 3) return fmt(Number((m * 10 ** e).toPrecision(6)));
  return m === 1 ? powerOfTen(e) : `${m}×${powerOfTen(e)}`;
}

/**
 * A number for a log scale: as {@link fmt} from 0.001 to 9999, else m×10ⁿ with 3 digits.
 *
 * @example
 * sci(4.45e-4); // '4.45×10⁻⁴'
 */
export function sci(v: number): string {
  const a = Math.abs(v);
  if (v === 0 || !Number.isFinite(v) || (a >= 1e-3 && a < 1e4)) return fmt(v);
  const e = Math.floor(Math.log10(a));
  const m = Number((v / 10 ** e).toPrecision(3));
  return m === 1 ? powerOfTen(e) : `${m}×${powerOfTen(e)}`;
}

/** A tick of a log axis, in log10 units; `label` is empty for minor ticks. */
export interface LogTick {
  at: number;
  label: string;
}

/**
 * Ticks of a log axis spanning [lo, hi] in log10 units. Over more than three decades: the decades,
 * labelled 10ⁿ, with unlabelled minor ticks at 2…9 × 10ⁿ; over one to three: 1, 2 and 5 × 10ⁿ
 * labelled as numbers; inside a decade: round values.
 *
 * @example
 * logTicks(0, 6).filter((t) => t.label).map((t) => t.label); // ['10⁰', '10¹', …, '10⁶']
 * logTicks(Math.log10(50), 3).filter((t) => t.label).map((t) => t.label); // ['50', '100', '200', '500', '1000']
 */
export function logTicks(lo: number, hi: number): LogTick[] {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [];
  if (hi < lo) [lo, hi] = [hi, lo];
  const out: LogTick[] = [];
  const span = hi - lo;
  const inside = (v: number) => v >= lo - 1e-9 && v <= hi + 1e-9;
  if (span > 3) {
    const every = Math.ceil(span / 8);
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      if (inside(e)) out.push({ at: e, label: e % every === 0 ? powerOfTen(e) : '' });
      if (span <= 6)
        for (let m = 2; m <= 9; m++) {
          const at = e + Math.log10(m);
          if (inside(at)) out.push({ at, label: '' });
        }
    }
    return out;
  }
  const labelled = span >= 1 ? [1, 2, 5] : [1, 2, 3, 4, 5, 6, 7, 8, 9];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++)
    for (let m = 1; m <= 9; m++) {
      const at = e + Math.log10(m);
      if (!inside(at)) continue;
      out.push({
        at,
        label: labelled.includes(m) ? logLabel(m, e) : '',
      });
    }
  if (out.filter((t) => t.label).length >= 2) return out;
  return ticks(10 ** lo, 10 ** hi, 4)
    .filter((v) => v > 0)
    .map((v) => ({ at: Math.log10(v), label: fmt(v) }));
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
/** Legend row height, px. */
const ROW = 15;

/** One line of a chart. */
export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  /** Default 'lines'. */
  mode?: 'lines' | 'markers' | 'lines+markers';
  /** ± error of each y, drawn as bars with caps. */
  error?: ArrayLike<number> | null;
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
  /** Whole-number ticks (default: when every value on the axis is a whole number). */
  xInteger?: boolean;
  yInteger?: boolean;
  /** Dashed reference lines with labels (in data units): horizontal in line charts, vertical in bars. */
  reference?: { y: number; label: string }[];
}

/** Log10 of positive values, NaN for the rest. */
function log10s(a: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: a.length }, (_, i) => (a[i]! > 0 ? Math.log10(a[i]!) : NaN));
}

/**
 * A centred bold title, set smaller (down to 9 px) when it is wider than the figure, and cut
 * with an ellipsis if even that does not fit.
 */
export function title(scene: Scene, x: number, y: number, text: string): void {
  const room = Math.max(40, 2 * Math.min(x, scene.width - x) - 8);
  const full = textWidth(text, TITLE_SIZE, true);
  const size = full <= room ? TITLE_SIZE : Math.max(9, (TITLE_SIZE * room) / full);
  let t = text;
  while (t.length > 1 && textWidth(t, size, true) > room) t = `${t.slice(0, -2)}…`;
  scene.add({ kind: 'text', x, y, text: t, anchor: 'middle', bold: true, size });
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

function allIntegers(values: Iterable<ArrayLike<number>>): boolean {
  let any = false;
  for (const a of values)
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!Number.isFinite(v)) continue;
      if (!Number.isInteger(v)) return false;
      any = true;
    }
  return any;
}

/** A legend entry. */
export interface LegendEntry {
  name: string;
  color: string;
  /** Swatch: a line, a line with a marker, a marker, or a filled box (bars). */
  mode: 'lines' | 'markers' | 'lines+markers' | 'box';
}

function entryWidth(e: LegendEntry): number {
  return 24 + textWidth(e.name) + 14;
}

/** Rows of a legend wrapped to `width` px. */
export function legendRows(entries: LegendEntry[], width: number): LegendEntry[][] {
  const rows: LegendEntry[][] = [];
  let used = Infinity;
  for (const e of entries) {
    const w = entryWidth(e);
    if (used + w > width) {
      rows.push([]);
      used = 0;
    }
    rows[rows.length - 1]!.push(e);
    used += w;
  }
  return rows;
}

/** Draw a legend wrapped to `width`, from (x, y) (top of the first row); returns its height. */
export function legend(
  scene: Scene,
  entries: LegendEntry[],
  x: number,
  y: number,
  width: number,
): number {
  const rows = legendRows(entries, width);
  rows.forEach((row, r) => {
    const cy = y + r * ROW + ROW / 2;
    let cx = x;
    for (const e of row) {
      if (e.mode === 'box')
        scene.add({ kind: 'rect', x: cx + 4, y: cy - 5, w: 10, h: 10, fill: e.color });
      if (e.mode === 'lines' || e.mode === 'lines+markers')
        scene.add({ kind: 'line', x1: cx, x2: cx + 18, y1: cy, y2: cy, stroke: e.color, width: 2 });
      if (e.mode === 'markers' || e.mode === 'lines+markers')
        scene.add({ kind: 'marker', x: cx + 9, y: cy, fill: e.color });
      scene.add({ kind: 'text', x: cx + 24, y: cy, text: e.name, align: 'middle' });
      cx += entryWidth(e);
    }
  });
  return rows.length * ROW;
}

/** Tick positions and labels of one axis (positions in the drawn units: log10 on log axes). */
function axisTicks(
  lo: number,
  hi: number,
  log: boolean,
  integer: boolean,
  length: number,
  labelRoom: (label: string) => number,
): LogTick[] {
  if (log) return logTicks(lo, hi);
  // As many ticks as fit with room around each label.
  let count = 8;
  for (; count > 2; count--) {
    const t = ticks(lo, hi, count, integer);
    const room = Math.max(...t.map((v) => labelRoom(fmt(v))));
    if (t.length * room <= length) break;
  }
  return ticks(lo, hi, count, integer).map((v) => ({
    at: v,
    label: fmt(v).replace(/^-/, '\u2212'),
  }));
}

/**
 * A line chart with axes, ticks, grid, markers, error bars, dashed reference lines and a legend
 * (for two or more distinct names) between the title and the plot. Sizes of labels are measured
 * in the figure font, so nothing overlaps.
 */
export function linePanel(scene: Scene, series: Series[], o: PanelOptions = {}): void {
  // Log axes: draw log10 of the data on linear axes, and label the ticks with the values.
  const lg = (v: number | undefined, on?: boolean) =>
    v === undefined || !on ? v : v > 0 ? Math.log10(v) : undefined;
  const drawn = series.map((s) => {
    if (!o.yLog || !s.error)
      return { ...s, x: o.xLog ? log10s(s.x) : s.x, y: o.yLog ? log10s(s.y) : s.y };
    return { ...s, x: o.xLog ? log10s(s.x) : s.x, y: log10s(s.y), error: null };
  });
  drawLines(
    scene,
    drawn,
    {
      ...o,
      xInteger: o.xInteger ?? (!o.xLog && allIntegers(series.map((s) => s.x))),
      yInteger: o.yInteger ?? (!o.yLog && allIntegers(series.map((s) => s.y))),
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
  let [ylo, yhi] = extent([
    ...series.map((s) => s.y),
    ...series
      .filter((s) => s.error)
      .flatMap((s) => [
        Float64Array.from({ length: s.y.length }, (_, i) => s.y[i]! - (s.error![i] ?? 0)),
        Float64Array.from({ length: s.y.length }, (_, i) => s.y[i]! + (s.error![i] ?? 0)),
      ]),
  ]);
  ylo = o.yMin ?? ylo;
  yhi = o.yMax ?? yhi;
  if (yhi === ylo) {
    const pad = (Math.abs(ylo) || 1) * 0.5;
    [ylo, yhi] = [ylo - pad, yhi + pad];
  }
  // Free ends of the y axis end on a tick: linear axes on a round value, log axes over more than
  // three decades on a decade.
  if (!logY) {
    const t = ticks(ylo, yhi, 5, o.yInteger === true);
    const step = t.length > 1 ? t[1]! - t[0]! : 0;
    if (step > 0) {
      if (o.yMin === undefined) ylo = Math.floor(ylo / step + 1e-9) * step;
      if (o.yMax === undefined) yhi = Math.ceil(yhi / step - 1e-9) * step;
    }
  } else if (yhi - ylo > 3) {
    if (o.yMin === undefined) ylo = Math.floor(ylo + 1e-9);
    if (o.yMax === undefined) yhi = Math.ceil(yhi - 1e-9);
  }
  const entries: LegendEntry[] = [];
  series.forEach((s, k) => {
    if (!entries.some((e) => e.name === s.name))
      entries.push({
        name: s.name,
        color: s.color ?? COLORS[k % COLORS.length]!,
        mode: s.mode ?? 'lines',
      });
  });
  const X = o.x ?? 0;
  const Y = o.y ?? 0;
  const W = o.width ?? 480;
  const H = o.height ?? 280;
  if (o.title) title(scene, X + W / 2, Y + 17, o.title);
  // y ticks first: their widest label sets the left margin.
  const yTicks = axisTicks(ylo, yhi, logY, o.yInteger === true, H - 60, () => 28);
  const yLabelW = Math.max(0, ...yTicks.map((t) => textWidth(t.label)));
  const left = X + (o.yLabel ? 20 : 6) + yLabelW + 8;
  const w = X + W - 14 - left;
  const legendTop = Y + (o.title ? 28 : 8);
  const legendH =
    entries.length > 1 ? legend(scene, entries, left, legendTop, w) + 6 : o.title ? 4 : 6;
  const top = legendTop + legendH;
  const h = Y + H - top - (o.xLabel ? 40 : 24);
  const px = (v: number) => left + ((v - xlo) / (xhi - xlo)) * w;
  const py = (v: number) => top + h - ((v - ylo) / (yhi - ylo)) * h;
  for (const t of yTicks) {
    if (!(t.at >= ylo - 1e-9 && t.at <= yhi + 1e-9)) continue;
    const major = t.label !== '';
    if (major)
      scene.add({ kind: 'line', x1: left, x2: left + w, y1: py(t.at), y2: py(t.at), stroke: GRID });
    scene.add({
      kind: 'line',
      x1: left - (major ? 4 : 2),
      x2: left,
      y1: py(t.at),
      y2: py(t.at),
      stroke: AXIS,
    });
    if (major)
      scene.add({
        kind: 'text',
        x: left - 6,
        y: py(t.at),
        text: t.label,
        anchor: 'end',
        align: 'middle',
      });
  }
  const xTicks = axisTicks(xlo, xhi, logX, o.xInteger === true, w, (l) => textWidth(l) + 16);
  for (const t of xTicks) {
    if (!(t.at >= xlo - 1e-9 && t.at <= xhi + 1e-9)) continue;
    const major = t.label !== '';
    scene.add({
      kind: 'line',
      x1: px(t.at),
      x2: px(t.at),
      y1: top + h,
      y2: top + h + (major ? 4 : 2),
      stroke: AXIS,
    });
    if (major)
      scene.add({ kind: 'text', x: px(t.at), y: top + h + 16, text: t.label, anchor: 'middle' });
  }
  for (const r of o.reference ?? []) {
    if (!(r.y >= ylo && r.y <= yhi)) continue;
    scene.add({
      kind: 'line',
      x1: left,
      x2: left + w,
      y1: py(r.y),
      y2: py(r.y),
      stroke: MUTED,
      dash: [5, 3],
    });
    // The label goes above the line (below it at the top of the plot), at the end of the plot
    // where the data stay farthest from it.
    const above = py(r.y) - top > 14;
    const ly = above ? py(r.y) - 4 : py(r.y) + 12;
    const lw = textWidth(r.label) + 8;
    const clearance = (x0: number, x1: number) => {
      let d = Infinity;
      for (const s of series)
        for (let i = 0; i < s.x.length; i++) {
          const x = px(s.x[i]!);
          const y = py(s.y[i]!);
          if (x >= x0 && x <= x1 && Number.isFinite(y)) d = Math.min(d, Math.abs(y - (ly - 4)));
        }
      return d;
    };
    const atStart = clearance(left, left + lw) > clearance(left + w - lw, left + w);
    scene.add({
      kind: 'text',
      x: atStart ? left + 4 : left + w - 4,
      y: ly,
      text: r.label,
      anchor: atStart ? 'start' : 'end',
      color: MUTED,
    });
  }
  scene.add({ kind: 'rect', x: left, y: top, w, h, stroke: AXIS });
  if (o.xLabel)
    scene.add({ kind: 'text', x: left + w / 2, y: top + h + 33, text: o.xLabel, anchor: 'middle' });
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
    const color = s.color ?? COLORS[k % COLORS.length]!;
    const mode = s.mode ?? 'lines';
    const ok = (i: number) => Number.isFinite(s.x[i]!) && Number.isFinite(s.y[i]!);
    if (s.error)
      for (let i = 0; i < s.x.length; i++) {
        const e = s.error[i] ?? 0;
        if (!ok(i) || !(e > 0)) continue;
        const x = px(s.x[i]!);
        const [y1, y2] = [py(s.y[i]! - e), py(s.y[i]! + e)];
        scene.add({ kind: 'line', x1: x, x2: x, y1, y2, stroke: color, width: 1 });
        for (const y of [y1, y2])
          scene.add({
            kind: 'line',
            x1: x - 2.5,
            x2: x + 2.5,
            y1: y,
            y2: y,
            stroke: color,
            width: 1,
          });
      }
    if (mode !== 'markers') {
      const points: number[] = [];
      for (let i = 0; i < s.x.length; i++) points.push(ok(i) ? px(s.x[i]!) : NaN, py(s.y[i]!));
      scene.add({ kind: 'path', points, stroke: color, width: 1.5 });
    }
    if (mode !== 'lines') {
      const r = s.x.length > 200 ? 1.5 : 3;
      for (let i = 0; i < s.x.length; i++)
        if (ok(i)) scene.add({ kind: 'marker', x: px(s.x[i]!), y: py(s.y[i]!), r, fill: color });
    }
  });
}

/** One stacked horizontal bar. */
export interface StackedBar {
  label: string;
  /** Segment values, one per legend entry. */
  values: number[];
  /** ± error of the bar's total (drawn as a bar with caps). */
  error?: number;
}

const BAR_H = 18;
const BAR_GAP = 6;

/** Height a {@link stackedBarPanel} of `n` bars needs (with `legendRowCount` legend rows). */
export function stackedBarHeight(
  n: number,
  titled: boolean,
  labelled: boolean,
  legendRowCount = 1,
  referenced = false,
): number {
  return (
    (titled ? 30 : 8) +
    (referenced ? 14 : 0) +
    n * (BAR_H + BAR_GAP) +
    24 +
    (labelled ? 18 : 0) +
    (legendRowCount > 0 ? 8 + legendRowCount * ROW + 6 : 0)
  );
}

/** Options of {@link stackedBarPanel}. */
export interface BarPanelOptions extends PanelOptions {
  /** Totals' labels (default {@link fmt}). */
  format?: (v: number) => string;
  /** Logarithmic value axis: segment boundaries at the cumulative sums. */
  log?: boolean;
}

/**
 * Horizontal stacked bars with a value axis (linear or log), totals at the bar ends, error bars,
 * dashed vertical reference lines and a legend under the axis.
 */
export function stackedBarPanel(
  scene: Scene,
  bars: StackedBar[],
  legendNames: string[],
  o: BarPanelOptions = {},
): void {
  const X = o.x ?? 0;
  const Y = o.y ?? 0;
  const W = o.width ?? 560;
  const format = o.format ?? (o.log === true ? sci : fmt);
  const log = o.log === true;
  const labelW = Math.min(240, 12 + Math.max(24, ...bars.map((b) => textWidth(b.label))));
  const totals = bars.map((b) => b.values.reduce((s, v) => s + Math.max(0, v), 0));
  const totalW = Math.max(
    30,
    ...totals.map((t, i) => textWidth(format(t)) + (bars[i]!.error ? 12 : 0)),
  );
  const left = X + labelW;
  const w = W - labelW - totalW - 18;
  const refs = (o.reference ?? []).filter((r) => Number.isFinite(r.y) && (!log || r.y > 0));
  const top = Y + (o.title ? 30 : 8) + (refs.length ? 14 : 0);
  const ends = [
    ...totals,
    ...bars.map((b, i) => totals[i]! + (b.error ?? 0)),
    ...refs.map((r) => r.y),
  ];
  let lo = 0;
  let hi = Math.max(1e-300, ...ends);
  if (log) {
    const positive = ends.filter((v) => v > 0);
    lo = positive.length ? Math.floor(Math.log10(Math.min(...positive))) : 0;
    hi = positive.length ? Math.max(lo + 1, Math.log10(Math.max(...positive))) : 1;
  }
  const tickList = axisTicks(lo, hi, log, o.xInteger === true, w, (l) => textWidth(l) + 16);
  if (!log) hi = Math.max(hi, ...tickList.map((t) => t.at));
  const pxv = (v: number) => {
    const at = log ? (v > 0 ? Math.log10(v) : lo) : v;
    return left + (Math.max(0, at - lo) / (hi - lo)) * w;
  };
  const pAt = (at: number) => left + ((at - lo) / (hi - lo)) * w;
  if (o.title) title(scene, X + W / 2, Y + 17, o.title);
  const bottom = top + bars.length * (BAR_H + BAR_GAP) - BAR_GAP + 4;
  for (const t of tickList) {
    if (t.label)
      scene.add({
        kind: 'line',
        x1: pAt(t.at),
        x2: pAt(t.at),
        y1: top - 4,
        y2: bottom,
        stroke: GRID,
      });
  }
  bars.forEach((b, i) => {
    const y = top + i * (BAR_H + BAR_GAP);
    scene.add({
      kind: 'text',
      x: left - 6,
      y: y + BAR_H / 2,
      text: b.label,
      anchor: 'end',
      align: 'middle',
    });
    let cum = 0;
    b.values.forEach((v, k) => {
      if (!(v > 0)) return;
      const x0 = pxv(cum);
      cum += v;
      const x1 = pxv(cum);
      scene.add({
        kind: 'rect',
        x: x0,
        y,
        w: Math.max(0.5, x1 - x0),
        h: BAR_H,
        fill: COLORS[k % COLORS.length],
        title: `${b.label}, ${legendNames[k]}: ${format(v)}`,
      });
    });
    let end = pxv(cum);
    if (b.error && b.error > 0 && cum > 0) {
      const [e0, e1] = [pxv(Math.max(cum - b.error, log ? cum / 10 : 0)), pxv(cum + b.error)];
      const cy = y + BAR_H / 2;
      scene.add({ kind: 'line', x1: e0, x2: e1, y1: cy, y2: cy, stroke: '#222222' });
      for (const x of [e0, e1])
        scene.add({ kind: 'line', x1: x, x2: x, y1: cy - 4, y2: cy + 4, stroke: '#222222' });
      end = Math.max(end, e1);
    }
    scene.add({ kind: 'text', x: end + 5, y: y + BAR_H / 2, text: format(cum), align: 'middle' });
  });
  scene.add({ kind: 'line', x1: left, x2: left + w, y1: bottom, y2: bottom, stroke: AXIS });
  for (const t of tickList) {
    const x = pAt(t.at);
    scene.add({
      kind: 'line',
      x1: x,
      x2: x,
      y1: bottom,
      y2: bottom + (t.label ? 4 : 2),
      stroke: AXIS,
    });
    if (t.label) scene.add({ kind: 'text', x, y: bottom + 16, text: t.label, anchor: 'middle' });
  }
  for (const r of refs) {
    const x = pxv(r.y);
    scene.add({ kind: 'line', x1: x, x2: x, y1: top - 6, y2: bottom, stroke: MUTED, dash: [5, 3] });
    scene.add({ kind: 'text', x: x + 3, y: top - 8, text: r.label, color: MUTED });
  }
  let y = bottom + 24;
  if (o.xLabel) {
    scene.add({ kind: 'text', x: left + w / 2, y: y + 8, text: o.xLabel, anchor: 'middle' });
    y += 18;
  }
  const entries: LegendEntry[] = legendNames.map((name, k) => ({
    name,
    color: COLORS[k % COLORS.length]!,
    mode: 'box',
  }));
  if (entries.length > 1) legend(scene, entries, left, y + 4, W - labelW);
}
