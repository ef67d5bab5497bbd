/**
 * What a pulse-train measurement gives: one row per pulse, as `pulseResponse` simulates it
 * and as the fitters read it. Its own module so that the step-model simulation (./curves.ts) and
 * the physical one (./ecm/simulate.ts) share it without importing each other.
 */

/** One row per pulse: column arrays of equal length. */
export interface PulseResponse {
  /** Device index. */
  device: Int32Array;
  /** Cycle index. */
  cycle: Int32Array;
  /** 'set' or 'reset' train. */
  direction: ('set' | 'reset')[];
  /** Pulse number within the train, from 0 (the state before the first pulse). */
  pulse: Int32Array;
  /** Conductance, S, after `pulse` pulses. */
  conductance: Float64Array;
  /**
   * Energy, J, of the pulse that led to this row (0 on a train's first row). Physical devices:
   * ∫V·I dt of the integrated pulse (plus verify reads); other devices: V²·G·t (or the pulse's
   * fixed energy) with G at the pulse's start.
   */
  energy: Float64Array;
}

/** @internal A PulseResponse of `n` rows, to be filled. */
export function emptyPulseResponse(n: number): PulseResponse {
  return {
    device: new Int32Array(n),
    cycle: new Int32Array(n),
    direction: new Array<'set' | 'reset'>(n),
    pulse: new Int32Array(n),
    conductance: new Float64Array(n),
    energy: new Float64Array(n),
  };
}
