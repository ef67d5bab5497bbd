/**
 * `exportFigure(value, 'fig.svg' | 'fig.png', { width, height, dpi })`: a paper-ready file of any
 * value that has a figure (crossbars, energy ledgers, trainers, plots, rasters, device configs).
 */
import path from 'node:path';
import { writeFileDurable } from '../../src/core/durable';
import { checkNumber, checkOptions, fail } from '../../src/core/validate';
import { figureOf, type RenderOptions } from './bundle';

/** Options of {@link exportFigure}. */
export interface ExportOptions {
  /**
   * Figure width in px at 96 px per inch (CSS pixels; 640 px = 6.67 in, text 11 px = 8.25 pt).
   * Figures lay themselves out for it (ticks, legends, wrapping); default the figure's own width.
   */
  width?: number;
  /** Figure height in px, as `width` (default: the figure's own, or from the width). */
  height?: number;
  /** PNG resolution, dots per inch, written into the file (default 300). Ignored for SVG. */
  dpi?: number;
  /** Options passed to the value's renderer (e.g. `{ log: true }` for ledgers). */
  render?: RenderOptions;
}

/** What {@link exportFigure} wrote. */
export interface ExportedFigure {
  /** Absolute path. */
  file: string;
  format: 'svg' | 'png';
  /** Figure size, px at 96 per inch. */
  width: number;
  height: number;
  /** PNG only: image size in pixels. */
  pixels: [number, number] | null;
  bytes: number;
}

const FN = 'exportFigure';

/**
 * Write the figure of `value` as SVG (vector) or PNG (rendered by resvg with DejaVu Sans at
 * `dpi`), chosen by the file's extension. The write is durable and atomic.
 *
 * @example
 * exportFigure(plot(series, { title: 'Accuracy', y: { log: true } }), 'fig3e.svg', { width: 480 });
 * exportFigure(createCrossbar({ rows: 64, cols: 64 }), 'figures/map.png', { dpi: 600 });
 */
export function exportFigure(
  value: unknown,
  file: string,
  options: ExportOptions = {},
): ExportedFigure {
  checkOptions(FN, options, ['width', 'height', 'dpi', 'render']);
  if (typeof file !== 'string' || file.length === 0)
    fail(FN, 'file', file, "a file name ending in '.svg' or '.png'");
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.svg' && ext !== '.png')
    fail(FN, 'file', file, "a file name ending in '.svg' or '.png'");
  const width =
    options.width === undefined
      ? undefined
      : checkNumber(FN, 'options.width', options.width, { min: 100, max: 10000 });
  const height =
    options.height === undefined
      ? undefined
      : checkNumber(FN, 'options.height', options.height, { min: 100, max: 10000 });
  const dpi = checkNumber(FN, 'options.dpi', options.dpi ?? 300, { min: 36, max: 2400 });
  const scene = figureOf(value, options.render ?? {}, { width, height });
  if (!scene)
    fail(
      FN,
      'value',
      value,
      'a value with a figure: a crossbar, an energy ledger (or a list of them), a trainer, a plot, a raster or a device config',
    );
  // A figure that keeps its own layout size is scaled to the requested size.
  const size = {
    width: width ?? (height ? (scene.width * height) / scene.height : scene.width),
    height: height ?? (width ? (scene.height * width) / scene.width : scene.height),
  };
  let bytes: Buffer;
  let pixels: [number, number] | null = null;
  if (ext === '.svg') bytes = Buffer.from(scene.toSvg(size), 'utf8');
  else {
    const scale = (dpi / 96) * (size.width / scene.width);
    bytes = scene.toPng({ scale, dpi });
    pixels = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  }
  const abs = path.resolve(file);
  writeFileDurable(abs, bytes, FN);
  return {
    file: abs,
    format: ext === '.svg' ? 'svg' : 'png',
    width: size.width,
    height: size.height,
    pixels,
    bytes: bytes.length,
  };
}
