/**
 * A crossbar: rows × cols cells of one device model, state in typed arrays.
 *
 * Orientation: rows are word lines driven by the inputs (397 pixels in the paper's network),
 * columns are bit lines that sum currents into the outputs (500 neurons). Cell (i, j) is at flat
 * index i·cols + j. A read applies voltages v_i to the rows and returns the column currents
 * I_j = Σ_i v_i·G_ij (Kirchhoff), computed by WebAssembly SIMD kernels (./kernels.ts).
 *
 * Programming sends SET/RESET pulses to a whole row or column at once; the learning rule of the
 * paper programs one column (the winning neuron's synapses) per output spike. Cells marked in
 * `mask` are frozen (pruned): they get no pulses and cost no energy. Pulses run in the
 * WebAssembly pulse kernel (./kernels.ts), bit-identical to DeviceArray.pulse, which is used when
 * WebAssembly is unavailable or `simd: false`.
 */
import { createDeviceArray, createTally, type DeviceArray, type PulseTally } from '../device/array';
import { checkDeviceConfig, type DeviceConfig } from '../device/config';
import { energyOf } from '../device/energy';
import { PRESETS, PRESET_NAMES, type PresetName } from '../device/presets';
import { toRng, type Rng } from '../core/rng';
import { EVENT_PHASES } from '../energy/events';
import {
  checkBoolean,
  checkBudget,
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  fail,
} from '../core/validate';
import { createCrossbarKernels, type CrossbarKernels, type PulseKernel } from './kernels';
import { JUPYTER_DISPLAY, displayBundle, type MimeBundle } from '../display/protocol';

/** Where a crossbar reports its energy events (an EnergyLedger satisfies this). */
export interface EnergySink {
  record(
    kind: 'set' | 'reset' | 'read' | 'adc',
    phase: string,
    count: number,
    joules: number,
  ): void;
}

/** Options for {@link createCrossbar}. */
export interface CrossbarOptions {
  /** Word lines (inputs). */
  rows: number;
  /** Bit lines (outputs). */
  cols: number;
  /** Device config or preset name (default 'cbram-subquantum'). */
  device?: DeviceConfig | PresetName;
  /** Seed or generator; streams `d2d`, `c2c` and `read` derive from it (default 0). */
  seed?: number | Rng;
  /** Initial normalised state of every cell, 0 (G_min, default) to 1 (G_max). */
  initial?: number;
  /**
   * Use the WebAssembly kernels when available (default true): SIMD reads, and the pulse kernel
   * (bit-identical to the JS one, 2–3× faster). false: plain JS for both.
   */
  simd?: boolean;
  /** Energy sink for pulse, read and ADC events (default none). */
  ledger?: EnergySink;
  /** Phase tag for energy events (default 'train'). */
  phase?: string;
  /** Energy of one ADC conversion, J (default 2 pJ, assumed: an 8-bit SAR ADC at a Walden figure of merit near 10 fJ/step). */
  adcEnergy?: number;
}

/** Per-read options for {@link Crossbar.read}. Each non-ideality is off unless asked for. */
export interface ReadOptions {
  /** Apply the device's read noise (relative std readNoiseStd per cell per read). */
  noise?: boolean;
  /** Quantise each column current with an ADC of this many bits (0 = ideal). */
  adcBits?: number;
  /** ADC full scale, A (default: every row at its voltage through a cell at G_max). */
  adcFullScale?: number;
  /** Wire resistance per cell segment, Ω, for the first-order IR-drop model (0 = ideal wires). */
  wireResistance?: number;
}

/** Counters of everything done to the array. */
export interface CrossbarCounters {
  setPulses: number;
  resetPulses: number;
  /** Cell reads (one per cell per read operation with a non-zero input). */
  cellsRead: number;
  /** Read operations. */
  reads: number;
  adcConversions: number;
}

