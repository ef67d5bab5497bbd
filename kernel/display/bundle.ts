/**
 * From any value to a full MIME bundle: text/plain, the rich type, and a static fallback.
 *
 * Order: an object implementing the display protocol renders itself; then the built-in
 * renderers (arquero tables, crossbars, energy ledgers and lists of them, trainers, device
 * configs, plots and rasters), which recognise objects by shape so any copy of the library
 * matches; then an object with Deno's `Symbol.for('Jupyter.display')` method renders itself;
 * otherwise the value's `util.inspect` text, as Node's REPL shows it.
 */
import { inspect } from 'node:util';
import {
  DISPLAY,
  JUPYTER_DISPLAY,
  isDisplayable,
  isJupyterDisplayable,
  setDisplayRenderer,
  type MimeBundle,
} from '../../src/display/protocol';
import {
  CROSSBAR_MIME,
  crossbarParts,
  crossbarFigure,
  crossbarText,
  isCrossbar,
  type CrossbarDisplayOptions,
} from './crossbar';
import {
  DEVICE_MIME,
  deviceSpec,
  deviceFigure,
  deviceText,
  isDeviceConfig,
  type DeviceDisplayOptions,
} from './device';
import { LEDGER_MIME, isLedger, ledgerFigure, ledgerSpec, ledgerText } from './ledger';
import { PLOT_MIME, isPlot, plotFigure, plotText, type Plot } from './plot';
import { RASTER_MIME, isRaster, rasterFigure, rasterText, type Raster } from './raster';
import type { FigureSize, Scene } from './scene';
import { isTable, tableBundle } from './table';
import {
  TRAINING_MIME,
  isTrainer,
  trainingParts,
  trainingFigure,
  trainingText,
  type TrainingDisplayOptions,
} from './training';

