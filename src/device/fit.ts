/**
 * Fit a device model to measured pulse-response data: SET and RESET trains of conductance against
 * pulse number, over several cycles and devices (the shape {@link pulseResponse} returns).
 *
 * The work is split by concern: ./fit-input.ts reads and checks the data, ./fit-steps.ts finds
 * the trains, bounds and steps, ./fit-models.ts fits each model kind, ./fit-stats.ts computes
 * residuals, bound refinement and the spreads; this module chooses and assembles the result.
 *
 * Method (see ../../docs/fit.md for the reasoning and the limitations):
 * 1. Bounds. For each device, G_max,d starts as the mean over its SET trains of the train maximum
 *    and G_min,d as the mean over its RESET trains of the train minimum.
 * 2. Steps. Each pair of consecutive rows one pulse apart in a train is a step. Steps that start
 *    or end within 1e-3 of the range from the most extreme state the device reached in that
 *    direction are dropped: there the device may have been clipped at its bound, which would bias
 *    the step sizes. States are normalised with their own device's bounds,
 *    x = (G − G_min,d)/(G_max,d − G_min,d); u is the step's magnitude (rise for SET, fall for RESET).
 * 3. Models. With d the distance from x to the bound the pulse drives toward, each candidate is
 *    linear in a step scale: linear u = c; soft bounds u = s·d; nonlinear u = a + c·d with
 *    a, c >= 0, giving ν = ln(1 + c/a) and P = ν/(−ln(1 − c)); exponential
 *    u = s·(e^(γd) − 1)/(e^γ − 1), γ by a grid on [0, 20] refined by golden section (RESET also
 *    tries the constant step, γ_r = 0). SET and RESET are fitted separately by least squares;
 *    residuals are then recomputed with the exact step functions of ./models.ts.
 * 4. Bound refinement. Where the fitted step vanishes at a bound (soft bounds, exponential), the
 *    trains only approach that bound and their extremes fall short of it; there each device's
 *    bound is re-estimated by least squares on its own steps, alternating with step 3.
 * 5. Choice. The kind with the lowest BIC, N·ln(SSE/N) + k·ln N (k = 2 for linear and soft
 *    bounds, 4 for nonlinear and exponential). Among kinds with equal k this is the lowest SSE;
 *    it keeps the 4-parameter families, which contain the 2-parameter ones as limits, from
 *    winning on noise alone.
 * 6. Spreads. gMin/gMax are means over devices and gMinDtod/gMaxDtod relative sample standard
 *    deviations. Each device gets a least-squares multiplier k_d of the chosen steps; c2cStd is
 *    the RMS residual about k_d·step, and stepDtod the relative spread of k_d with the part due
 *    to c2c noise subtracted.
 */
import type { ColumnTable } from 'arquero';
import { checkBudget, checkOneOf, checkOptions, fail } from '../core/validate';
import { DEVICE_DEFAULTS, checkDeviceConfig, type DeviceConfig, type DeviceModel } from './config';
import type { PulseResponse } from './curves';
import { FN, readRows } from './fit-input';
import { fitEcmAs, type EcmFit, type EcmFitOptions, type EcmMeasurement } from './ecm/fit';
import { prepare } from './fit-steps';
import {
  deviceScales,
  fitCandidate,
  relSpread,
  residualsOf,
  sumSq,
  type DeviceScales,
  type Fitted,
} from './fit-stats';

/** The model kinds {@link fitDevice} can fit. */
export type FitModelKind = 'linear' | 'softBounds' | 'nonlinear' | 'exponential';
export const FIT_MODEL_KINDS: readonly FitModelKind[] = [
  'linear',
  'softBounds',
  'nonlinear',
  'exponential',
];

/** Column arrays of a pulse-response measurement, one entry per row (a {@link PulseResponse} is one). */
export interface PulseColumns {
  /** Pulse number within the train; must increase within a train. */
  pulse: ArrayLike<number | string>;
  /** Conductance after `pulse` pulses, S. */
  conductance: ArrayLike<number | string>;
  /** `'set'` or `'reset'` (case-insensitive). */
  direction: ArrayLike<string>;
  /** Cycle label (default: all rows in cycle 0). */
  cycle?: ArrayLike<number | string>;
  /** Device label (default: all rows from one device). */
  device?: ArrayLike<number | string>;
}

