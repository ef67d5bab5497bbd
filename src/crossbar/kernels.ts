/**
 * Crossbar kernels: array reads over a row-major rows × cols float32 matrix (the crossbar's
 * conductances, or the ideal weights), and the crossbar's programming (pulse) kernel.
 *
 * The fast path is WebAssembly, compiled at build time from ./wasm/read.ts (SIMD f32x4 reads) and
 * ./wasm/pulse.ts (the pulse kernel) by AssemblyScript into one module,
 * dist/src/crossbar/kernels.wasm, loaded from beside this file; nothing is fetched at run time.
 * Each kernels object owns a fixed-size WebAssembly.Memory (it never grows, so views into it never
 * detach) holding the matrix and its scratch vectors and, for a crossbar
 * ({@link createCrossbarKernels}), all per-cell device state, the mask and the step tables.
 * Without WebAssembly SIMD (or with `{ simd: false }`) plain typed-array loops are used.
 *
 * Reads accumulate in float32 (SIMD) or float64 (JS); they agree to ~1e-5 relative (typically
 * 1e-6). The pulse kernel is bit-identical to DeviceArray.pulse, including its use of the
 * cycle-to-cycle stream (see docs/crossbar.md, "Programming kernel").
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CbramError } from '../core/errors';
import { copyZigguratTables, type Rng } from '../core/rng';
import { checkBoolean, checkBudget, checkOptions, checkPositiveInt, fail } from '../core/validate';
import type { DeviceArray, DeviceStorage, PulseTally } from '../device/array';
import { STEP_TABLE_SIZE } from '../device/models';

/**
 * Read kernels bound to one matrix. Create with {@link createReadKernels}.
 *
 * Precision: the SIMD path accumulates in float32, the JS path in float64; each output agrees
 * with an exact sum to within 1e-5 of Σ|terms| (typically about 1e-6), so the two paths agree to
 * ~1e-5 relative for non-negative conductances.
 */
export interface ReadKernels {
  /**
   * Word lines (inputs).
   *
   * @example
   * createReadKernels(397, 500).rows; // 397
   */
  readonly rows: number;
  /**
   * Bit lines (outputs).
   *
   * @example
   * createReadKernels(397, 500).cols; // 500
   */
  readonly cols: number;
  /**
   * Conductance matrix, S, row-major rows × cols (cell (i, j) at `g[i * cols + j]`), living in
   * the kernels' own memory. Write it directly: it is the crossbar's state, and the next read
   * sees the writes. The view stays valid for the kernels' lifetime (the memory never grows).
   *
   * @example
   * const k = createReadKernels(2, 3);
   * k.g.set([1e-5, 2e-5, 3e-5, 4e-5, 5e-5, 6e-5]); // row 0, then row 1
   */
  readonly g: Float32Array;
  /**
   * true when the WebAssembly SIMD path is in use, false on the plain-JS fallback.
   *
   * @example
   * createReadKernels(397, 500, { simd: false }).simd; // false
   */
  readonly simd: boolean;
  /**
   * Column currents for input voltages: out[j] = Σ_i v[i]·g[i·cols + j] (Kirchhoff). Rows with
   * v[i] = 0 cost nothing. `out` is overwritten. Throws E_ARG unless v.length === rows and
   * out.length === cols. On the SIMD path v is rounded to float32 first.
   *
   * @example
   * const k = createReadKernels(2, 3);
   * k.g.fill(1e-5);
   * const i = new Float64Array(3);
   * k.matvec([0.1, 0.2], i); // i ≈ [3e-6, 3e-6, 3e-6] A
   */
  matvec(v: ArrayLike<number>, out: Float32Array | Float64Array, caller?: string): void;
  /**
   * Binary (spike) read: out[j] = Σ_{k<count} g[idx[k]·cols + j], the column sums of the listed
   * rows (a row listed twice counts twice). Entries of idx past `count` are ignored. `out` is
   * overwritten; count 0 gives zeros. Throws E_ARG unless count is an integer in
   * [0, idx.length], every idx[k] (k < count) is in [0, rows) and out.length === cols.
   * `caller` (optional) is the public function named in error messages (default
   * `ReadKernels.sumRows`); `matvec` takes one too.
   *
   * @example
   * const k = createReadKernels(397, 500);
   * k.g.fill(1e-5);
   * const out = new Float64Array(500);
   * k.sumRows(Int32Array.of(3, 7, 0), 2, out); // rows 3 and 7: every entry 2e-5
   */
  sumRows(
    idx: Int32Array | Uint32Array,
    count: number,
    out: Float32Array | Float64Array,
    caller?: string,
  ): void;
  /**
   * @internal The per-spike training kernels on this matrix (WebAssembly), or null on the JS
   * path. Used by the network and the learning rules (src/network/synapses.ts,
   * src/learning/stdp.ts); their JS code is the reference these kernels reproduce bit for bit.
   */
  readonly train: TrainKernel | null;
}

/**
 * @internal The draw's arguments of spikeWinner and spikeWinnerSince: the store's read transform
 * (`device` 0 or 1, `a`, `s`, `vr`), the biases' common offset, the first attempt's two uniforms
 * and the byte offset of the biases (bias or ownBias).
 */
