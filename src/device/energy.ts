/**
 * Energy per pulse. By default the energy of a pulse is the Joule heat dissipated in the cell,
 * E = V²·G·t, with G the cell's conductance when the pulse starts (the change during one small
 * analog step is neglected). A pulse config with an explicit `energy` overrides this.
 */
import { checkDeviceConfig, type DeviceConfig, type PulseConfig } from './config';
import type { PulseTally } from './array';
import { checkNumber, checkObject, checkOneOf } from '../core/validate';

export type PulseKind = 'set' | 'reset' | 'read';
const PULSE_KINDS: readonly PulseKind[] = ['set', 'reset', 'read'];

/**
 * Energy, J, of one pulse of `kind` through a cell of conductance `g` (S).
 *
 * @example
 * pulseEnergy(PRESETS['cbram-subquantum'], 'set', 25 * uS); // 1 V² · 25 µS · 10 ns = 0.25 pJ
 */
export function pulseEnergy(config: DeviceConfig, kind: PulseKind, g: number): number {
  config = checkDeviceConfig('pulseEnergy', config, 'config.');
  checkOneOf('pulseEnergy', 'kind', kind, PULSE_KINDS);
  checkNumber('pulseEnergy', 'g', g, { min: 0 });
  return energyOf(config[kind], 1, g);
}

/** Energy, J, of `count` pulses whose conductances sum to `sumG` (S). */
export function energyOf(p: PulseConfig, count: number, sumG: number): number {
  return p.energy !== undefined ? p.energy * count : p.voltage * p.voltage * p.width * sumG;
}

/** SET and RESET energies, J, of a tally of pulses. */
export function tallyEnergy(
  config: DeviceConfig,
  tally: PulseTally,
): { set: number; reset: number } {
  const fn = 'tallyEnergy';
  config = checkDeviceConfig(fn, config, 'config.');
  checkObject(fn, 'tally', tally, 'a PulseTally from createTally()');
  for (const k of ['set', 'reset', 'setG', 'resetG'] as const)
    checkNumber(fn, `tally.${k}`, tally[k], { min: 0 });
  return {
    set: energyOf(config.set, tally.set, tally.setG),
    reset: energyOf(config.reset, tally.reset, tally.resetG),
  };
}
