/**
 * Maps of one quantity over an array (conductance of a crossbar, or weights): the payload part
 * shared by crossbar and training displays, and its static picture.
 */
import { formatSI } from '../../src/energy/format-si';
import { encodeArray, type EncodedArray } from './arrays';
import { fmt, title, viridis } from './chart';
import { heatmapPixels, receptiveFieldPixels, type Pixels } from './pixels';
import type { Scene } from './scene';

/** A map in a display payload. Row-major: rows are inputs (word lines), columns outputs. */
export interface MapSpec {
  rows: number;
  cols: number;
  /** 'conductance' (unit S) or 'weight' (no unit). */
  quantity: 'conductance' | 'weight';
  unit: 'S' | '';
  /** Colour-scale range: the device's nominal [G_min, G_max], or the weight range. */
  range: [number, number];
  /** The values, float32, shape [rows, cols]. */
  values: EncodedArray;
  /** Frozen (pruned) cells, uint8 [rows, cols] (1 = frozen), or null when there are none. */
  frozen: EncodedArray | null;
  /** Faults, uint8 [rows, cols]: 0 none, 1 stuck at G_min, 2 stuck at G_max; null when none. */
  stuck: EncodedArray | null;
  /** For conductance maps, weight units: w = wMin + (wMax − wMin)(G − range[0])/(range[1] − range[0]). */
  weight: { wMin: number; wMax: number } | null;
  /** When rows are image pixels: each row's index in a width × height image (receptive fields). */
  receptiveFields: { pixelIndex: EncodedArray; width: number; height: number } | null;
}

/** The typed arrays behind a {@link MapSpec}, before encoding. */
export interface MapData {
  rows: number;
  cols: number;
  quantity: 'conductance' | 'weight';
  range: [number, number];
  values: Float32Array;
  frozen: Uint8Array | null;
  stuck: Uint8Array | null;
  weight: { wMin: number; wMax: number } | null;
  pixelIndex: Int32Array | null;
  imageSide: number;
}

function anySet(a: Uint8Array | null): Uint8Array | null {
  if (!a) return null;
  for (let i = 0; i < a.length; i++) if (a[i]) return a;
  return null;
}

/** Encode map data as a payload. */
export function mapSpec(d: MapData): MapSpec {
  const shape = [d.rows, d.cols];
  const frozen = anySet(d.frozen);
  const stuck = anySet(d.stuck);
  return {
    rows: d.rows,
    cols: d.cols,
    quantity: d.quantity,
    unit: d.quantity === 'conductance' ? 'S' : '',
    range: d.range,
    values: encodeArray(d.values, shape),
    frozen: frozen ? encodeArray(frozen, shape) : null,
    stuck: stuck ? encodeArray(stuck, shape) : null,
    weight: d.weight,
    receptiveFields:
      d.pixelIndex && d.pixelIndex.length === d.rows
        ? { pixelIndex: encodeArray(d.pixelIndex), width: d.imageSide, height: d.imageSide }
        : null,
  };
}

/** Format a value of the map's quantity. */
export function mapValue(d: Pick<MapData, 'quantity'>, v: number): string {
  return d.quantity === 'conductance' ? formatSI(v, 'S') : fmt(v);
}

/** The picture of a map: receptive fields when rows are pixels, else a heatmap. */
export function mapPixels(d: MapData, maxSide = 256): Pixels {
  const [lo, hi] = d.range;
  if (d.pixelIndex && d.pixelIndex.length === d.rows)
    return receptiveFieldPixels(d.values, d.rows, d.cols, d.pixelIndex, {
      lo,
      hi,
      side: d.imageSide,
      count: 100,
    });
  return heatmapPixels(d.values, d.rows, d.cols, { lo, hi, marked: d.frozen, maxSide });
}

/** Draw the map scaled into a box (whole pixels per cell where it fits), with a caption and colour bar. */
export function mapPanel(
  scene: Scene,
  d: MapData,
  box: { x: number; y: number; w: number; h: number },
  label: string,
): void {
  const img = mapPixels(d);
  let scale = Math.min(box.w / img.width, (box.h - 40) / img.height);
  if (scale >= 1) scale = Math.floor(scale);
  const iw = img.width * scale;
  const ih = img.height * scale;
  const ix = Math.round(box.x + (box.w - iw) / 2);
  const iy = box.y + 20;
  title(scene, box.x + box.w / 2, box.y + 12, label);
  scene.add({
    kind: 'image',
    x: ix,
    y: iy,
    w: iw,
    h: ih,
    rgba: img.rgba,
    iw: img.width,
    ih: img.height,
  });
  const by = iy + ih + 8;
  const bw = Math.min(Math.max(iw, 120), 220);
  const bx = Math.round(box.x + (box.w - bw) / 2);
  const steps = 44;
  for (let k = 0; k < steps; k++) {
    const [r, g, b] = viridis(k / (steps - 1));
    scene.add({
      kind: 'rect',
      x: bx + (k * bw) / steps,
      y: by,
      w: bw / steps + 0.5,
      h: 8,
      fill: `rgb(${r},${g},${b})`,
    });
  }
  scene.add({ kind: 'text', x: bx, y: by + 20, text: mapValue(d, d.range[0]), anchor: 'start' });
  scene.add({ kind: 'text', x: bx + bw, y: by + 20, text: mapValue(d, d.range[1]), anchor: 'end' });
}

/** Mean and population standard deviation (Welford), and the extremes. */
export function summary(a: ArrayLike<number>): {
  min: number;
  max: number;
  mean: number;
  std: number;
} {
  let min = Infinity;
  let max = -Infinity;
  let mean = 0;
  let m2 = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    if (x < min) min = x;
    if (x > max) max = x;
    const d = x - mean;
    mean += d / (k + 1);
    m2 += d * (x - mean);
  }
  return { min, max, mean, std: a.length ? Math.sqrt(m2 / a.length) : 0 };
}
