/**
 * One programming update of one cell under a scheme: a single pulse, or for program-and-verify a
 * loop of pulse + read. Deterministic unless a cycle-to-cycle generator is given.
 */
import { conductanceOf, type EcmParams } from './params';
import { integratePulse, type IntegrateOptions } from './physics';
import { pulseOf, type SchemeHalf } from './scheme';
import type { Rng } from '../../core/rng';

/** A read pulse: amplitude (V, positive) and width (s). */
export interface ReadPulse {
  amplitude: number;
  width: number;
}

/** What one update did. */
export interface UpdateResult {
  /** Gap after the update, m. */
  gap: number;
  /** Energy of the programming pulses, J. */
  energy: number;
  /** Energy of the verify reads, J. */
  readEnergy: number;
  /** Programming pulses applied. */
  pulses: number;
  /** Verify reads applied. */
  reads: number;
}

/** Normalised state of gap s in the cell's own range [G(gapMax), G(gapMin)]. */
export function stateOf(p: EcmParams, s: number): number {
  const lo = conductanceOf(p, p.gapMax);
  const hi = conductanceOf(p, p.gapMin);
  return (conductanceOf(p, s) - lo) / (hi - lo);
}

/** Noise and options for {@link applyUpdate}. */
export interface UpdateNoise {
  /** Cycle-to-cycle generator: each pulse's gap step is scaled by 1 + c2cStd·N(0, 1). */
  c2c?: Rng | null;
  /** Integration options. */
  integrate?: IntegrateOptions;
}

function onePulse(
  p: EcmParams,
  s: number,
  va: number,
  width: number,
  T: number,
  noise: UpdateNoise,
): { gap: number; energy: number } {
  const r = integratePulse(p, s, va, width, T, noise.integrate);
  let gap = r.gap;
  const c2c = noise.c2c;
  if (c2c) {
    if (p.c2cStd > 0 && gap !== s) gap = s + (gap - s) * (1 + p.c2cStd * c2c.normal());
    if (va > 0 && p.abruptSet > 0 && c2c.float() < p.abruptSet) gap = p.gapMin;
    gap = gap < p.gapMin ? p.gapMin : gap > p.gapMax ? p.gapMax : gap;
  }
  return { gap, energy: r.energy };
}

/**
 * Apply update number `k` of a train (SET when `set`, else RESET) from gap `s` at ambient T (K).
 *
 * @example
 * const u = applyUpdate(params, s, true, scheme.set, 0, 300, { amplitude: 0.1, width: 10e-9 });
 */
export function applyUpdate(
  p: EcmParams,
  s: number,
  set: boolean,
  half: Required<SchemeHalf>,
  k: number,
  T: number,
  read: ReadPulse,
  noise: UpdateNoise = {},
): UpdateResult {
  const sign = set ? 1 : -1;
  if (half.kind !== 'verify') {
    const { amplitude, width } = pulseOf(half, k);
    const r = onePulse(p, s, sign * amplitude, width, T, noise);
    return { gap: r.gap, energy: r.energy, readEnergy: 0, pulses: 1, reads: 0 };
  }
  const x0 = stateOf(p, s);
  let gap = s;
  let energy = 0;
  let readEnergy = 0;
  let n = 0;
  while (n < half.maxPulses) {
    const r = onePulse(p, gap, sign * half.amplitude, half.width, T, noise);
    gap = r.gap;
    energy += r.energy;
    n++;
    // The verify read: it costs energy and can disturb the state, like any pulse.
    const rd = integratePulse(p, gap, read.amplitude, read.width, T, noise.integrate);
    gap = rd.gap;
    readEnergy += rd.energy;
    const moved = (stateOf(p, gap) - x0) * sign;
    if (moved >= half.target) break;
    if (set ? gap <= p.gapMin : gap >= p.gapMax) break;
  }
  return { gap, energy, readEnergy, pulses: n, reads: n };
}
