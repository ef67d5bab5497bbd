/**
 * Receptive fields: each output neuron's weights put back on the 28 × 28 image grid, for weight
 * maps. Pixels that are not network inputs (outside the 397 selected) are NaN.
 */
import { checkBudget, checkInt, fail } from '../core/validate';

/**
 * Weights (inputs × outputs, row-major) → one width × height image per output, row-major,
 * concatenated: out[k·W·H + pixel].
 *
 * @example
 * const f = receptiveFields(trainer.synapses.weights(), train.pixelIndex!, 500); // 500 × 784
 */
export function receptiveFields(
  weights: Float32Array,
  pixelIndex: Int32Array,
  outputs: number,
  width = 28,
  height = 28,
): Float32Array {
  const fn = 'receptiveFields';
  if (!(weights instanceof Float32Array))
    fail(fn, 'weights', weights, 'a Float32Array of inputs × outputs weights');
  if (!(pixelIndex instanceof Int32Array))
    fail(fn, 'pixelIndex', pixelIndex, 'an Int32Array of pixel indices (Dataset.pixelIndex)');
  checkInt(fn, 'outputs', outputs, { min: 1 });
  checkInt(fn, 'width', width, { min: 1 });
  checkInt(fn, 'height', height, { min: 1 });
  const N = pixelIndex.length;
  if (weights.length !== N * outputs)
    fail(fn, 'weights.length', weights.length, `inputs × outputs = ${N * outputs}`);
  const P = width * height;
  checkBudget(fn, 'outputs × width × height', outputs * P, 4, {
    unit: 'pixels',
    hint: 'lower outputs or the image size',
  });
  const out = new Float32Array(outputs * P).fill(NaN);
  for (let i = 0; i < N; i++) {
    const p = pixelIndex[i]!;
    if (p < 0 || p >= P) fail('receptiveFields', `pixelIndex[${i}]`, p, `an integer in [0, ${P})`);
    for (let k = 0; k < outputs; k++) out[k * P + p] = weights[i * outputs + k]!;
  }
  return out;
}

/**
 * A mosaic of fields as an 8-bit grayscale image (w = −1 black, +1 white, non-inputs mid-gray
 * at 0 and a 1-pixel gap between tiles).
 */
export function fieldMosaic(
  fields: Float32Array,
  count: number,
  columns: number,
  width = 28,
  height = 28,
): { width: number; height: number; pixels: Uint8Array } {
  const fn = 'fieldMosaic';
  if (!(fields instanceof Float32Array))
    fail(fn, 'fields', fields, 'a Float32Array from receptiveFields()');
  checkInt(fn, 'count', count, { min: 0 });
  checkInt(fn, 'columns', columns, { min: 1 });
  checkInt(fn, 'width', width, { min: 1 });
  checkInt(fn, 'height', height, { min: 1 });
  if (count * width * height > fields.length)
    fail(
      fn,
      'count',
      count,
      `at most ${Math.floor(fields.length / (width * height))} (the fields given)`,
    );
  const rows = Math.ceil(count / columns);
  const W = columns * (width + 1) + 1;
  const H = rows * (height + 1) + 1;
  checkBudget(fn, 'mosaic width × height', W * H, 1, {
    unit: 'pixels',
    hint: 'show fewer fields or use fewer columns',
  });
  const pixels = new Uint8Array(W * H).fill(40);
  for (let k = 0; k < count; k++) {
    const ox = 1 + (k % columns) * (width + 1);
    const oy = 1 + Math.floor(k / columns) * (height + 1);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = fields[k * width * height + y * width + x]!;
        pixels[(oy + y) * W + ox + x] = Number.isNaN(v)
          ? 128
          : Math.round(((Math.max(-1, Math.min(1, v)) + 1) / 2) * 255);
      }
    }
  }
  return { width: W, height: H, pixels };
}
