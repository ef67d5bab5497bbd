/**
 * Device configs: plain, serialisable data, kept apart from the physics (./models.ts, ./array.ts).
 *
 * Conductances are in siemens (S), voltages in volts (V), times in seconds (s), energies in
 * joules (J). Steps and noise are given in normalised units of the device's own range,
 * x = (G − G_min)/(G_max − G_min) ∈ [0, 1].
 *
 * Variability fields follow one suffix convention: `…Dtod` is a device-to-device relative spread
 * (drawn once per cell), `…Std` is cycle-to-cycle (drawn on every pulse or read).
 */
import {
  checkInt,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkFiniteArray,
  fail,
} from '../core/validate';

/** Ideal linear device: every pulse moves G by the same amount. */
export interface LinearModel {
  kind: 'linear';
  /** SET pulses to go from G_min to G_max. */
  setPulses: number;
  /** RESET pulses to go from G_max to G_min. */
  resetPulses: number;
}

/**
 * Exponential-saturating device with separate SET/RESET nonlinearity, the parametrisation used by
 * NeuroSim (Chen, Peng & Yu, IEEE TCAD 37:3067, 2018): along a SET train
 * G(P) = G_min + B(1 − e^(−P/A)), B = (G_max − G_min)/(1 − e^(−P_max/A)). Here the curvature is
 * given as ν = P_max/A (0 = linear); RESET mirrors it from G_max downward.
 */
export interface NonlinearModel {
  kind: 'nonlinear';
  /** P_max for SET: pulses from G_min to G_max. */
  setPulses: number;
  /** P_max for RESET. */
  resetPulses: number;
  /** SET curvature ν = P_max/A, >= 0. */
  setNonlinearity: number;
  /** RESET curvature, >= 0. */
  resetNonlinearity: number;
}

/** Soft bounds: the step is proportional to the distance to the bound the pulse drives toward. */
export interface SoftBoundsModel {
  kind: 'softBounds';
  /** SET step at G_min, as a fraction of the range (Δx = setStep·(1 − x)). */
  setStep: number;
  /** RESET step at G_max (Δx = −resetStep·x). */
  resetStep: number;
}

/**
 * Step that shrinks exponentially toward the bound: Δx_SET = setStep·(e^(γ(1−x)) − 1)/(e^γ − 1).
 * With γ = 2 and the mapping w = 2x − 1 this is exactly the weight-dependent LTP of Shi et al.
 * 2018, Δw ∝ e^(1−w) − 1, from identical pulses. RESET is constant for resetGamma = 0, otherwise
 * mirrored: Δx_RESET = −resetStep·(e^(γ_r·x) − 1)/(e^(γ_r) − 1).
 */
export interface ExponentialModel {
  kind: 'exponential';
  /** SET step at G_min, fraction of range. */
  setStep: number;
  /** SET curvature γ >= 0 (0 gives soft bounds). */
  setGamma: number;
  /** RESET step (at G_max when resetGamma > 0), fraction of range. */
  resetStep: number;
  /** RESET curvature γ_r >= 0 (0 = constant step). */
  resetGamma: number;
}

/**
 * A measured response: conductance (S) after each pulse of a SET train from the low state, and of a
 * RESET train from the high state. Entry 0 is the state before the first pulse. Both must be
 * monotone. The device's G_min and G_max must match the table's ends.
 */
export interface TableModel {
  kind: 'table';
  set: readonly number[];
  reset: readonly number[];
}

/**
 * Precomputed step functions: the rise of one SET pulse and the fall of one RESET pulse (both >= 0,
 * in units of the range) at x = i/(n − 1), i < n, with n = 1025 (the kernels' table size). This is
 * what a physical model compiles to (see ./ecm/compile.ts); the kernels use the values as given.
 */
export interface StepsModel {
  kind: 'steps';
  set: readonly number[];
  reset: readonly number[];
}

export type DeviceModel =
  LinearModel | NonlinearModel | SoftBoundsModel | ExponentialModel | TableModel | StepsModel;
export type DeviceModelKind = DeviceModel['kind'];
export const DEVICE_MODEL_KINDS: readonly DeviceModelKind[] = [
  'linear',
  'nonlinear',
  'softBounds',
  'exponential',
  'table',
  'steps',
];

/** Points in a `steps` model's tables (equal to the kernels' STEP_TABLE_SIZE in ./models.ts). */
export const STEPS_MODEL_SIZE = 1025;

/** A programming or read pulse. Energy per pulse is V²·G·t unless `energy` overrides it. */
export interface PulseConfig {
  /** Pulse amplitude, V (sign is the polarity; energy uses V²). */
  voltage: number;
  /** Pulse width, s. */
  width: number;
  /** Fixed energy per pulse, J, replacing V²·G·t (for devices where Joule heating of the cell is not the main cost). */
  energy?: number;
}