export type SpikeDraw = [
  device: number,
  a: number,
  s: number,
  vr: number,
  biasOffset: number,
  u01: number,
  u2: number,
  biasAt: number,
];

/**
 * @internal The per-spike work of training in WebAssembly (./wasm/train.ts), on the same memory
 * and matrix as the gather. Views and functions, unchecked: callers pass valid rows and counts.
 */
export interface TrainKernel {
  /** Active row indices (rows entries): the input of spikeWinner, stdpIdeal, devicePulses. */
  readonly idx: Int32Array;
  /** Biases b_k (cols entries): scratch for spikeWinner's callers. */
  readonly bias: Float64Array;
  /**
   * Biases owned by the weight store's owner (a Trainer), cols entries in this memory, so that
   * spikeWinner reads them in place (pass `ownBias.byteOffset`); nothing else writes them.
   */
  readonly ownBias: Float64Array;
  /** The prefix sums of the bounds of exp(u_k − max) after a draw (cols entries; see bound32). */
  readonly u: Float64Array;
  /** Frozen cells, row-major (for a crossbar, its mask). */
  readonly mask: Uint8Array;
  /** Pulse counts written by devicePulses (rows entries). */
  readonly pulses: Int8Array;
  /** Generator state used by devicePulses (Rng.exportState / importState). */
  readonly rng: Int32Array;
  /** The held potentials Σ g over the last spikeWinnerSince's active rows (cols entries). */
  readonly pot: Float32Array;
  /** Each row's last input spike step (rows entries), read by spikeWinnerSince. */
  readonly last: Int32Array;
  /**
   * One output spike from the potentials held since the image's last spike (see
   * ./wasm/train.ts): idx = the rows with last[i] > since, in increasing order, the potentials
   * moved on by the rows that entered and left, then the first attempt of the softmax draw with
   * the uniforms u01 and u2 (see SpikeDraw). Returns the winner, or −1 if the attempt was
   * rejected (then call `redraw` with two new uniforms until it is not). The active count is
   * activeCount(); the winner's column is marked changed.
   */
  spikeWinnerSince(since: number, ...draw: SpikeDraw): number;
  /** Another attempt of the last draw (spikeWinner or spikeWinnerSince): the winner, or −1. */
  redraw(u01: number, u2: number): number;
  activeCount(): number;
  /** Forget the held potentials (a new image): the next spike sums its rows afresh. */
  potentialsReset(): void;
  /** Column k's weights changed: the next spikeWinnerSince sums it afresh. */
  potentialsColumn(k: number): void;
  /**
   * See ./wasm/train.ts: the gather of the `count` rows in idx, then the first attempt of the
   * softmax draw (as spikeWinnerSince: −1 if rejected); forgets the held potentials.
   */
  spikeWinner(count: number, ...draw: SpikeDraw): number;
  readSum(): number;
  /**
   * The ideal rule on column k (see ./wasm/train.ts). `frozen`: column k's number of frozen
   * cells, or −1 to count them (read with frozenCount). A column skips the LTD of cells it knows
   * to sit at wMin, and reads its frozen cells from bits (both kept per column from its last
   * update): call floorForget after writing weights or the mask other than through stdpIdeal.
   */
  stdpIdeal(
    k: number,
    count: number,
    eta: number,
    c: number,
    wMin: number,
    wMax: number,
    frozen: number,
  ): number;
  /**
   * `frozen` is column k's number of frozen cells, or −1 to count them from the mask (base 0:
   * read the count with frozenCount; with base > 0 every cell is visited and it is not used).
   */
  devicePulses(
    k: number,
    count: number,
    base: number,
    frac: number,
    logq: number,
    frozen: number,
  ): number;
  /**
   * devicePulses with base 0, then the column's pulses through the crossbar's pulse kernel
   * (bound to this matrix; call between PulseKernel.enter and leave).
   */
  devicePulseColumn(k: number, count: number, frac: number, logq: number, frozen: number): number;
  ltdCount(): number;
  /**
   * Forget column k's floor and frozen bits (every column's if k < 0): its weights or mask were
   * written elsewhere.
   */
  floorForget(k: number): void;
  /**
   * The frozen cells of the column of the last stdpIdeal, devicePulses (base 0) or
   * devicePulseColumn that was given −1 and counted them.
   */
  frozenCount(): number;
  /** fdlibm's exp, as V8's Math.exp (for tests). */
  expFdlibm(x: number): number;
  /** Lane `lane` of the softmax's four-lane float32 exp (for tests; see exp32). */
  exp32Lane(x0: number, x1: number, x2: number, x3: number, lane: number): number;
  /** Lane `lane` of the draw's four-lane bound of exp32 (for tests; see bound32). */
  bound32Lane(x0: number, x1: number, x2: number, x3: number, lane: number): number;
}

/**
 * Read kernels plus storage for a whole crossbar: the device state (pass {@link storage} to
 * createDeviceArray) and the frozen-cell mask, in the kernels' memory on the WebAssembly path.
 */
