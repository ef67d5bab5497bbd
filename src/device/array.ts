/**
 * Many devices of one config, with all state in typed arrays (never one object per cell).
 *
 * Per-cell state: conductance `g` (S) plus the device-to-device draws made once at creation:
 * the cell's own G_min (`lo`), range (`span`), step multiplier (`scale`) and fault (`stuck`).
 * Cells are addressed by flat index; the crossbar lays them out row-major.
 */
import { checkDeviceConfig, type DeviceConfig } from './config';
import { buildStepTables, STEP_TABLE_SIZE, type StepTables } from './models';
import { Rng } from '../core/rng';
import { checkBudget, checkInt, checkNumber, checkOptions, fail } from '../core/validate';

/** Fault codes stored in {@link DeviceArray.stuck}. */
export const FAULT_NONE = 0;
export const FAULT_STUCK_OFF = 1;
export const FAULT_STUCK_ON = 2;

/**
 * Running tally of pulses applied by {@link DeviceArray.pulse}. `setG` and `resetG` sum the
 * conductance (S) each pulsed cell had when its pulse began, so energy = V²·t·ΣG.
 */
export interface PulseTally {
  set: number;
  reset: number;
  setG: number;
  resetG: number;
}

/** A zeroed tally. */
export function createTally(): PulseTally {
  return { set: 0, reset: 0, setG: 0, resetG: 0 };
}

/**
 * Storage for a device array's per-cell state, each of length `size`: typically views into a
 * kernel's memory (the crossbar keeps them in its WebAssembly memory). Every array is fully
 * written by {@link createDeviceArray}; the arrays must not overlap (checked).
 */
export interface DeviceStorage {
  /** Conductance, S. */
  g: Float32Array;
  /** Per-cell G_min, S. */
  lo: Float32Array;
  /** Per-cell G_max − G_min, S. */
  span: Float32Array;
  /** Per-cell step multiplier. */
  scale: Float32Array;
  /** Per-cell fault code. */
  stuck: Uint8Array;
}

/** Options for {@link createDeviceArray}. */
export interface DeviceArrayOptions extends Partial<DeviceStorage> {
  /** Initial normalised state x ∈ [0, 1] of every working cell (default 0: fully reset). */
  initial?: number;
}

const TABLE_LAST = STEP_TABLE_SIZE - 1;

/**
 * An array of devices. Mutates in place; see {@link createDeviceArray}.
 */
export class DeviceArray {
  readonly config: DeviceConfig;
  readonly size: number;
  readonly tables: StepTables;
  /** @internal Differences of consecutive table entries (the interpolation slopes). */
  readonly slopes: StepTables;
  /** Conductance, S. */
  readonly g: Float32Array;
  /** Per-cell G_min, S (device-to-device spread). */
  readonly lo: Float32Array;
  /** Per-cell G_max − G_min, S. */
  readonly span: Float32Array;
  /** Per-cell step multiplier (lognormal, mean 1). */
  readonly scale: Float32Array;
  /** Per-cell fault: FAULT_NONE, FAULT_STUCK_OFF or FAULT_STUCK_ON. */
  readonly stuck: Uint8Array;

  /** @internal Use {@link createDeviceArray}. */
  constructor(config: DeviceConfig, size: number, storage: DeviceStorage) {
    this.config = config;
    this.size = size;
    this.tables = buildStepTables(config.model);
    const diff = (t: Float64Array) =>
      Float64Array.from(t, (v, j) => (j + 1 < t.length ? t[j + 1]! - v : 0));
    this.slopes = { set: diff(this.tables.set), reset: diff(this.tables.reset) };
    this.g = storage.g;
    this.lo = storage.lo;
    this.span = storage.span;
    this.scale = storage.scale;
    this.stuck = storage.stuck;
  }

  /** Normalised state x of cell i in its own range. */
  normalized(i: number): number {
    return (this.g[i]! - this.lo[i]!) / this.span[i]!;
  }

