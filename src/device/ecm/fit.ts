/**
 * Fit the lumped parameters of the physical model to measured pulse data: for every measured
 * pulse (G before → G after, in the same device, cycle and train) the model integrates that pulse
 * from the measured G before, and Nelder–Mead (in log space) minimises the squared error of the
 * predicted G after, in units of the base device's range. Predicting pulse by pulse, as the
 * phenomenological fit does, keeps one noisy pulse from shifting every later prediction.
 */
import type { DeviceConfig } from '../config';
import { checkEcmParams, conductanceOf, gapOf, type EcmParams } from './params';
import { checkTemperature } from './physics';
import { resolveScheme, type SchemeOptions } from './scheme';
import { applyUpdate } from './update';
import { compileEcm, type EcmDevice } from './compile';
import { ECM_DEVICES } from './devices';
import { checkInt, checkOneOf, checkOptions, fail } from '../../core/validate';

/** Parameters {@link fitEcm} can fit (all positive, fitted in log space). */
export type EcmFitParam =
  | 'setVelocity'
  | 'resetVelocity'
  | 'setGamma'
  | 'resetGamma'
  | 'setThreshold'
  | 'resetThreshold'
  | 'seriesResistance'
  | 'tunnelVoltage';
export const ECM_FIT_PARAMS: readonly EcmFitParam[] = [
  'setVelocity',
  'resetVelocity',
  'setGamma',
  'resetGamma',
  'setThreshold',
  'resetThreshold',
  'seriesResistance',
  'tunnelVoltage',
];

/** Measured trains: the columns of a PulseResponse (cycle and device optional). */
export interface EcmFitData {
  direction: ArrayLike<string>;
  pulse: ArrayLike<number>;
  conductance: ArrayLike<number>;
  cycle?: ArrayLike<number>;
  device?: ArrayLike<number>;
}

/** One measurement: trains and the scheme they were measured with. */
export interface EcmMeasurement {
  data: EcmFitData;
  scheme: SchemeOptions;
}

/** Options for {@link fitEcm}. */
export interface EcmFitOptions {
  /** The device whose other parameters are kept (default `cbram-ecm`). */
  base?: EcmDevice;
  /** The scheme the data were measured with, for a single data set (default the base's). */
  scheme?: SchemeOptions;
  /** Temperature of the measurement, K (default the base's ambient). */
  temperature?: number;
  /** Parameters to fit (default the velocities and field factors of both polarities). */
  fit?: readonly EcmFitParam[];
  /** Most measured pulses used, evenly subsampled (default 300). */
  maxSteps?: number;
  /** Nelder–Mead iterations (default 300). */
  iterations?: number;
  /** Name of the fitted device (default the base's with "-fit"). */
  name?: string;
}

/** Result of {@link fitEcm}. */
export interface EcmFit {
  /** The fitted physical device. */
  device: EcmDevice;
  /**
   * It compiled at the fit's temperature with the measured scheme (a single data set) or the
   * base's default scheme (several measurements), ready for training.
   */
  config: DeviceConfig;
  /** The fitted values. */
  params: Partial<EcmParams>;
  /** RMS error of the predicted G after each pulse, in units of the base's range. */
  rmse: number;
  /** Measured pulses used. */
  steps: number;
}

interface Step {
  g0: number;
  g1: number;
  set: boolean;
  k: number;
  m: number;
}

