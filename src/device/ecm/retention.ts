/**
 * Retention: at zero bias the filament tip dissolves slowly, so the gap opens at the thermally
 * activated velocity v_r·e^(−E_r/kT) and every stored conductance falls by the same factor
 * e^(−Δs/λ), down to the cell's own G_min.
 */
import type { DeviceArray } from '../array';
import { FAULT_NONE } from '../array';
import { physicalDevice } from './devices';
import { retentionVelocity, checkTemperature } from './physics';
import { checkNumber, checkOptions, fail } from '../../core/validate';

/** Options for {@link bake}. */
export interface BakeOptions {
  /** Bake temperature, K (e.g. 85 °C = 358.15 K). */
  temperature: number;
  /** Bake time, s. */
  time: number;
}

/** What a bake did. */
export interface BakeResult {
  /** Gap opening of every cell, m. */
  gapDrift: number;
  /** Factor applied to every conductance (before clamping at the cell's G_min). */
  factor: number;
  /** Cells changed (working cells above their G_min). */
  cells: number;
}

/** Something holding a device array: a crossbar (`devices`) or a trainer (`synapses.crossbar`). */
export type Bakeable = { readonly devices: DeviceArray } | { readonly synapses: unknown };

function devicesOf(fn: string, target: unknown): DeviceArray {
  const t = target as Record<string, unknown> | null;
  if (t && typeof t === 'object') {
    if (t.devices && typeof t.devices === 'object') return t.devices as DeviceArray;
    const syn = t.synapses as Record<string, unknown> | undefined;
    const xbar = syn?.crossbar as Record<string, unknown> | undefined;
    if (xbar?.devices && typeof xbar.devices === 'object') return xbar.devices as DeviceArray;
  }
  return fail(
    fn,
    'target',
    target,
    "a crossbar or a device-mode trainer (createTrainer with rule: 'device')",
  );
}

/**
 * Bake the stored conductances of a crossbar or a device-mode trainer at `temperature` (K) for
 * `time` (s): the retention physics of the device's physical model. Mutates in place; evaluate
 * accuracy afterwards as usual.
 *
 * @example
 * bake(trainer, { temperature: 358.15, time: 30 * 86400 }); // 85 °C for a month
 */
export function bake(target: Bakeable, options: BakeOptions): BakeResult {
  const fn = 'bake';
  const dev = devicesOf(fn, target);
  if (!options || typeof options !== 'object')
    fail(fn, 'options', options, 'an object { temperature, time }');
  checkOptions(fn, options, ['temperature', 'time']);
  const T = checkTemperature(fn, 'options.temperature', options.temperature);
  const time = checkNumber(fn, 'options.time', options.time, { min: 0 });
  const phys = physicalDevice(dev.config);
  if (!phys)
    fail(
      fn,
      'target',
      dev.config.name,
      "a device with a physical retention model (PRESETS['cbram-ecm'] or compileEcm(...))",
    );
  const p = phys.params;
  const gapDrift = retentionVelocity(p, T) * time;
  const factor = Math.exp(-gapDrift / p.lambda);
  const { g, lo, stuck } = dev;
  let cells = 0;
  if (factor < 1) {
    for (let i = 0; i < dev.size; i++) {
      if (stuck[i] !== FAULT_NONE || g[i]! <= lo[i]!) continue;
      const v = g[i]! * factor;
      g[i] = v > lo[i]! ? v : lo[i]!;
      cells++;
    }
  }
  return { gapDrift, factor, cells };
}