export interface CrossbarKernels extends ReadKernels {
  /** Per-cell device state (`storage.g` is {@link ReadKernels.g}). */
  readonly storage: DeviceStorage;
  /** Frozen cells (non-zero = frozen), row-major. */
  readonly mask: Uint8Array;
  /**
   * A pulse kernel for `devices`, which must live in {@link storage}; null on the JS path (use
   * `devices.pulse` there). Copies the device's step tables into the kernels' memory once.
   */
  bindPulse(devices: DeviceArray): PulseKernel | null;
}

/** DeviceArray.pulse in WebAssembly for one crossbar's devices, with bit-identical results. */
export interface PulseKernel {
  /**
   * Exactly `devices.pulse(start, stride, count, pulses, mask, c2c, tally)` with the kernels'
   * mask: the same conductances, tally and generator state afterwards. The cells must be
   * distinct (stride ≠ 0 unless count ≤ 1) and count at most max(rows, cols).
   */
  pulse(
    start: number,
    stride: number,
    count: number,
    pulses: Int8Array,
    c2c: Rng,
    tally: PulseTally,
  ): void;
  /**
   * @internal Around a pulse kernel call made from WebAssembly (TrainKernel.devicePulseColumn):
   * `enter` hands it the c2c stream's state, `leave` takes the state back and adds the call's
   * tally, as `pulse` does around its own call.
   */
  enter(c2c: Rng): void;
  /** @internal See enter. */
  leave(c2c: Rng, tally: PulseTally): void;
}

/** The slice of the WebAssembly JS API used here (Node 20's types do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}
type WasmModule = { readonly __wasmModule?: never };
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface WasmExports {
  sumRows(g: number, cols: number, idx: number, count: number, out: number): void;
  matvec(g: number, rows: number, cols: number, v: number, out: number): void;
  bindPulse(
    g: number,
    lo: number,
    span: number,
    scale: number,
    stuck: number,
    mask: number,
    list: number,
    sigma: number,
    levelsMinus1: number,
    zigR: number,
  ): void;
  pulse(start: number, stride: number, count: number, pulses: number): void;
  bindTrain(
    g: number,
    rows: number,
    cols: number,
    idx: number,
    out: number,
    u: number,
    bias: number,
    mask: number,
    flags: number,
    pulses: number,
    rng: number,
    last: number,
    scratch: number,
  ): void;
  bindPotentials(
    pot: number,
    ex: number,
    held: number,
    enter: number,
    leave: number,
    dirty: number,
    dirtyFlags: number,
  ): void;
  spikeWinnerSince: TrainKernel['spikeWinnerSince'];
  bindFloor(bits: number, frozen: number, ok: number): void;
  floorForget(k: number): void;
  activeCount(): number;
  potentialsReset(): void;
  potentialsColumn(k: number): void;
  spikeWinner: TrainKernel['spikeWinner'];
  readSum(): number;
  stdpIdeal: TrainKernel['stdpIdeal'];
  devicePulses: TrainKernel['devicePulses'];
  devicePulseColumn: TrainKernel['devicePulseColumn'];
  ltdCount(): number;
  frozenCount(): number;
  expFdlibm(x: number): number;
  exp32Lane(x0: number, x1: number, x2: number, x3: number, lane: number): number;
  bound32Lane(x0: number, x1: number, x2: number, x3: number, lane: number): number;
  redraw(u01: number, u2: number): number;
  logFdlibm(x: number): number;
  encode(
    img: number,
    pixels: number,
    T: number,
    logq: number,
    rng: number,
    tmpT: number,
    tmpI: number,
    inputs: number,
    start: number,
    fill: number,
  ): number;
  /** Header offsets (see ./wasm/pulse.ts). */
  ZIG_KN: { value: number };
  ZIG_WN: { value: number };
  ZIG_FN: { value: number };
  RNG_STATE: { value: number };
  TALLY: { value: number };
  STEP_TABLES: { value: number };
  STEP_RESET: { value: number };
  PULSE_HEADER: { value: number };
}

let wasmModule: WasmModule | null | undefined;

/** The compiled kernels module, or null when it cannot be loaded here. */
function kernelsModule(): WasmModule | null {
  if (wasmModule === undefined) {
    try {
      if (!WA) throw new Error('no WebAssembly');
      wasmModule = new WA.Module(fs.readFileSync(path.join(__dirname, 'kernels.wasm')));
    } catch {
      wasmModule = null;
    }
  }
  return wasmModule;
}

/**
 * Is the WebAssembly path (SIMD reads and the pulse kernel) available in this runtime? false when
 * the runtime lacks WebAssembly SIMD or the .wasm was not built beside this file
 * (`npm run build`). The module is compiled once per process, on the first call.
 *
 * @example
 * const k = createReadKernels(397, 500);
 * k.simd === isSimdAvailable(); // true: SIMD is the default when available
 */
export function isSimdAvailable(): boolean {
  return kernelsModule() !== null;
}

function checkOut(fn: string, out: unknown, cols: number): void {
  if (!(out instanceof Float32Array || out instanceof Float64Array))
    fail(fn, 'out', out, `a Float32Array or Float64Array of length ${cols} (cols)`);
  if (out.length !== cols) fail(fn, 'out', out, `an array of length ${cols} (cols)`);
}

