/**
 * Input encoding: each pixel of intensity v ∈ [0, 1] emits a Bernoulli spike train with
 * probability f_in·v·dt per time step (the discrete-time Poisson process of the paper's
 * follow-up). Spike times are drawn as geometric gaps between spikes, one logarithm per spike
 * instead of one random number per input per step; the result has exactly the same distribution.
 */
import { Rng } from '../core/rng';
import { checkBudget, checkInt, checkNumber, checkOptions, fail } from '../core/validate';
import { createEncoderKernel, type EncoderKernel } from '../crossbar/kernels';

/** A presentation's input spikes in step order (CSR: spikes of step t are inputs[start[t]..start[t+1])). */
export interface SpikeRaster {
  steps: number;
  /** length steps + 1. */
  start: Int32Array;
  /** Input index of each spike, grouped by step. */
  inputs: Int32Array;
  /** Total spikes. */
  count: number;
}

/**
 * Encodes byte images (0–255) into spike rasters. Holds scratch buffers; reuse one per run.
 *
 * @example
 * const enc = createPoissonEncoder({ rate: 200, dt: 1e-3, steps: 100 });
 * const raster = enc.encode(images, k * 397, 397, rng.stream('spikes'));
 */
export class PoissonEncoder {
  readonly rate: number;
  readonly dt: number;
  readonly steps: number;
  /** ln(1 − p) for each byte value (p = rate·dt·v/255). */
  private readonly logq = new Float64Array(256);
  private readonly raster: SpikeRaster;
  private tmpT = new Int32Array(4096);
  private tmpI = new Int32Array(4096);
  /** The WebAssembly encoder for images of `kernelPixels` (null: not made yet, or unavailable). */
  private kernel: EncoderKernel | null = null;
  private kernelPixels = -1;
  private wasmRaster: SpikeRaster | null = null;
  /** Use the WebAssembly encoder when available (false: the JS reference). */
  simd = true;

  /** @internal Use {@link createPoissonEncoder}. */
  constructor(rate: number, dt: number, steps: number) {
    this.rate = rate;
    this.dt = dt;
    this.steps = steps;
    for (let v = 0; v < 256; v++) this.logq[v] = Math.log1p(-((rate * dt * v) / 255));
    this.raster = {
      steps,
      start: new Int32Array(steps + 1),
      inputs: new Int32Array(4096),
      count: 0,
    };
  }

  /** Per-step spike probability of a byte intensity. */
  probability(v: number): number {
    return (this.rate * this.dt * v) / 255;
  }

  /**
   * Encode the `pixels` bytes of `images` starting at `offset`. Returns a raster owned by the
   * encoder, valid until the next call.
   */
  encode(images: Uint8Array, offset: number, pixels: number, rng: Rng): SpikeRaster {
    checkEncodeArgs(this.steps, images, offset, pixels, rng);
    if (this.simd) {
      if (this.kernelPixels !== pixels) {
        this.kernelPixels = pixels;
        this.kernel = createEncoderKernel(pixels, this.steps);
        this.wasmRaster = null;
        this.kernel?.logq.set(this.logq);
      }
      const kern = this.kernel;
      if (kern !== null) {
        kern.image.set(images.subarray(offset, offset + pixels));
        rng.exportState(kern.rng);
        this.wasmRaster ??= { steps: this.steps, start: kern.start, inputs: kern.inputs, count: 0 };
        this.wasmRaster.count = kern.encode();
        rng.importState(kern.rng);
        return this.wasmRaster;
      }
    }
    const T = this.steps;
    const logq = this.logq;
    let n = 0;
    for (let i = 0; i < pixels; i++) {
      const v = images[offset + i]!;
      if (v === 0) continue;
      const lq = logq[v]!;
      // Steps before the first spike, then gaps: Geometric(p) = floor(ln U / ln(1 − p)).
      let t = Math.floor(Math.log(rng.floatOpen()) / lq);
      while (t < T) {
        if (n === this.tmpT.length) this.grow();
        this.tmpT[n] = t;
        this.tmpI[n] = i;
        n++;
        t += 1 + Math.floor(Math.log(rng.floatOpen()) / lq);
      }
    }
    // Counting sort by step (stable: inputs stay in index order within a step).
    const r = this.raster;
    if (r.inputs.length < n) r.inputs = new Int32Array(this.tmpT.length);
    const start = r.start;
    start.fill(0);
    for (let k = 0; k < n; k++) start[this.tmpT[k]! + 1]++;
    for (let t = 0; t < T; t++) start[t + 1] += start[t]!;
    const fillPos = start.slice(0, T);
    for (let k = 0; k < n; k++) r.inputs[fillPos[this.tmpT[k]!]!++] = this.tmpI[k]!;
    r.count = n;
    return r;
  }

  private grow(): void {
    const t = new Int32Array(this.tmpT.length * 2);
    t.set(this.tmpT);
    this.tmpT = t;
    const i = new Int32Array(this.tmpI.length * 2);
    i.set(this.tmpI);
    this.tmpI = i;
  }
}

/** Bytes per possible spike (pixels × steps) of one encode: step and input scratch, raster. */
const SPIKE_BYTES = 24;

/** The entry checks of {@link PoissonEncoder.encode} (O(1), outside its loops). */
function checkEncodeArgs(
  steps: number,
  images: unknown,
  offset: number,
  pixels: number,
  rng: unknown,
): void {
  const fn = 'PoissonEncoder.encode';
  if (!(images instanceof Uint8Array)) fail(fn, 'images', images, 'a Uint8Array of byte images');
  checkInt(fn, 'pixels', pixels, { min: 0, max: images.length });
  checkInt(fn, 'offset', offset, { min: 0, max: images.length - pixels });
  if (!(rng instanceof Rng)) fail(fn, 'rng', rng, 'an Rng, e.g. createRng(seed).stream("spikes")');
  checkBudget(fn, 'pixels × steps', pixels * steps, SPIKE_BYTES, {
    unit: 'possible spikes',
    hint: 'encode fewer pixels at once or use fewer steps',
  });
}

/** Options for {@link createPoissonEncoder}. */
export interface PoissonEncoderOptions {
  /** Rate at full intensity, Hz (f_in; default 200). */
  rate?: number;
  /** Time step, s (default 1 ms). */
  dt?: number;
  /** Steps per presentation (default 100, i.e. 100 ms). */
  steps?: number;
}

/** An input encoder; rate·dt must not exceed 1. */
export function createPoissonEncoder(options: PoissonEncoderOptions = {}): PoissonEncoder {
  const fn = 'createPoissonEncoder';
  checkOptions(fn, options, ['rate', 'dt', 'steps']);
  const rate = checkNumber(fn, 'options.rate', options.rate ?? 200, { min: 0 });
  const dt = checkNumber(fn, 'options.dt', options.dt ?? 1e-3, { min: 0, exclusiveMin: true });
  const steps = checkInt(fn, 'options.steps', options.steps ?? 100, { min: 1, max: 1e6 });
  if (rate * dt > 1)
    fail(fn, 'options.rate × options.dt', rate * dt, '<= 1 (at most one spike per input per step)');
  return new PoissonEncoder(rate, dt, steps);
}
