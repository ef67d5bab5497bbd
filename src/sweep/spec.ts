/**
 * Sweep specs: a declarative description of a design-space exploration, checked whole before
 * any trial starts, and the trials it defines, each a pure function of (spec, trial index).
 *
 * Trials are numbered grid-major: the grid's first axis varies slowest, then the points, then the
 * random samples, and the seeds fastest. Trial i of a spec is the same on every machine.
 */
import { CbramError, isCbramError } from '../core/errors';
import { createRng } from '../core/rng';
import { checkOptions, fail } from '../core/validate';
import {
  checkParamPath,
  checkParamValue,
  flattenBase,
  isNumericParam,
  resolveTrialConfig,
  trialAssignments,
  type ParamValue,
  type TrialConfig,
} from './params';

/** A random axis's distribution for one parameter. */
export type Distribution =
  | { uniform: [number, number] }
  | { logUniform: [number, number] }
  | { int: [number, number] }
  | { choice: ParamValue[] };

/** Seeded random samples of several parameters. */
export interface RandomAxis {
  /** Number of samples. */
  samples: number;
  /** Seed of the sampling (default 0); each parameter of each sample has its own stream. */
  seed?: number;
  /** Parameter path → distribution. */
  params: Record<string, Distribution>;
}

/** What each trial runs. */
export type TrialKind = 'train' | 'pulseResponse';

/**
 * A sweep spec, as written in a JSON file.
 *
 * @example
 * const spec: SweepSpec = {
 *   base: { outputs: 50, epochs: 1, imagesPerEpoch: 3000 },
 *   evaluate: { labelImages: 1000, testImages: 1000 },
 *   grid: { 'device.c2cStd': [0, 0.05] },
 *   seeds: [0, 1],
 * };
 */
export interface SweepSpec {
  /** A name, shown in progress lines. */
  name?: string;
  /** Free text. */
  description?: string;
  /** 'train' (train, then evaluate; default) or 'pulseResponse' (device-only statistics). */
  kind?: TrialKind;
  /** Settings shared by every trial: createTrainer options; `device` a preset name or fields. */
  base?: Record<string, unknown>;
  /** Evaluation options: labelImages, testImages (default 10,000 each), presentation. */
  evaluate?: Record<string, unknown>;
  /** Pulse-response options: cycles, setPulses, resetPulses, devices. */
  pulseResponse?: Record<string, unknown>;
  /** Parameter path → values; every combination is a configuration. */
  grid?: Record<string, unknown[]>;
  /** Explicit configurations, each a parameter path → value object. */
  points?: Record<string, unknown>[];
  /** Seeded random configurations. */
  random?: RandomAxis;
  /** Seeds; every configuration runs once per seed (default [0]). */
  seeds?: number[];
}

/** A validated sweep. */
export interface Sweep {
  /** The spec as given (validated). */
  readonly spec: SweepSpec;
  readonly kind: TrialKind;
  /** The varied parameter paths, in column order: grid, points, random. */
  readonly varied: readonly string[];
  readonly seeds: readonly number[];
  /** Number of configurations (grid × points × samples). */
  readonly configurations: number;
  /** Number of trials (configurations × seeds). */
  readonly trials: number;
  /** @internal The base assignments. */
  readonly base: ReadonlyMap<string, ParamValue>;
  /** @internal The varied values of each configuration. */
  readonly combos: ReadonlyArray<ReadonlyMap<string, ParamValue>>;
}

/** One trial: its index, varied parameters, seed and resolved configuration. */
export interface Trial {
  index: number;
  params: Record<string, ParamValue>;
  seed: number;
  config: TrialConfig;
}

const FN = 'defineSweep';
const SPEC_KEYS = [
  'name',
  'description',
  'kind',
  'base',
  'evaluate',
  'pulseResponse',
  'grid',
  'points',
  'random',
  'seeds',
];
const TRAIN_ONLY = /^(?!device\b|pulseResponse\.)/;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function gridCombos(grid: Record<string, unknown[]>): Map<string, ParamValue>[] {
  let combos: Map<string, ParamValue>[] = [new Map()];
  for (const [path, values] of Object.entries(grid)) {
    const next: Map<string, ParamValue>[] = [];
    for (const c of combos)
      for (const v of values) next.push(new Map([...c, [path, v as ParamValue]]));
    combos = next;
  }
  return combos;
}

function checkRange(where: string, r: unknown, positive = false): [number, number] {
  if (
    !Array.isArray(r) ||
    r.length !== 2 ||
    !r.every((x) => typeof x === 'number' && Number.isFinite(x)) ||
    !(r[0] <= r[1]) ||
    (positive && !(r[0] > 0))
  )
    fail(FN, where, r, `[low, high] with low <= high${positive ? ' and low > 0' : ''}`);
  return r as [number, number];
}