function checkSumRows(
  rows: number,
  cols: number,
  idx: Int32Array | Uint32Array,
  count: number,
  out: Float32Array | Float64Array,
  fn = 'ReadKernels.sumRows',
): void {
  if (!(idx instanceof Int32Array || idx instanceof Uint32Array))
    fail(fn, 'idx', idx, 'an Int32Array or Uint32Array of row indices');
  if (!Number.isInteger(count) || count < 0 || count > idx.length)
    fail(fn, 'count', count, `an integer in [0, ${idx.length}]`);
  checkOut(fn, out, cols);
  for (let k = 0; k < count; k++) {
    const r = idx[k]!;
    if (!(r >= 0 && r < rows)) fail(fn, `idx[${k}]`, r, `an integer in [0, ${rows})`);
  }
}

function checkMatvec(
  rows: number,
  cols: number,
  v: ArrayLike<number>,
  out: Float32Array | Float64Array,
  fn = 'ReadKernels.matvec',
): void {
  if (!v || typeof v !== 'object' || v.length !== rows)
    fail(fn, 'v', v, `an array of length ${rows} (rows)`);
  checkOut(fn, out, cols);
  for (let i = 0; i < rows; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) fail(fn, `v[${i}]`, x, 'a finite voltage');
  }
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * The pulse kernel's fixed header at the start of a crossbar kernels memory (byte offsets; they
 * mirror the constants exported by ./wasm/pulse.ts, checked when a pulse kernel is bound).
 */
const HEADER = {
  ZIG_KN: 0,
  ZIG_WN: 512,
  ZIG_FN: 1536,
  RNG_STATE: 2560,
  TALLY: 2576,
  STEP_TABLES: 4096,
  STEP_RESET: 32768,
  PULSE_HEADER: 53312,
} as const;

/** Byte offsets in a kernels memory. The device part is absent for read-only kernels. */
interface Layout {
  g: number;
  v: number;
  out: number;
  idx: number;
  /** Frozen cells (u8 per cell), and the training scratch (see TrainKernel). */
  mask: number;
  u: number;
  bias: number;
  ownBias: number;
  flags: number;
  pulses: number;
  rng: number;
  last: number;
  /** The ideal rule's floor bits and their per-column flags (see bindFloor in ./wasm/train.ts). */
  floor: { bits: number; frozen: number; ok: number };
  /** The incremental potentials' scratch (see bindPotentials in ./wasm/train.ts). */
  potentials: {
    pot: number;
    ex: number;
    held: number;
    enter: number;
    leave: number;
    dirty: number;
    dirtyFlags: number;
  };
  device: {
    lo: number;
    span: number;
    scale: number;
    stuck: number;
    mask: number;
    pulses: number;
    /** Capacity of the pulse-count scratch (max(rows, cols)). */
    pulsesCap: number;
    /** The pulse kernel's queue of cells (i32), pulsesCap + 1 entries. */
    list: number;
  } | null;
  bytes: number;
}

function layoutOf(rows: number, cols: number, withDevices: boolean): Layout {
  const n = rows * cols;
  let at = withDevices ? HEADER.PULSE_HEADER : 0;
  const take = (bytes: number) => {
    const o = at;
    at += align16(bytes);
    return o;
  };
  const g = take(n * 4);
  const v = take(rows * 4);
  const out = take(Math.ceil(cols / 4) * 16); // whole blocks of four (the softmax's)
  const idx = take(rows * 4);
  const mask = take(n);
  const u = take(Math.ceil(cols / 4) * 32);
  const bias = take(cols * 8);
  const ownBias = take(cols * 8);
  const flags = take(rows);
  const pulses = take(rows);
  const rng = take(16);
  const last = take(Math.ceil(rows / 16) * 64); // read sixteen rows at a time
  const pot = take(Math.ceil(cols / 4) * 16);
  const ex = take(Math.ceil(cols / 4) * 16);
  const held = take(Math.ceil(rows / 16) * 2);
  const enter = take(rows * 4);
  const leave = take(rows * 4);
  const dirty = take(cols * 4);
  const dirtyFlags = take(cols);
  const bitBytes = cols * Math.ceil(rows / 32) * 4; // a bit per cell, a column's in whole words
  const floor = take(bitBytes);
  const frozenBits = take(bitBytes);
  const floorOk = take(cols);
  let device: Layout['device'] = null;
  if (withDevices) {
    const pulsesCap = Math.max(rows, cols);
    device = {
      lo: take(n * 4),
      span: take(n * 4),
      scale: take(n * 4),
      stuck: take(n),
      mask,
      pulses: take(pulsesCap),
      pulsesCap,
      list: take((pulsesCap + 1) * 4),
    };
  }
  const potentials = { pot, ex, held, enter, leave, dirty, dirtyFlags };
  return {
    g,
    v,
    out,
    idx,
    mask,
    u,
    bias,
    ownBias,
    flags,
    pulses,
    rng,
    last,
    potentials,
    floor: { bits: floor, frozen: frozenBits, ok: floorOk },
    device,
    bytes: at,
  };
}

