/**
 * Repricing a CBRAM run for another device technology, keeping the cells' states: the mean
 * conductance at each kind of pulse is recovered from the CBRAM energies (E = V²·G·t), mapped to
 * the same normalised state x = (G − G_min)/(G_max − G_min) of the other device, and priced there.
 */
import { reprice, type DeviceConfig, type EnergyLedger } from 'cbram-lab';

type PulseKind = 'set' | 'reset' | 'read';

/** Mean normalised state x̄ of the cells at each pulse kind in `ledger` (recorded on `from`). */
export function meanStates(ledger: EnergyLedger, from: DeviceConfig): Record<PulseKind, number> {
  const out = { set: 0.5, reset: 0.5, read: 0.5 };
  for (const kind of ['set', 'reset', 'read'] as const) {
    const n = ledger.count(kind);
    const p = from[kind];
    if (n === 0 || p.energy !== undefined) continue;
    const g = ledger.joules(kind) / (n * p.voltage * p.voltage * p.width);
    out[kind] = Math.min(1, Math.max(0, (g - from.gMin) / (from.gMax - from.gMin)));
  }
  return out;
}

/** Energy per pulse of `to` at normalised state x. */
export function pulseAt(to: DeviceConfig, kind: PulseKind, x: number): number {
  const p = to[kind];
  if (p.energy !== undefined) return p.energy;
  return p.voltage * p.voltage * p.width * (to.gMin + x * (to.gMax - to.gMin));
}

/** The same events (same counts, same mean cell states) priced on device `to`. */
export function repriceDevice(
  ledger: EnergyLedger,
  from: DeviceConfig,
  to: DeviceConfig,
  label: string,
): EnergyLedger {
  const x = meanStates(ledger, from);
  const out = reprice(ledger, {
    set: pulseAt(to, 'set', x.set),
    reset: pulseAt(to, 'reset', x.reset),
    read: pulseAt(to, 'read', x.read),
  });
  out.label = label;
  return out;
}
