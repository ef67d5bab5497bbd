/**
 * Synapse stores: where the network's weights live. Both hold an inputs × outputs matrix
 * (row = input, column = output neuron) and answer the network's one question, the summed weight
 * of the active inputs for every output, with the SIMD spike-read kernel.
 *
 * - {@link IdealSynapses}: float weights in [w_min, w_max].
 * - {@link DeviceSynapses}: conductances of a {@link Crossbar}, read through the offset mapping
 *   w = a + b·G with the nominal device bounds. Weight changes happen only as device pulses.
 */
import { createReadKernels, type ReadKernels, type TrainKernel } from '../crossbar/kernels';
import { Crossbar } from '../crossbar/crossbar';
import { offsetCoefficients, createMapping, type WeightMapping } from '../crossbar/mapping';
import { checkBudget, checkInt, checkNumber, fail } from '../core/validate';
import { softmaxDraw, type Uniforms } from './softmax';

/** What the network and the learning rules need from a weight store. */
export interface Synapses {
  readonly kind: 'ideal' | 'device';
  readonly inputs: number;
  readonly outputs: number;
  /** Frozen (pruned) synapses, row-major inputs × outputs; frozen synapses never change. */
  readonly frozen: Uint8Array;
  /**
   * @internal The WebAssembly training kernels on this store's memory, or null (JS path). The
   * network builds its active lists in `train.idx` directly, so no copy is needed.
   */
  readonly train: TrainKernel | null;
  /** out[k] = Σ over the `count` active inputs `idx` of w(i, k). */
  sumActive(idx: Int32Array, count: number, out: Float64Array): void;
  /**
   * One output spike's winner: u = sumActive(idx, count), then the winner of
   * softmax(u + bias + biasOffset), drawn with two uniforms per attempt from `uniforms` (see
   * softmaxDraw). `u` is scratch of length outputs. Fused in WebAssembly when available, with
   * identical results.
   */
  drawWinner(
    idx: Int32Array,
    count: number,
    bias: Float64Array,
    biasOffset: number,
    uniforms: Uniforms,
    u: Float64Array,
  ): number;
  /**
   * @internal One output spike of WtaLayer.present with the training kernels (`train` not null):
   * the active rows (last input spike step > `since`) into `train.idx`, their count in
   * `train.activeCount()`, and the winner as drawWinner would draw it, from the potentials held
   * since the image's last spike (moved on by the rows that entered and left the window, and the
   * columns changed since summed afresh). Equal to drawWinner up to float32 rounding.
   */
  drawWinnerSince(
    since: number,
    bias: Float64Array,
    biasOffset: number,
    uniforms: Uniforms,
  ): number;
  /** Weight of synapse (input i, output k). */
  weight(i: number, k: number): number;
  /** Every weight, row-major inputs × outputs. */
  weights(out?: Float32Array): Float32Array;
  /** Write weights directly (initialisation, pruning constants): an ideal program-and-verify. */
  setWeight(i: number, k: number, w: number): void;
}

/**
 * One output spike's winner in WebAssembly: the gather of the `count` rows in idx (`since`
 * null) or the held potentials moved on to the rows active after `since`, then the draw's first
 * attempt with two uniforms and, while rejected, further attempts (see softmaxDraw). `device`,
 * `a`, `s`, `vr`: the store's read transform (spikeWinner in ./wasm/train.ts).
 */
function kernelDraw(
  tk: TrainKernel,
  since: number | null,
  count: number,
  read: { device: number; a: number; s: number; vr: number },
  bias: Float64Array,
  biasOffset: number,
  uniforms: Uniforms,
): number {
  const at = biasAt(tk, bias);
  const { device, a, s, vr } = read;
  const u01 = uniforms.float();
  const u2 = uniforms.float();
  let w =
    since === null
      ? tk.spikeWinner(count, device, a, s, vr, biasOffset, u01, u2, at)
      : tk.spikeWinnerSince(since, device, a, s, vr, biasOffset, u01, u2, at);
  while (w < 0) w = tk.redraw(uniforms.float(), uniforms.float());
  return w;
}

/** The ideal store's read transform: none. */
const IDEAL_READ = { device: 0, a: 0, s: 0, vr: 0 };

/** Where spikeWinner reads `bias`: in place if it is the owner's biases, else copied to scratch. */
function biasAt(tk: TrainKernel, bias: Float64Array): number {
  if (bias === tk.ownBias) return bias.byteOffset;
  tk.bias.set(bias);
  return tk.bias.byteOffset;
}

/** Float weights, clipped to [wMin, wMax]. */
export class IdealSynapses implements Synapses {
  readonly kind = 'ideal' as const;
  readonly inputs: number;
  readonly outputs: number;
  readonly wMin: number;
  readonly wMax: number;
  readonly frozen: Uint8Array;
  readonly kernels: ReadKernels;
  /** The weights, row-major (lives in the kernel's memory). */
  readonly w: Float32Array;

  /** `simd: false` forces the plain-JS kernels (the reference). */
  constructor(inputs: number, outputs: number, wMin = -1, wMax = 1, simd = true) {
    const fn = 'IdealSynapses';
    checkInt(fn, 'inputs', inputs, { min: 1, max: 1 << 28 });
    checkInt(fn, 'outputs', outputs, { min: 1, max: 1 << 28 });
    checkNumber(fn, 'wMin', wMin);
    checkNumber(fn, 'wMax', wMax, { min: wMin, exclusiveMin: true });
    checkBudget(fn, 'inputs × outputs', inputs * outputs, 5, {
      unit: 'synapses',
      hint: 'lower inputs or outputs',
    });
    this.inputs = inputs;
    this.outputs = outputs;
    this.wMin = wMin;
    this.wMax = wMax;
    this.kernels = createReadKernels(inputs, outputs, { simd });
    this.w = this.kernels.g;
    this.frozen = this.kernels.train?.mask ?? new Uint8Array(inputs * outputs);
  }

