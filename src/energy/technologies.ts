/**
 * Per-event energies, J, of the memories and processor a von Neumann system would train the same
 * network with. Every value says where it comes from; values not read off a published table are
 * marked `assumed: true` with the reason.
 *
 * Main source: M. Horowitz, "Computing's energy problem (and what we can do about it)", IEEE
 * ISSCC 2014, pp. 10-14: rough energies at 45 nm and 0.9 V. Memory figures there are per 64-bit
 * access; the per-word figures below derive from them.
 */
import { pJ } from '../core/units';

/** The energy of one event, J, with its provenance. */
export interface EventEnergy {
  /** Energy per event, J. */
  joules: number;
  /** Where the number comes from (paper, table, or the derivation). */
  source: string;
  /** true when the value is our choice rather than a published figure. */
  assumed: boolean;
  /** Why an assumed value was chosen (present when `assumed` is true). */
  reason?: string;
}

/** A weight memory: energy to read and to write one word. */
export interface MemoryTechnology {
  /** Display name, e.g. `"SRAM (1 MB, 45 nm)"`. */
  name: string;
  /** Word width the energies are given for, bits. */
  wordBits: number;
  /** Reading one word. */
  read: EventEnergy;
  /** Writing one word. */
  write: EventEnergy;
}

/** Keys of {@link MEMORY_TECHNOLOGIES}. */
export type MemoryKind = 'sram' | 'dram';

/** Keys of {@link PROCESSOR_OPS}. */
export type ProcessorOp = 'fp32Add' | 'fp32Mult' | 'fp32Mac' | 'int8Add' | 'int8Mult' | 'int8Mac';

const HOROWITZ = 'M. Horowitz, "Computing\'s energy problem", ISSCC 2014, pp. 10-14 (45 nm, 0.9 V)';
const HAN =
  'S. Han et al., "Learning both weights and connections for efficient neural networks", ' +
  'NIPS 2015, Fig. 1 (energy table for 45 nm after Horowitz)';

function cited(joules: number, source: string): EventEnergy {
  return Object.freeze({ joules, source, assumed: false });
}

function assumed(joules: number, source: string, reason: string): EventEnergy {
  return Object.freeze({ joules, source, assumed: true, reason });
}

/**
 * The published 45 nm figures these tables are built from, as given (memory per 64-bit access).
 *
 * @example
 * HOROWITZ_45NM.sram1MB64.joules; // 1e-10 (100 pJ per 64-bit access)
 */
export const HOROWITZ_45NM = Object.freeze({
  /** 64-bit read of an 8 kB SRAM cache. */
  sram8kB64: cited(10 * pJ, `${HOROWITZ}: 8 kB cache, 64-bit access, 10 pJ`),
  /** 64-bit read of a 32 kB SRAM cache. */
  sram32kB64: cited(20 * pJ, `${HOROWITZ}: 32 kB cache, 64-bit access, 20 pJ`),
  /** 64-bit read of a 1 MB SRAM cache. */
  sram1MB64: cited(100 * pJ, `${HOROWITZ}: 1 MB cache, 64-bit access, 100 pJ`),
  /** 64-bit DRAM access, lower end of the quoted 1.3-2.6 nJ. */
  dram64: cited(1300 * pJ, `${HOROWITZ}: DRAM, 64-bit access, 1.3-2.6 nJ (lower end)`),
  /** 32-bit floating-point add. */
  fp32Add: cited(0.9 * pJ, `${HOROWITZ}: 32-bit FP add, 0.9 pJ`),
  /** 32-bit floating-point multiply. */
  fp32Mult: cited(3.7 * pJ, `${HOROWITZ}: 32-bit FP mult, 3.7 pJ`),
  /** 8-bit integer add. */
  int8Add: cited(0.03 * pJ, `${HOROWITZ}: 8-bit int add, 0.03 pJ`),
  /** 8-bit integer multiply. */
  int8Mult: cited(0.2 * pJ, `${HOROWITZ}: 8-bit int mult, 0.2 pJ`),
});

const WRITE_REASON =
  'Horowitz 2014 gives access energies without separating reads from writes; ' +
  'a write is taken to cost the same as a read.';