/** A fixed-size memory and an instance on it, or null if the memory cannot be had. */
function instantiate(
  module: WasmModule,
  bytes: number,
): { buffer: ArrayBuffer; fns: WasmExports } | null {
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  let memory: { buffer: ArrayBuffer };
  try {
    memory = new WA!.Memory({ initial: pages, maximum: pages });
  } catch {
    return null; // too large for this runtime: the JS path needs no single huge buffer
  }
  const imports = { env: { memory, exp: Math.exp, log: Math.log } };
  const fns = new WA!.Instance(module, imports).exports as unknown as WasmExports;
  return { buffer: memory.buffer, fns };
}

/** Bind the training kernels of an instance to its layout. */
function bindTrain(
  rows: number,
  cols: number,
  L: Layout,
  wasm: { buffer: ArrayBuffer; fns: WasmExports },
): TrainKernel {
  const { buffer: buf, fns } = wasm;
  fns.bindTrain(
    L.g,
    rows,
    cols,
    L.idx,
    L.out,
    L.u,
    L.bias,
    L.mask,
    L.flags,
    L.pulses,
    L.rng,
    L.last,
    L.v, // the dense read's input vector, idle while training: stdpIdeal's scratch
  );
  const P = L.potentials;
  fns.bindFloor(L.floor.bits, L.floor.frozen, L.floor.ok);
  fns.bindPotentials(P.pot, P.ex, P.held, P.enter, P.leave, P.dirty, P.dirtyFlags);
  return {
    idx: new Int32Array(buf, L.idx, rows),
    bias: new Float64Array(buf, L.bias, cols),
    ownBias: new Float64Array(buf, L.ownBias, cols),
    u: new Float64Array(buf, L.u, cols),
    mask: new Uint8Array(buf, L.mask, rows * cols),
    pulses: new Int8Array(buf, L.pulses, rows),
    rng: new Int32Array(buf, L.rng, 4),
    last: new Int32Array(buf, L.last, rows),
    pot: new Float32Array(buf, L.potentials.pot, cols),
    spikeWinnerSince: fns.spikeWinnerSince,
    activeCount: fns.activeCount,
    potentialsReset: fns.potentialsReset,
    potentialsColumn: fns.potentialsColumn,
    spikeWinner: fns.spikeWinner,
    readSum: fns.readSum,
    stdpIdeal: fns.stdpIdeal,
    floorForget: fns.floorForget,
    devicePulses: fns.devicePulses,
    devicePulseColumn: fns.devicePulseColumn,
    ltdCount: fns.ltdCount,
    frozenCount: fns.frozenCount,
    expFdlibm: fns.expFdlibm,
    exp32Lane: fns.exp32Lane,
    bound32Lane: fns.bound32Lane,
    redraw: fns.redraw,
  };
}

/**
 * @internal Poisson encoding in WebAssembly (./wasm/train.ts, `encode`) for images of `pixels`
 * bytes and `steps` steps, on its own memory: the same module as the gather, the work of
 * PoissonEncoder.encode with identical results.
 */
export interface EncoderKernel {
  /** The image to encode (pixels bytes). */
  readonly image: Uint8Array;
  /** ln(1 − p) per byte value. */
  readonly logq: Float64Array;
  /** Generator state (Rng.exportState / importState). */
  readonly rng: Int32Array;
  /** The raster: steps + 1 step starts, and room for pixels·steps spike inputs. */
  readonly start: Int32Array;
  readonly inputs: Int32Array;
  /** Encode `image`; returns the spike count. */
  encode(): number;
  /** fdlibm's log, as V8's Math.log (for tests). */
  logFdlibm(x: number): number;
}

/** An encoder kernel, or null without WebAssembly (or if its memory cannot be had). */
export function createEncoderKernel(pixels: number, steps: number): EncoderKernel | null {
  const module = kernelsModule();
  if (!module) return null;
  const cap = pixels * steps;
  let at = 0;
  const take = (bytes: number) => {
    const o = at;
    at += align16(bytes);
    return o;
  };
  const logq = take(256 * 8);
  const rng = take(16);
  const img = take(pixels);
  const start = take((steps + 1) * 4);
  const fill = take(steps * 4);
  const tmpT = take(cap * 4);
  const tmpI = take(cap * 4);
  const inputs = take(cap * 4);
  const wasm = at <= 2 ** 31 ? instantiate(module, at) : null;
  if (!wasm) return null;
  const { buffer: buf, fns } = wasm;
  return {
    image: new Uint8Array(buf, img, pixels),
    logq: new Float64Array(buf, logq, 256),
    rng: new Int32Array(buf, rng, 4),
    start: new Int32Array(buf, start, steps + 1),
    inputs: new Int32Array(buf, inputs, cap),
    encode: () => fns.encode(img, pixels, steps, logq, rng, tmpT, tmpI, inputs, start, fill),
    logFdlibm: fns.logFdlibm,
  };
}

