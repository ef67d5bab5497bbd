/**
 * Maps as pixel images for the figures, downsampled for the screen (the JSON payload keeps full
 * resolution).
 */
import { viridis } from './chart';

/** RGBA pixels. */
export interface Pixels {
  rgba: Uint8Array;
  width: number;
  height: number;
}

/** Options for {@link heatmapPixels}. */
export interface HeatmapOptions {
  /** Colour scale range (values outside are clipped). */
  lo: number;
  hi: number;
  /** Cells to draw grey (e.g. frozen), non-zero = marked. */
  marked?: Uint8Array | null;
  /** Longest side in pixels; larger maps are block-averaged (default 256). */
  maxSide?: number;
}

/**
 * A rows × cols row-major map on the viridis scale, one pixel per cell (or per block).
 *
 * @example
 * const img = heatmapPixels(xbar.g, xbar.rows, xbar.cols, { lo: 1e-6, hi: 50e-6 });
 */
export function heatmapPixels(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  o: HeatmapOptions,
): Pixels {
  const step = Math.max(1, Math.ceil(Math.max(rows, cols) / (o.maxSide ?? 256)));
  const h = Math.ceil(rows / step);
  const w = Math.ceil(cols / step);
  const rgba = new Uint8Array(w * h * 4);
  const span = o.hi - o.lo || 1;
  for (let by = 0; by < h; by++)
    for (let bx = 0; bx < w; bx++) {
      let sum = 0;
      let n = 0;
      let marked = 0;
      for (let r = by * step; r < Math.min(rows, (by + 1) * step); r++)
        for (let c = bx * step; c < Math.min(cols, (bx + 1) * step); c++) {
          const k = r * cols + c;
          sum += values[k]!;
          n++;
          if (o.marked && o.marked[k]) marked++;
        }
      const rgb = marked * 2 > n ? ([150, 150, 150] as const) : viridis((sum / n - o.lo) / span);
      rgba.set([rgb[0], rgb[1], rgb[2], 255], (by * w + bx) * 4);
    }
  return { rgba, width: w, height: h };
}

/**
 * Receptive fields: for each of the first `count` columns (neurons), its rows mapped back onto a
 * `side` × `side` image through `pixelIndex`, tiled in a grid with 1-pixel gaps. Unmapped pixels
 * are black.
 */
export function receptiveFieldPixels(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  pixelIndex: ArrayLike<number>,
  o: { lo: number; hi: number; side?: number; count?: number },
): Pixels {
  const side = o.side ?? 28;
  const count = Math.min(cols, o.count ?? 100);
  const perRow = Math.ceil(Math.sqrt(count));
  const gridRows = Math.ceil(count / perRow);
  const cell = side + 1;
  const width = perRow * cell + 1;
  const height = gridRows * cell + 1;
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 3; p < rgba.length; p += 4) rgba[p] = 255;
  const span = o.hi - o.lo || 1;
  for (let k = 0; k < count; k++) {
    const ox = (k % perRow) * cell + 1;
    const oy = Math.floor(k / perRow) * cell + 1;
    for (let i = 0; i < rows; i++) {
      const pix = pixelIndex[i]!;
      const rgb = viridis((values[i * cols + k]! - o.lo) / span);
      rgba.set(rgb, ((oy + Math.floor(pix / side)) * width + ox + (pix % side)) * 4);
    }
  }
  return { rgba, width, height };
}