  /**
   * Write cell i directly to normalised state x (clamped to [0, 1], quantised to the levels).
   * Models an ideal program-and-verify write; it issues no counted pulses. Stuck cells keep
   * their stuck value.
   */
  setNormalized(i: number, x: number): void {
    const st = this.stuck[i]!;
    if (st !== FAULT_NONE) {
      this.g[i] = st === FAULT_STUCK_ON ? this.lo[i]! + this.span[i]! : this.lo[i]!;
      return;
    }
    let y = x < 0 ? 0 : x > 1 ? 1 : x;
    const L = this.config.levels;
    if (L > 0) y = Math.round(y * (L - 1)) / (L - 1);
    this.g[i] = this.lo[i]! + y * this.span[i]!;
  }

  /**
   * Apply pulses to the cells `start + k·stride` for k < count. `pulses[k]` is a signed count:
   * n > 0 applies n SET pulses, n < 0 applies |n| RESET pulses, 0 none. A cell whose `mask` entry
   * (indexed by cell) is non-zero is frozen: it gets no pulse and costs nothing. Stuck cells take
   * the pulse (and its energy) but do not move. Cycle-to-cycle noise is drawn from `c2c`.
   *
   * @example
   * const tally = createTally();
   * dev.pulse(0, 1, 4, Int8Array.of(1, 1, -1, 0), null, rng.stream('c2c'), tally);
   */
  pulse(
    start: number,
    stride: number,
    count: number,
    pulses: Int8Array,
    mask: Uint8Array | null,
    c2c: Rng,
    tally: PulseTally,
  ): void {
    checkPulseLine(this.size, start, stride, count, pulses, mask, c2c, tally);
    const { g, lo, span, scale, stuck } = this;
    const setT = this.tables.set;
    const resetT = this.tables.reset;
    const setS = this.slopes.set;
    const resetS = this.slopes.reset;
    const sigma = this.config.c2cStd;
    const L = this.config.levels;
    const lm1 = L > 0 ? L - 1 : 0;
    let nSet = 0;
    let nReset = 0;
    let gSet = 0;
    let gReset = 0;
    for (let k = 0, i = start; k < count; k++, i += stride) {
      const n0 = pulses[k]!;
      if (n0 === 0 || (mask !== null && mask[i] !== 0)) continue;
      const gi = g[i]!;
      if (stuck[i] !== FAULT_NONE) {
        if (n0 > 0) {
          nSet += n0;
          gSet += n0 * gi;
        } else {
          nReset -= n0;
          gReset -= n0 * gi;
        }
        continue;
      }
      const l = lo[i]!;
      const sp = span[i]!;
      const sc = scale[i]!;
      let x = (gi - l) / sp;
      if (n0 === 1 || n0 === -1) {
        // One pulse: the common case, kept free of the inner loop.
        const t = (x < 0 ? 0 : x > 1 ? 1 : x) * TABLE_LAST;
        let j = t | 0;
        if (j >= TABLE_LAST) j = TABLE_LAST - 1;
        if (n0 > 0) {
          nSet++;
          gSet += gi;
          let d = (setT[j]! + (t - j) * setS[j]!) * sc;
          if (sigma > 0) d += sigma * c2c.normal();
          x += d;
        } else {
          nReset++;
          gReset += gi;
          let d = (resetT[j]! + (t - j) * resetS[j]!) * sc;
          if (sigma > 0) d -= sigma * c2c.normal();
          x -= d;
        }
        x = x < 0 ? 0 : x > 1 ? 1 : x;
        if (lm1 > 0) x = Math.round(x * lm1) / lm1;
        g[i] = l + x * sp;
        continue;
      }
      const up = n0 > 0;
      const n = up ? n0 : -n0;
      const tab = up ? setT : resetT;
      const slope = up ? setS : resetS;
      for (let p = 0; p < n; p++) {
        if (up) gSet += l + x * sp;
        else gReset += l + x * sp;
        const t = (x < 0 ? 0 : x > 1 ? 1 : x) * TABLE_LAST;
        let j = t | 0;
        if (j >= TABLE_LAST) j = TABLE_LAST - 1;
        let d = (tab[j]! + (t - j) * slope[j]!) * sc;
        if (sigma > 0) d += up ? sigma * c2c.normal() : -sigma * c2c.normal();
        x = up ? x + d : x - d;
        x = x < 0 ? 0 : x > 1 ? 1 : x;
        if (lm1 > 0) x = Math.round(x * lm1) / lm1;
      }
      g[i] = l + x * sp;
      if (up) nSet += n;
      else nReset += n;
    }
    tally.set += nSet;
    tally.reset += nReset;
    tally.setG += gSet;
    tally.resetG += gReset;
  }