class WasmReadKernels implements ReadKernels {
  readonly simd = true;
  readonly train: TrainKernel;
  readonly g: Float32Array;
  protected readonly fns: WasmExports;
  protected readonly buffer: ArrayBuffer;
  protected readonly gOff: number;
  private readonly vOff: number;
  private readonly outOff: number;
  private readonly idxOff: number;
  private readonly v: Float32Array;
  private readonly out: Float32Array;
  private readonly idx: Int32Array;

  constructor(
    readonly rows: number,
    readonly cols: number,
    layout: Layout,
    wasm: { buffer: ArrayBuffer; fns: WasmExports },
  ) {
    this.fns = wasm.fns;
    const buf = (this.buffer = wasm.buffer);
    this.gOff = layout.g;
    this.vOff = layout.v;
    this.outOff = layout.out;
    this.idxOff = layout.idx;
    this.g = new Float32Array(buf, this.gOff, rows * cols);
    this.v = new Float32Array(buf, this.vOff, rows);
    this.out = new Float32Array(buf, this.outOff, cols);
    this.idx = new Int32Array(buf, this.idxOff, rows);
    this.train = bindTrain(rows, cols, layout, wasm);
  }

  matvec(v: ArrayLike<number>, out: Float32Array | Float64Array, caller?: string): void {
    checkMatvec(this.rows, this.cols, v, out, caller);
    const vv = this.v;
    for (let i = 0; i < this.rows; i++) vv[i] = v[i]!;
    this.fns.matvec(this.gOff, this.rows, this.cols, this.vOff, this.outOff);
    out.set(this.out);
  }

  sumRows(
    idx: Int32Array | Uint32Array,
    count: number,
    out: Float32Array | Float64Array,
    caller?: string,
  ): void {
    checkSumRows(this.rows, this.cols, idx, count, out, caller);
    // The index scratch holds `rows` entries; a longer list (repeated rows) goes in chunks.
    const cap = this.rows;
    const first = Math.min(count, cap);
    this.idx.set(first === idx.length ? idx : idx.subarray(0, first));
    this.fns.sumRows(this.gOff, this.cols, this.idxOff, first, this.outOff);
    out.set(this.out);
    for (let k = cap; k < count; k += cap) {
      const n = Math.min(count - k, cap);
      this.idx.set(idx.subarray(k, k + n));
      this.fns.sumRows(this.gOff, this.cols, this.idxOff, n, this.outOff);
      const part = this.out;
      for (let j = 0; j < out.length; j++) out[j] += part[j]!;
    }
  }
}

/**
 * Does the loaded kernels.wasm match this file (header layout, argument counts)? A stale build
 * would otherwise misread its arguments silently.
 */
function checkPulseAbi(fns: WasmExports): void {
  const found: Array<[string, number, number]> = Object.entries(HEADER).map(([name, at]) => [
    name,
    fns[name as keyof typeof HEADER]?.value,
    at,
  ]);
  found.push(
    ['bindPulse arity', fns.bindPulse.length, 10],
    ['pulse arity', fns.pulse.length, 4],
    ['devicePulseColumn arity', fns.devicePulseColumn.length, 5],
    ['stdpIdeal arity', fns.stdpIdeal.length, 7],
  );
  for (const [name, built, expected] of found) {
    if (built !== expected)
      throw new CbramError(
        'E_CHECKSUM',
        `createCrossbarKernels: kernels.wasm does not match kernels.ts (${name} is ${built}, expected ${expected}); rebuild it with npm run build`,
        { fn: 'createCrossbarKernels', param: name, value: built },
      );
  }
}

class WasmCrossbarKernels extends WasmReadKernels implements CrossbarKernels {
  readonly storage: DeviceStorage;
  readonly mask: Uint8Array;
  private readonly dev: NonNullable<Layout['device']>;
  private bound: DeviceArray | null = null;

  constructor(
    rows: number,
    cols: number,
    layout: Layout,
    wasm: { buffer: ArrayBuffer; fns: WasmExports },
  ) {
    super(rows, cols, layout, wasm);
    const d = (this.dev = layout.device!);
    const n = rows * cols;
    const buf = this.buffer;
    this.storage = {
      g: this.g,
      lo: new Float32Array(buf, d.lo, n),
      span: new Float32Array(buf, d.span, n),
      scale: new Float32Array(buf, d.scale, n),
      stuck: new Uint8Array(buf, d.stuck, n),
    };
    this.mask = new Uint8Array(buf, d.mask, n);
  }