/** A rendered display: data and metadata of a display_data or execute_result. */
export interface Rendered {
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** Options passed through to the renderer that matches (see each renderer's options). */
export interface RenderOptions {
  /** False: leave out the static fallback (live updates between fallback refreshes). */
  fallback?: boolean;
  /** Also send the figure as image/svg+xml (default false: PNG only, see docs/kernel.md). */
  svg?: boolean;
  /**
   * PNG pixels per figure pixel (default 2, shown at the figure's size through the output's
   * metadata; 1 where metadata is not sent, as in Deno's kernel).
   */
  scale?: number;
  [option: string]: unknown;
}

/** What a figure renderer makes of a value: text, the rich payload, and its figure. */
export interface FigureParts {
  text: string;
  mime: string;
  payload: unknown;
  /** The static figure, laid out for `size` where the figure supports it (else at its own size). */
  figure: (size?: FigureSize) => Scene;
}

/** A built-in renderer. */
export interface Renderer {
  name: string;
  test(x: unknown): boolean;
  render(x: never, options: RenderOptions): Rendered;
  /** For renderers that draw a figure: its parts (used by {@link exportFigure}). */
  parts?(x: never, options: RenderOptions): FigureParts;
}

function figureRenderer(
  name: string,
  test: (x: unknown) => boolean,
  parts: (x: never, options: RenderOptions) => FigureParts,
): Renderer {
  return {
    name,
    test,
    parts,
    render: (x: never, o: RenderOptions) => {
      const p = parts(x, o);
      return figureBundle(p.text, p.mime, p.payload, () => p.figure(), o);
    },
  };
}

/** The MIME types that are static fallbacks (kept from the last full render during live updates). */
export const FALLBACK_TYPES = ['image/png', 'image/svg+xml', 'text/html'];

const MIME_KEY = /^[\w\-+.]+\/[\w\-+.]+$/;

/**
 * A bundle of text, a rich payload and the figure: always as PNG (the fallback every front end
 * shows), and as SVG too when `options.svg` is true. `options.fallback === false` leaves the
 * figure out (live updates between fallback refreshes).
 */
export function figureBundle(
  text: string,
  mime: string,
  payload: unknown,
  figure: () => Scene,
  options: RenderOptions,
): Rendered {
  const data: MimeBundle = { 'text/plain': text, [mime]: payload };
  const metadata: Record<string, unknown> = {};
  if (options.fallback !== false) {
    const scene = figure();
    data['image/png'] = scene
      .toPng({ scale: typeof options.scale === 'number' ? options.scale : 2 })
      .toString('base64');
    metadata['image/png'] = { width: scene.width, height: scene.height };
    if (options.svg === true) data['image/svg+xml'] = scene.toSvg();
  }
  return { data, metadata };
}

/** The built-in renderers, in the order they are tried. */
export const RENDERERS: Renderer[] = [
  {
    name: 'arquero table',
    test: isTable,
    render: (t: Parameters<typeof tableBundle>[0], o) => ({
      data: tableBundle(t, typeof o.limit === 'number' ? o.limit : 50),
      metadata: {},
    }),
  },
  figureRenderer('crossbar', isCrossbar, (x: Parameters<typeof crossbarParts>[0], o) => {
    const { spec, data } = crossbarParts(x, o as CrossbarDisplayOptions);
    return {
      text: crossbarText(spec),
      mime: CROSSBAR_MIME,
      payload: spec,
      figure: (size) => crossbarFigure(spec, data, size),
    };
  }),
  figureRenderer(
    'energy ledger',
    (x) => isLedger(x) || (Array.isArray(x) && x.length > 0 && x.every(isLedger)),
    (x: Parameters<typeof ledgerSpec>[0], o) => {
      const spec = ledgerSpec(x, o as { title?: string; log?: boolean });
      return {
        text: ledgerText(x),
        mime: LEDGER_MIME,
        payload: spec,
        figure: (size) => ledgerFigure(spec, size),
      };
    },
  ),
  figureRenderer('trainer', isTrainer, (t: Parameters<typeof trainingParts>[0], o) => {
    const { spec, data } = trainingParts(t, o as TrainingDisplayOptions);
    return {
      text: trainingText(spec),
      mime: TRAINING_MIME,
      payload: spec,
      figure: () => trainingFigure(spec, data),
    };
  }),
  figureRenderer('plot', isPlot, (p: Plot) => ({
    text: plotText(p.spec),
    mime: PLOT_MIME,
    payload: p.spec,
    figure: (size) => plotFigure(p.spec, size),
  })),
  figureRenderer('raster', isRaster, (r: Raster) => ({
    text: rasterText(r),
    mime: RASTER_MIME,
    payload: r.spec,
    figure: (size) => rasterFigure(r, size),
  })),
  figureRenderer('device config', isDeviceConfig, (d: Parameters<typeof deviceSpec>[0], o) => {
    const spec = deviceSpec(d, o as DeviceDisplayOptions);
    return {
      text: deviceText(spec),
      mime: DEVICE_MIME,
      payload: spec,
      figure: (size) => deviceFigure(spec, size),
    };
  }),
];

/**
 * The figure of a value that has one (crossbars, energy ledgers, trainers, plots, rasters,
 * device configs), laid out for `size`; null for other values.
 *
 * @example
 * figureOf(createCrossbar({ rows: 8, cols: 8 }))?.toSvg(); // '<svg …'
 */
export function figureOf(
  value: unknown,
  options: RenderOptions = {},
  size: FigureSize = {},
): Scene | null {
  for (const r of RENDERERS)
    if (r.test(value)) return r.parts ? r.parts(value as never, options).figure(size) : null;
  return null;
}

/** The text Node's REPL would show. */
export function plainText(value: unknown): string {
  return typeof value === 'string'
    ? inspect(value, { maxStringLength: 20000 })
    : inspect(value, { depth: 2, maxArrayLength: 50, maxStringLength: 2000, breakLength: 100 });
}

/** Check and normalise a bundle: valid MIME keys, bytes as base64, text/plain present. */
export function normalizeBundle(bundle: MimeBundle, value: unknown, where: string): MimeBundle {
  if (typeof bundle !== 'object' || bundle === null || Array.isArray(bundle))
    throw new TypeError(
      `${where} must return an object of MIME type → data, got ${inspect(bundle)}`,
    );
  const out: MimeBundle = {};
  for (const [k, v] of Object.entries(bundle)) {
    if (!MIME_KEY.test(k))
      throw new TypeError(`${where}: "${k}" is not a MIME type (type/subtype, e.g. "text/html")`);
    if (v === undefined) continue;
    if (v instanceof Uint8Array) out[k] = Buffer.from(v).toString('base64');
    else if (typeof v === 'string' || /[+/]json$/.test(k)) out[k] = v;
    else out[k] = String(v);
  }
  if (typeof out['text/plain'] !== 'string') out['text/plain'] = plainText(value);
  return out;
}

/**
 * Render a value as a full bundle.
 *
 * @example
 * render(createCrossbar({ rows: 4, cols: 4 })).data; // text/plain, application/vnd.cbram.crossbar.v1+json, image/png
 * render(42).data; // { 'text/plain': '42' }
 */
export function render(value: unknown, options: RenderOptions = {}): Rendered {
  if (isDisplayable(value)) {
    const bundle = (value as { [DISPLAY](): MimeBundle })[DISPLAY]();
    return { data: normalizeBundle(bundle, value, 'the display method'), metadata: {} };
  }
  for (const r of RENDERERS)
    if (r.test(value)) {
      const out = r.render(value as never, options);
      return {
        data: normalizeBundle(out.data, value, `the ${r.name} renderer`),
        metadata: out.metadata,
      };
    }
  // Deno's convention, after the built-in renderers (library objects answer to it by calling
  // back into render, so they must be matched above).
  if (isJupyterDisplayable(value)) {
    const bundle = (value as { [JUPYTER_DISPLAY](): MimeBundle })[JUPYTER_DISPLAY]();
    return {
      data: normalizeBundle(bundle, value, 'the Symbol.for("Jupyter.display") method'),
      metadata: {},
    };
  }
  return { data: { 'text/plain': plainText(value) }, metadata: {} };
}

// Library objects' Symbol.for('Jupyter.display') methods (for Deno's kernel) render through here.
// Deno sends no output metadata, so the PNG is drawn at the figure's own size.
setDisplayRenderer((value) => render(value, { scale: 1 }).data);