  /**
   * Retention loss over `dt` seconds: every working cell relaxes exponentially toward its own
   * G_min with the config's time constant (weak subquantum filaments dissolve toward the high
   * resistance state). No effect when retentionTau is Infinity.
   */
  relax(dt: number): void {
    checkNumber('DeviceArray.relax', 'dt', dt, { min: 0 });
    const tau = this.config.retentionTau;
    if (!Number.isFinite(tau) || dt === 0) return;
    const f = Math.exp(-dt / tau);
    const { g, lo, stuck } = this;
    for (let i = 0; i < this.size; i++) {
      if (stuck[i] === FAULT_NONE) g[i] = lo[i]! + (g[i]! - lo[i]!) * f;
    }
  }
}

/** The entry checks of {@link DeviceArray.pulse}: O(1), outside its loop. */
function checkPulseLine(
  size: number,
  start: number,
  stride: number,
  count: number,
  pulses: unknown,
  mask: unknown,
  c2c: unknown,
  tally: unknown,
): void {
  const fn = 'DeviceArray.pulse';
  const ints = Number.isInteger(start) && Number.isInteger(stride) && Number.isInteger(count);
  const last = ints ? start + (count - 1) * stride : NaN;
  if (
    !(pulses instanceof Int8Array) ||
    !ints ||
    count < 0 ||
    count > pulses.length ||
    (count > 1 && stride === 0) ||
    (count > 0 && !(start >= 0 && start < size && last >= 0 && last < size))
  )
    fail(
      fn,
      '(start, stride, count, pulses)',
      [start, stride, count, (pulses as Int8Array | null)?.length],
      `a line of distinct cells inside the ${size} cells and an Int8Array of at least count pulses`,
    );
  if (mask !== null && (!(mask instanceof Uint8Array) || mask.length !== size))
    fail(fn, 'mask', mask, `null or a Uint8Array of length ${size}`);
  if (!(c2c instanceof Rng)) fail(fn, 'c2c', c2c, 'an Rng, e.g. createRng(seed).stream("c2c")');
  if (tally === null || typeof tally !== 'object')
    fail(fn, 'tally', tally, 'a PulseTally from createTally()');
}

/** Lognormal multiplier with mean 1 and relative spread `sd` (exact mean, any sd). */
function lognormalUnitMean(rng: Rng, sd: number): number {
  if (sd === 0) return 1;
  const s2 = Math.log(1 + sd * sd);
  return Math.exp(Math.sqrt(s2) * rng.normal() - s2 / 2);
}

const STORAGE_KEYS = ['g', 'lo', 'span', 'scale', 'stuck'] as const;
/** Bytes per cell of each storage array. */
const STORAGE_BYTES: Record<keyof DeviceStorage, number> = {
  g: 4,
  lo: 4,
  span: 4,
  scale: 4,
  stuck: 1,
};

/** A caller's storage array for createDeviceArray (checked), or a new one. */
function storageArray<T extends Float32Array | Uint8Array>(
  given: T | undefined,
  type: { new (n: number): T; name: string },
  size: number,
  name: keyof DeviceStorage,
): T {
  if (given === undefined) return new type(size);
  if (!(given instanceof type) || given.length !== size)
    fail('createDeviceArray', `options.${name}`, given, `a ${type.name} of length ${size}`);
  return given;
}