  bindPulse(devices: DeviceArray): PulseKernel {
    const fn = 'CrossbarKernels.bindPulse';
    const s = this.storage;
    if (
      devices.g !== s.g ||
      devices.lo !== s.lo ||
      devices.span !== s.span ||
      devices.scale !== s.scale ||
      devices.stuck !== s.stuck
    )
      fail(fn, 'devices', devices, 'a DeviceArray created on these kernels’ storage');
    if (this.bound !== null && this.bound !== devices)
      fail(fn, 'devices', devices, 'the DeviceArray already bound (one per kernels object)');
    this.bound = devices;
    const d = this.dev;
    const buf = this.buffer;
    const fns = this.fns;
    checkPulseAbi(fns);
    // Step tables as (value, slope) pairs, so one interpolation touches one cache line.
    const setTab = new Float64Array(buf, HEADER.STEP_TABLES, 2 * STEP_TABLE_SIZE);
    const resetTab = new Float64Array(
      buf,
      HEADER.STEP_TABLES + HEADER.STEP_RESET,
      2 * STEP_TABLE_SIZE,
    );
    const { set, reset } = devices.tables;
    const { set: setS, reset: resetS } = devices.slopes;
    for (let j = 0; j < STEP_TABLE_SIZE; j++) {
      setTab[2 * j] = set[j]!;
      setTab[2 * j + 1] = setS[j]!;
      resetTab[2 * j] = reset[j]!;
      resetTab[2 * j + 1] = resetS[j]!;
    }
    const zigR = copyZigguratTables(
      new Uint32Array(buf, HEADER.ZIG_KN, 128),
      new Float64Array(buf, HEADER.ZIG_WN, 128),
      new Float64Array(buf, HEADER.ZIG_FN, 128),
    );
    const L = devices.config.levels;
    fns.bindPulse(
      this.gOff,
      d.lo,
      d.span,
      d.scale,
      d.stuck,
      d.mask,
      d.list,
      devices.config.c2cStd,
      L > 0 ? L - 1 : 0,
      zigR,
    );
    return new WasmPulseKernel(
      fns,
      devices.size,
      devices.config.c2cStd > 0,
      new Int8Array(buf, d.pulses, d.pulsesCap),
      new Int32Array(buf, HEADER.RNG_STATE, 4),
      new Float64Array(buf, HEADER.TALLY, 4),
    );
  }
}

class WasmPulseKernel implements PulseKernel {
  constructor(
    private readonly fns: WasmExports,
    private readonly size: number,
    private readonly noisy: boolean,
    private readonly pulses: Int8Array,
    private readonly rng: Int32Array,
    private readonly tallyOut: Float64Array,
  ) {}

  pulse(
    start: number,
    stride: number,
    count: number,
    pulses: Int8Array,
    c2c: Rng,
    tally: PulseTally,
  ): void {
    const last = start + (count - 1) * stride;
    // The kernel does not bounds-check: a bad index would silently corrupt the other arrays.
    if (
      !(pulses instanceof Int8Array) ||
      (count | 0) !== count ||
      (start | 0) !== start ||
      (stride | 0) !== stride ||
      count < 0 ||
      count > pulses.length ||
      count > this.pulses.length ||
      (count > 1 && stride === 0) ||
      (count > 0 && !(start >= 0 && start < this.size && last >= 0 && last < this.size))
    )
      fail(
        'PulseKernel.pulse',
        '(start, stride, count, pulses)',
        [start, stride, count, pulses?.length],
        `a line of distinct cells inside the ${this.size} cells, at most ${this.pulses.length} long`,
      );
    this.pulses.set(count === pulses.length ? pulses : pulses.subarray(0, count));
    this.enter(c2c);
    this.fns.pulse(start, stride, count, this.pulses.byteOffset);
    this.leave(c2c, tally);
  }

  enter(c2c: Rng): void {
    if (this.noisy) c2c.exportState(this.rng);
  }

  leave(c2c: Rng, tally: PulseTally): void {
    if (this.noisy) c2c.importState(this.rng);
    const t = this.tallyOut;
    tally.set += t[0]!;
    tally.reset += t[1]!;
    tally.setG += t[2]!;
    tally.resetG += t[3]!;
  }
}

class JsReadKernels implements ReadKernels {
  readonly simd = false;
  readonly train = null;
  readonly g: Float32Array;
  /** float64 accumulator: one monomorphic loop whatever the type of `out`. */
  private readonly acc: Float64Array;
  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {
    this.g = new Float32Array(rows * cols);
    this.acc = new Float64Array(cols);
  }

  // The same loop structure as ./wasm/read.ts: four rows per pass over the accumulator.
  matvec(v: ArrayLike<number>, out: Float32Array | Float64Array, caller?: string): void {
    const { rows, cols, g, acc } = this;
    checkMatvec(rows, cols, v, out, caller);
    acc.fill(0);
    let n = 0; // rows pending in (o0, x0) .. (o2, x2)
    let o0 = 0;
    let o1 = 0;
    let o2 = 0;
    let x0 = 0;
    let x1 = 0;
    let x2 = 0;
    for (let i = 0; i < rows; i++) {
      const x = +v[i]!;
      if (x === 0) continue;
      const o = i * cols;
      if (n === 0) {
        o0 = o;
        x0 = x;
        n = 1;
      } else if (n === 1) {
        o1 = o;
        x1 = x;
        n = 2;
      } else if (n === 2) {
        o2 = o;
        x2 = x;
        n = 3;
      } else {
        for (let j = 0; j < cols; j++)
          acc[j] += x0 * g[o0 + j]! + x1 * g[o1 + j]! + (x2 * g[o2 + j]! + x * g[o + j]!);
        n = 0;
      }
    }
    if (n > 0) for (let j = 0; j < cols; j++) acc[j] += x0 * g[o0 + j]!;
    if (n > 1) for (let j = 0; j < cols; j++) acc[j] += x1 * g[o1 + j]!;
    if (n > 2) for (let j = 0; j < cols; j++) acc[j] += x2 * g[o2 + j]!;
    out.set(acc);
  }

