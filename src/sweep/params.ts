/**
 * The parameters a sweep can set, by dot path, and how a set of path → value assignments becomes
 * one trial's configuration: training options (`outputs`, `pruning.fraction`, ...), device fields
 * (`device.c2cStd`, `device.model.setStep`, ...), the programming scheme and temperature of a
 * physical device (`device.scheme`, `device.scheme.set.amplitude`, `device.temperature`),
 * evaluation options (`evaluate.testImages`) and pulse-response options (`pulseResponse.cycles`).
 */
import { checkOptions, fail, nearestName } from '../core/validate';
import { CbramError } from '../core/errors';
import { DEVICE_DEFAULTS, defineDevice, type DeviceConfig } from '../device/config';
import { PRESETS, PRESET_NAMES, type PresetName } from '../device/presets';
import { compileEcm, compiledEcm, type CompileOptions } from '../device/ecm/compile';
import { ECM_DEVICES } from '../device/ecm/devices';
import { checkTemperature } from '../device/ecm/physics';
import { checkSchemeHalf, type PulseScheme, type SchemeHalf } from '../device/ecm/scheme';
import { TRAIN_DEFAULTS, defineTraining, type TrainConfig } from '../learning/config';
import { PRUNING_DEFAULTS } from '../pruning/pruning';

/** A parameter value in a spec: JSON scalars, or an object / array for whole sub-configs. */
export type ParamValue = number | string | boolean | null | object;

/** What a path accepts before the per-trial checks of defineTraining / defineDevice. */
type PathType = 'number' | 'string' | 'object' | 'objectOrNull' | 'array';

/** Evaluation options a sweep can set (`evaluate.<key>`), with their ranges. */
export const EVALUATE_KEYS = ['labelImages', 'testImages', 'presentation'] as const;
/** Pulse-response options a sweep can set (`pulseResponse.<key>`). */
export const PULSE_RESPONSE_KEYS = ['cycles', 'setPulses', 'resetPulses', 'devices'] as const;

const MODEL_FIELDS = [
  'kind',
  'setPulses',
  'resetPulses',
  'setNonlinearity',
  'resetNonlinearity',
  'setStep',
  'resetStep',
  'setGamma',
  'resetGamma',
  'set',
  'reset',
];

/** The fields of one scheme half (`device.scheme.set.<field>`), by JSON type. */
const SCHEME_HALF_FIELDS: Record<keyof SchemeHalf, 'number' | 'string'> = {
  kind: 'string',
  amplitude: 'number',
  width: 'number',
  step: 'number',
  maxAmplitude: 'number',
  growth: 'number',
  maxWidth: 'number',
  target: 'number',
  maxPulses: 'number',
};

/** The physical devices a scheme and a temperature apply to (the presets compiled from physics). */
const ECM_PRESETS = Object.keys(ECM_DEVICES) as (keyof typeof ECM_DEVICES)[];

function buildPathTypes(): Map<string, PathType> {
  const m = new Map<string, PathType>();
  for (const k of Object.keys(TRAIN_DEFAULTS)) {
    if (k === 'seed' || k === 'device' || k === 'pruning') continue;
    m.set(k, k === 'rule' ? 'string' : 'number');
  }
  m.set('device', 'string');
  m.set('device.preset', 'string');
  for (const k of Object.keys(DEVICE_DEFAULTS)) {
    if (k === 'source' || k === 'assumed') continue;
    if (k === 'name') m.set('device.name', 'string');
    else if (k === 'model') m.set('device.model', 'object');
    else if (k === 'set' || k === 'reset' || k === 'read') {
      m.set(`device.${k}`, 'object');
      for (const f of ['voltage', 'width', 'energy']) m.set(`device.${k}.${f}`, 'number');
    } else m.set(`device.${k}`, 'number');
  }
  for (const f of MODEL_FIELDS)
    m.set(
      `device.model.${f}`,
      f === 'kind' ? 'string' : f === 'set' || f === 'reset' ? 'array' : 'number',
    );
  // A physical device's programming scheme (compiled into the model) and ambient temperature.
  m.set('device.scheme', 'object');
  for (const half of ['set', 'reset']) {
    m.set(`device.scheme.${half}`, 'object');
    for (const [f, t] of Object.entries(SCHEME_HALF_FIELDS)) m.set(`device.scheme.${half}.${f}`, t);
  }
  m.set('device.temperature', 'number');
  m.set('pruning', 'objectOrNull');
  for (const k of Object.keys(PRUNING_DEFAULTS))
    m.set(`pruning.${k}`, k === 'mode' || k === 'selection' ? 'string' : 'number');
  for (const k of EVALUATE_KEYS) m.set(`evaluate.${k}`, 'number');
  for (const k of PULSE_RESPONSE_KEYS) m.set(`pulseResponse.${k}`, 'number');
  return m;
}

