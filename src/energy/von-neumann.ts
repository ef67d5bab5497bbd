/**
 * The von Neumann baseline: what the same training would cost on a processor that keeps the
 * weights in SRAM or DRAM and moves them to do arithmetic.
 *
 * Modelling assumptions (each is also listed in docs/energy.md):
 *
 * 1. Every device programming pulse (`set` or `reset`) is one weight update. A processor does it
 *    as a read-modify-write: one word read from memory plus one word written back, i.e. two
 *    `weightMove` events. The arithmetic of the update itself is not counted (it is small
 *    beside the memory traffic, and the in-memory side does not count its pulse drivers either).
 *    Several pulses to one cell in one update would be one read-modify-write in a processor: with
 *    one pulse per update the counts agree; with several, this overstates the baseline.
 * 2. Every device read (one cell, one read pulse) is one weight read (`weightMove`) plus one
 *    multiply-accumulate (`mac`), the work of one synapse in a matrix-vector product.
 * 3. No caching or reuse: every weight access goes to the chosen memory. For a 1 MB SRAM that
 *    holds every weight this is exact; for DRAM it is the worst case (no on-chip cache).
 * 4. Per-word energies scale linearly with `wordBits` from the 32-bit figures in
 *    {@link MEMORY_TECHNOLOGIES}.
 * 5. `spike` and `adc` events are dropped: the baseline counts memory traffic and arithmetic only.
 *    `weightMove` and `mac` events already in the input are carried over unchanged.
 * 6. Phases are kept: a pulse in `train` becomes word moves in `train`.
 */
import { checkBoolean, checkInt, checkOneOf, checkOptions, fail } from '../core/validate';
import { EVENT_PHASES } from './events';
import { EnergyLedger } from './ledger';
import { MEMORY_TECHNOLOGIES, OFF_CHIP_BUS, PROCESSOR_OPS, type MemoryKind } from './technologies';

/** Arithmetic the baseline processor uses for a multiply-accumulate. */
export type MacPrecision = 'fp32' | 'int8';

/** Options of {@link vonNeumannBaseline}. */
export interface VonNeumannOptions {
  /** Where the weights live: `'sram'` or `'dram'` (required). See {@link MEMORY_TECHNOLOGIES}. */
  memory: MemoryKind;
  /** Bits per weight word, 1 to 64 (default 32). Memory energies scale linearly with it. */
  wordBits?: number;
  /** MAC arithmetic (default `'int8'` when `wordBits <= 8`, else `'fp32'`). */
  mac?: MacPrecision;
  /** Add {@link OFF_CHIP_BUS} energy to every word moved (default false). */
  offChipBus?: boolean;
  /** Label of the returned ledger (default e.g. `"von Neumann, DRAM (45 nm), 32-bit words"`). */
  label?: string;
}

const OPTIONS = ['memory', 'wordBits', 'mac', 'offChipBus', 'label'] as const;
const MEMORIES: readonly MemoryKind[] = ['sram', 'dram'];
const MACS: readonly MacPrecision[] = ['fp32', 'int8'];
const FN = 'vonNeumannBaseline';

/**
 * Estimate the energy of the same run on a von Neumann system (see the module comment for every
 * assumption). Returns a new ledger of `weightMove` and `mac` events with the input's phases, so
 * both can be compared with the same tools.
 *
 * @example
 * const cbram = createLedger().record('set', 'train', 10, 10 * 0.25e-12);
 * const vn = vonNeumannBaseline(cbram, { memory: 'dram' });
 * vn.count('weightMove', 'train'); // 20: 10 reads + 10 writes
 * vn.joules() / cbram.joules(); // how many times more energy the baseline needs
 */
export function vonNeumannBaseline(ledger: EnergyLedger, options: VonNeumannOptions): EnergyLedger {
  if (!(ledger instanceof EnergyLedger)) fail(FN, 'ledger', ledger, 'an EnergyLedger');
  if (options === undefined) fail(FN, 'options', options, "an object such as { memory: 'sram' }");
  checkOptions(FN, options, OPTIONS);
  const memory = checkOneOf(FN, 'options.memory', options.memory, MEMORIES);
  const wordBits = checkInt(FN, 'options.wordBits', options.wordBits ?? 32, { min: 1, max: 64 });
  const mac = checkOneOf(FN, 'options.mac', options.mac ?? (wordBits <= 8 ? 'int8' : 'fp32'), MACS);
  const offChipBus = checkBoolean(FN, 'options.offChipBus', options.offChipBus ?? false);
  const tech = MEMORY_TECHNOLOGIES[memory];
  const label = options.label ?? `von Neumann, ${tech.name}, ${wordBits}-bit words, ${mac} MAC`;
  if (typeof label !== 'string') fail(FN, 'options.label', label, 'a string');

  const scale = wordBits / tech.wordBits;
  const bus = offChipBus ? OFF_CHIP_BUS.joules * (wordBits / 32) : 0;
  const readJ = tech.read.joules * scale + bus;
  const writeJ = tech.write.joules * scale + bus;
  const macJ = (mac === 'int8' ? PROCESSOR_OPS.int8Mac : PROCESSOR_OPS.fp32Mac).joules;

  const out = new EnergyLedger({ label });
  for (const phase of EVENT_PHASES) {
    const updates = ledger.count('set', phase) + ledger.count('reset', phase);
    const reads = ledger.count('read', phase);
    const moves = 2 * updates + reads + ledger.count('weightMove', phase);
    const moveJ = updates * (readJ + writeJ) + reads * readJ + ledger.joules('weightMove', phase);
    if (moves > 0 || moveJ > 0) out.record('weightMove', phase, moves, moveJ);
    const macs = reads + ledger.count('mac', phase);
    const macsJ = reads * macJ + ledger.joules('mac', phase);
    if (macs > 0 || macsJ > 0) out.record('mac', phase, macs, macsJ);
  }
  return out;
}