function randomCombos(random: unknown): Map<string, ParamValue>[] {
  if (!isObject(random)) fail(FN, 'random', random, 'an object { samples, seed?, params }');
  checkOptions(`${FN} (random)`, random, ['samples', 'seed', 'params']);
  const n = random.samples;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1e6)
    fail(FN, 'random.samples', n, 'an integer from 1 to 1000000');
  const seed = random.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0)
    fail(FN, 'random.seed', seed, 'an integer >= 0');
  const params = random.params;
  if (!isObject(params) || Object.keys(params).length === 0)
    fail(FN, 'random.params', params, 'an object with at least one parameter → distribution');
  const draws: Array<[string, (i: number) => ParamValue]> = [];
  const root = createRng(seed).stream('sweep-random');
  for (const [path, d] of Object.entries(params)) {
    checkParamPath(FN, 'random.params', path);
    const where = `random.params["${path}"]`;
    if (!isObject(d) || Object.keys(d).length !== 1)
      fail(
        FN,
        where,
        d,
        'one of { uniform: [lo, hi] }, { logUniform: [lo, hi] }, { int: [lo, hi] }, { choice: [...] }',
      );
    checkOptions(`${FN} (${where})`, d, ['uniform', 'logUniform', 'int', 'choice']);
    const rng = (i: number) => root.stream(`sample-${i}`).stream(path);
    let draw: (i: number) => ParamValue;
    if ('uniform' in d) {
      const [lo, hi] = checkRange(`${where}.uniform`, d.uniform);
      draw = (i) => rng(i).uniform(lo, hi);
    } else if ('logUniform' in d) {
      const [lo, hi] = checkRange(`${where}.logUniform`, d.logUniform, true);
      draw = (i) => Math.exp(rng(i).uniform(Math.log(lo), Math.log(hi)));
    } else if ('int' in d) {
      const [lo, hi] = checkRange(`${where}.int`, d.int);
      if (!Number.isInteger(lo) || !Number.isInteger(hi))
        fail(FN, `${where}.int`, d.int, '[low, high] integers');
      draw = (i) => lo + rng(i).int(hi - lo + 1);
    } else {
      const c = (d as { choice: unknown }).choice;
      if (!Array.isArray(c) || c.length === 0)
        fail(FN, `${where}.choice`, c, 'a non-empty array of values');
      c.forEach((v, j) => checkParamValue(FN, `${where}.choice[${j}]`, path, v));
      draw = (i) => c[rng(i).int(c.length)] as ParamValue;
    }
    if (!('choice' in d) && !isNumericParam(path))
      fail(FN, where, d, `{ choice: [...] } ("${path}" is not numeric)`);
    draws.push([path, draw]);
  }
  return Array.from({ length: n }, (_, i) => new Map(draws.map(([p, f]) => [p, f(i)])));
}

function describe(params: Record<string, ParamValue>, seed: number): string {
  const parts = Object.entries(params).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  return [...parts, `seed = ${seed}`].join(', ');
}

/**
 * Validate a spec and enumerate its trials. Every check runs here, before any trial: unknown
 * parameter paths (with the nearest known one), empty axes, wrong types, and each trial's full
 * training and device configuration.
 *
 * @example
 * const sweep = defineSweep({ grid: { 'device.c2cStd': [0, 0.05] }, seeds: [0, 1] });
 * sweep.trials; // 4
 */
