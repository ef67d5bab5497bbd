/**
 * The gap physics of one ECM (CBRAM) cell, deterministic part. State: the tunnelling gap s, m.
 *
 * - Current through the cell (tunnelling, Guan, Yu & Wong 2012): I = G0·V0·e^(−s/λ)·sinh(V_c/V0).
 * - Cell voltage behind the series resistance R_s: V_a = V_c + R_s·I(V_c), solved by Newton.
 * - Local temperature (Joule feedback, quasi-static): T = T0 + |V_c·I|·R_th.
 * - Gap velocity (thermally activated, field-driven ion hopping, Yu & Wong 2011; Guan et al. 2012),
 *   with the sign of the polarity and a prefactor and field factor per polarity:
 *   ds/dt = −v·e^(−Ea/kT)·sinh(β), β = γ·a·q·η/(L·k·T), where η is the cell voltage beyond a
 *   smoothed threshold (the self-limited SET of Menzel et al. 2012: growth stops where the series
 *   drop leaves the threshold across the cell).
 * - Retention (zero bias): ds/dt = +v_r·e^(−E_r/kT).
 *
 * See docs/devices.md, "A physical CBRAM model", for the citations and the derivations.
 */
import { G0, K_B_EV, type EcmParams } from './params';
import { checkInt, checkNumber, fail } from '../../core/validate';

/** The operating point of a cell at one instant of a pulse. */
export interface CellPoint {
  /** Voltage across the cell (after the series drop), V. */
  voltage: number;
  /** Current, A (same sign as the applied voltage). */
  current: number;
  /** Local temperature, K. */
  temperature: number;
  /** Gap velocity ds/dt, m/s (negative closes the gap: SET). */
  velocity: number;
}

/** Cell voltage V_c for applied `va` at gap `s`: solves V_a = V_c + R_s·G·V0·sinh(V_c/V0). */
export function cellVoltage(p: EcmParams, s: number, va: number): number {
  const R = p.seriesResistance;
  if (va === 0 || R === 0) return va;
  const sign = va < 0 ? -1 : 1;
  const a = Math.abs(va);
  const v0 = p.tunnelVoltage;
  const k = R * G0 * Math.exp(-s / p.lambda) * v0; // R·G·V0
  // g(v) = v + k·sinh(v/V0) − a is increasing and convex on v >= 0; Newton from the linear
  // guess (which lies at or above the root) converges monotonically.
  let v = a / (1 + k / v0);
  for (let it = 0; it < 60; it++) {
    const sh = Math.sinh(v / v0);
    const gval = v + k * sh - a;
    const d = 1 + (k / v0) * Math.cosh(v / v0);
    const nv = v - gval / d;
    if (Math.abs(nv - v) <= 1e-15 * a) {
      v = nv;
      break;
    }
    v = nv;
  }
  return sign * (v < 0 ? 0 : v);
}

/** Tunnelling current, A, through gap `s` at cell voltage `vc`. */
export function cellCurrent(p: EcmParams, s: number, vc: number): number {
  return G0 * p.tunnelVoltage * Math.exp(-s / p.lambda) * Math.sinh(vc / p.tunnelVoltage);
}

/**
 * Field-driven gap velocity ds/dt, m/s, at cell voltage `vc` and temperature `T` (K). Zero at zero
 * voltage; negative (closing) for positive voltage.
 */
export function gapVelocity(p: EcmParams, vc: number, T: number): number {
  if (vc === 0) return 0;
  const set = vc > 0;
  const eta = overdrive(vc, set ? p.setThreshold : p.resetThreshold, p.thresholdWidth);
  if (eta === 0) return 0;
  const beta =
    ((set ? p.setGamma : p.resetGamma) * p.hopDistance * eta) / (p.thickness * K_B_EV * T);
  const v = (set ? p.setVelocity : p.resetVelocity) * Math.exp(-p.activationEnergy / (K_B_EV * T));
  return -v * Math.sinh(beta);
}

/**
 * The drive η beyond a threshold, with the sign of `vc`: a softplus of |vc| − vth of width w, shifted
 * so that η(0) = 0. About |vc| − vth well above the threshold, exponentially small below it.
 */
export function overdrive(vc: number, vth: number, w: number): number {
  const a = Math.abs(vc);
  const sp = (z: number) => (z > 30 ? z : Math.log1p(Math.exp(z)));
  const eta = w * (sp((a - vth) / w) - sp(-vth / w));
  return vc < 0 ? -eta : eta;
}

/** Zero-bias gap opening velocity (retention), m/s, at temperature T (K). */
export function retentionVelocity(p: EcmParams, T: number): number {
  return p.retentionVelocity * Math.exp(-p.retentionEnergy / (K_B_EV * T));
}

/**
 * The cell's operating point at gap `s`, applied voltage `va` and ambient `T0`: cell voltage,
 * current, Joule-heated temperature and gap velocity.
 *
 * @example
 * const pt = cellPoint(ECM_PRESET_PARAMS, 0.5e-9, 1.0, 300); // pt.velocity < 0: the gap closes
 */
export function cellPoint(p: EcmParams, s: number, va: number, T0: number): CellPoint {
  const vc = cellVoltage(p, s, va);
  const i = cellCurrent(p, s, vc);
  const T = T0 + Math.abs(vc * i) * p.thermalResistance;
  return { voltage: vc, current: i, temperature: T, velocity: gapVelocity(p, vc, T) };
}