/**
 * Weight memories for the von Neumann baseline, energies per 32-bit word.
 *
 * - `sram`: a 1 MB on-chip SRAM, the smallest of Horowitz's caches that holds the paper's
 *   network as 32-bit words (199,000 weights = 796 kB). 100 pJ per 64-bit access, halved per
 *   32-bit word.
 * - `dram`: off-chip DRAM, 640 pJ per 32-bit word, the per-word figure Han et al. (2015)
 *   tabulate from Horowitz's 1.3-2.6 nJ per 64-bit access.
 *
 * Writes are assumed to cost as much as reads (marked `assumed`).
 *
 * @example
 * MEMORY_TECHNOLOGIES.dram.read.joules; // 6.4e-10
 * MEMORY_TECHNOLOGIES.sram.read.assumed; // true: derived by halving a 64-bit figure
 */
export const MEMORY_TECHNOLOGIES: Readonly<Record<MemoryKind, MemoryTechnology>> = Object.freeze({
  sram: Object.freeze({
    name: 'SRAM (1 MB, 45 nm)',
    wordBits: 32,
    read: assumed(
      50 * pJ,
      `${HOROWITZ}: 1 MB cache, 100 pJ per 64-bit access, halved for one 32-bit word`,
      'Horowitz gives 64-bit accesses; energy is assumed proportional to the word width, as ' +
        'Han et al. (NIPS 2015) did for their 5 pJ per 32-bit SRAM access.',
    ),
    write: assumed(
      50 * pJ,
      `${HOROWITZ}: 1 MB cache read figure, used for writes`,
      `${WRITE_REASON} Width scaled as for reads.`,
    ),
  }),
  dram: Object.freeze({
    name: 'DRAM (45 nm)',
    wordBits: 32,
    read: cited(640 * pJ, `${HAN}: 32-bit DRAM access, 640 pJ; from ${HOROWITZ}`),
    write: assumed(640 * pJ, `${HAN}: 32-bit DRAM access figure, used for writes`, WRITE_REASON),
  }),
});

/**
 * Moving one 32-bit word across an off-chip bus (processor package to a memory chip), on top of
 * the memory access itself.
 *
 * Assumed: 5 pJ per bit, the order of magnitude of DDR-class interfaces. Horowitz's DRAM figure
 * already includes getting the word off the chip, so {@link vonNeumannBaseline} adds this only
 * when asked (`offChipBus: true`), e.g. for weights held in SRAM on another chip.
 *
 * @example
 * OFF_CHIP_BUS.joules; // 1.6e-10 (160 pJ per 32-bit word)
 */
export const OFF_CHIP_BUS: EventEnergy = assumed(
  32 * 5 * pJ,
  'CBRAM Lab assumption: 5 pJ per bit for a DDR-class off-chip interface, 32 bits per word',
  'No confidently citable per-bit figure in Horowitz 2014; a few pJ per bit is the usual order ' +
    'of magnitude for off-chip interfaces. Override with reprice() to test the sensitivity.',
);

/**
 * Digital arithmetic in the processor, J per operation. A multiply-accumulate (MAC) is taken as one
 * multiply plus one add of the same type, the sum of Horowitz's figures (no fused-unit saving,
 * no register-file or control overhead).
 *
 * @example
 * PROCESSOR_OPS.fp32Mac.joules; // 4.6e-12 (3.7 pJ + 0.9 pJ)
 * PROCESSOR_OPS.int8Mac.joules; // ≈ 2.3e-13 (0.2 pJ + 0.03 pJ)
 */
export const PROCESSOR_OPS: Readonly<Record<ProcessorOp, EventEnergy>> = Object.freeze({
  fp32Add: HOROWITZ_45NM.fp32Add,
  fp32Mult: HOROWITZ_45NM.fp32Mult,
  fp32Mac: cited(
    HOROWITZ_45NM.fp32Mult.joules + HOROWITZ_45NM.fp32Add.joules,
    `${HOROWITZ}: 32-bit FP mult 3.7 pJ + add 0.9 pJ`,
  ),
  int8Add: HOROWITZ_45NM.int8Add,
  int8Mult: HOROWITZ_45NM.int8Mult,
  int8Mac: cited(
    HOROWITZ_45NM.int8Mult.joules + HOROWITZ_45NM.int8Add.joules,
    `${HOROWITZ}: 8-bit int mult 0.2 pJ + add 0.03 pJ`,
  ),
});