/** Options for {@link fitDevice}. */
export interface FitDeviceOptions {
  /** Fit only this kind instead of choosing the best by BIC (default: try all four). */
  model?: FitModelKind;
  /** Name of the fitted config (default `'fitted'`). */
  name?: string;
  /**
   * Fields the fit cannot measure: pulse voltages, widths and energies, levels, faults, read
   * noise, retention (default: the ideal-device defaults, listed in `assumed`). Fitted fields
   * (model, gMin, gMax, c2cStd and the Dtod spreads) override these.
   */
  base?: Partial<DeviceConfig>;
}

/**
 * Options of {@link fitDevice} for the physical model: `model: 'ecm'` and the options of
 * {@link fitEcm} (the base physical device, the measurement's scheme and temperature, which
 * lumped parameters to fit, ...).
 */
export interface FitEcmDeviceOptions extends EcmFitOptions {
  model: 'ecm';
}

/** One fitted candidate model. */
export interface FitCandidate {
  kind: FitModelKind;
  model: DeviceModel;
  /**
   * Residual sum of squares of the steps, SET + RESET, about each device's own multiple k_d of the
   * model step, in units of the mean range squared.
   */
  sse: number;
  /** Bayesian information criterion, N·ln(SSE/N) + k·ln N; the lowest wins. */
  bic: number;
}

/** Summary statistics of a fit. */
export interface FitStats {
  /** Cycle-to-cycle std of a step, fraction of the range. */
  c2cStd: number;
  /** Relative spread of G_min over devices (0 with one device). */
  gMinDtod: number;
  /** Relative spread of G_max over devices (0 with one device). */
  gMaxDtod: number;
  /** Relative spread of the step multiplier over devices (0 with one device). */
  stepDtod: number;
  /** Devices in the data. */
  devices: number;
  /** SET trains per device (the largest count over devices). */
  cycles: number;
  /** Single-pulse steps in the data (pairs of consecutive rows one pulse apart). */
  pulses: number;
  /** Steps used by the fit, after dropping those at the bound the pulse drives toward. */
  used: { set: number; reset: number };
  /** Per-device G_min estimates (train extremes, or refined where the step vanishes), S. */
  gMinByDevice: Float64Array;
  /** Per-device G_max estimates, S. */
  gMaxByDevice: Float64Array;
  /** Per-device step multiplier k_d of the chosen model. */
  stepScaleByDevice: Float64Array;
}

/** The result of {@link fitDevice}. */
export interface DeviceFit {
  /** The fitted device, ready for pulseResponse(), createDeviceArray() or a crossbar. */
  config: DeviceConfig;
  /** The chosen (or forced) model kind. */
  kind: FitModelKind;
  /** RMS step residual of the chosen model (pooled over devices, no k_d), fraction of the range. */
  rmse: { set: number; reset: number };
  /** Step residuals (measured − model, range units) of the chosen model, by device, then in data order. */
  residuals: { set: Float64Array; reset: Float64Array };
  stats: FitStats;
  /** Every kind tried, in FIT_MODEL_KINDS order. */
  candidates: FitCandidate[];
}

/** Residual RMS below which fits count as exact (float32 storage resolves about 1e-7). */
const RMS_FLOOR = 1e-6;
const NOT_FITTED = [
  'set',
  'reset',
  'read',
  'levels',
  'pStuckOff',
  'pStuckOn',
  'readNoiseStd',
  'retentionTau',
];

/**
 * Fit a {@link DeviceConfig} to measured SET/RESET pulse trains: the model kind, its parameters,
 * G_min and G_max, and the cycle-to-cycle and device-to-device spreads. See the module comment
 * and docs/fit.md for the method and its limits.
 *
 * `data` is CSV text with a header (`pulse, conductance, direction` and optional `cycle`,
 * `device`; conductance in siemens, direction `set` or `reset`), an arquero table with those
 * columns, or an object of column arrays such as {@link pulseResponse} returns. Rows of one train
 * (the same device, cycle and direction) are consecutive, with increasing pulse numbers.
 *
 * @example
 * const truth = devicePreset('cbram-subquantum', { stepDtod: 0 });
 * const fit = fitDevice(pulseResponse(truth, { devices: 4, cycles: 5, seed: 1 }));
 * fit.kind;             // 'exponential'
 * fit.config.model;     // { kind: 'exponential', setStep: ≈0.1, setGamma: ≈2, ... }
 * fitDevice(csvText, { model: 'nonlinear', base: { set: { voltage: 1.2, width: 20 * ns } } });
 */