/**
 * Create `size` devices of `config`, in new typed arrays or in the caller's storage
 * (`options.g`, `lo`, `span`, `scale`, `stuck`: e.g. views into a kernel's memory, as the crossbar
 * does). Device-to-device spread and faults are drawn from `d2d` once: per-cell G_min and G_max
 * are lognormal around the config's values with relative spreads gMinDtod and gMaxDtod (a cell's
 * G_max is kept above its G_min by at least 1 % of the nominal range), the step multiplier is
 * lognormal with mean 1 and spread stepDtod, and each cell is stuck off (at its G_min) with
 * probability pStuckOff or stuck on (at its G_max) with probability pStuckOn.
 *
 * @example
 * const dev = createDeviceArray(PRESETS['cbram-subquantum'], 397 * 500, createRng(1).stream('d2d'));
 */
export function createDeviceArray(
  config: DeviceConfig,
  size: number,
  d2d: Rng,
  options: DeviceArrayOptions = {},
): DeviceArray {
  const fn = 'createDeviceArray';
  config = checkDeviceConfig(fn, config, 'config.');
  checkInt(fn, 'size', size, { min: 1, max: 2 ** 30 });
  if (!(d2d instanceof Rng)) fail(fn, 'd2d', d2d, 'an Rng, e.g. createRng(seed).stream("d2d")');
  checkOptions(fn, options, [...STORAGE_KEYS, 'initial']);
  let bytesPerCell = 0;
  for (const k of STORAGE_KEYS) if (options[k] === undefined) bytesPerCell += STORAGE_BYTES[k];
  checkBudget(fn, 'size', size, bytesPerCell, {
    unit: 'cells',
    hint: `each new cell takes ${bytesPerCell} bytes of state; lower size`,
  });
  const storage: DeviceStorage = {
    g: storageArray(options.g, Float32Array, size, 'g'),
    lo: storageArray(options.lo, Float32Array, size, 'lo'),
    span: storageArray(options.span, Float32Array, size, 'span'),
    scale: storageArray(options.scale, Float32Array, size, 'scale'),
    stuck: storageArray(options.stuck, Uint8Array, size, 'stuck'),
  };
  const arrays = Object.entries(storage) as Array<[string, Float32Array | Uint8Array]>;
  for (let a = 0; a < arrays.length; a++) {
    for (let b = a + 1; b < arrays.length; b++) {
      const [na, x] = arrays[a]!;
      const [nb, y] = arrays[b]!;
      if (
        x.buffer === y.buffer &&
        x.byteOffset < y.byteOffset + y.byteLength &&
        y.byteOffset < x.byteOffset + x.byteLength
      )
        fail(fn, `options.${nb}`, y, `storage that does not overlap options.${na}`);
    }
  }
  const initial = options.initial ?? 0;
  checkNumber(fn, 'options.initial', initial, { min: 0, max: 1 });
  const dev = new DeviceArray(config, size, storage);
  const minSpan = 0.01 * (config.gMax - config.gMin);
  for (let i = 0; i < size; i++) {
    const lo = config.gMin * lognormalUnitMean(d2d, config.gMinDtod);
    const hi = Math.max(config.gMax * lognormalUnitMean(d2d, config.gMaxDtod), lo + minSpan);
    dev.lo[i] = lo;
    dev.span[i] = hi - lo;
    dev.scale[i] = lognormalUnitMean(d2d, config.stepDtod);
    const u = d2d.float();
    dev.stuck[i] =
      u < config.pStuckOff
        ? FAULT_STUCK_OFF
        : u < config.pStuckOff + config.pStuckOn
          ? FAULT_STUCK_ON
          : FAULT_NONE;
    dev.setNormalized(i, initial);
  }
  return dev;
}