const PATH_TYPES = buildPathTypes();

/** Every parameter path a sweep accepts, e.g. `outputs`, `device.c2cStd`, `evaluate.testImages`. */
export const PARAM_PATHS: readonly string[] = Object.freeze([...PATH_TYPES.keys()]);

/**
 * Check that `path` names a parameter; `where` says where it was found (e.g. `grid`). Throws
 * E_OPTION with the nearest known path.
 */
export function checkParamPath(fn: string, where: string, path: unknown): string {
  if (typeof path !== 'string' || !PATH_TYPES.has(path)) {
    if (path === 'seed')
      throw new CbramError(
        'E_OPTION',
        `${fn}: "seed" cannot be set in ${where}; list the seeds in "seeds": [0, 1, 2]`,
        { fn, param: where, value: path },
      );
    const p = String(path);
    throw new CbramError(
      'E_OPTION',
      `${fn}: unknown parameter "${p}" in ${where} (did you mean "${nearestName(p, PARAM_PATHS)}"?). ` +
        'Parameters are createTrainer options (outputs, epochs, imagesPerEpoch, rule, ...), ' +
        'device fields as device.<field> (device.c2cStd, device.model.setStep, ...), ' +
        'device.scheme and device.temperature (physical devices such as cbram-ecm), ' +
        'pruning.<field>, evaluate.<labelImages|testImages|presentation> and ' +
        'pulseResponse.<cycles|setPulses|resetPulses|devices>',
      { fn, param: where, value: path },
    );
  }
  return path;
}

/** Is `path` a numeric parameter (one a uniform, log-uniform or integer distribution can draw)? */
export function isNumericParam(path: string): boolean {
  return PATH_TYPES.get(path) === 'number';
}

/** Check a value's JSON type for `path`; `where` locates it in the spec, e.g. `grid["x"][1]`. */
export function checkParamValue(fn: string, where: string, path: string, v: unknown): ParamValue {
  const t = PATH_TYPES.get(path)!;
  const ok =
    t === 'number'
      ? typeof v === 'number' && Number.isFinite(v)
      : t === 'string'
        ? typeof v === 'string'
        : t === 'array'
          ? Array.isArray(v)
          : t === 'objectOrNull'
            ? v === null || (typeof v === 'object' && !Array.isArray(v))
            : v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!ok) {
    const allowed = {
      number: 'a finite number',
      string: 'a string',
      array: 'an array of numbers',
      object: 'an object',
      objectOrNull: 'an object or null',
    }[t];
    fail(fn, where, v, allowed);
  }
  return v as ParamValue;
}

/**
 * Flatten a spec's `base` object into path → value assignments: `{ device: { c2cStd: 0.01 } }`
 * gives `device.c2cStd`; `device` may also be a preset name. Unknown keys are errors.
 */
