/**
 * The energy ledger: every device pulse, spike and conversion with its energy and phase, and a
 * von Neumann baseline to compare against. See docs/energy.md.
 */
export {
  EVENT_KINDS,
  EVENT_PHASES,
  isEventKind,
  isEventPhase,
  type EventKind,
  type EventPhase,
} from './events';
export { formatSI, type FormatSIOptions } from './format-si';
export {
  EnergyLedger,
  createLedger,
  type BreakdownOptions,
  type EnergyLedgerJSON,
  type EnergyRow,
  type EnergyTotals,
  type LedgerOptions,
} from './ledger';
export {
  HOROWITZ_45NM,
  MEMORY_TECHNOLOGIES,
  OFF_CHIP_BUS,
  PROCESSOR_OPS,
  type EventEnergy,
  type MemoryKind,
  type MemoryTechnology,
  type ProcessorOp,
} from './technologies';
export { vonNeumannBaseline, type MacPrecision, type VonNeumannOptions } from './von-neumann';
export { reprice, type PerEventEnergy } from './reprice';
