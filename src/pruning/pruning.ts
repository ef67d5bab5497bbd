/**
 * Pruning during training (Shi et al. 2018; Shi et al., Front. Neurosci. 13:405, 2019).
 *
 * Each output neuron counts its spikes. When a neuron matures (by default: its count reaches a
 * threshold), a fraction P of its synapses, the smallest weights, is frozen:
 * - soft pruning fixes them at a constant (default −1) and stops updating them;
 * - hard pruning sets them to 0 (deletes them) and stops updating them.
 * Frozen synapses receive no pulses, so they cost no programming energy.
 *
 * When and what to prune are pluggable: pass a {@link MaturityCriterion} and a
 * {@link PruneSelector}.
 */
import type { Synapses } from '../network/synapses';
import { checkInt, checkNumber, checkOneOf, checkOptions } from '../core/validate';

export type PruneMode = 'soft' | 'hard';

/** Decides when a neuron is mature. */
export interface MaturityCriterion {
  /** Called after each spike of `neuron`, with its total spike count. */
  isMature(neuron: number, spikes: number): boolean;
}

/** Chooses which of a neuron's synapses to freeze. */
export interface PruneSelector {
  /** Indices (inputs) to freeze, given the neuron's current weights (one per input). */
  select(weights: Float32Array, count: number): Int32Array;
}

/** Mature after a fixed number of spikes. */
export function spikeCountMaturity(threshold: number): MaturityCriterion {
  checkInt('spikeCountMaturity', 'threshold', threshold, { min: 1 });
  return { isMature: (_n, spikes) => spikes >= threshold };
}

/** Freeze the `count` smallest weights (ties by input index). */
export const smallestWeights: PruneSelector = {
  select(weights, count) {
    const order = Int32Array.from(weights, (_, i) => i);
    order.sort((a, b) => weights[a]! - weights[b]! || a - b);
    return order.slice(0, count);
  },
};

/** Pruning settings. */
export interface PruningConfig {
  /** Fraction of each neuron's synapses to freeze, 0–1 (the paper's P/100). */
  fraction: number;
  /** 'soft' (freeze at softValue) or 'hard' (set to 0). Default 'soft'. */
  mode: PruneMode;
  /** Constant for soft-pruned weights (default −1). */
  softValue: number;
  /** Spikes after which a neuron matures (default 600). */
  matureSpikes: number;
}

export const PRUNING_DEFAULTS: PruningConfig = Object.freeze({
  fraction: 0,
  mode: 'soft',
  softValue: -1,
  matureSpikes: 600,
});

/** Validate and complete pruning options. */
export function definePruning(options: Partial<PruningConfig> = {}): PruningConfig {
  const fn = 'definePruning';
  checkOptions(fn, options, Object.keys(PRUNING_DEFAULTS));
  const c = { ...PRUNING_DEFAULTS, ...options };
  checkNumber(fn, 'fraction', c.fraction, { min: 0, max: 1 });
  checkOneOf(fn, 'mode', c.mode, ['soft', 'hard']);
  checkNumber(fn, 'softValue', c.softValue, { min: -1, max: 1 });
  checkInt(fn, 'matureSpikes', c.matureSpikes, { min: 1 });
  return Object.freeze(c);
}

/** Pruning state: spike counters and which neurons have been pruned. */
export class Pruner {
  readonly config: PruningConfig;
  readonly spikes: Int32Array;
  readonly matured: Uint8Array;
  private readonly criterion: MaturityCriterion;
  private readonly selector: PruneSelector;
  private readonly column: Float32Array;
  /** Synapses frozen so far. */
  frozenCount = 0;

  constructor(
    config: PruningConfig,
    outputs: number,
    inputs: number,
    criterion?: MaturityCriterion,
    selector?: PruneSelector,
  ) {
    this.config = config;
    this.spikes = new Int32Array(outputs);
    this.matured = new Uint8Array(outputs);
    this.criterion = criterion ?? spikeCountMaturity(config.matureSpikes);
    this.selector = selector ?? smallestWeights;
    this.column = new Float32Array(inputs);
  }

  /** Number of synapses frozen per neuron. */
  get perNeuron(): number {
    return Math.round(this.config.fraction * this.column.length);
  }

  /**
   * Count a spike of `k`; prune it if it just matured. Returns the number of synapses frozen now.
   * `onPrune` runs before the writes, so the caller can account for them (energy ledger).
   */
  onSpike(
    k: number,
    syn: Synapses,
    onPrune?: (k: number, cells: Int32Array, value: number) => void,
  ): number {
    const c = ++this.spikes[k]!;
    if (this.matured[k] || this.config.fraction === 0 || !this.criterion.isMature(k, c)) return 0;
    this.matured[k] = 1;
    const N = syn.inputs;
    const K = syn.outputs;
    for (let i = 0; i < N; i++) this.column[i] = syn.weight(i, k);
    const cells = this.selector.select(this.column, this.perNeuron);
    const value = this.config.mode === 'soft' ? this.config.softValue : 0;
    onPrune?.(k, cells, value);
    for (const i of cells) {
      syn.setWeight(i, k, value);
      syn.frozen[i * K + k] = 1;
    }
    this.frozenCount += cells.length;
    return cells.length;
  }
}
