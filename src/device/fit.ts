/**
 * Fit a device model to measured pulse-response data: SET and RESET trains of conductance against
 * pulse number, over several cycles and devices (the shape {@link pulseResponse} returns).
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
import { fromCSV, type ColumnTable } from 'arquero';
import { CbramError } from '../core/errors';
import { checkBudget, checkOneOf, checkOptions, fail, nearestName } from '../core/validate';
import { DEVICE_DEFAULTS, checkDeviceConfig, type DeviceConfig, type DeviceModel } from './config';
import { resetStep, setStep } from './models';
import type { PulseResponse } from './curves';

const FN = 'fitDevice';

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

/** Steps closer than this (in range units) to the bound a pulse drives toward are dropped. */
const BOUND_TOL = 1e-3;
/** Residual RMS below which fits count as exact (float32 storage resolves about 1e-7). */
const RMS_FLOOR = 1e-6;
const GAMMA_MAX = 20;
const NU_MAX = 50;
const STEP_MIN = 1e-9;
const REFINE_ITERS = 30;
const OVER_RELAX = 1.8;
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

function dataError(param: string, message: string, value?: unknown): never {
  throw new CbramError('E_DATA', `${FN}: ${message}`, { fn: FN, param, value });
}

// ---------------------------------------------------------------------------------------------
// Input: CSV text, an arquero table or column arrays → validated typed columns.

interface Rows {
  n: number;
  pulse: Float64Array;
  g: Float64Array;
  up: Uint8Array;
  /** Device index into `devices`. */
  dev: Int32Array;
  devices: string[];
  cycle: string[];
}

/** Bytes the fit allocates per row of data (typed columns, steps and residuals of every candidate). */
const FIT_ROW_BYTES = 256;

const REQUIRED = ['pulse', 'conductance', 'direction'] as const;
const OPTIONAL = ['cycle', 'device'] as const;

interface TableLike {
  columnNames(): string[];
  array(name: string): ArrayLike<unknown>;
}

function isTable(v: unknown): v is TableLike {
  return typeof (v as TableLike | null)?.columnNames === 'function';
}

function columnsOf(data: unknown): Map<string, ArrayLike<unknown>> {
  if (typeof data === 'string') {
    if (!data.trim())
      dataError('data', 'data is empty: expected CSV text with a header row and one row per pulse');
    try {
      data = fromCSV(data, { autoType: false });
    } catch (e) {
      dataError('data', `data is not readable CSV text (${(e as Error).message})`);
    }
  }
  const cols = new Map<string, ArrayLike<unknown>>();
  if (isTable(data)) {
    for (const name of data.columnNames()) cols.set(name.trim(), data.array(name));
    return cols;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data) || ArrayBuffer.isView(data))
    fail(FN, 'data', data, 'CSV text, an arquero table or an object of column arrays');
  for (const [name, col] of Object.entries(data)) {
    if (!(Array.isArray(col) || (ArrayBuffer.isView(col) && !(col instanceof DataView)))) {
      if (
        (REQUIRED as readonly string[]).includes(name) ||
        (OPTIONAL as readonly string[]).includes(name)
      )
        dataError(`data.${name}`, `column "${name}" must be an array, got ${typeof col}`, col);
      continue;
    }
    cols.set(name, col as ArrayLike<unknown>);
  }
  return cols;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

