/**
 * Trains, per-device bounds and the (x, Δx) steps of a pulse-response measurement, for
 * {@link fitDevice}: consecutive rows one pulse apart are steps; steps at the bound a pulse drives
 * toward are dropped; states are normalised with their own device's bounds.
 */
import { fail } from '../core/validate';
import { FN, dataError, type Rows } from './fit-input';

/** Steps closer than this (in range units) to the bound a pulse drives toward are dropped. */
const BOUND_TOL = 1e-3;

/** Single-pulse steps of one direction in siemens, grouped by device (device k: off[k]..off[k+1]). */
export interface Pairs {
  /** Conductance before the pulse, S. */
  g0: Float64Array;
  /** Change in the pulse's direction (rise for SET, fall for RESET), S. */
  dg: Float64Array;
  dev: Int32Array;
  off: Int32Array;
  n: number;
}

/** The same steps in normalised units: state before, distance to the target bound, magnitude. */
export interface Steps {
  x: Float64Array;
  d: Float64Array;
  u: Float64Array;
  dev: Int32Array;
  n: number;
}

export interface Prepared {
  set: Pairs;
  reset: Pairs;
  /** Train-extreme bounds per device, S. */
  gMin: Float64Array;
  gMax: Float64Array;
  cycles: number;
  pulses: number;
}

export function describeTrain(r: Rows, i: number): string {
  return `device ${r.devices[r.dev[i]!]}, cycle ${r.cycle[i]}, ${r.up[i] ? 'set' : 'reset'}`;
}

export function prepare(r: Rows): Prepared {
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
export function normalise(p: Pairs, lo: Float64Array, hi: Float64Array, isSet: boolean): Steps {
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
