/**
 * Digital storage: each weight quantised to b bits and stored across b binary cells, as in the
 * paper's 512 kbit CBRAM array demonstration. Codes are unsigned integers 0 … 2^b − 1 mapped
 * evenly onto [w_min, w_max].
 */
import { Rng } from '../core/rng';
import {
  checkBudget,
  checkFiniteArray,
  checkInt,
  checkNumber,
  checkOptions,
  checkProbability,
  fail,
} from '../core/validate';
import { planTilesFor, type TileOptions, type TilePlan } from './tiling';

function checkOut(fn: string, out: unknown, length: number): void {
  if (!(out instanceof Float32Array) || out.length !== length)
    fail(fn, 'out', out, `a Float32Array of length ${length}`);
}

function checkRng(fn: string, rng: unknown): void {
  if (!(rng instanceof Rng))
    fail(fn, 'rng', rng, 'an Rng, e.g. createRng(seed).stream("bit-errors")');
}

/** Quantise weights to b-bit codes (round to nearest level; values outside the range clamp). */
export function encodeWeights(
  weights: ArrayLike<number>,
  bits: number,
  wMin = -1,
  wMax = 1,
): Uint16Array {
  const fn = 'encodeWeights';
  checkInt(fn, 'bits', bits, { min: 1, max: 16 });
  checkNumber(fn, 'wMin', wMin);
  checkNumber(fn, 'wMax', wMax, { min: wMin, exclusiveMin: true });
  checkFiniteArray(fn, 'weights', weights);
  const top = (1 << bits) - 1;
  const out = new Uint16Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const q = Math.round(((weights[i]! - wMin) / (wMax - wMin)) * top);
    out[i] = q < 0 ? 0 : q > top ? top : q;
  }
  return out;
}

/** Weights from b-bit codes. */
export function decodeWeights(
  codes: Uint16Array,
  bits: number,
  wMin = -1,
  wMax = 1,
  out?: Float32Array,
): Float32Array {
  const fn = 'decodeWeights';
  checkInt(fn, 'bits', bits, { min: 1, max: 16 });
  checkNumber(fn, 'wMin', wMin);
  checkNumber(fn, 'wMax', wMax, { min: wMin, exclusiveMin: true });
  if (!(codes instanceof Uint16Array))
    fail(fn, 'codes', codes, 'a Uint16Array from encodeWeights()');
  out ??= new Float32Array(codes.length);
  checkOut(fn, out, codes.length);
  const top = (1 << bits) - 1;
  const step = (wMax - wMin) / top;
  for (let i = 0; i < codes.length; i++) out[i] = wMin + (codes[i]! & top) * step;
  return out;
}

/**
 * Flip each stored bit independently with probability `rate` (read or retention errors in the
 * binary cells). Mutates `codes`; returns the number of bits flipped. Draws a geometric gap to
 * the next error, so cost scales with the number of errors, not of bits.
 *
 * @example
 * const flips = injectBitErrors(codes, 2, 1e-3, createRng(1).stream('bit-errors'));
 */
export function injectBitErrors(codes: Uint16Array, bits: number, rate: number, rng: Rng): number {
  const fn = 'injectBitErrors';
  checkInt(fn, 'bits', bits, { min: 1, max: 16 });
  checkProbability(fn, 'rate', rate);
  if (!(codes instanceof Uint16Array))
    fail(fn, 'codes', codes, 'a Uint16Array from encodeWeights()');
  checkRng(fn, rng);
  const total = codes.length * bits;
  if (rate === 0 || total === 0) return 0;
  let flips = 0;
  if (rate === 1) {
    const top = (1 << bits) - 1;
    for (let i = 0; i < codes.length; i++) codes[i] = codes[i]! ^ top;
    return total;
  }
  const logq = Math.log1p(-rate);
  let pos = -1;
  for (;;) {
    pos += 1 + Math.floor(Math.log(rng.floatOpen()) / logq);
    if (pos >= total) break;
    const i = Math.floor(pos / bits);
    codes[i] = codes[i]! ^ (1 << (pos % bits));
    flips++;
  }
  return flips;
}

/** Options for {@link createDigitalStore}. */
export interface DigitalStoreOptions {
  /** Bits per weight, 1–16. */
  bits: number;
  /** Weight range (default [−1, 1]). */
  wMin?: number;
  wMax?: number;
  /** Physical array size (default 512 × 1024 = 512 kbit). */
  tileRows?: number;
  tileCols?: number;
}

