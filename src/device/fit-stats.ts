/**
 * Statistics of {@link fitDevice}: residuals, a candidate kind fitted with its own per-device
 * bounds (alternating step fits and bound refinement), and the per-device step multipliers
 * behind the c2c and d2d spreads.
 */
import type { DeviceModel } from './config';
import type { FitModelKind } from './fit';
import { fitKind, minimize1d, predict } from './fit-models';
import { resetStep, setStep } from './models';
import { normalise, type Prepared, type Steps } from './fit-steps';

const REFINE_ITERS = 30;
const OVER_RELAX = 1.8;

export function residualsOf(s: Steps, m: Float64Array): Float64Array {
  const r = new Float64Array(s.n);
  for (let i = 0; i < s.n; i++) r[i] = s.u[i]! - m[i]!;
  return r;
}

export const sumSq = (a: Float64Array): number => a.reduce((t, v) => t + v * v, 0);

/** Mean and relative sample standard deviation (0 for fewer than 2 values). */
export function relSpread(a: Float64Array): { mean: number; rel: number; varAbs: number } {
  const n = a.length;
  const mean = a.reduce((t, v) => t + v, 0) / n;
  if (n < 2) return { mean, rel: 0, varAbs: 0 };
  const varAbs = a.reduce((t, v) => t + (v - mean) ** 2, 0) / (n - 1);
  return { mean, rel: mean > 0 ? Math.sqrt(varAbs) / mean : 0, varAbs };
}

/** A candidate kind fitted with its own per-device bounds. */
export interface Fitted {
  model: DeviceModel;
  lo: Float64Array;
  hi: Float64Array;
  set: Steps;
  reset: Steps;
}

/** Squared error (S²) of device k's steps for bounds lo, hi, its step multiplier profiled out. */
export function deviceSse(
  model: DeviceModel,
  prep: Prepared,
  k: number,
  lo: number,
  hi: number,
): number {
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
export function fitCandidate(kind: FitModelKind, prep: Prepared): Fitted {
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
export interface DeviceScales {
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

export function deviceScales(f: Fitted, nDev: number): DeviceScales {
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