/** A display snapshot: copies, safe to keep while training goes on. */
export interface CrossbarSnapshot {
  rows: number;
  cols: number;
  device: string;
  /** Conductance, S, row-major. */
  g: Float32Array;
  /** Frozen (pruned) cells. */
  mask: Uint8Array;
  /** Faults: 0 none, 1 stuck at G_min, 2 stuck at G_max. */
  stuck: Uint8Array;
  stats: {
    gMin: number;
    gMax: number;
    gMean: number;
    gStd: number;
    frozen: number;
    stuckOff: number;
    stuckOn: number;
  };
  counters: CrossbarCounters;
}

const OPTION_KEYS = [
  'rows',
  'cols',
  'device',
  'seed',
  'initial',
  'simd',
  'ledger',
  'phase',
  'adcEnergy',
];
const READ_KEYS = ['noise', 'adcBits', 'adcFullScale', 'wireResistance'];

/**
 * A crossbar array. Create with {@link createCrossbar}. Simulation state mutates in place.
 */
export class Crossbar {
  readonly rows: number;
  readonly cols: number;
  readonly config: DeviceConfig;
  readonly devices: DeviceArray;
  /** Read kernels and the storage of the device state and mask (see ./kernels.ts). */
  readonly kernels: CrossbarKernels;
  /** Frozen cells (non-zero = frozen), row-major. */
  readonly mask: Uint8Array;
  readonly counters: CrossbarCounters = {
    setPulses: 0,
    resetPulses: 0,
    cellsRead: 0,
    reads: 0,
    adcConversions: 0,
  };
  readonly adcEnergy: number;
  private sink: EnergySink | null;
  private tag: string;
  private readonly c2c: Rng;
  private readonly readRng: Rng;
  private readonly tally: PulseTally = createTally();
  private readonly colScratch: Float64Array;
  /** The WebAssembly pulse kernel, or null to use devices.pulse (JS). */
  private readonly pulser: PulseKernel | null;

  /** @internal Use {@link createCrossbar}. */
  constructor(rows: number, cols: number, config: DeviceConfig, rng: Rng, opts: CrossbarOptions) {
    this.rows = rows;
    this.cols = cols;
    this.config = config;
    // Device state and mask live in the kernels' memory, so the WebAssembly pulse kernel works
    // on them in place.
    this.kernels = createCrossbarKernels(rows, cols, { simd: opts.simd ?? true });
    this.devices = createDeviceArray(config, rows * cols, rng.stream('d2d'), {
      ...this.kernels.storage,
      initial: opts.initial ?? 0,
    });
    this.mask = this.kernels.mask;
    this.pulser = this.kernels.bindPulse(this.devices);
    this.c2c = rng.stream('c2c');
    this.readRng = rng.stream('read');
    this.sink = opts.ledger ?? null;
    this.tag = opts.phase ?? 'train';
    this.adcEnergy = opts.adcEnergy ?? 2e-12;
    this.colScratch = new Float64Array(cols);
  }

  /** Energy sink (settable: an EnergyLedger, any object with a `record` method, or null). */
  get ledger(): EnergySink | null {
    return this.sink;
  }

  set ledger(sink: EnergySink | null) {
    this.sink = checkSink('Crossbar.ledger', 'ledger', sink);
  }

  /** Phase tag for energy events (settable): one of the ledger's phases. */
  get phase(): string {
    return this.tag;
  }

  set phase(phase: string) {
    this.tag = checkPhase('Crossbar.phase', 'phase', phase);
  }

  /** Conductances, S, row-major (a live view; write through the methods to keep counters). */
  get g(): Float32Array {
    return this.devices.g;
  }

  /** The c2c noise stream (exposed for checkpointing). */
  get c2cRng(): Rng {
    return this.c2c;
  }

  /** The read-noise stream (exposed for checkpointing). */
  get readNoiseRng(): Rng {
    return this.readRng;
  }

  private flushTally(): void {
    const t = this.tally;
    if (t.set === 0 && t.reset === 0) return;
    this.counters.setPulses += t.set;
    this.counters.resetPulses += t.reset;
    if (this.sink) {
      if (t.set) this.sink.record('set', this.tag, t.set, energyOf(this.config.set, t.set, t.setG));
      if (t.reset)
        this.sink.record(
          'reset',
          this.tag,
          t.reset,
          energyOf(this.config.reset, t.reset, t.resetG),
        );
    }
    t.set = t.reset = t.setG = t.resetG = 0;
  }

