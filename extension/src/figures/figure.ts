/**
 * What the figure builders produce: plotly.js `data` and `layout`, plus the shared pieces —
 * themes, safe text and SI numbers. Builders are pure: payload in, figure out, no DOM.
 */

/** A plotly.js trace (kept loose: plotly validates its own attributes). */
export type Trace = { type: string } & Record<string, unknown>;
/** A plotly.js layout. */
export type Layout = Record<string, unknown>;

/** A figure for `Plotly.react(div, figure.data, figure.layout)`. */
export interface Figure {
  data: Trace[];
  layout: Layout;
}

/** Colours and font of the page the figure sits on (JupyterLab's theme). */
export interface Theme {
  dark: boolean;
  /** Page and plot background. */
  background: string;
  text: string;
  grid: string;
  font: string;
  /** Series colours. */
  colorway: string[];
  /** Heatmap colour scale (a plotly name). */
  colorscale: string;
  /** Overlay colour for frozen (pruned) cells. */
  frozen: string;
  /** Overlay colours for cells stuck at G_min and at G_max. */
  stuckLow: string;
  stuckHigh: string;
}

const COLORWAY = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2'];

/** Defaults for JupyterLab's light theme. */
export const LIGHT: Theme = {
  dark: false,
  background: '#ffffff',
  text: '#1b1b1b',
  grid: '#e0e0e0',
  font: 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif',
  colorway: COLORWAY,
  colorscale: 'Viridis',
  frozen: 'rgba(255, 255, 255, 0.6)',
  stuckLow: '#000000',
  stuckHigh: '#ff00ff',
};

/** Defaults for JupyterLab's dark theme. */
export const DARK: Theme = {
  ...LIGHT,
  dark: true,
  background: '#111111',
  text: '#e0e0e0',
  grid: '#3a3a3a',
  colorway: ['#4ea3ff', '#ff6b6b', '#5fd35f', '#ffa64d', '#c29bff', '#c49c94', '#f7a8d8'],
  frozen: 'rgba(0, 0, 0, 0.6)',
  stuckLow: '#ffffff',
  stuckHigh: '#ff00ff',
};

/**
 * Text from a payload, made safe for plotly: plotly reads a few HTML-like tags in titles,
 * names and annotations (`<b>`, `<br>`, `<a href>`…), so `&`, `<` and `>` become entities and
 * are shown literally. Every payload string goes through this.
 *
 * @example
 * safeText('<img src=x onerror=alert(1)>'); // '&lt;img src=x onerror=alert(1)&gt;'
 */
export function safeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const PREFIXES = [
  'y',
  'z',
  'a',
  'f',
  'p',
  'n',
  'µ',
  'm',
  '',
  'k',
  'M',
  'G',
  'T',
  'P',
  'E',
  'Z',
  'Y',
];

/**
 * A number with an SI prefix and unit, 3 significant digits.
 *
 * @example
 * si(4.07e-4, 'J'); // '407 µJ'
 */
export function si(v: number, unit: string): string {
  if (!Number.isFinite(v)) return `${v} ${unit}`;
  if (v === 0) return `0 ${unit}`;
  const e = Math.max(-8, Math.min(8, Math.floor(Math.log10(Math.abs(v)) / 3)));
  const scaled = v / 10 ** (3 * e);
  return `${Number(scaled.toPrecision(3))} ${PREFIXES[e + 8]}${unit}`;
}

/** A count with thousands separators. */
export function count(v: number): string {
  return Math.round(v).toLocaleString('en-US');
}

/** The layout every figure starts from: theme colours, font, margins. */
export function baseLayout(theme: Theme, title: string, height: number): Layout {
  return {
    title: { text: title, font: { size: 14 }, x: 0.02, xanchor: 'left' },
    height,
    autosize: true,
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.background,
    font: { family: theme.font, color: theme.text, size: 12 },
    colorway: theme.colorway,
    // The legend sits in its own band between the title and the plot, clear of the x-axis title.
    margin: { l: 60, r: 20, t: 72, b: 48 },
    legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom' },
    hoverlabel: { namelength: -1 },
  };
}

/** An axis in the theme's colours. */
export function axis(theme: Theme, title: string, extra: Record<string, unknown> = {}) {
  return {
    title: { text: title },
    gridcolor: theme.grid,
    zerolinecolor: theme.grid,
    linecolor: theme.grid,
    automargin: true,
    ...extra,
  };
}
