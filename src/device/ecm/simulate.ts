/**
 * Direct simulation of pulse trains on the physical model, with its stochastic parts: the
 * device-to-device spread of the velocity prefactors and the gap bounds (stream `d2d`), the
 * cycle-to-cycle noise of every gap step and the abrupt SET (stream `c2c`).
 */
import { conductanceOf, type EcmParams } from './params';
import type { EcmDevice } from './compile';
import type { PulseScheme } from './scheme';
import { applyUpdate } from './update';
import type { Rng } from '../../core/rng';
import { emptyPulseResponse, type PulseResponse } from '../response';

/** Rows of a simulated experiment: the columns of a PulseResponse, energy included. */
export type EcmTrains = PulseResponse;

/** Sizes of a simulated experiment. */
export interface TrainSizes {
  cycles: number;
  setPulses: number;
  resetPulses: number;
  devices: number;
}

/** Lognormal multiplier with mean 1 and relative spread sd. */
function lognormal(rng: Rng, sd: number): number {
  if (sd === 0) return 1;
  const s2 = Math.log(1 + sd * sd);
  return Math.exp(Math.sqrt(s2) * rng.normal() - s2 / 2);
}

/**
 * One device's parameters with its device-to-device draw: both velocity prefactors scaled by one
 * lognormal factor (spread velocityDtod), both gap bounds shifted by independent N(0, (gapDtod·λ)²)
 * (kept ordered, at least 1 % of the nominal gap range apart, and >= 0).
 */
export function drawDevice(p: EcmParams, d2d: Rng): EcmParams {
  const v = lognormal(d2d, p.velocityDtod);
  const sd = p.gapDtod * p.lambda;
  const lo = Math.max(0, p.gapMin + (sd > 0 ? sd * d2d.normal() : 0));
  const hi = Math.max(
    lo + 0.01 * (p.gapMax - p.gapMin),
    p.gapMax + (sd > 0 ? sd * d2d.normal() : 0),
  );
  return {
    ...p,
    setVelocity: p.setVelocity * v,
    resetVelocity: p.resetVelocity * v,
    gapMin: lo,
    gapMax: hi,
  };
}

/**
 * Simulate SET/RESET trains on the physical model: every device starts fully reset; each cycle is
 * a SET train then a RESET train; row 0 of a train is the state before its first pulse.
 *
 * @example
 * const t = simulateEcm(ECM_DEVICES['cbram-ecm'], scheme, 300, { cycles: 1, setPulses: 50, resetPulses: 50, devices: 2 }, rng);
 */
export function simulateEcm(
  device: EcmDevice,
  scheme: PulseScheme,
  T: number,
  sizes: TrainSizes,
  rng: Rng,
): EcmTrains {
  const { cycles, setPulses, resetPulses, devices } = sizes;
  const d2d = rng.stream('d2d');
  const c2c = rng.stream('c2c');
  const n = devices * cycles * (setPulses + resetPulses + 2);
  const out: EcmTrains = emptyPulseResponse(n);
  let r = 0;
  for (let d = 0; d < devices; d++) {
    const p = drawDevice(device.params, d2d);
    let s = p.gapMax;
    for (let c = 0; c < cycles; c++) {
      for (const [dir, count] of [
        ['set', setPulses],
        ['reset', resetPulses],
      ] as const) {
        const half = dir === 'set' ? scheme.set : scheme.reset;
        for (let k = 0; k <= count; k++) {
          let e = 0;
          if (k > 0) {
            const u = applyUpdate(p, s, dir === 'set', half, k - 1, T, device.read, { c2c });
            s = u.gap;
            e = u.energy + u.readEnergy;
          }
          out.device[r] = d;
          out.cycle[r] = c;
          out.direction[r] = dir;
          out.pulse[r] = k;
          out.conductance[r] = conductanceOf(p, s);
          out.energy[r] = e;
          r++;
        }
      }
    }
  }
  return out;
}