  /**
   * @internal Before a WebAssembly call that pulses cells of this crossbar through its pulse
   * kernel (TrainKernel.devicePulseColumn): hands the kernel the c2c stream. false without the
   * WebAssembly pulse kernel (then make no such call). Follow the call with endKernelPulse.
   */
  beginKernelPulse(): boolean {
    if (this.pulser === null) return false;
    this.pulser.enter(this.c2c);
    return true;
  }

  /**
   * @internal After beginKernelPulse and the call: takes the c2c stream back and counts the
   * pulses and their energy as pulseColumn does.
   */
  endKernelPulse(): void {
    this.pulser!.leave(this.c2c, this.tally);
    this.flushTally();
  }

  /**
   * Pulse every cell of row `row`: `pulses[j]` SET (> 0) or RESET (< 0) pulses on cell (row, j).
   *
   * @example
   * xbar.pulseRow(0, new Int8Array(xbar.cols).fill(1)); // one SET pulse on each cell of row 0
   */
  pulseRow(row: number, pulses: Int8Array): void {
    const fn = 'Crossbar.pulseRow';
    checkInt(fn, 'row', row, { min: 0, max: this.rows - 1 });
    if (!(pulses instanceof Int8Array) || pulses.length !== this.cols)
      fail(fn, 'pulses', pulses, `an Int8Array of length ${this.cols} (cols)`);
    if (this.pulser) this.pulser.pulse(row * this.cols, 1, this.cols, pulses, this.c2c, this.tally);
    else this.devices.pulse(row * this.cols, 1, this.cols, pulses, this.mask, this.c2c, this.tally);
    this.flushTally();
  }

  /**
   * Pulse every cell of column `col` (one output's synapses): `pulses[i]` for cell (i, col).
   *
   * @example
   * xbar.pulseColumn(winner, ltpOrLtd); // the paper's STDP step for one output spike
   */
  pulseColumn(col: number, pulses: Int8Array): void {
    const fn = 'Crossbar.pulseColumn';
    checkInt(fn, 'col', col, { min: 0, max: this.cols - 1 });
    if (!(pulses instanceof Int8Array) || pulses.length !== this.rows)
      fail(fn, 'pulses', pulses, `an Int8Array of length ${this.rows} (rows)`);
    if (this.pulser) this.pulser.pulse(col, this.cols, this.rows, pulses, this.c2c, this.tally);
    else this.devices.pulse(col, this.cols, this.rows, pulses, this.mask, this.c2c, this.tally);
    this.flushTally();
  }

  /**
   * Column currents, A, for row voltages `v` (V): I_j = Σ_i v_i·G_ij, with optional read noise,
   * first-order IR drop and ADC quantisation (see docs/crossbar.md for what each model ignores).
   *
   * @example
   * const I = xbar.read(new Float64Array(xbar.rows).fill(0.1));
   */
  read(
    v: ArrayLike<number>,
    out: Float64Array = new Float64Array(this.cols),
    options: ReadOptions = {},
  ): Float64Array {
    const fn = 'Crossbar.read';
    checkOptions(fn, options, READ_KEYS);
    if (!v || typeof v.length !== 'number' || v.length !== this.rows)
      fail(fn, 'v', v, `an array of ${this.rows} voltages (one per row)`);
    if (!(out instanceof Float64Array) || out.length !== this.cols)
      fail(fn, 'out', out, `a Float64Array of length ${this.cols}`);
    if (options.noise !== undefined) checkBoolean(fn, 'options.noise', options.noise);
    const adcBits = checkInt(fn, 'options.adcBits', options.adcBits ?? 0, { min: 0, max: 24 });
    const r = checkNumber(fn, 'options.wireResistance', options.wireResistance ?? 0, { min: 0 });
    const noise = options.noise === true && this.config.readNoiseStd > 0;
    let active = 0;
    for (let i = 0; i < this.rows; i++) {
      const x = v[i]!;
      if (!Number.isFinite(x)) fail(fn, `v[${i}]`, x, 'a finite voltage');
      if (x !== 0) active++;
    }
    if (!noise && r === 0) this.kernels.matvec(v, out, fn);
    else this.readPhysical(v, out, noise, r);
    this.countRead(active, v, adcBits);
    if (adcBits > 0) {
      let vmax = 0;
      for (let i = 0; i < this.rows; i++) vmax += Math.abs(v[i]!);
      const fs = checkNumber(
        fn,
        'options.adcFullScale',
        options.adcFullScale ?? vmax * this.config.gMax,
        { min: 0 },
      );
      quantize(out, adcBits, fs);
    }
    return out;
  }