function stepsOf(fn: string, data: EcmFitData, m: number): Step[] {
  if (!data || typeof data !== 'object')
    fail(fn, 'data', data, 'pulse trains { direction, pulse, conductance, cycle?, device? }');
  const n = data.conductance?.length;
  if (typeof n !== 'number' || n < 2)
    fail(fn, 'data.conductance', data.conductance, 'an array of at least 2 conductances (S)');
  for (const c of ['direction', 'pulse', 'cycle', 'device'] as const) {
    const col = data[c];
    if (col !== undefined && col.length !== n)
      fail(fn, `data.${c}.length`, col.length, `${n} (the length of data.conductance)`, 'E_DATA');
  }
  const all: Step[] = [];
  for (let i = 1; i < n; i++) {
    const same =
      data.pulse[i] === data.pulse[i - 1]! + 1 &&
      data.direction[i] === data.direction[i - 1] &&
      (data.cycle === undefined || data.cycle[i] === data.cycle[i - 1]) &&
      (data.device === undefined || data.device[i] === data.device[i - 1]);
    if (!same) continue;
    const dir = data.direction[i];
    if (dir !== 'set' && dir !== 'reset')
      fail(fn, `data.direction[${i}]`, dir, '"set" or "reset"', 'E_DATA');
    const g0 = data.conductance[i - 1]!;
    const g1 = data.conductance[i]!;
    for (const [j, g] of [
      [i - 1, g0],
      [i, g1],
    ] as const) {
      if (!(Number.isFinite(g) && g > 0))
        fail(fn, `data.conductance[${j}]`, g, 'a positive number of siemens', 'E_DATA');
    }
    all.push({ g0, g1, set: dir === 'set', k: data.pulse[i]! - 1, m });
  }
  if (all.length === 0)
    fail(fn, 'data', data, 'at least one pair of consecutive pulses in one train', 'E_DATA');
  return all;
}

/** At most `max` of `all`, evenly spaced. */
function subsample<T>(all: T[], max: number): T[] {
  if (all.length <= max) return all;
  return Array.from({ length: max }, (_, j) => all[Math.floor((j * all.length) / max)]!);
}

/** Nelder–Mead minimisation of f from x0 with initial simplex step `d`. */
function nelderMead(f: (x: number[]) => number, x0: number[], d: number, iterations: number) {
  const n = x0.length;
  let S = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + d : v)))];
  let F = S.map(f);
  for (let it = 0; it < iterations; it++) {
    const order = S.map((_, i) => i).sort((a, b) => F[a]! - F[b]!);
    S = order.map((i) => S[i]!);
    F = order.map((i) => F[i]!);
    const c = x0.map((_, j) => S.slice(0, n).reduce((a, x) => a + x[j]!, 0) / n);
    const along = (t: number) => c.map((v, j) => v + t * (v - S[n]![j]!));
    const r = along(1);
    const fr = f(r);
    if (fr < F[0]!) {
      const e = along(2);
      const fe = f(e);
      [S[n], F[n]] = fe < fr ? [e, fe] : [r, fr];
    } else if (fr < F[n - 1]!) {
      [S[n], F[n]] = [r, fr];
    } else {
      const k = along(-0.5);
      const fk = f(k);
      if (fk < F[n]!) [S[n], F[n]] = [k, fk];
      else {
        for (let i = 1; i <= n; i++) {
          S[i] = S[i]!.map((v, j) => S[0]![j]! + 0.5 * (v - S[0]![j]!));
          F[i] = f(S[i]!);
        }
      }
    }
  }
  const best = F.indexOf(Math.min(...F));
  return { x: S[best]!, f: F[best]! };
}

/**
 * Fit some lumped parameters of the physical model to measured SET/RESET trains (the columns of
 * a PulseResponse), keeping the rest of `base`. Deterministic. A prefactor and its field factor
 * are told apart only by data at two or more amplitudes: pass several measurements, each with its
 * scheme. From a single amplitude the fit reproduces the trains but not the parameters.
 *
 * @example
 * const at = (amplitude: number) => ({ set: { amplitude, width: 10e-9 }, reset: { amplitude, width: 10e-9 } });
 * const fit = fitEcm([0.9, 1.1].map((a) => ({ scheme: at(a), data: pulseResponse(truth, { scheme: at(a), seed: 1 }) })));
 * fit.params.setVelocity; // close to truth's
 */
export function fitEcm(
  data: EcmFitData | readonly EcmMeasurement[],
  options: EcmFitOptions = {},
): EcmFit {
  return fitEcmAs('fitEcm', data, options);
}

/**
 * @internal {@link fitEcm}, with errors naming `fn`, the function the user called (fitDevice
 * with `model: 'ecm'` comes here too).
 */
