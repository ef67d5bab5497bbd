/**
 * Pulse-response experiments: alternating SET and RESET trains over several cycles on one or
 * more devices, the measurement behind the paper's device figure and the input format of
 * {@link fitDevice}.
 */
import { checkDeviceConfig, type DeviceConfig } from './config';
import { createDeviceArray, createTally } from './array';
import { energyOf } from './energy';
import { physicalDevice } from './ecm/devices';
import { simulateEcm } from './ecm/simulate';
import { resolveScheme, type SchemeOptions } from './ecm/scheme';
import { checkTemperature } from './ecm/physics';
import { compiledEcm } from './ecm/compile';
import { toRng, type Rng } from '../core/rng';
import { emptyPulseResponse, type PulseResponse } from './response';

export type { PulseResponse } from './response';
import { checkBudget, checkInt, checkOptions, fail } from '../core/validate';

/** Bytes per row of a {@link PulseResponse}. */
const ROW_BYTES = 4 + 4 + 4 + 8 + 8;

/** Options for {@link pulseResponse}. */
export interface PulseResponseOptions {
  /** SET+RESET cycles (default 3). */
  cycles?: number;
  /** SET pulses per train (default: enough to saturate, 100). */
  setPulses?: number;
  /** RESET pulses per train (default 100). */
  resetPulses?: number;
  /** Devices measured, each with its own device-to-device draw (default 1). */
  devices?: number;
  /** Seed or generator (streams `d2d` and `c2c` are derived from it). Default 0. */
  seed?: number | Rng;
  /**
   * Physical devices only (`cbram-ecm`): the programming scheme; either half may be omitted and
   * takes the device's default. See docs/devices.md.
   */
  scheme?: SchemeOptions;
  /** Physical devices only: ambient temperature, K (default the device's, 300 K). */
  temperature?: number;
}

/**
 * Simulate SET/RESET trains. Every device starts fully reset. A physical device (`cbram-ecm`, or
 * any config from compileEcm) is simulated by integrating its physics pulse by pulse, with the
 * scheme and temperature given (or its defaults); other devices use their step model.
 *
 * @example
 * const r = pulseResponse(PRESETS['cbram-subquantum'], { cycles: 3, devices: 4, seed: 1 });
 * const e = pulseResponse(PRESETS['cbram-ecm'], { scheme: { set: { amplitude: 1.2, width: 5e-9 } }, temperature: 358 });
 */
export function pulseResponse(
  config: DeviceConfig,
  options: PulseResponseOptions = {},
): PulseResponse {
  const fn = 'pulseResponse';
  config = checkDeviceConfig(fn, config, 'config.');
  checkOptions(fn, options, [
    'cycles',
    'setPulses',
    'resetPulses',
    'devices',
    'seed',
    'scheme',
    'temperature',
  ]);
  const cycles = checkInt(fn, 'options.cycles', options.cycles ?? 3, { min: 1, max: 10000 });
  const nSet = checkInt(fn, 'options.setPulses', options.setPulses ?? 100, { min: 1, max: 100000 });
  const nReset = checkInt(fn, 'options.resetPulses', options.resetPulses ?? 100, {
    min: 1,
    max: 100000,
  });
  const nDev = checkInt(fn, 'options.devices', options.devices ?? 1, { min: 1, max: 100000 });
  const rng = toRng(fn, 'options.seed', options.seed ?? 0);
  const rowsPer = cycles * (nSet + nReset + 2);
  const n = nDev * rowsPer;
  // Per row: device, cycle and pulse (Int32), conductance (Float64), direction (a reference).
  checkBudget(fn, 'devices × cycles × (setPulses + resetPulses + 2)', n, ROW_BYTES, {
    unit: 'rows',
    hint: 'lower cycles, devices or the pulses per train',
  });
  const phys = physicalDevice(config);
  if (phys) {
    const compiled = compiledEcm(config);
    const T = checkTemperature(
      fn,
      'options.temperature',
      options.temperature ?? compiled?.temperature ?? phys.params.ambient,
    );
    const scheme = resolveScheme(fn, options.scheme, compiled?.scheme ?? phys.scheme, phys.params);
    const sizes = { cycles, setPulses: nSet, resetPulses: nReset, devices: nDev };
    return simulateEcm(phys, scheme, T, sizes, rng);
  }
  for (const k of ['scheme', 'temperature'] as const) {
    if (options[k] !== undefined)
      fail(
        fn,
        `options.${k}`,
        options[k],
        `left out for "${config.name}" (only physical devices such as 'cbram-ecm' take a scheme and a temperature)`,
      );
  }
  const dev = createDeviceArray(config, nDev, rng.stream('d2d'));
  const c2c = rng.stream('c2c');
  const out = emptyPulseResponse(n);
  const tally = createTally();
  const up = Int8Array.of(1);
  const down = Int8Array.of(-1);
  let r = 0;
  for (let d = 0; d < nDev; d++) {
    for (let c = 0; c < cycles; c++) {
      for (const [dir, count, p] of [
        ['set', nSet, up],
        ['reset', nReset, down],
      ] as const) {
        for (let k = 0; k <= count; k++) {
          if (k > 0) {
            out.energy[r] = energyOf(dir === 'set' ? config.set : config.reset, 1, dev.g[d]!);
            dev.pulse(d, 1, 1, p, null, c2c, tally);
          }
          out.device[r] = d;
          out.cycle[r] = c;
          out.direction[r] = dir;
          out.pulse[r] = k;
          out.conductance[r] = dev.g[d]!;
          r++;
        }
      }
    }
  }
  return out;
}