  /**
   * Spike read: rows listed in `idx[0..count)` are driven at the device's read voltage, the rest
   * at 0 V. Returns column currents, A. This is the network's hot path.
   */
  readSpikes(
    idx: Int32Array,
    count: number,
    out: Float64Array = new Float64Array(this.cols),
  ): Float64Array {
    const fn = 'Crossbar.readSpikes';
    if (!(out instanceof Float64Array) || out.length !== this.cols)
      fail(fn, 'out', out, `a Float64Array of length ${this.cols}`);
    this.kernels.sumRows(idx, count, out, fn);
    const vr = this.config.read.voltage;
    let sum = 0;
    for (let j = 0; j < this.cols; j++) {
      out[j] = out[j]! * vr;
      sum += out[j]!;
    }
    this.countSpikeRead(count, sum);
    return out;
  }

  /**
   * @internal Count a spike read of `count` rows whose column currents sum to `sum` (A), and
   * record its energy: readSpikes' accounting, also used by the fused training kernel.
   */
  countSpikeRead(count: number, sum: number): void {
    this.counters.reads++;
    this.counters.cellsRead += count * this.cols;
    if (this.sink && count > 0) {
      const p = this.config.read;
      const vr = p.voltage;
      const joules =
        p.energy !== undefined ? p.energy * count * this.cols : Math.abs(vr) * p.width * sum;
      this.sink.record('read', this.tag, count * this.cols, joules);
    }
  }

  private countRead(active: number, v: ArrayLike<number>, adcBits: number): void {
    this.counters.reads++;
    this.counters.cellsRead += active * this.cols;
    if (adcBits > 0) this.counters.adcConversions += this.cols;
    if (!this.sink) return;
    if (active > 0) {
      const p = this.config.read;
      let joules: number;
      if (p.energy !== undefined) joules = p.energy * active * this.cols;
      else {
        // E = t·Σ_ij v_i²·G_ij: one more array read with squared voltages.
        const v2 = new Float64Array(this.rows);
        for (let i = 0; i < this.rows; i++) v2[i] = v[i]! * v[i]!;
        this.kernels.matvec(v2, this.colScratch);
        let s = 0;
        for (let j = 0; j < this.cols; j++) s += this.colScratch[j]!;
        joules = p.width * s;
      }
      this.sink.record('read', this.tag, active * this.cols, joules);
    }
    if (adcBits > 0) this.sink.record('adc', this.tag, this.cols, this.cols * this.adcEnergy);
  }