  get train(): TrainKernel | null {
    return this.kernels.train;
  }

  sumActive(idx: Int32Array, count: number, out: Float64Array): void {
    this.kernels.sumRows(idx, count, out);
  }

  drawWinner(
    idx: Int32Array,
    count: number,
    bias: Float64Array,
    biasOffset: number,
    uniforms: Uniforms,
    u: Float64Array,
  ): number {
    const tk = this.kernels.train;
    if (tk === null) {
      this.sumActive(idx, count, u);
      return softmaxDraw(u, bias, biasOffset, uniforms);
    }
    if (idx !== tk.idx) tk.idx.set(count === idx.length ? idx : idx.subarray(0, count));
    return kernelDraw(tk, null, count, IDEAL_READ, bias, biasOffset, uniforms);
  }

  drawWinnerSince(
    since: number,
    bias: Float64Array,
    biasOffset: number,
    uniforms: Uniforms,
  ): number {
    return kernelDraw(this.kernels.train!, since, 0, IDEAL_READ, bias, biasOffset, uniforms);
  }

  weight(i: number, k: number): number {
    return this.w[i * this.outputs + k]!;
  }

  weights(out = new Float32Array(this.w.length)): Float32Array {
    out.set(this.w);
    return out;
  }

  setWeight(i: number, k: number, w: number): void {
    this.w[i * this.outputs + k] = w < this.wMin ? this.wMin : w > this.wMax ? this.wMax : w;
    const tk = this.kernels.train;
    if (tk !== null) {
      tk.potentialsColumn(k);
      tk.floorForget(k);
    }
  }
}

/** Weights held as CBRAM conductances in a crossbar (rows = inputs, columns = outputs). */
export class DeviceSynapses implements Synapses {
  readonly kind = 'device' as const;
  readonly inputs: number;
  readonly outputs: number;
  readonly crossbar: Crossbar;
  readonly mapping: WeightMapping;
  readonly frozen: Uint8Array;
  /** w = a + b·G. */
  readonly a: number;
  readonly b: number;
  /** The read transform of spikeWinner: w = a + (b/vr)·(Σ G·vr). */
  private readonly read: { device: number; a: number; s: number; vr: number };

  constructor(crossbar: Crossbar, mapping?: WeightMapping) {
    if (!(crossbar instanceof Crossbar))
      fail('DeviceSynapses', 'crossbar', crossbar, 'a Crossbar from createCrossbar()');
    mapping ??= createMapping(crossbar.config);
    if (mapping === null || typeof mapping !== 'object')
      fail('DeviceSynapses', 'mapping', mapping, 'a WeightMapping from createMapping()');
    if (mapping.kind !== 'offset')
      fail(
        'DeviceSynapses',
        'mapping.kind',
        mapping.kind,
        '"offset" (one device per weight, as in the paper)',
      );
    this.crossbar = crossbar;
    this.inputs = crossbar.rows;
    this.outputs = crossbar.cols;
    this.mapping = mapping;
    this.frozen = crossbar.mask;
    const { a, b } = offsetCoefficients(mapping);
    this.a = a;
    this.b = b;
    const vr = crossbar.config.read.voltage;
    this.read = { device: 1, a, s: b / vr, vr };
  }

  get train(): TrainKernel | null {
    return this.crossbar.kernels.train;
  }

  sumActive(idx: Int32Array, count: number, out: Float64Array): void {
    this.crossbar.readSpikes(idx, count, out);
    const { s } = this.read;
    const base = this.a * count;
    for (let k = 0; k < out.length; k++) out[k] = base + s * out[k]!;
  }

  drawWinner(
    idx: Int32Array,
    count: number,
    bias: Float64Array,
    biasOffset: number,
    uniforms: Uniforms,
    u: Float64Array,
  ): number {
    const xbar = this.crossbar;
    const tk = xbar.kernels.train;
    if (tk === null) {
      this.sumActive(idx, count, u);
      return softmaxDraw(u, bias, biasOffset, uniforms);
    }
    if (idx !== tk.idx) tk.idx.set(count === idx.length ? idx : idx.subarray(0, count));
    const w = kernelDraw(tk, null, count, this.read, bias, biasOffset, uniforms);
    xbar.countSpikeRead(count, tk.readSum());
    return w;
  }

  drawWinnerSince(
    since: number,
    bias: Float64Array,
    biasOffset: number,
    uniforms: Uniforms,
  ): number {
    const tk = this.crossbar.kernels.train!;
    const w = kernelDraw(tk, since, 0, this.read, bias, biasOffset, uniforms);
    this.crossbar.countSpikeRead(tk.activeCount(), tk.readSum());
    return w;
  }

  weight(i: number, k: number): number {
    return this.a + this.b * this.crossbar.g[i * this.outputs + k]!;
  }

  weights(out = new Float32Array(this.inputs * this.outputs)): Float32Array {
    const g = this.crossbar.g;
    for (let j = 0; j < g.length; j++) out[j] = this.a + this.b * g[j]!;
    return out;
  }

  setWeight(i: number, k: number, w: number): void {
    const m = this.mapping;
    const x = (Math.min(m.wMax, Math.max(m.wMin, w)) - m.wMin) / (m.wMax - m.wMin);
    this.crossbar.devices.setNormalized(i * this.outputs + k, x);
    this.crossbar.kernels.train?.potentialsColumn(k);
  }
}