export function flattenBase(fn: string, base: unknown, prefix = ''): Map<string, ParamValue> {
  const out = new Map<string, ParamValue>();
  if (base === undefined) return out;
  if (base === null || typeof base !== 'object' || Array.isArray(base))
    fail(fn, prefix ? `base.${prefix}` : 'base', base, 'an object');
  for (const [k, v] of Object.entries(base as Record<string, unknown>)) {
    const path = prefix + k;
    const where = `base.${path}`;
    // Nested objects under device / pruning / device.model / device.set ... are flattened to
    // their fields, so a sweep axis can change one field and keep the rest of the base.
    const nested =
      v !== null &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      (path === 'device' || path === 'pruning' || path.startsWith('device.')) &&
      // A model with a kind replaces the preset's model whole (its fields differ by kind).
      !(path === 'device.model' && 'kind' in v);
    if (nested) {
      if (PATH_TYPES.get(path) === undefined && path !== 'device') checkParamPath(fn, 'base', path);
      for (const [p, x] of flattenBase(fn, v, path + '.')) out.set(p, x);
      if ((path === 'pruning' || path === 'device.scheme') && Object.keys(v).length === 0)
        out.set(path, {});
      continue;
    }
    checkParamPath(fn, 'base', path);
    out.set(path, checkParamValue(fn, where, path, v));
  }
  return out;
}

/** A trial's resolved configuration. */
export interface TrialConfig {
  /** Training config for createTrainer (seed included). */
  train: TrainConfig;
  /** The device, when the rule is 'device'. */
  device: DeviceConfig | null;
  /**
   * The programming scheme (both halves, complete) and temperature a physical device was compiled
   * with, when the trial sets `device.scheme` or `device.temperature`; otherwise null.
   */
  physical: { scheme: PulseScheme; temperature: number } | null;
  /** Evaluation options. */
  evaluate: { labelImages: number; testImages: number; presentation?: number };
  /** Pulse-response options (device-only trials). */
  pulseResponse: { cycles: number; setPulses: number; resetPulses: number; devices: number };
}

function deepCopy<T>(x: T): T {
  if (Array.isArray(x)) return x.map(deepCopy) as T;
  if (x !== null && typeof x === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) o[k] = deepCopy(v);
    return o as T;
  }
  return x;
}

function setIn(obj: Record<string, unknown>, keys: string[], v: unknown): void {
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    const next = o[k];
    o = (next !== null && typeof next === 'object' ? next : (o[k] = {})) as Record<string, unknown>;
  }
  o[keys[keys.length - 1]!] = deepCopy(v);
}

function int(fn: string, name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    fail(fn, name, v, `an integer from ${min} to ${max}`);
  return v;
}

/** A physical device compiled for a trial. */
interface PhysicalTrial {
  config: DeviceConfig;
  scheme: PulseScheme;
  temperature: number;
}

/** Compiled physical devices by preset, temperature and scheme (compiling takes 0.1 to 1 s). */
const COMPILED = new Map<string, DeviceConfig>();
const COMPILED_MAX = 64;

/**
 * Check a trial's `device.scheme` / `device.temperature` and compile the physical preset with
 * them. A scheme half given in the spec starts from the preset's default half (its kind,
 * amplitude and width), so `device.scheme.set.amplitude` alone is a complete half; the other
 * fields take checkSchemeHalf's defaults.
 */