export function fitDevice(
  data: string | PulseColumns | PulseResponse | ColumnTable,
  options?: FitDeviceOptions,
): DeviceFit;
/**
 * Fit the lumped parameters of the physical CBRAM model (`model: 'ecm'`) to measured trains, in
 * the same data forms, or to a list of measurements each with its scheme (several amplitudes
 * tell a prefactor from its field factor). The work is {@link fitEcm}'s; see docs/devices.md.
 *
 * @example
 * const fit = fitDevice(csvText, { model: 'ecm', scheme: { set: { amplitude: 1, width: 10e-9 } } });
 * fit.params.setVelocity; fit.config; // the fitted values; the device compiled for training
 */
export function fitDevice(
  data: string | PulseColumns | PulseResponse | ColumnTable | readonly EcmMeasurement[],
  options: FitEcmDeviceOptions,
): EcmFit;
export function fitDevice(
  data: string | PulseColumns | PulseResponse | ColumnTable | readonly EcmMeasurement[],
  options: FitDeviceOptions | FitEcmDeviceOptions = {},
): DeviceFit | EcmFit {
  if (options !== null && typeof options === 'object' && options.model === 'ecm')
    return fitPhysical(data, options);
  if (Array.isArray(data) && data.length > 0 && (data[0] as { scheme?: unknown }).scheme)
    fail(
      FN,
      'data',
      'a list of measurements with schemes',
      "one pulse-response data set (a list of { scheme, data } measurements needs model: 'ecm')",
    );
  checkOptions(FN, options, ['model', 'name', 'base']);
  const kinds =
    options.model === undefined
      ? FIT_MODEL_KINDS
      : // 'ecm' went to fitPhysical above; it is listed so the message names every choice.
        [
          checkOneOf(FN, 'options.model', options.model, [
            ...FIT_MODEL_KINDS,
            'ecm',
          ]) as FitModelKind,
        ];
  const name = options.name ?? 'fitted';
  if (typeof name !== 'string' || !name) fail(FN, 'options.name', name, 'a non-empty string');
  const base = options.base ?? {};
  if (base === null || typeof base !== 'object' || Array.isArray(base))
    fail(FN, 'options.base', base, 'an object of DeviceConfig fields');
  checkOptions(`${FN} (options.base)`, base, Object.keys(DEVICE_DEFAULTS));
  checkDeviceConfig(FN, { ...DEVICE_DEFAULTS, ...base }, 'options.base.');

  const rows = readRows(data);
  const prep = prepare(rows);
  const nDev = prep.gMin.length;
  const N = prep.set.n + prep.reset.n;

  // Fit every candidate. Score each by its residuals about k_d·step (so device-to-device step
  // spread is not mistaken for model error), in units of the mean extreme-to-extreme range so
  // that kinds with different refined bounds compare on one scale.
  let spanRef = 0;
  for (let k = 0; k < nDev; k++) spanRef += (prep.gMax[k]! - prep.gMin[k]!) / nDev;
  const sseFloor = N * RMS_FLOOR * RMS_FLOOR;
  const candidates: FitCandidate[] = [];
  const fits: Fitted[] = [];
  const spreads: DeviceScales[] = [];
  let chosen = 0;
  for (const kind of kinds) {
    const f = fitCandidate(kind, prep);
    const ds = deviceScales(f, nDev);
    const sse = ds.rssRange / (spanRef * spanRef);
    // Per-device bounds and multipliers are estimated for every kind, so only the model's own
    // parameters are counted.
    const params = kind === 'linear' || kind === 'softBounds' ? 2 : 4;
    const bic = N * Math.log(Math.max(sse, sseFloor) / N) + params * Math.log(N);
    candidates.push({ kind, model: f.model, sse, bic });
    fits.push(f);
    spreads.push(ds);
    if (bic < candidates[chosen]!.bic) chosen = candidates.length - 1;
  }
  const { kind } = candidates[chosen]!;
  const { model, set, reset, lo: gMin, hi: gMax } = fits[chosen]!;
  const { scale, mm, rss, mSet, mReset } = spreads[chosen]!;
  const residuals = { set: residualsOf(set, mSet), reset: residualsOf(reset, mReset) };

  // c2c about k_d·step; d2d spread of k_d less the part c2c noise alone would give.
  const c2cStd = Math.sqrt(rss / Math.max(1, N - nDev));
  const k = relSpread(scale);
  let noiseVar = 0;
  for (let d = 0; d < nDev; d++) noiseVar += (c2cStd * c2cStd) / Math.max(mm[d]!, 1e-300) / nDev;
  const stepDtod = nDev < 2 ? 0 : Math.sqrt(Math.max(0, k.varAbs - noiseVar)) / k.mean;

  const lo = relSpread(gMin);
  const hi = relSpread(gMax);
  const stats: FitStats = {
    c2cStd: Math.min(1, c2cStd),
    gMinDtod: Math.min(1, lo.rel),
    gMaxDtod: Math.min(1, hi.rel),
    stepDtod: Math.min(1, stepDtod),
    devices: nDev,
    cycles: prep.cycles,
    pulses: prep.pulses,
    used: { set: set.n, reset: reset.n },
    gMinByDevice: gMin,
    gMaxByDevice: gMax,
    stepScaleByDevice: scale,
  };
  const source =
    (base.source ? `${base.source}; ` : '') +
    `fitted by fitDevice: ${kind} model, least squares on ${set.n} SET and ${reset.n} RESET ` +
    `single-pulse steps from ${nDev} device(s), up to ${prep.cycles} cycle(s); ` +
    'G_min and G_max from the RESET-train minima and SET-train maxima';
  const assumed = [
    ...new Set([...(base.assumed ?? []), ...NOT_FITTED.filter((f) => !(f in base))]),
  ];
  const config = checkDeviceConfig(
    FN,
    {
      ...DEVICE_DEFAULTS,
      ...base,
      name,
      source,
      assumed,
      model,
      gMin: lo.mean,
      gMax: hi.mean,
      c2cStd: stats.c2cStd,
      gMinDtod: stats.gMinDtod,
      gMaxDtod: stats.gMaxDtod,
      stepDtod: stats.stepDtod,
    },
    'fitted.',
  );
  return {
    config,
    kind,
    rmse: {
      set: Math.sqrt(sumSq(residuals.set) / set.n),
      reset: Math.sqrt(sumSq(residuals.reset) / reset.n),
    },
    residuals,
    stats,
    candidates,
  };
}

