/**
 * Re-cost a run at other per-event energies: same events, other technology.
 */
import { checkOptions, fail } from '../core/validate';
import { EVENT_KINDS, EVENT_PHASES, type EventKind } from './events';
import { EnergyLedger } from './ledger';
import type { EventEnergy } from './technologies';

/** Energy per event, J, by kind: a number or an {@link EventEnergy} from the technology tables. */
export type PerEventEnergy = Partial<Record<EventKind, number | EventEnergy>>;

/**
 * A new ledger with the same counts as `ledger`, and joules recomputed as count × energy per event
 * for every kind given in `perEvent`. Kinds not given keep their joules. `ledger` is unchanged.
 *
 * @example
 * // The same run if every programming pulse cost 1 pJ and reads 10 fJ:
 * const other = reprice(cbram, { set: 1e-12, reset: 1e-12, read: 10e-15 });
 * // A baseline re-costed with the off-chip bus on every word:
 * reprice(baseline, { weightMove: MEMORY_TECHNOLOGIES.dram.read.joules + OFF_CHIP_BUS.joules });
 */
export function reprice(ledger: EnergyLedger, perEvent: PerEventEnergy): EnergyLedger {
  if (!(ledger instanceof EnergyLedger)) fail('reprice', 'ledger', ledger, 'an EnergyLedger');
  if (perEvent === null || typeof perEvent !== 'object' || Array.isArray(perEvent))
    fail('reprice', 'perEvent', perEvent, 'an object of J per event by kind');
  checkOptions('reprice', perEvent, EVENT_KINDS);
  const energy = new Float64Array(EVENT_KINDS.length).fill(NaN);
  EVENT_KINDS.forEach((kind, k) => {
    const v: unknown = perEvent[kind];
    if (v === undefined) return;
    const j = v !== null && typeof v === 'object' ? (v as { joules?: unknown }).joules : v;
    if (typeof j !== 'number' || !(j >= 0) || j === Infinity)
      fail(
        'reprice',
        `perEvent.${kind}`,
        v,
        'a finite number >= 0 (J per event) or an EventEnergy',
      );
    energy[k] = j;
  });

  const out = new EnergyLedger(ledger.label === undefined ? undefined : { label: ledger.label });
  EVENT_KINDS.forEach((kind, k) => {
    for (const phase of EVENT_PHASES) {
      const count = ledger.count(kind, phase);
      const joules = Number.isNaN(energy[k]!) ? ledger.joules(kind, phase) : count * energy[k]!;
      if (count > 0 || joules > 0) out.record(kind, phase, count, joules);
    }
  });
  return out;
}