/** Full device description. Build one with {@link defineDevice}; presets live in ./presets.ts. */
export interface DeviceConfig {
  /** Short name, e.g. `cbram-subquantum`. */
  name: string;
  /** Where the values come from. */
  source: string;
  /** Fields whose values are our assumptions rather than measured or cited. */
  assumed: readonly string[];
  /** Pulse response model. */
  model: DeviceModel;
  /** Lowest programmable conductance, S. */
  gMin: number;
  /** Highest programmable conductance, S. */
  gMax: number;
  /** Number of distinct conductance levels (>= 2), or 0 for analog. */
  levels: number;
  /** Cycle-to-cycle noise: std of each pulse's step, as a fraction of the range. */
  c2cStd: number;
  /** Device-to-device relative spread of G_min. */
  gMinDtod: number;
  /** Device-to-device relative spread of G_max. */
  gMaxDtod: number;
  /** Device-to-device relative spread of the step size. */
  stepDtod: number;
  /** Probability that a cell is stuck at G_min. */
  pStuckOff: number;
  /** Probability that a cell is stuck at G_max. */
  pStuckOn: number;
  /** Read noise: relative std of the conductance seen by each read. */
  readNoiseStd: number;
  /** Retention: time constant of relaxation toward the cell's G_min, s (Infinity = none). */
  retentionTau: number;
  /** SET (potentiating) pulse. */
  set: PulseConfig;
  /** RESET (depressing) pulse. */
  reset: PulseConfig;
  /** Read pulse. */
  read: PulseConfig;
}

/** Options accepted by {@link defineDevice}: any subset of a DeviceConfig. */
export type DeviceOptions = Partial<DeviceConfig>;

/** Defaults for fields a caller leaves out: an ideal, noise-free device. */
export const DEVICE_DEFAULTS: DeviceConfig = Object.freeze({
  name: 'custom',
  source: 'user-defined',
  assumed: [],
  model: { kind: 'linear', setPulses: 64, resetPulses: 64 },
  gMin: 1e-6,
  gMax: 50e-6,
  levels: 0,
  c2cStd: 0,
  gMinDtod: 0,
  gMaxDtod: 0,
  stepDtod: 0,
  pStuckOff: 0,
  pStuckOn: 0,
  readNoiseStd: 0,
  retentionTau: Infinity,
  set: { voltage: 1, width: 10e-9 },
  reset: { voltage: -1, width: 10e-9 },
  read: { voltage: 0.1, width: 10e-9 },
}) as DeviceConfig;

const CONFIG_KEYS = Object.keys(DEVICE_DEFAULTS);
const MODEL_KEYS: Record<DeviceModelKind, string[]> = {
  linear: ['kind', 'setPulses', 'resetPulses'],
  nonlinear: ['kind', 'setPulses', 'resetPulses', 'setNonlinearity', 'resetNonlinearity'],
  softBounds: ['kind', 'setStep', 'resetStep'],
  exponential: ['kind', 'setStep', 'setGamma', 'resetStep', 'resetGamma'],
  table: ['kind', 'set', 'reset'],
  steps: ['kind', 'set', 'reset'],
};

function checkPulse(fn: string, param: string, p: unknown): PulseConfig {
  if (!p || typeof p !== 'object' || Array.isArray(p))
    fail(fn, param, p, 'an object { voltage, width, energy? }');
  checkOptions(`${fn} (${param})`, p, ['voltage', 'width', 'energy']);
  const q = p as PulseConfig;
  checkNumber(fn, `${param}.voltage`, q.voltage, { min: -1000, max: 1000 });
  checkNumber(fn, `${param}.width`, q.width, { min: 0, exclusiveMin: true });
  if (q.width > 1) fail(fn, `${param}.width`, q.width, 'at most 1 s (widths are in seconds)');
  if (q.energy !== undefined) checkNumber(fn, `${param}.energy`, q.energy, { min: 0, max: 1 });
  return Object.freeze({ ...q });
}

function checkMonotone(fn: string, param: string, a: ArrayLike<number>, up: boolean): void {
  if (a.length < 2)
    fail(
      fn,
      `${param}.length`,
      a.length,
      'at least 2 (the state before the first pulse, then one per pulse)',
    );
  for (let i = 1; i < a.length; i++) {
    const d = a[i]! - a[i - 1]!;
    if (up ? d < 0 : d > 0) {
      fail(
        fn,
        `${param}[${i}]`,
        a[i],
        `${up ? '>=' : '<='} the previous entry ${a[i - 1]} (a ${up ? 'SET' : 'RESET'} train must be monotone)`,
        'E_DATA',
      );
    }
  }
}