  sumRows(
    idx: Int32Array | Uint32Array,
    count: number,
    out: Float32Array | Float64Array,
    caller?: string,
  ): void {
    const { rows, cols, g, acc } = this;
    checkSumRows(rows, cols, idx, count, out, caller);
    acc.fill(0);
    let k = 0;
    for (; k + 3 < count; k += 4) {
      const o0 = idx[k]! * cols;
      const o1 = idx[k + 1]! * cols;
      const o2 = idx[k + 2]! * cols;
      const o3 = idx[k + 3]! * cols;
      for (let j = 0; j < cols; j++) acc[j] += g[o0 + j]! + g[o1 + j]! + (g[o2 + j]! + g[o3 + j]!);
    }
    for (; k < count; k++) {
      const o = idx[k]! * cols;
      for (let j = 0; j < cols; j++) acc[j] += g[o + j]!;
    }
    out.set(acc);
  }
}

class JsCrossbarKernels extends JsReadKernels implements CrossbarKernels {
  readonly storage: DeviceStorage;
  readonly mask: Uint8Array;
  constructor(rows: number, cols: number) {
    super(rows, cols);
    const n = rows * cols;
    this.storage = {
      g: this.g,
      lo: new Float32Array(n),
      span: new Float32Array(n),
      scale: new Float32Array(n),
      stuck: new Uint8Array(n),
    };
    this.mask = new Uint8Array(n);
  }

  bindPulse(): null {
    return null;
  }
}

function checkShape(fn: string, rows: number, cols: number, bytesPerCell: number): void {
  checkPositiveInt(fn, 'rows', rows);
  checkPositiveInt(fn, 'cols', cols);
  if (rows * cols > 1 << 28) fail(fn, 'rows × cols', rows * cols, `at most ${1 << 28} cells`);
  checkBudget(fn, 'rows × cols', rows * cols, bytesPerCell, {
    unit: 'cells',
    hint: 'lower rows or cols',
  });
}

/** Options for {@link createReadKernels}. */
export interface ReadKernelsOptions {
  /**
   * Use the WebAssembly SIMD path (default: true when {@link isSimdAvailable}). false forces the
   * plain-JS fallback; true falls back to JS when SIMD is unavailable (check `simd` on the result).
   */
  simd?: boolean;
}

/**
 * Read kernels for a rows × cols matrix (all conductances 0 at first): WebAssembly SIMD when
 * available (default), else plain JS with the same results to ~1e-5 relative. Each kernels object
 * owns its own fixed-size memory; two objects never share state.
 *
 * @example
 * const k = createReadKernels(397, 500);
 * k.g.fill(1e-5);
 * k.sumRows(Int32Array.of(3, 7), 2, new Float64Array(500)); // every entry 2e-5
 * const js = createReadKernels(397, 500, { simd: false }); // the fallback, e.g. for comparison
 */
export function createReadKernels(
  rows: number,
  cols: number,
  options: ReadKernelsOptions = {},
): ReadKernels {
  checkShape('createReadKernels', rows, cols, 4);
  checkOptions('createReadKernels', options, ['simd']);
  if (options.simd !== undefined) checkBoolean('createReadKernels', 'options.simd', options.simd);
  const module = options.simd === false ? null : kernelsModule();
  if (module) {
    const layout = layoutOf(rows, cols, false);
    const wasm = instantiate(module, layout.bytes);
    if (wasm) return new WasmReadKernels(rows, cols, layout, wasm);
  }
  return new JsReadKernels(rows, cols);
}

/**
 * Kernels and storage for a whole rows × cols crossbar: reads, device state, mask and the pulse
 * kernel in one WebAssembly memory when available (default), else JS typed arrays (and
 * `bindPulse` returns null). Falls back to JS too when the memory (about 18 bytes per cell plus
 * 53 kB of tables) cannot be allocated. `options.simd` as for {@link createReadKernels}.
 *
 * @example
 * const k = createCrossbarKernels(397, 500);
 * const dev = createDeviceArray(PRESETS['cbram-subquantum'], 397 * 500, d2d, k.storage);
 * const pk = k.bindPulse(dev); // null without WebAssembly
 * pk?.pulse(0, 1, 500, new Int8Array(500).fill(1), c2c, createTally()); // row 0, one SET each
 */
export function createCrossbarKernels(
  rows: number,
  cols: number,
  options: ReadKernelsOptions = {},
): CrossbarKernels {
  checkShape('createCrossbarKernels', rows, cols, 18);
  checkOptions('createCrossbarKernels', options, ['simd']);
  if (options.simd !== undefined)
    checkBoolean('createCrossbarKernels', 'options.simd', options.simd);
  const module = options.simd === false ? null : kernelsModule();
  if (module) {
    const layout = layoutOf(rows, cols, true);
    const wasm = layout.bytes <= 2 ** 32 ? instantiate(module, layout.bytes) : null;
    if (wasm) return new WasmCrossbarKernels(rows, cols, layout, wasm);
  }
  return new JsCrossbarKernels(rows, cols);
}