function resolvePhysical(
  fn: string,
  preset: PresetName,
  scheme: Record<string, unknown> | undefined,
  temperature: ParamValue | undefined,
  entries: ReadonlyArray<[string, ParamValue]>,
): PhysicalTrial {
  const [where, value] = entries.find(
    ([p]) => p.startsWith('device.scheme') || p === 'device.temperature',
  )!;
  if (!(ECM_PRESETS as string[]).includes(preset))
    fail(
      fn,
      where,
      value,
      `given only with a physical device preset (${ECM_PRESETS.map((p) => `"${p}"`).join(', ')}), ` +
        `not "${preset}" (a phenomenological model has no pulse physics): set "device": "${ECM_PRESETS[0]}"`,
    );
  const clash = entries.find(([p]) => /^device\.(model|set|reset)(\.|$)/.test(p));
  if (clash)
    fail(
      fn,
      clash[0],
      clash[1],
      'left out when device.scheme or device.temperature is given (the scheme compiles into the ' +
        "device's model and its set/reset pulses)",
    );
  const ecm = ECM_DEVICES[preset as keyof typeof ECM_DEVICES];
  const options: CompileOptions = {};
  if (scheme !== undefined) {
    checkOptions(`${fn} (device.scheme)`, scheme, ['set', 'reset']);
    const halves: Record<string, Required<SchemeHalf>> = {};
    for (const h of ['set', 'reset'] as const) {
      const given = scheme[h];
      if (given === undefined) continue;
      const param = `device.scheme.${h}`;
      if (given === null || typeof given !== 'object' || Array.isArray(given))
        fail(fn, param, given, 'an object { amplitude, width, kind?, ... } (docs/devices.md)');
      const d = ecm.scheme[h];
      const merged = { kind: d.kind, amplitude: d.amplitude, width: d.width, ...given };
      halves[h] = checkSchemeHalf(fn, param, merged, ecm.params);
    }
    options.scheme = halves;
  }
  const T =
    temperature === undefined
      ? ecm.params.ambient
      : checkTemperature(fn, 'device.temperature (K)', temperature);
  options.temperature = T;
  const key = JSON.stringify([
    preset,
    T,
    options.scheme?.set ?? null,
    options.scheme?.reset ?? null,
  ]);
  let config = COMPILED.get(key);
  if (!config) {
    config = compileEcm(ecm, options);
    if (COMPILED.size >= COMPILED_MAX) COMPILED.delete(COMPILED.keys().next().value!);
    COMPILED.set(key, config);
  }
  return { config, scheme: compiledEcm(config)!.scheme, temperature: T };
}

/**
 * The assignments of one trial: the base's, then the varied ones on top. A varied `device.scheme`
 * (or scheme half) replaces the base's fields under it, so a base scheme field never overrides
 * the scheme a point or grid gives.
 */
export function trialAssignments(
  base: ReadonlyMap<string, ParamValue>,
  varied: ReadonlyMap<string, ParamValue>,
): Map<string, ParamValue> {
  const out = new Map(base);
  for (const p of varied.keys())
    if (p === 'device.scheme' || p === 'device.scheme.set' || p === 'device.scheme.reset')
      for (const b of [...out.keys()]) if (b.startsWith(p + '.')) out.delete(b);
  for (const [p, v] of varied) out.set(p, v);
  return out;
}

/** MNIST's sizes: the ceilings of `imagesPerEpoch`, `evaluate.labelImages` and `testImages`. */
export const MNIST_TRAIN_IMAGES = 60000;
export const MNIST_TEST_IMAGES = 10000;

/**
 * Resolve path → value assignments (base first, then the trial's varied values) into a trial's
 * configuration. Runs every check of defineTraining and defineDevice, so a bad value fails here,
 * before any trial starts.
 *
 * @example
 * resolveTrialConfig(new Map([['outputs', 50], ['device.c2cStd', 0.05]]), 1);
 */
