/**
 * What the energy ledger counts: kinds of event and the phases of a run they happen in.
 *
 * Device pulses (`set`, `reset`, `read`) are counted per cell: one pulse through one device is one
 * event, so a row read across 398 cells records 398 `read` events. `spike` and `adc` are the
 * in-memory system's periphery. `weightMove` and `mac` belong to the von Neumann baseline (see
 * {@link vonNeumannBaseline}), so a CBRAM run and its baseline fit in the same kind of ledger.
 */

/** A kind of energy-consuming event. */
export type EventKind =
  /** One SET (potentiating) pulse through one device. */
  | 'set'
  /** One RESET (depressing) pulse through one device. */
  | 'reset'
  /** One read pulse through one device. */
  | 'read'
  /** One output-neuron spike. */
  | 'spike'
  /** One analog-to-digital conversion. */
  | 'adc'
  /** Moving one weight word between processor and memory (von Neumann baseline). */
  | 'weightMove'
  /** One digital multiply-accumulate in a processor (von Neumann baseline). */
  | 'mac';

/** The phase of a run an event belongs to. */
export type EventPhase =
  /** Unsupervised training (STDP updates). */
  | 'train'
  /** Assigning a class to each output neuron, learning off. */
  | 'label'
  /** Classifying test images. */
  | 'test'
  /** Pruning: ranking and freezing weights. */
  | 'prune';

/**
 * Every event kind, in ledger order (the order of {@link EnergyLedger.toJSON}'s arrays).
 *
 * @example
 * for (const kind of EVENT_KINDS) console.log(kind, ledger.joules(kind));
 */
export const EVENT_KINDS: readonly EventKind[] = Object.freeze([
  'set',
  'reset',
  'read',
  'spike',
  'adc',
  'weightMove',
  'mac',
] as const);

/**
 * Every phase, in ledger order.
 *
 * @example
 * for (const phase of EVENT_PHASES) console.log(phase, ledger.joules(undefined, phase));
 */
export const EVENT_PHASES: readonly EventPhase[] = Object.freeze([
  'train',
  'label',
  'test',
  'prune',
] as const);

/** Number of event kinds. */
export const N_KINDS = EVENT_KINDS.length;
/** Number of phases. */
export const N_PHASES = EVENT_PHASES.length;

function indexOf<T extends string>(names: readonly T[]): Readonly<Record<string, number>> {
  // A null prototype, so that names like "toString" are not found by the hot-path lookup.
  const map = Object.create(null) as Record<string, number>;
  names.forEach((name, i) => (map[name] = i));
  return Object.freeze(map);
}

/** @internal Kind name → row index in the ledger's arrays. */
export const KIND_INDEX = indexOf(EVENT_KINDS);
/** @internal Phase name → column index in the ledger's arrays. */
export const PHASE_INDEX = indexOf(EVENT_PHASES);

/**
 * Is `v` one of {@link EVENT_KINDS}?
 *
 * @example
 * isEventKind('set'); // true
 * isEventKind('write'); // false
 */
export function isEventKind(v: unknown): v is EventKind {
  return typeof v === 'string' && KIND_INDEX[v] !== undefined;
}

/**
 * Is `v` one of {@link EVENT_PHASES}?
 *
 * @example
 * isEventPhase('train'); // true
 */
export function isEventPhase(v: unknown): v is EventPhase {
  return typeof v === 'string' && PHASE_INDEX[v] !== undefined;
}