  /**
   * Cell-by-cell read with read noise and first-order IR drop. IR drop: rows are driven from
   * column 0, columns are sensed at virtual ground below the last row; each wire segment has
   * resistance r. Wire voltages are computed from the ideal cell currents (one linearisation
   * step), then each cell conducts G·(v_i − drop on its row − rise on its column).
   */
  private readPhysical(v: ArrayLike<number>, out: Float64Array, noise: boolean, r: number): void {
    const { rows, cols } = this;
    const g = this.devices.g;
    const sigma = noise ? this.config.readNoiseStd : 0;
    const geff = new Float64Array(rows * cols);
    for (let k = 0; k < rows * cols; k++) {
      const x = sigma > 0 ? g[k]! * (1 + sigma * this.readRng.normal()) : g[k]!;
      geff[k] = x > 0 ? x : 0;
    }
    out.fill(0);
    if (r === 0) {
      for (let i = 0; i < rows; i++) {
        const vi = v[i]!;
        if (vi === 0) continue;
        const o = i * cols;
        for (let j = 0; j < cols; j++) out[j] += vi * geff[o + j]!;
      }
      return;
    }
    // Ideal cell currents, then the first-order wire voltages they cause.
    const drop = new Float64Array(rows * cols);
    const rowTail = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      const vi = v[i]!;
      const o = i * cols;
      // Current through the row segment feeding cell j is the sum of cell currents at j..cols-1.
      let tail = 0;
      for (let j = cols - 1; j >= 0; j--) {
        tail += vi * geff[o + j]!;
        rowTail[j] = tail;
      }
      let vdrop = 0;
      for (let j = 0; j < cols; j++) {
        vdrop += r * rowTail[j]!;
        drop[o + j] = vdrop;
      }
    }
    for (let j = 0; j < cols; j++) {
      // Column segment below cell i carries the currents of cells 0..i; sensed below the last row.
      let head = 0;
      const segI = new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        head += v[i]! * geff[i * cols + j]!;
        segI[i] = head;
      }
      let rise = 0;
      for (let i = rows - 1; i >= 0; i--) {
        rise += r * segI[i]!;
        drop[i * cols + j] = drop[i * cols + j]! + rise;
      }
    }
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) out[j] += geff[o + j]! * (v[i]! - drop[o + j]!);
    }
  }

  /** Freeze (or unfreeze) cell (row, col): frozen cells get no pulses. */
  setFrozen(row: number, col: number, frozen = true): void {
    checkInt('Crossbar.setFrozen', 'row', row, { min: 0, max: this.rows - 1 });
    checkInt('Crossbar.setFrozen', 'col', col, { min: 0, max: this.cols - 1 });
    this.mask[row * this.cols + col] = frozen ? 1 : 0;
  }

  /**
   * Write normalised states directly (ideal program-and-verify, e.g. initialisation). Issues no
   * counted pulses. `x` is row-major, values in [0, 1].
   */
  program(x: ArrayLike<number>): void {
    if (!x || x.length !== this.rows * this.cols)
      fail('Crossbar.program', 'x', x, `an array of ${this.rows * this.cols} states in [0, 1]`);
    for (let k = 0; k < x.length; k++) {
      const xv = x[k]!;
      if (!(xv >= 0 && xv <= 1)) fail('Crossbar.program', `x[${k}]`, xv, 'a number in [0, 1]');
      this.devices.setNormalized(k, xv);
    }
  }

  /** Retention loss over dt seconds (see DeviceArray.relax). */
  relax(dt: number): void {
    checkNumber('Crossbar.relax', 'dt', dt, { min: 0 });
    this.devices.relax(dt);
  }

  /**
   * The rich display in Deno's Jupyter kernel (and any kernel using `Symbol.for('Jupyter.display')`):
   * text, the CBRAM payload and a PNG figure, as the CBRAM Lab kernel shows a crossbar.
   *
   * @example
   * createCrossbar({ rows: 4, cols: 4 }); // as a cell's value in `deno jupyter`: the heatmap
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    return displayBundle(this);
  }

  /** A copy of the state with summary statistics, for display. */
  snapshot(): CrossbarSnapshot {
    const g = this.devices.g.slice();
    let min = Infinity;
    let max = -Infinity;
    let mean = 0;
    let m2 = 0;
    for (let k = 0; k < g.length; k++) {
      const x = g[k]!;
      if (x < min) min = x;
      if (x > max) max = x;
      const d = x - mean; // Welford's running variance
      mean += d / (k + 1);
      m2 += d * (x - mean);
    }
    let frozen = 0;
    let off = 0;
    let on = 0;
    const stuck = this.devices.stuck;
    for (let k = 0; k < g.length; k++) {
      frozen += this.mask[k] ? 1 : 0;
      off += stuck[k] === 1 ? 1 : 0;
      on += stuck[k] === 2 ? 1 : 0;
    }
    return {
      rows: this.rows,
      cols: this.cols,
      device: this.config.name,
      g,
      mask: this.mask.slice(),
      stuck: stuck.slice(),
      stats: {
        gMin: min,
        gMax: max,
        gMean: mean,
        gStd: Math.sqrt(m2 / g.length),
        frozen,
        stuckOff: off,
        stuckOn: on,
      },
      counters: { ...this.counters },
    };
  }
}