function checkModel(fn: string, m: unknown, gMin: number, gMax: number, at: string): DeviceModel {
  if (!m || typeof m !== 'object' || Array.isArray(m))
    fail(fn, `${at}model`, m, 'an object with a kind');
  const kind = checkOneOf(fn, `${at}model.kind`, (m as DeviceModel).kind, DEVICE_MODEL_KINDS);
  checkOptions(`${fn} (model "${kind}")`, m, MODEL_KEYS[kind]);
  const pos = { min: 0, exclusiveMin: true };
  switch (kind) {
    case 'linear': {
      const q = m as LinearModel;
      checkNumber(fn, `${at}model.setPulses`, q.setPulses, { min: 1 });
      checkNumber(fn, `${at}model.resetPulses`, q.resetPulses, { min: 1 });
      return Object.freeze({ ...q });
    }
    case 'nonlinear': {
      const q = m as NonlinearModel;
      checkNumber(fn, `${at}model.setPulses`, q.setPulses, { min: 1 });
      checkNumber(fn, `${at}model.resetPulses`, q.resetPulses, { min: 1 });
      checkNumber(fn, `${at}model.setNonlinearity`, q.setNonlinearity, { min: 0, max: 50 });
      checkNumber(fn, `${at}model.resetNonlinearity`, q.resetNonlinearity, { min: 0, max: 50 });
      return Object.freeze({ ...q });
    }
    case 'softBounds': {
      const q = m as SoftBoundsModel;
      checkNumber(fn, `${at}model.setStep`, q.setStep, { ...pos, max: 1 });
      checkNumber(fn, `${at}model.resetStep`, q.resetStep, { ...pos, max: 1 });
      return Object.freeze({ ...q });
    }
    case 'exponential': {
      const q = m as ExponentialModel;
      checkNumber(fn, `${at}model.setStep`, q.setStep, { ...pos, max: 1 });
      checkNumber(fn, `${at}model.setGamma`, q.setGamma, { min: 0, max: 50 });
      checkNumber(fn, `${at}model.resetStep`, q.resetStep, { ...pos, max: 1 });
      checkNumber(fn, `${at}model.resetGamma`, q.resetGamma, { min: 0, max: 50 });
      return Object.freeze({ ...q });
    }
    case 'table': {
      const q = m as TableModel;
      const set = Array.from(checkFiniteArray(fn, `${at}model.set`, q.set));
      const reset = Array.from(checkFiniteArray(fn, `${at}model.reset`, q.reset));
      checkMonotone(fn, `${at}model.set`, set, true);
      checkMonotone(fn, `${at}model.reset`, reset, false);
      const tol = 1e-9 * gMax;
      for (const [name, v, want] of [
        [`${at}model.set[0]`, set[0]!, gMin],
        [`${at}model.set[last]`, set[set.length - 1]!, gMax],
        [`${at}model.reset[0]`, reset[0]!, gMax],
        [`${at}model.reset[last]`, reset[reset.length - 1]!, gMin],
      ] as const) {
        if (Math.abs(v - want) > tol)
          fail(
            fn,
            name,
            v,
            `equal to ${want} S (the table's ends are G_min and G_max; set gMin/gMax to match)`,
            'E_DATA',
          );
      }
      if (set[set.length - 1]! <= set[0]!)
        fail(fn, `${at}model.set`, set, 'a rising SET train (last > first)', 'E_DATA');
      return Object.freeze({ kind, set: Object.freeze(set), reset: Object.freeze(reset) });
    }
    case 'steps': {
      const q = m as StepsModel;
      const n = STEPS_MODEL_SIZE;
      const out: number[][] = [];
      for (const half of ['set', 'reset'] as const) {
        const a = Array.from(checkFiniteArray(fn, `model.${half}`, q[half], n));
        const bad = a.findIndex((v) => v < 0);
        if (bad >= 0)
          fail(fn, `model.${half}[${bad}]`, a[bad], '>= 0 (a step magnitude)', 'E_DATA');
        out.push(a);
      }
      return Object.freeze({
        kind,
        set: Object.freeze(out[0]!),
        reset: Object.freeze(out[1]!),
      });
    }
  }
}

/** The most a conductance may be, S (1 S is a 1 Ω cell, far above any memristive device). */
export const MAX_CONDUCTANCE = 1;

/** Configs this module built or checked: they are frozen, so they need no second check. */
const checked = new WeakSet<object>();