export function resolveTrialConfig(
  assignments: ReadonlyMap<string, ParamValue>,
  seed: number,
  fn = 'defineSweep',
): TrialConfig {
  // Shorter paths first, so `device.model` (a whole object) is set before `device.model.setStep`.
  const entries = [...assignments].sort((a, b) => a[0].split('.').length - b[0].split('.').length);
  const preset = (assignments.get('device.preset') ??
    assignments.get('device') ??
    TRAIN_DEFAULTS.device) as string;
  if (!PRESET_NAMES.includes(preset as PresetName))
    fail(
      fn,
      assignments.has('device.preset') ? 'device.preset' : 'device',
      preset,
      `one of ${PRESET_NAMES.map((p) => `"${p}"`).join(', ')} (did you mean "${nearestName(preset, PRESET_NAMES)}"?)`,
    );
  const train: Record<string, unknown> = {};
  const devFields: Array<[string[], ParamValue]> = [];
  let scheme: Record<string, unknown> | undefined;
  let temperature: ParamValue | undefined;
  let pruning: Record<string, unknown> | null = null;
  const evaluate: Record<string, unknown> = {};
  const pulse: Record<string, unknown> = {};
  for (const [path, v] of entries) {
    const keys = path.split('.');
    const head = keys[0]!;
    if (path === 'device' || path === 'device.preset') continue;
    if (head === 'device' && keys[1] === 'scheme') {
      if (keys.length === 2) scheme = deepCopy(v) as Record<string, unknown>;
      else setIn((scheme ??= {}), keys.slice(2), v);
    } else if (path === 'device.temperature') temperature = v;
    else if (head === 'device') devFields.push([keys.slice(1), v]);
    else if (path === 'pruning')
      pruning = v === null ? null : (deepCopy(v) as Record<string, unknown>);
    else if (head === 'pruning') setIn((pruning ??= {}), keys.slice(1), v);
    else if (head === 'evaluate') evaluate[keys[1]!] = v;
    else if (head === 'pulseResponse') pulse[keys[1]!] = v;
    else train[path] = v;
  }
  let device: DeviceConfig | null = null;
  let physical: PhysicalTrial | null = null;
  const deviceChanged = devFields.length > 0;
  const rule = train.rule ?? TRAIN_DEFAULTS.rule;
  if (rule === 'ideal') {
    const devPath = entries.find(([p]) => p === 'device' || p.startsWith('device.'));
    if (devPath)
      fail(
        fn,
        devPath[0],
        devPath[1],
        'given only with rule "device" (the ideal rule has no device)',
      );
  } else {
    if (scheme !== undefined || temperature !== undefined)
      physical = resolvePhysical(fn, preset as PresetName, scheme, temperature, entries);
    const start = physical?.config ?? PRESETS[preset as PresetName];
    if (deviceChanged) {
      const dev = deepCopy(start) as unknown as Record<string, unknown>;
      for (const [keys, v] of devFields) setIn(dev, keys, v);
      device = defineDevice(dev, DEVICE_DEFAULTS);
    } else device = start;
  }
  const cfg = defineTraining({
    ...train,
    seed,
    ...(device ? { device: deviceChanged || physical ? device : (preset as PresetName) } : {}),
    pruning,
  } as Parameters<typeof defineTraining>[0]);
  if (cfg.imagesPerEpoch > MNIST_TRAIN_IMAGES)
    fail(fn, 'imagesPerEpoch', cfg.imagesPerEpoch, `at most ${MNIST_TRAIN_IMAGES} (MNIST)`);
  const ev = {
    labelImages: int(
      fn,
      'evaluate.labelImages',
      evaluate.labelImages ?? 10000,
      1,
      MNIST_TRAIN_IMAGES,
    ),
    testImages: int(fn, 'evaluate.testImages', evaluate.testImages ?? 10000, 1, MNIST_TEST_IMAGES),
  } as TrialConfig['evaluate'];
  if (evaluate.presentation !== undefined) {
    const p = evaluate.presentation;
    if (typeof p !== 'number' || !(p >= 0.001 && p <= 100))
      fail(fn, 'evaluate.presentation', p, 'a number of seconds from 0.001 to 100');
    ev.presentation = p;
  }
  return {
    train: cfg,
    device,
    physical: physical && { scheme: physical.scheme, temperature: physical.temperature },
    evaluate: ev,
    pulseResponse: {
      cycles: int(fn, 'pulseResponse.cycles', pulse.cycles ?? 3, 1, 10000),
      setPulses: int(fn, 'pulseResponse.setPulses', pulse.setPulses ?? 100, 1, 100000),
      resetPulses: int(fn, 'pulseResponse.resetPulses', pulse.resetPulses ?? 100, 1, 100000),
      devices: int(fn, 'pulseResponse.devices', pulse.devices ?? 16, 1, 100000),
    },
  };
}