export function defineSweep(spec: unknown): Sweep {
  if (!isObject(spec)) fail(FN, 'spec', spec, 'an object (the parsed JSON spec)');
  checkOptions(FN, spec, SPEC_KEYS);
  const s = spec as SweepSpec;
  for (const k of ['name', 'description'] as const)
    if (s[k] !== undefined && typeof s[k] !== 'string') fail(FN, k, s[k], 'a string');
  const kind = s.kind ?? 'train';
  if (kind !== 'train' && kind !== 'pulseResponse')
    fail(FN, 'kind', kind, '"train" (train, then evaluate) or "pulseResponse" (device only)');

  const base = flattenBase(FN, s.base);
  for (const [section, value] of [
    ['evaluate', s.evaluate],
    ['pulseResponse', s.pulseResponse],
  ] as const) {
    if (value === undefined) continue;
    if (!isObject(value)) fail(FN, section, value, 'an object');
    for (const [k, v] of Object.entries(value)) {
      const path = checkParamPath(FN, section, `${section}.${k}`);
      base.set(path, checkParamValue(FN, path, path, v));
    }
  }

  const axes: Map<string, ParamValue>[][] = [];
  const varied: string[] = [];
  const claim = (path: string, where: string) => {
    checkParamPath(FN, where, path);
    if (varied.includes(path))
      fail(FN, where, path, 'a parameter varied by only one of grid, points and random');
    varied.push(path);
  };
  if (s.grid !== undefined) {
    if (!isObject(s.grid)) fail(FN, 'grid', s.grid, 'an object: parameter path → array of values');
    if (Object.keys(s.grid).length === 0)
      fail(FN, 'grid', s.grid, 'an object with at least one parameter (or leave grid out)');
    for (const [path, values] of Object.entries(s.grid)) {
      claim(path, 'grid');
      if (!Array.isArray(values) || values.length === 0)
        fail(FN, `grid["${path}"]`, values, 'a non-empty array of values');
      values.forEach((v, j) => checkParamValue(FN, `grid["${path}"][${j}]`, path, v));
    }
    axes.push(gridCombos(s.grid));
  }
  if (s.points !== undefined) {
    if (!Array.isArray(s.points) || s.points.length === 0)
      fail(FN, 'points', s.points, 'a non-empty array of { parameter path: value } objects');
    const keys: string[] = [];
    s.points.forEach((p, j) => {
      if (!isObject(p) || Object.keys(p).length === 0)
        fail(FN, `points[${j}]`, p, 'an object of parameter path → value');
      for (const [path, v] of Object.entries(p)) {
        if (!keys.includes(path)) {
          claim(path, `points[${j}]`);
          keys.push(path);
        }
        checkParamValue(FN, `points[${j}]["${path}"]`, path, v);
      }
    });
    // A point that leaves out a parameter another point sets takes the base value.
    axes.push(s.points.map((p) => new Map(Object.entries(p) as [string, ParamValue][])));
  }
  if (s.random !== undefined) {
    const combos = randomCombos(s.random);
    for (const path of combos[0]!.keys()) claim(path, 'random.params');
    axes.push(combos);
  }

  const seeds = s.seeds ?? [0];
  if (!Array.isArray(seeds) || seeds.length === 0)
    fail(FN, 'seeds', seeds, 'a non-empty array of integers >= 0');
  seeds.forEach((x, j) => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 2 ** 32 - 1)
      fail(FN, `seeds[${j}]`, x, 'an integer from 0 to 4294967295');
    if (seeds.indexOf(x) !== j) fail(FN, `seeds[${j}]`, x, 'a seed not listed before');
  });

  if (kind === 'pulseResponse') {
    const bad = [...base.keys(), ...varied].find((p) => TRAIN_ONLY.test(p));
    if (bad !== undefined)
      fail(
        FN,
        bad,
        bad,
        'a device.* or pulseResponse.* parameter (pulseResponse trials only measure the device)',
      );
    if (base.get('rule') === 'ideal')
      fail(FN, 'base.rule', 'ideal', '"device" for pulseResponse trials');
  } else {
    const bad = [...base.keys(), ...varied].find((p) => p.startsWith('pulseResponse.'));
    if (bad !== undefined)
      fail(
        FN,
        bad,
        bad,
        'a training parameter (pulseResponse.* applies only with kind "pulseResponse")',
      );
  }

  let combos: Map<string, ParamValue>[] = [new Map()];
  for (const axis of axes) {
    const next: Map<string, ParamValue>[] = [];
    for (const c of combos) for (const a of axis) next.push(new Map([...c, ...a]));
    combos = next;
  }
  const trials = combos.length * seeds.length;
  if (trials > 1e6) fail(FN, 'spec', trials, 'at most 1,000,000 trials');
  const sweep: Sweep = Object.freeze({
    spec: s,
    kind,
    varied: Object.freeze(varied),
    seeds: Object.freeze([...seeds]),
    configurations: combos.length,
    trials,
    base,
    combos,
  });
  // Resolve every trial now: a bad value fails before any trial starts.
  for (let i = 0; i < trials; i++) trialAt(sweep, i);
  return sweep;
}

/**
 * Trial `index` of a sweep: its varied parameters, seed and full configuration.
 *
 * @example
 * trialAt(defineSweep(spec), 3).params; // { 'device.c2cStd': 0.05 }
 */
export function trialAt(sweep: Sweep, index: number): Trial {
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= sweep.trials)
    fail('trialAt', 'index', index, `an integer from 0 to ${sweep.trials - 1}`);
  const nS = sweep.seeds.length;
  const combo = sweep.combos[Math.floor(index / nS)]!;
  const seed = sweep.seeds[index % nS]!;
  const params: Record<string, ParamValue> = {};
  for (const p of sweep.varied)
    params[p] = combo.has(p) ? combo.get(p)! : (sweep.base.get(p) ?? null);
  let config: TrialConfig;
  try {
    config = resolveTrialConfig(trialAssignments(sweep.base, combo), seed);
  } catch (e) {
    if (!isCbramError(e)) throw e;
    throw new CbramError(
      e.code,
      `${FN}: trial ${index} (${describe(params, seed)}): ${e.message}`,
      {
        fn: FN,
        param: e.param ?? 'spec',
        value: e.value,
      },
    );
  }
  return { index, params, seed, config };
}