/**
 * Pulse-response columns as CSV text with the header `device,cycle,direction,pulse,conductance`,
 * one row per pulse. Conductances are written with as many digits as needed to read back the
 * same number, so `fitDevice(toCSV(r))` equals `fitDevice(r)`.
 *
 * @example
 * fs.writeFileSync('pulses.csv', toCSV(pulseResponse(PRESETS['cbram-subquantum'], { seed: 1 })));
 */
export function toCSV(response: PulseResponse): string {
  const fn = 'toCSV';
  if (response === null || typeof response !== 'object')
    fail(fn, 'response', response, 'a PulseResponse from pulseResponse()');
  const cols = ['device', 'cycle', 'direction', 'pulse', 'conductance'] as const;
  const n = response.pulse?.length;
  if (!Number.isInteger(n)) fail(fn, 'response.pulse', response.pulse, 'a column array');
  for (const c of cols) {
    if (response[c]?.length !== n)
      fail(fn, `response.${c}`, response[c], `a column of ${n ?? 'equal'} rows like the others`);
  }
  checkBudget(fn, 'rows', n, 128, { unit: 'rows of text', hint: 'write fewer pulses' });
  const lines = [cols.join(',')];
  for (let i = 0; i < n; i++) {
    const g = response.conductance[i]!;
    if (typeof g !== 'number' || !Number.isFinite(g))
      fail(fn, `response.conductance[${i}]`, g, 'a finite number of siemens', 'E_DATA');
    const dir = response.direction[i];
    if (dir !== 'set' && dir !== 'reset')
      fail(fn, `response.direction[${i}]`, dir, '"set" or "reset"', 'E_DATA');
    lines.push(
      `${response.device[i]},${response.cycle[i]},${response.direction[i]},${response.pulse[i]},${g.toExponential()}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** fitDevice for the physical model: the data read as fitDevice reads it, then fitEcm's work. */
function fitPhysical(
  data: string | PulseColumns | PulseResponse | ColumnTable | readonly EcmMeasurement[],
  options: FitEcmDeviceOptions,
): EcmFit {
  const rest: EcmFitOptions = { ...options };
  delete (rest as { model?: string }).model;
  if (Array.isArray(data)) return fitEcmAs(FN, data as readonly EcmMeasurement[], rest);
  const rows = readRows(data);
  const cycles = new Map<string, number>();
  const cycle = rows.cycle.map((c) => {
    if (!cycles.has(c)) cycles.set(c, cycles.size);
    return cycles.get(c)!;
  });
  return fitEcmAs(
    FN,
    {
      direction: Array.from(rows.up, (u) => (u ? 'set' : 'reset')),
      pulse: rows.pulse,
      conductance: rows.g,
      cycle,
      device: rows.dev,
    },
    rest,
  );
}