export function fitEcmAs(
  fn: string,
  data: EcmFitData | readonly EcmMeasurement[],
  options: EcmFitOptions = {},
): EcmFit {
  checkOptions(fn, options, [
    'base',
    'scheme',
    'temperature',
    'fit',
    'maxSteps',
    'iterations',
    'name',
  ]);
  const base = options.base ?? ECM_DEVICES['cbram-ecm'];
  if (!base || typeof base !== 'object' || !base.params)
    fail(fn, 'options.base', base, "a physical device such as ECM_DEVICES['cbram-ecm']");
  const p0 = base.params;
  const T = checkTemperature(fn, 'options.temperature', options.temperature ?? p0.ambient);
  const keys: readonly EcmFitParam[] = options.fit ?? [
    'setVelocity',
    'resetVelocity',
    'setGamma',
    'resetGamma',
  ];
  if (!Array.isArray(keys as unknown) || keys.length === 0)
    fail(fn, 'options.fit', keys, `a non-empty array of ${ECM_FIT_PARAMS.join(', ')}`);
  keys.forEach((k, i) => checkOneOf(fn, `options.fit[${i}]`, k, ECM_FIT_PARAMS));
  const maxSteps = checkInt(fn, 'options.maxSteps', options.maxSteps ?? 300, {
    min: 10,
    max: 100000,
  });
  const iterations = checkInt(fn, 'options.iterations', options.iterations ?? 300, {
    min: 1,
    max: 100000,
  });
  const many = Array.isArray(data);
  if (many && options.scheme !== undefined)
    fail(fn, 'options.scheme', options.scheme, 'left out when each measurement gives its scheme');
  const measurements: EcmMeasurement[] = many
    ? (data as readonly EcmMeasurement[]).map((d) => d)
    : [{ data: data as EcmFitData, scheme: options.scheme ?? {} }];
  if (measurements.length === 0) fail(fn, 'data', data, 'at least one measurement', 'E_DATA');
  const schemes = measurements.map((d, m) => {
    if (!d || typeof d !== 'object' || !d.data)
      fail(fn, `data[${m}]`, d, 'a measurement { data, scheme }');
    return resolveScheme(fn, d.scheme, base.scheme, p0);
  });
  const steps = subsample(
    measurements.flatMap((d, m) => stepsOf(fn, d.data, m)),
    maxSteps,
  );
  const span = conductanceOf(p0, p0.gapMin) - conductanceOf(p0, p0.gapMax);
  const make = (x: number[]): EcmParams => {
    const q: Record<string, number> = { ...p0 };
    keys.forEach((k, i) => (q[k] = Math.exp(x[i]!)));
    return q as unknown as EcmParams;
  };
  const integrate = { tolerance: 1e-4 };
  const sse = (x: number[]): number => {
    const p = make(x);
    let e = 0;
    for (const st of steps) {
      const s = Math.min(p.gapMax, Math.max(p.gapMin, gapOf(p, st.g0)));
      const half = st.set ? schemes[st.m]!.set : schemes[st.m]!.reset;
      const u = applyUpdate(p, s, st.set, half, st.k, T, base.read, { integrate });
      const d = (conductanceOf(p, u.gap) - st.g1) / span;
      e += d * d;
    }
    return Number.isFinite(e) ? e : Number.MAX_VALUE;
  };
  // Two rounds: a wide simplex, then a restart around the best point (Nelder–Mead can stall).
  const first = nelderMead(
    sse,
    keys.map((k) => Math.log(p0[k])),
    0.3,
    Math.ceil(iterations / 2),
  );
  const best = nelderMead(sse, first.x, 0.05, Math.floor(iterations / 2));
  const params = checkEcmParams(fn, make(best.x));
  const fitted: Partial<EcmParams> = {};
  for (const k of keys) fitted[k] = params[k];
  const device: EcmDevice = Object.freeze({
    ...base,
    name: options.name ?? `${base.name}-fit`,
    source: `Fitted by fitEcm (${keys.join(', ')}) to ${steps.length} measured pulses; other values from ${base.name}.`,
    params,
    scheme: many ? base.scheme : schemes[0]!,
  });
  return {
    device,
    config: compileEcm(device, { temperature: T }),
    params: fitted,
    rmse: Math.sqrt(best.f / steps.length),
    steps: steps.length,
  };
}