/** Uniform mid-tread quantiser on [0, fullScale] (negative currents clip to 0). */
function quantize(out: Float64Array, bits: number, fullScale: number): void {
  const levels = 2 ** bits - 1;
  if (fullScale <= 0) {
    out.fill(0);
    return;
  }
  for (let j = 0; j < out.length; j++) {
    const q = Math.round((out[j]! / fullScale) * levels);
    out[j] = (q < 0 ? 0 : q > levels ? levels : q) * (fullScale / levels);
  }
}

/**
 * A crossbar of `rows × cols` devices.
 *
 * @example
 * const xbar = createCrossbar({ rows: 397, cols: 500, device: 'cbram-subquantum', seed: 1 });
 */
export function createCrossbar(options: CrossbarOptions): Crossbar {
  const fn = 'createCrossbar';
  if (!options || typeof options !== 'object' || Array.isArray(options))
    fail(fn, 'options', options, 'an object { rows, cols, ... }');
  checkOptions(fn, options, OPTION_KEYS);
  const rows = checkInt(fn, 'rows', options.rows, { min: 1, max: 1 << 16 });
  const cols = checkInt(fn, 'cols', options.cols, { min: 1, max: 1 << 16 });
  if (rows * cols > 1 << 26) fail(fn, 'rows × cols', rows * cols, `at most ${1 << 26} cells`);
  checkBudget(fn, 'rows × cols', rows * cols, CELL_BYTES, {
    unit: 'cells',
    hint: `each cell takes ${CELL_BYTES} bytes (state, mask and a noisy or IR-drop read); lower rows or cols`,
  });
  const dev = options.device ?? 'cbram-subquantum';
  const config =
    typeof dev === 'string'
      ? PRESETS[checkOneOf(fn, 'device', dev, PRESET_NAMES)]
      : checkDeviceConfig(fn, dev, 'device.');
  if (options.initial !== undefined)
    checkNumber(fn, 'initial', options.initial, { min: 0, max: 1 });
  if (options.adcEnergy !== undefined)
    checkNumber(fn, 'adcEnergy', options.adcEnergy, { min: 0, max: 1 });
  if (options.simd !== undefined) checkBoolean(fn, 'simd', options.simd);
  if (options.phase !== undefined) checkPhase(fn, 'phase', options.phase);
  if (options.ledger !== undefined) checkSink(fn, 'ledger', options.ledger);
  const rng = toRng(fn, 'seed', options.seed ?? 0);
  return new Crossbar(rows, cols, config, rng, options);
}

/**
 * Bytes per crossbar cell counted against the memory budget: conductance, G_min, range and step
 * scale (Float32), fault and mask (bytes), and the two Float64 arrays of a noisy or IR-drop read.
 */
const CELL_BYTES = 4 * 4 + 2 + 2 * 8;

/** An energy sink: null, or an object with a `record(kind, phase, count, joules)` method. */
function checkSink(fn: string, param: string, sink: unknown): EnergySink | null {
  if (sink === null) return null;
  if (
    sink === undefined ||
    typeof sink !== 'object' ||
    typeof (sink as EnergySink).record !== 'function'
  )
    fail(
      fn,
      param,
      sink,
      'an EnergyLedger from createLedger(), an object with a record(kind, phase, count, joules) method, or null',
    );
  return sink as EnergySink;
}

/** A phase tag: one of the energy ledger's phases. */
function checkPhase(fn: string, param: string, phase: unknown): string {
  return checkOneOf(fn, param, phase, EVENT_PHASES);
}