/**
 * A rows × cols weight matrix stored digitally: b binary cells per weight, tiled onto physical
 * arrays. Counts the cells written (bits that changed) and the bits flipped by errors.
 *
 * @example
 * const store = createDigitalStore(398, 500, { bits: 2 });
 * store.plan.utilization; // 0.759: 2-bit weights fill 76 % of one 512 kbit array
 * store.write(weights); store.injectErrors(1e-3, createRng(3).stream('bit-errors'));
 */
export class DigitalStore {
  readonly rows: number;
  readonly cols: number;
  readonly bits: number;
  readonly wMin: number;
  readonly wMax: number;
  readonly codes: Uint16Array;
  readonly plan: TilePlan;
  /** Cells whose stored bit changed on a write (each costs one SET or RESET pulse). */
  cellsWritten = 0;
  /** Bits flipped by injected errors. */
  bitsFlipped = 0;

  /** @internal Use {@link createDigitalStore}. */
  constructor(
    rows: number,
    cols: number,
    bits: number,
    wMin: number,
    wMax: number,
    plan: TilePlan,
  ) {
    this.rows = rows;
    this.cols = cols;
    this.bits = bits;
    this.wMin = wMin;
    this.wMax = wMax;
    this.plan = plan;
    this.codes = new Uint16Array(rows * cols);
  }

  /** Quantise and store weights (row-major, rows × cols). */
  write(weights: ArrayLike<number>): void {
    if (!weights || typeof weights !== 'object' || weights.length !== this.codes.length)
      fail('DigitalStore.write', 'weights', weights, `an array of ${this.codes.length} weights`);
    checkFiniteArray('DigitalStore.write', 'weights', weights, this.codes.length);
    const next = encodeWeights(weights, this.bits, this.wMin, this.wMax);
    let changed = 0;
    for (let i = 0; i < next.length; i++) {
      let d = next[i]! ^ this.codes[i]!;
      while (d) {
        changed += d & 1;
        d >>>= 1;
      }
    }
    this.codes.set(next);
    this.cellsWritten += changed;
  }

  /** Flip each stored bit with probability `rate`; returns the flips made. */
  injectErrors(rate: number, rng: Rng): number {
    checkProbability('DigitalStore.injectErrors', 'rate', rate);
    checkRng('DigitalStore.injectErrors', rng);
    const n = injectBitErrors(this.codes, this.bits, rate, rng);
    this.bitsFlipped += n;
    return n;
  }

  /** Decode the stored weights. */
  weights(out = new Float32Array(this.codes.length)): Float32Array {
    checkOut('DigitalStore.weights', out, this.codes.length);
    return decodeWeights(this.codes, this.bits, this.wMin, this.wMax, out);
  }
}

/** A digital weight store; see {@link DigitalStore}. */
export function createDigitalStore(
  rows: number,
  cols: number,
  options: DigitalStoreOptions,
): DigitalStore {
  const fn = 'createDigitalStore';
  if (!options || typeof options !== 'object' || Array.isArray(options))
    fail(fn, 'options', options, 'an object { bits, ... }');
  checkOptions(fn, options, ['bits', 'wMin', 'wMax', 'tileRows', 'tileCols']);
  checkInt(fn, 'rows', rows, { min: 1 });
  checkInt(fn, 'cols', cols, { min: 1 });
  checkBudget(fn, 'rows × cols', rows * cols, 2, {
    unit: 'weights',
    hint: 'each weight takes a 2-byte code; lower rows or cols',
  });
  const bits = checkInt(fn, 'options.bits', options.bits, { min: 1, max: 16 });
  const wMin = checkNumber(fn, 'options.wMin', options.wMin ?? -1);
  const wMax = checkNumber(fn, 'options.wMax', options.wMax ?? 1, {
    min: wMin,
    exclusiveMin: true,
  });
  const tileOpts: TileOptions = { cellsPerWeight: bits };
  if (options.tileRows !== undefined) tileOpts.tileRows = options.tileRows;
  if (options.tileCols !== undefined) tileOpts.tileCols = options.tileCols;
  const plan = planTilesFor(fn, rows, cols, tileOpts);
  return new DigitalStore(rows, cols, bits, wMin, wMax, plan);
}
