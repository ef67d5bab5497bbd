/**
 * Least-squares fits of one pulse direction for {@link fitDevice}, in d = distance to the bound
 * the pulse drives toward: linear, soft bounds, nonlinear (NeuroSim) and exponential steps, and
 * the model's step magnitudes from the exact step functions of ./models.ts.
 */
import type { DeviceModel } from './config';
import type { FitModelKind } from './fit';
import type { Steps } from './fit-steps';
import { resetStep, setStep } from './models';

const GAMMA_MAX = 20;
const NU_MAX = 50;
const STEP_MIN = 1e-9;

/** u = s·f(d): the least-squares scale and its SSE, for the shape f. */
export function scaleFit(s: Steps, f: (d: number) => number): { scale: number; sse: number } {
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

export const clampStep = (v: number): number => Math.min(1, Math.max(STEP_MIN, v));
export const one = (): number => 1;
export const identity = (d: number): number => d;

/** Nonlinear (NeuroSim) half: u = a + c·d with a, c >= 0; returns P and ν. */
export function fitNonlinear(s: Steps): { pulses: number; nu: number } {
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
export function minimize1d(
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
export function fitExponential(
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

export function fitKind(
  kind: FitModelKind,
  set: Steps,
  reset: Steps,
  prev?: DeviceModel,
): DeviceModel {
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
export function predict(model: DeviceModel, s: Steps, isSet: boolean): Float64Array {
  const m = new Float64Array(s.n);
  for (let i = 0; i < s.n; i++) m[i] = isSet ? setStep(model, s.x[i]!) : resetStep(model, s.x[i]!);
  return m;
}
