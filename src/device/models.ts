/**
 * Pulse-response physics in normalised units x = (G − G_min)/(G_max − G_min).
 *
 * Every model reduces to two step functions: the rise Δx of one SET pulse and the fall of one RESET
 * pulse, each as a function of the present state x. The update kernels (./array.ts) use them
 * tabulated on a uniform grid with linear interpolation, so no cell ever evaluates `exp`.
 * For the linear, soft-bounds and nonlinear models the steps are affine in x, so the table is
 * exact; for the exponential model the interpolation error is below 1e-6 of the step.
 */
import type { DeviceModel, StepsModel, TableModel } from './config';
import { fail } from '../core/validate';

/** Points in a step table (grid spacing 1/1024). */
export const STEP_TABLE_SIZE = 1025;

/** Tabulated step magnitudes (both >= 0) on x = i/(STEP_TABLE_SIZE − 1). */
export interface StepTables {
  /** Rise of one SET pulse at x. */
  readonly set: Float64Array;
  /** Fall (positive number) of one RESET pulse at x. */
  readonly reset: Float64Array;
}

/** Piecewise-linear inverse: the fractional index p with curve(p) = y, for a monotone curve. */
function inversePulse(curve: ArrayLike<number>, y: number, up: boolean): number {
  const n = curve.length;
  if (up ? y <= curve[0]! : y >= curve[0]!) return 0;
  for (let i = 1; i < n; i++) {
    const a = curve[i - 1]!;
    const b = curve[i]!;
    if (up ? y <= b : y >= b) return b === a ? i : i - 1 + (y - a) / (b - a);
  }
  return n - 1;
}

/** Value of a monotone curve at fractional index p (clamped at the ends). */
function curveAt(curve: ArrayLike<number>, p: number): number {
  const n = curve.length;
  if (p >= n - 1) return curve[n - 1]!;
  const i = Math.floor(p);
  const f = p - i;
  return curve[i]! + f * (curve[i + 1]! - curve[i]!);
}

function tableStep(m: TableModel, x: number, set: boolean): number {
  const lo = m.set[0]!;
  const span = m.set[m.set.length - 1]! - lo;
  const norm = (set ? m.set : m.reset).map((g) => (g - lo) / span);
  const p = inversePulse(norm, x, set);
  return Math.abs(curveAt(norm, p + 1) - x);
}

/** A `steps` model's table at x, linearly interpolated (exact at the grid points). */
function stepsAt(t: readonly number[], x: number): number {
  const last = t.length - 1;
  const p = (x < 0 ? 0 : x > 1 ? 1 : x) * last;
  const i = Math.min(Math.floor(p), last - 1);
  return t[i]! + (p - i) * (t[i + 1]! - t[i]!);
}

function stepsStep(m: StepsModel, x: number, set: boolean): number {
  return stepsAt(set ? m.set : m.reset, x);
}

/**
 * Exact rise Δx >= 0 of one SET pulse from state x ∈ [0, 1] (not clipped at the bound).
 *
 * @example
 * setStep({ kind: 'linear', setPulses: 64, resetPulses: 64 }, 0.3); // 1/64
 */
export function setStep(model: DeviceModel, x: number): number {
  switch (model.kind) {
    case 'linear':
      return 1 / model.setPulses;
    case 'softBounds':
      return model.setStep * (1 - x);
    case 'exponential': {
      const g = model.setGamma;
      return g === 0
        ? model.setStep * (1 - x)
        : (model.setStep * Math.expm1(g * (1 - x))) / Math.expm1(g);
    }
    case 'nonlinear': {
      const nu = model.setNonlinearity;
      if (nu === 0) return 1 / model.setPulses;
      const b = 1 / -Math.expm1(-nu);
      return (b - x) * -Math.expm1(-nu / model.setPulses);
    }
    case 'table':
      return tableStep(model, x, true);
    case 'steps':
      return stepsStep(model, x, true);
  }
}

/**
 * Exact fall Δx >= 0 of one RESET pulse from state x ∈ [0, 1] (not clipped at the bound).
 *
 * @example
 * resetStep({ kind: 'softBounds', setStep: 0.05, resetStep: 0.05 }, 0.5); // 0.025
 */
export function resetStep(model: DeviceModel, x: number): number {
  switch (model.kind) {
    case 'linear':
      return 1 / model.resetPulses;
    case 'softBounds':
      return model.resetStep * x;
    case 'exponential': {
      const g = model.resetGamma;
      return g === 0 ? model.resetStep : (model.resetStep * Math.expm1(g * x)) / Math.expm1(g);
    }
    case 'nonlinear': {
      const nu = model.resetNonlinearity;
      if (nu === 0) return 1 / model.resetPulses;
      const b = 1 / -Math.expm1(-nu);
      return (b - (1 - x)) * -Math.expm1(-nu / model.resetPulses);
    }
    case 'table':
      return tableStep(model, x, false);
    case 'steps':
      return stepsStep(model, x, false);
  }
}

/** Tabulate a model's steps for the update kernels. */
export function buildStepTables(model: DeviceModel): StepTables {
  const n = STEP_TABLE_SIZE;
  const set = new Float64Array(n);
  const reset = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = i / (n - 1);
    set[i] = setStep(model, x);
    reset[i] = resetStep(model, x);
    if (!(set[i]! >= 0 && reset[i]! >= 0))
      fail('buildStepTables', 'model', model, 'a model whose steps are finite and >= 0', 'E_DATA');
  }
  return { set, reset };
}