function readRows(data: unknown): Rows {
  const cols = columnsOf(data);
  const found = [...cols.keys()];
  for (const name of REQUIRED) {
    if (!cols.has(name))
      dataError(
        `data.${name}`,
        `data has no "${name}" column (columns found: ${found.join(', ') || 'none'}); ` +
          'expected pulse, conductance, direction and optionally cycle, device',
      );
  }
  const n = cols.get('pulse')!.length;
  for (const name of [...REQUIRED, ...OPTIONAL]) {
    const len = cols.get(name)?.length;
    if (len !== undefined && len !== n)
      dataError(`data.${name}`, `column lengths differ: pulse has ${n} rows, ${name} has ${len}`);
  }
  if (n === 0) dataError('data', 'data has no rows (expected one row per pulse)', 0);
  checkBudget(FN, 'rows of data', n, FIT_ROW_BYTES, {
    unit: 'rows',
    hint: 'fit fewer pulses (e.g. fewer cycles or devices)',
  });
  const pulseCol = cols.get('pulse')!;
  const gCol = cols.get('conductance')!;
  const dirCol = cols.get('direction')!;
  const devCol = cols.get('device');
  const cycleCol = cols.get('cycle');
  const rows: Rows = {
    n,
    pulse: new Float64Array(n),
    g: new Float64Array(n),
    up: new Uint8Array(n),
    dev: new Int32Array(n),
    devices: [],
    cycle: new Array<string>(n),
  };
  const devIndex = new Map<string, number>();
  const label = (col: ArrayLike<unknown> | undefined, name: string, i: number): string => {
    if (!col) return '0';
    const v = col[i];
    if ((typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.trim()))
      return String(v).trim();
    return fail(FN, `${name} in row ${i}`, v, 'a number or a non-empty label', 'E_DATA');
  };
  for (let i = 0; i < n; i++) {
    const p = toNumber(pulseCol[i]);
    if (!Number.isInteger(p) || p < 0)
      fail(FN, `pulse in row ${i}`, pulseCol[i], 'a non-negative integer', 'E_DATA');
    const g = toNumber(gCol[i]);
    if (!Number.isFinite(g))
      fail(FN, `conductance in row ${i}`, gCol[i], 'a finite number of siemens', 'E_DATA');
    if (g < 0) fail(FN, `conductance in row ${i}`, g, 'non-negative (siemens)', 'E_DATA');
    const raw = dirCol[i];
    const dir = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    if (dir !== 'set' && dir !== 'reset') {
      const hint =
        typeof raw === 'string' ? ` (did you mean "${nearestName(dir, ['set', 'reset'])}"?)` : '';
      fail(FN, `direction in row ${i}`, raw, `"set" or "reset"${hint}`, 'E_DATA');
    }
    const d = label(devCol, 'device', i);
    let k = devIndex.get(d);
    if (k === undefined) {
      k = rows.devices.length;
      devIndex.set(d, k);
      rows.devices.push(d);
    }
    rows.pulse[i] = p;
    rows.g[i] = g;
    rows.up[i] = dir === 'set' ? 1 : 0;
    rows.dev[i] = k;
    rows.cycle[i] = label(cycleCol, 'cycle', i);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Trains, per-device bounds and the (x, Δx) steps.

/** Single-pulse steps of one direction in siemens, grouped by device (device k: off[k]..off[k+1]). */
interface Pairs {
  /** Conductance before the pulse, S. */
  g0: Float64Array;
  /** Change in the pulse's direction (rise for SET, fall for RESET), S. */
  dg: Float64Array;
  dev: Int32Array;
  off: Int32Array;
  n: number;
}

/** The same steps in normalised units: state before, distance to the target bound, magnitude. */
interface Steps {
  x: Float64Array;
  d: Float64Array;
  u: Float64Array;
  dev: Int32Array;
  n: number;
}

interface Prepared {
  set: Pairs;
  reset: Pairs;
  /** Train-extreme bounds per device, S. */
  gMin: Float64Array;
  gMax: Float64Array;
  cycles: number;
  pulses: number;
}

function describeTrain(r: Rows, i: number): string {
  return `device ${r.devices[r.dev[i]!]}, cycle ${r.cycle[i]}, ${r.up[i] ? 'set' : 'reset'}`;
}

function prepare(r: Rows): Prepared {
  const nDev = r.devices.length;
  const maxSum = new Float64Array(nDev);
  const minSum = new Float64Array(nDev);
  const nSetTrains = new Int32Array(nDev);
  const nResetTrains = new Int32Array(nDev);
  const trainStart = new Uint8Array(r.n);
  let start = 0;
  let ext = r.g[0]!;
  const closeTrain = (end: number): void => {
    if (end - start < 2)
      dataError(
        `row ${start}`,
        `the train starting at row ${start} (${describeTrain(r, start)}) has ${end - start} row; ` +
          'a train needs at least 2 (the states before and after a pulse)',
        end - start,
      );
    const k = r.dev[start]!;
    if (r.up[start]) {
      maxSum[k]! += ext;
      nSetTrains[k]!++;
    } else {
      minSum[k]! += ext;
      nResetTrains[k]!++;
    }
  };
  trainStart[0] = 1;
  for (let i = 1; i < r.n; i++) {
    if (r.dev[i] !== r.dev[i - 1] || r.cycle[i] !== r.cycle[i - 1] || r.up[i] !== r.up[i - 1]) {
      closeTrain(i);
      start = i;
      ext = r.g[i]!;
      trainStart[i] = 1;
      continue;
    }
    if (!(r.pulse[i]! > r.pulse[i - 1]!))
      fail(
        FN,
        `pulse in row ${i}`,
        r.pulse[i],
        `greater than ${r.pulse[i - 1]} (row ${i - 1}): pulse numbers must increase within a ` +
          `train, the consecutive rows with the same device, cycle and direction (${describeTrain(r, i)})`,
        'E_DATA',
      );
    ext = r.up[i] ? Math.max(ext, r.g[i]!) : Math.min(ext, r.g[i]!);
  }
  closeTrain(r.n);

  const gMin = new Float64Array(nDev);
  const gMax = new Float64Array(nDev);
  for (let k = 0; k < nDev; k++) {
    for (const [count, dir, bound] of [
      [nSetTrains[k]!, 'set', 'G_max'],
      [nResetTrains[k]!, 'reset', 'G_min'],
    ] as const) {
      if (count === 0)
        dataError(
          'direction',
          `device ${r.devices[k]} has no ${dir} train; its ${bound} is estimated from the ${dir} trains`,
        );
    }
    gMin[k] = minSum[k]! / nResetTrains[k]!;
    gMax[k] = maxSum[k]! / nSetTrains[k]!;
    if (!(gMax[k]! > gMin[k]!))
      dataError(
        'conductance',
        `device ${r.devices[k]}: the mean SET-train maximum ${gMax[k]} S must exceed the mean ` +
          `RESET-train minimum ${gMin[k]} S (a stuck device, or swapped directions?)`,
        gMax[k],
      );
  }

  // The extreme states each device reached: steps touching them may have been clipped.
  const top = new Float64Array(nDev).fill(-Infinity);
  const bottom = new Float64Array(nDev).fill(Infinity);
  for (let i = 0; i < r.n; i++) {
    const k = r.dev[i]!;
    if (r.up[i]) top[k] = Math.max(top[k]!, r.g[i]!);
    else bottom[k] = Math.min(bottom[k]!, r.g[i]!);
  }
  const keep = new Uint8Array(r.n);
  const count = [new Int32Array(nDev + 1), new Int32Array(nDev + 1)];
  let pulses = 0;
  for (let i = 1; i < r.n; i++) {
    if (trainStart[i] || r.pulse[i]! - r.pulse[i - 1]! !== 1) continue;
    pulses++;
    const k = r.dev[i]!;
    const tol = BOUND_TOL * (gMax[k]! - gMin[k]!);
    const up = r.up[i] === 1;
    const near = up
      ? Math.max(r.g[i - 1]!, r.g[i]!) > top[k]! - tol
      : Math.min(r.g[i - 1]!, r.g[i]!) < bottom[k]! + tol;
    if (near) continue;
    keep[i] = 1;
    count[r.up[i]!]![k + 1]!++;
  }
  const [reset, set] = count.map((c, dir): Pairs => {
    for (let k = 0; k < nDev; k++) c[k + 1]! += c[k]!;
    const n = c[nDev]!;
    const p = {
      g0: new Float64Array(n),
      dg: new Float64Array(n),
      dev: new Int32Array(n),
      off: c.slice(),
      n,
    };
    for (let i = 1; i < r.n; i++) {
      if (!keep[i] || r.up[i] !== dir) continue;
      const k = r.dev[i]!;
      const j = c[k]!++;
      p.g0[j] = r.g[i - 1]!;
      p.dg[j] = dir ? r.g[i]! - r.g[i - 1]! : r.g[i - 1]! - r.g[i]!;
      p.dev[j] = k;
    }
    return p;
  }) as [Pairs, Pairs];
  for (const [p, dir] of [
    [set, 'set'],
    [reset, 'reset'],
  ] as const) {
    if (p.n < 3)
      dataError(
        'data',
        `only ${p.n} usable ${dir} steps (consecutive rows one pulse apart, away from the bound); ` +
          'at least 3 are needed',
        p.n,
      );
    const mean = p.dg.reduce((t, v) => t + v, 0) / p.n;
    if (!(mean > 0))
      dataError(
        'data',
        `the ${dir} steps average ${mean} S; a ${dir} pulse must move the conductance ` +
          `${dir === 'set' ? 'up' : 'down'} on average (are the directions swapped?)`,
        mean,
      );
  }
  let cycles = 0;
  for (let k = 0; k < nDev; k++) cycles = Math.max(cycles, nSetTrains[k]!);
  return { set, reset, gMin, gMax, cycles, pulses };
}

/** Normalise steps with per-device bounds. */
function normalise(p: Pairs, lo: Float64Array, hi: Float64Array, isSet: boolean): Steps {
  const s: Steps = {
    x: new Float64Array(p.n),
    d: new Float64Array(p.n),
    u: new Float64Array(p.n),
    dev: p.dev,
    n: p.n,
  };
  for (let i = 0; i < p.n; i++) {
    const k = p.dev[i]!;
    const span = hi[k]! - lo[k]!;
    const x = (p.g0[i]! - lo[k]!) / span;
    s.x[i] = x;
    s.d[i] = isSet ? 1 - x : x;
    s.u[i] = p.dg[i]! / span;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Least-squares fits of one direction, in d = distance to the target bound.

/** u = s·f(d): the least-squares scale and its SSE, for the shape f. */
function scaleFit(s: Steps, f: (d: number) => number): { scale: number; sse: number } {
  let uf = 0;
  let ff = 0;
  let uu = 0;
  for (let i = 0; i < s.n; i++) {
    const fi = f(s.d[i]!);
    const ui = s.u[i]!;
    uf += ui * fi;
    ff += fi * fi;
    uu += ui * ui;
  }
  const scale = ff > 0 ? uf / ff : 0;
  return { scale, sse: uu - scale * uf };
}

const clampStep = (v: number): number => Math.min(1, Math.max(STEP_MIN, v));
const one = (): number => 1;
const identity = (d: number): number => d;

/** Nonlinear (NeuroSim) half: u = a + c·d with a, c >= 0; returns P and ν. */
function fitNonlinear(s: Steps): { pulses: number; nu: number } {
  let sd = 0;
  let su = 0;
  let sdd = 0;
  let sdu = 0;
  for (let i = 0; i < s.n; i++) {
    const d = s.d[i]!;
    const u = s.u[i]!;
    sd += d;
    su += u;
    sdd += d * d;
    sdu += d * u;
  }
  const det = s.n * sdd - sd * sd;
  let c = det > 0 ? (s.n * sdu - sd * su) / det : 0;
  let a = (su - c * sd) / s.n;
  if (!(a >= 0 && c >= 0)) {
    // The problem is convex, so the constrained optimum lies on an edge: c = 0 or a = 0.
    const flat = scaleFit(s, one);
    const prop = scaleFit(s, identity);
    if (flat.sse <= prop.sse || prop.scale <= 0) [a, c] = [flat.scale, 0];
    else [a, c] = [0, prop.scale];
  }
  c = Math.min(c, 1 - 1e-9);
  if (c <= 0) return { pulses: Math.max(1, 1 / a), nu: 0 };
  const nu = a <= 0 ? NU_MAX : Math.min(NU_MAX, Math.log1p(c / a));
  return { pulses: Math.max(1, nu / -Math.log1p(-c)), nu };
}

/**
 * Minimise f on [a, b]: the best of `grid` + 1 evenly spaced points, refined by golden-section
 * search over the grid cells either side of it.
 */
function minimize1d(
  f: (v: number) => number,
  a: number,
  b: number,
  grid: number,
): { at: number; min: number } {
  const h = (b - a) / grid;
  let at = a;
  let min = f(a);
  for (let i = 1; i <= grid; i++) {
    const e = f(a + i * h);
    if (e < min) [at, min] = [a + i * h, e];
  }
  const phi = (Math.sqrt(5) - 1) / 2;
  let lo = Math.max(a, at - h);
  let hi = Math.min(b, at + h);
  let v1 = hi - phi * (hi - lo);
  let v2 = lo + phi * (hi - lo);
  let e1 = f(v1);
  let e2 = f(v2);
  for (let it = 0; it < 30; it++) {
    if (e1 <= e2) {
      hi = v2;
      v2 = v1;
      e2 = e1;
      v1 = hi - phi * (hi - lo);
      e1 = f(v1);
    } else {
      lo = v1;
      v1 = v2;
      e1 = e2;
      v2 = lo + phi * (hi - lo);
      e2 = f(v2);
    }
  }
  if (e1 < min) [at, min] = [v1, e1];
  if (e2 < min) [at, min] = [v2, e2];
  return { at, min };
}

/**
 * Exponential half: u = s·(e^(γd) − 1)/(e^γ − 1); RESET also tries the constant step (γ = 0).
 * With `near` (the previous γ while bounds are refined) only γ ± 0.5 is searched.
 */
function fitExponential(
  s: Steps,
  isReset: boolean,
  near?: number,
): { step: number; gamma: number } {
  const shape = (g: number) =>
    g === 0 ? identity : (d: number) => Math.expm1(g * d) / Math.expm1(g);
  const sse = (g: number) => scaleFit(s, shape(g)).sse;
  const best =
    near === undefined
      ? minimize1d(sse, 0, GAMMA_MAX, 80)
      : minimize1d(sse, Math.max(0, near - 0.5), Math.min(GAMMA_MAX, near + 0.5), 4);
  let gamma = best.at;
  if (isReset) {
    const flat = scaleFit(s, one);
    if (flat.sse <= best.min) return { step: clampStep(flat.scale), gamma: 0 };
    gamma = Math.max(gamma, 1e-6); // γ_r = 0 means a constant step: keep the soft-bounds limit
  }
  return { step: clampStep(scaleFit(s, shape(gamma)).scale), gamma };
}

function fitKind(kind: FitModelKind, set: Steps, reset: Steps, prev?: DeviceModel): DeviceModel {
  switch (kind) {
    case 'linear':
      return {
        kind,
        setPulses: Math.max(1, 1 / scaleFit(set, one).scale),
        resetPulses: Math.max(1, 1 / scaleFit(reset, one).scale),
      };
    case 'softBounds':
      return {
        kind,
        setStep: clampStep(scaleFit(set, identity).scale),
        resetStep: clampStep(scaleFit(reset, identity).scale),
      };
    case 'nonlinear': {
      const s = fitNonlinear(set);
      const r = fitNonlinear(reset);
      return {
        kind,
        setPulses: s.pulses,
        resetPulses: r.pulses,
        setNonlinearity: s.nu,
        resetNonlinearity: r.nu,
      };
    }
    case 'exponential': {
      const p = prev?.kind === 'exponential' ? prev : undefined;
      const s = fitExponential(set, false, p?.setGamma);
      const r = fitExponential(reset, true, p?.resetGamma);
      return { kind, setStep: s.step, setGamma: s.gamma, resetStep: r.step, resetGamma: r.gamma };
    }
  }
}

/** Model step magnitudes at each step's starting state, from the exact step functions. */
function predict(model: DeviceModel, s: Steps, isSet: boolean): Float64Array {
  const m = new Float64Array(s.n);
  for (let i = 0; i < s.n; i++) m[i] = isSet ? setStep(model, s.x[i]!) : resetStep(model, s.x[i]!);
  return m;
}

function residualsOf(s: Steps, m: Float64Array): Float64Array {
  const r = new Float64Array(s.n);
  for (let i = 0; i < s.n; i++) r[i] = s.u[i]! - m[i]!;
  return r;
}

const sumSq = (a: Float64Array): number => a.reduce((t, v) => t + v * v, 0);

/** Mean and relative sample standard deviation (0 for fewer than 2 values). */
function relSpread(a: Float64Array): { mean: number; rel: number; varAbs: number } {
  const n = a.length;
  const mean = a.reduce((t, v) => t + v, 0) / n;
  if (n < 2) return { mean, rel: 0, varAbs: 0 };
  const varAbs = a.reduce((t, v) => t + (v - mean) ** 2, 0) / (n - 1);
  return { mean, rel: mean > 0 ? Math.sqrt(varAbs) / mean : 0, varAbs };
}

/** A candidate kind fitted with its own per-device bounds. */
interface Fitted {
  model: DeviceModel;
  lo: Float64Array;
  hi: Float64Array;
  set: Steps;
  reset: Steps;
}

/** Squared error (S²) of device k's steps for bounds lo, hi, its step multiplier profiled out. */
function deviceSse(model: DeviceModel, prep: Prepared, k: number, lo: number, hi: number): number {
  const span = hi - lo;
  let ya = 0;
  let aa = 0;
  let yy = 0;
  for (const isSet of [true, false]) {
    const p = isSet ? prep.set : prep.reset;
    for (let i = p.off[k]!; i < p.off[k + 1]!; i++) {
      const x = (p.g0[i]! - lo) / span;
      const a = span * (isSet ? setStep(model, x) : resetStep(model, x));
      const y = p.dg[i]!;
      ya += y * a;
      aa += a * a;
      yy += y * y;
    }
  }
  return aa > 0 ? yy - (ya * ya) / aa : yy;
}

/**
 * Fit one kind. Where the model's step vanishes at a bound (soft bounds, exponential), the trains
 * approach that bound only asymptotically and their extremes fall short of it; there each
 * device's bound is refined by least squares on its own steps (in siemens, its step multiplier
 * profiled out), alternating with the model fit until the bounds move less than 1e-5 of the range.
 */
function fitCandidate(kind: FitModelKind, prep: Prepared): Fitted {
  const lo = prep.gMin.slice();
  const hi = prep.gMax.slice();
  let moved = Infinity;
  let model: DeviceModel | undefined;
  for (let it = 0; ; it++) {
    const set = normalise(prep.set, lo, hi, true);
    const reset = normalise(prep.reset, lo, hi, false);
    model = fitKind(kind, set, reset, model);
    // Steps vanish at G_max for soft bounds and every exponential SET, and at G_min for soft
    // bounds and a mirrored exponential RESET. (For the affine nonlinear step the bound and the
    // intercept are confounded, so its bounds stay at the train extremes, where it clips.)
    const top = kind === 'softBounds' || kind === 'exponential';
    const bottom = kind === 'softBounds' || (model.kind === 'exponential' && model.resetGamma > 0);
    if (it === REFINE_ITERS || !(top || bottom) || moved < 1e-5)
      return { model, lo, hi, set, reset };
    moved = 0;
    for (let k = 0; k < lo.length; k++) {
      const span0 = prep.gMax[k]! - prep.gMin[k]!;
      // Search the whole allowed interval first, then a window around the previous estimate,
      // over-relaxing the move: bounds and curvature are correlated, so plain alternation
      // zig-zags (ω = 1.8 roughly halves the iterations and reaches the same fixed point).
      const search = (f: (v: number) => number, a: number, b: number, cur: number): number => {
        if (it === 0) return minimize1d(f, a, b, 32).at;
        const lo = Math.max(a, cur - 0.03 * span0);
        const v = minimize1d(f, lo, Math.min(b, cur + 0.03 * span0), 6).at;
        return Math.min(b, Math.max(a, cur + OVER_RELAX * (v - cur)));
      };
      const m = model;
      if (top) {
        const f = (v: number) => deviceSse(m, prep, k, lo[k]!, v);
        const v = search(f, prep.gMax[k]! - 0.02 * span0, prep.gMax[k]! + 0.3 * span0, hi[k]!);
        moved = Math.max(moved, Math.abs(v - hi[k]!) / span0);
        hi[k] = v;
      }
      if (bottom) {
        const f = (v: number) => deviceSse(m, prep, k, v, hi[k]!);
        const a = Math.max(0, prep.gMin[k]! - 0.3 * span0);
        const v = search(f, a, prep.gMin[k]! + 0.02 * span0, lo[k]!);
        moved = Math.max(moved, Math.abs(v - lo[k]!) / span0);
        lo[k] = v;
      }
    }
  }
}

/** Per-device step multipliers of a fitted candidate and the residuals about k_d·step. */
interface DeviceScales {
  mSet: Float64Array;
  mReset: Float64Array;
  /** k_d = Σu·m / Σm² over device d's steps. */
  scale: Float64Array;
  /** Σm² per device. */
  mm: Float64Array;
  /** Σ(u − k_d·m)², normalised units. */
  rss: number;
  /** The same in siemens² (each residual times its device's range). */
  rssRange: number;
}

function deviceScales(f: Fitted, nDev: number): DeviceScales {
  const mSet = predict(f.model, f.set, true);
  const mReset = predict(f.model, f.reset, false);
  const um = new Float64Array(nDev);
  const mm = new Float64Array(nDev);
  const both = [
    [f.set, mSet],
    [f.reset, mReset],
  ] as const;
  for (const [s, m] of both) {
    for (let i = 0; i < s.n; i++) {
      um[s.dev[i]!]! += s.u[i]! * m[i]!;
      mm[s.dev[i]!]! += m[i]! * m[i]!;
    }
  }
  const scale = um.map((v, k) => (mm[k]! > 0 ? v / mm[k]! : 1));
  let rss = 0;
  let rssRange = 0;
  for (const [s, m] of both) {
    for (let i = 0; i < s.n; i++) {
      const k = s.dev[i]!;
      const r2 = (s.u[i]! - scale[k]! * m[i]!) ** 2;
      rss += r2;
      rssRange += r2 * (f.hi[k]! - f.lo[k]!) ** 2;
    }
  }
  return { mSet, mReset, scale, mm, rss, rssRange };
}

// ---------------------------------------------------------------------------------------------

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
  options: FitDeviceOptions = {},
): DeviceFit {
  checkOptions(FN, options, ['model', 'name', 'base']);
  const kinds =
    options.model === undefined
      ? FIT_MODEL_KINDS
      : [checkOneOf(FN, 'options.model', options.model, FIT_MODEL_KINDS)];
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