/** Options for {@link integratePulse}. */
export interface IntegrateOptions {
  /**
   * Fixed number of RK4 sub-steps. Default: adaptive, doubling from 8 until the final gap moves by
   * less than `tolerance`·λ and the energy by less than `tolerance` relative.
   */
  substeps?: number;
  /** Accuracy target of the adaptive integration (default 1e-6). */
  tolerance?: number;
}

/** Result of {@link integratePulse}. */
export interface PulseResult {
  /** Gap after the pulse, m. */
  gap: number;
  /** Energy drawn from the pulse source, J: ∫ V_a·I dt. */
  energy: number;
  /** Sub-steps used. */
  substeps: number;
  /** Highest local temperature during the pulse, K. */
  peakTemperature: number;
}

/** Largest number of sub-steps the adaptive integration will use. */
export const MAX_SUBSTEPS = 1 << 14;

function rk4(
  p: EcmParams,
  s0: number,
  va: number,
  width: number,
  T0: number,
  n: number,
): PulseResult {
  const h = width / n;
  let s = s0;
  let e = 0;
  let peak = T0;
  const lo = p.gapMin;
  const hi = p.gapMax;
  const f = (x: number): CellPoint => {
    const c = x < lo ? lo : x > hi ? hi : x;
    return cellPoint(p, c, va, T0);
  };
  for (let k = 0; k < n; k++) {
    const k1 = f(s);
    const k2 = f(s + 0.5 * h * k1.velocity);
    const k3 = f(s + 0.5 * h * k2.velocity);
    const k4 = f(s + h * k3.velocity);
    s += (h / 6) * (k1.velocity + 2 * k2.velocity + 2 * k3.velocity + k4.velocity);
    e += (h / 6) * va * (k1.current + 2 * k2.current + 2 * k3.current + k4.current);
    if (s < lo) s = lo;
    else if (s > hi) s = hi;
    if (k1.temperature > peak) peak = k1.temperature;
    if (k4.temperature > peak) peak = k4.temperature;
  }
  return { gap: s, energy: e, substeps: n, peakTemperature: peak };
}

/**
 * Integrate one rectangular pulse of amplitude `va` (V, sign = polarity: positive closes the gap)
 * and `width` (s) from gap `s0` at ambient temperature `T0` (K), with RK4. The gap is held within
 * [gapMin, gapMax]. Bad input (NaN, a negative width, |va| beyond params.breakdownVoltage, a gap
 * or temperature out of range) throws a CbramError.
 *
 * @example
 * const r = integratePulse(ECM_PRESET_PARAMS, gapOf(ECM_PRESET_PARAMS, 10e-6), 1.0, 10e-9, 300);
 */
export function integratePulse(
  p: EcmParams,
  s0: number,
  va: number,
  width: number,
  T0: number,
  options: IntegrateOptions = {},
): PulseResult {
  const fn = 'integratePulse';
  // Cheap checks (a few comparisons against an RK4 integration), so bad input never yields NaN.
  if (!(Math.abs(va) <= p.breakdownVoltage)) checkPulseInputs(fn, p, 'pulse', va, width);
  if (!(width >= 0 && width <= 1)) checkPulseInputs(fn, p, 'pulse', va, width);
  if (!(s0 >= 0 && s0 <= 1e-6)) checkNumber(fn, 's0', s0, { min: 0, max: 1e-6 });
  if (!(T0 >= 1 && T0 <= 1000)) checkTemperature(fn, 'T0', T0);
  if (va === 0 || width === 0) return { gap: s0, energy: 0, substeps: 0, peakTemperature: T0 };
  if (options.substeps !== undefined) {
    const n = checkInt(fn, 'options.substeps', options.substeps, { min: 1, max: MAX_SUBSTEPS });
    return rk4(p, s0, va, width, T0, n);
  }
  const tol = options.tolerance ?? 1e-6;
  if (!(tol > 0 && tol < 1))
    checkNumber(fn, 'options.tolerance', tol, {
      min: 0,
      exclusiveMin: true,
      max: 1,
      exclusiveMax: true,
    });
  let n = 8;
  let prev = rk4(p, s0, va, width, T0, n);
  while (n < MAX_SUBSTEPS) {
    n *= 2;
    const next = rk4(p, s0, va, width, T0, n);
    const ds = Math.abs(next.gap - prev.gap);
    const de = Math.abs(next.energy - prev.energy);
    prev = next;
    if (ds <= tol * p.lambda && de <= tol * Math.abs(next.energy)) break;
  }
  return prev;
}

/**
 * Check a pulse's amplitude (V), width (s) and ambient temperature (K) for `fn`: finite, width
 * >= 0, |amplitude| within the breakdown bound, temperature in (0, 1000] K.
 */
export function checkPulseInputs(
  fn: string,
  p: EcmParams,
  param: string,
  amplitude: unknown,
  width: unknown,
): void {
  const b = p.breakdownVoltage;
  if (typeof amplitude !== 'number' || !Number.isFinite(amplitude))
    fail(fn, `${param}.amplitude`, amplitude, `a finite number of volts`);
  if (Math.abs(amplitude) > b)
    fail(
      fn,
      `${param}.amplitude`,
      amplitude,
      `within ±${b} V (the breakdown bound params.breakdownVoltage)`,
    );
  checkNumber(fn, `${param}.width`, width, { min: 0, max: 1 });
}

/** Check an ambient temperature, K. */
export function checkTemperature(fn: string, param: string, T: unknown): number {
  return checkNumber(fn, param, T, { min: 1, max: 1000 });
}