/**
 * Check every field of a complete device config and return it frozen: the checks of
 * {@link defineDevice}, for configs that arrive as plain objects (a config edited by hand, read
 * from JSON, or spread from a preset). `at` prefixes parameter names in messages, e.g.
 * `"device."` gives `createCrossbar: device.gMax must be ...`. Configs from defineDevice or
 * PRESETS are returned as they are.
 *
 * @example
 * const dev = checkDeviceConfig('createCrossbar', JSON.parse(text), 'device.');
 */
export function checkDeviceConfig(fn: string, config: unknown, at = ''): DeviceConfig {
  if (config !== null && typeof config === 'object' && checked.has(config))
    return config as DeviceConfig;
  const what = 'a DeviceConfig from defineDevice() or PRESETS';
  if (
    config === null ||
    typeof config !== 'object' ||
    Array.isArray(config) ||
    !('model' in config)
  )
    fail(fn, at ? at.slice(0, -1) : 'config', config, what);
  checkOptions(at ? `${fn} (${at.slice(0, -1)})` : fn, config, CONFIG_KEYS);
  const c = config as DeviceConfig;
  for (const key of CONFIG_KEYS) {
    if ((c as unknown as Record<string, unknown>)[key] === undefined)
      fail(
        fn,
        `${at}${key}`,
        undefined,
        'present (a DeviceConfig has every field; build one from a subset with defineDevice())',
      );
  }
  if (typeof c.name !== 'string' || !c.name) fail(fn, `${at}name`, c.name, 'a non-empty string');
  if (typeof c.source !== 'string') fail(fn, `${at}source`, c.source, 'a string');
  if (!Array.isArray(c.assumed) || c.assumed.some((a) => typeof a !== 'string'))
    fail(fn, `${at}assumed`, c.assumed, 'an array of field names');
  checkNumber(fn, `${at}gMin`, c.gMin, { min: 0 });
  checkNumber(fn, `${at}gMax`, c.gMax, { min: c.gMin, exclusiveMin: true });
  if (c.gMax > MAX_CONDUCTANCE)
    fail(fn, `${at}gMax`, c.gMax, `at most ${MAX_CONDUCTANCE} S (conductances are in siemens)`);
  if (c.levels !== 0) checkInt(fn, `${at}levels`, c.levels, { min: 2, max: 1 << 20 });
  for (const k of ['c2cStd', 'gMinDtod', 'gMaxDtod', 'stepDtod', 'readNoiseStd'] as const) {
    checkNumber(fn, `${at}${k}`, c[k], { min: 0, max: 1 });
  }
  checkNumber(fn, `${at}pStuckOff`, c.pStuckOff, { min: 0, max: 1 });
  checkNumber(fn, `${at}pStuckOn`, c.pStuckOn, { min: 0, max: 1 - c.pStuckOff });
  if (!(typeof c.retentionTau === 'number' && c.retentionTau > 0))
    fail(
      fn,
      `${at}retentionTau`,
      c.retentionTau,
      'a positive number of seconds, or Infinity for no retention loss',
    );
  const out = Object.freeze({
    ...c,
    assumed: Object.freeze([...c.assumed]),
    model: checkModel(fn, c.model, c.gMin, c.gMax, at),
    set: checkPulse(fn, `${at}set`, c.set),
    reset: checkPulse(fn, `${at}reset`, c.reset),
    read: checkPulse(fn, `${at}read`, c.read),
  });
  checked.add(out);
  return out;
}

/**
 * Validate and complete a device config. Unknown keys get a clear error with the nearest name.
 * The result is frozen.
 *
 * @example
 * const dev = defineDevice({ gMin: 1 * uS, gMax: 50 * uS, c2cStd: 0.02,
 *   model: { kind: 'exponential', setStep: 0.1, setGamma: 2, resetStep: 1 / 64, resetGamma: 0 } });
 */
export function defineDevice(
  options: DeviceOptions = {},
  base: DeviceConfig = DEVICE_DEFAULTS,
): DeviceConfig {
  const fn = 'defineDevice';
  checkOptions(fn, options, CONFIG_KEYS);
  return checkDeviceConfig(fn, { ...base, ...options });
}

/**
 * The fields of `config` that differ from `base` (default: the ideal defaults), for compact
 * printing, as aihwkit does.
 */
export function deviceDiff(
  config: DeviceConfig,
  base: DeviceConfig = DEVICE_DEFAULTS,
): Partial<DeviceConfig> {
  config = checkDeviceConfig('deviceDiff', config, 'config.');
  base = checkDeviceConfig('deviceDiff', base, 'base.');
  const out: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS as (keyof DeviceConfig)[]) {
    if (JSON.stringify(config[k]) !== JSON.stringify(base[k])) out[k] = config[k];
  }
  return out as Partial<DeviceConfig>;
}
