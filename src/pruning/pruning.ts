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
import {
  checkInt,
  checkNumber,
  checkObject,
  checkOneOf,
  checkOptions,
  fail,
} from '../core/validate';

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

/** Sort scratch for {@link weightOrder} (grown on demand, reused). */
let keys = new Float64Array(512);
const INDEX_BITS = 2097152; // 2^21

/**
 * The first `limit` inputs in order of weight, ties by index: each (weight, index) packed into
 * one integer key below 2^53 (the weight's order-preserving 32 bits, then 21 bits of index),
 * sorted natively (much faster than a comparator at 397 inputs). The index is the key minus
 * floor(key / 2^21)·2^21, exact in float64 and faster than `%`. Longer columns use a comparator.
 */
function weightOrder(weights: Float32Array, limit: number): Int32Array {
  const n = weights.length;
  const m = Math.min(limit, n);
  if (n > INDEX_BITS) {
    const order = Int32Array.from(weights, (_, i) => i);
    return order.sort((a, b) => weights[a]! - weights[b]! || a - b).slice(0, m);
  }
  if (keys.length < n) keys = new Float64Array(n);
  const k = keys.subarray(0, n);
  const bits = new Uint32Array(weights.buffer, weights.byteOffset, n);
  for (let i = 0; i < n; i++) {
    let b = bits[i]!;
    if (b === 0x80000000) b = 0; // −0 as +0
    const ordered = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    k[i] = ordered * INDEX_BITS + i;
  }
  k.sort();
  const order = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    const x = k[j]!;
    order[j] = x - Math.floor(x / INDEX_BITS) * INDEX_BITS;
  }
  return order;
}

/** Freeze the `count` smallest weights (ties by input index). Already-frozen entries arrive as +Infinity. */
export const smallestWeights: PruneSelector = {
  select(weights, count) {
    const order = weightOrder(weights, count);
    let n = 0;
    while (n < order.length && Number.isFinite(weights[order[n]!]!)) n++;
    return n === order.length ? order : order.slice(0, n);
  },
};

/**
 * Freeze only saturated weights: the smallest ones that are at most `threshold` (e.g. within a
 * tolerance of the −1 floor). A weight pinned at the floor gains nothing from further LTD pulses,
 * which cost energy without moving it, so freezing it there changes the network very little.
 */
export function saturatedWeights(threshold: number): PruneSelector {
  checkNumber('saturatedWeights', 'threshold', threshold, { min: -1, max: 1 });
  return {
    select(weights, count) {
      const all = smallestWeights.select(weights, count);
      let n = 0;
      while (n < all.length && weights[all[n]!]! <= threshold) n++;
      return all.slice(0, n);
    },
  };
}

export type PruneSelection = 'smallest' | 'saturated';

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
  /** Which weights to freeze: the smallest ('smallest', default), or only saturated ones near the floor ('saturated'). */
  selection: PruneSelection;
  /** With 'saturated': weights at most softValue + floorTolerance count as saturated (default 0.05). */
  floorTolerance: number;
  /** After maturity, look again every this many spikes until the fraction is reached (0 = prune once, default). */
  recheckSpikes: number;
  /** At this spike count, fill whatever remains of the fraction with the smallest weights (0 = never, default). */
  deadlineSpikes: number;
}

export const PRUNING_DEFAULTS: PruningConfig = Object.freeze({
  fraction: 0,
  mode: 'soft',
  softValue: -1,
  matureSpikes: 600,
  selection: 'smallest',
  floorTolerance: 0.05,
  recheckSpikes: 0,
  deadlineSpikes: 0,
});

/**
 * Validate and complete pruning options.
 *
 * @example
 * const p = definePruning({ fraction: 0.75, mode: 'soft' });
 */
export function definePruning(options: Partial<PruningConfig> = {}): PruningConfig {
  return pruningFor('definePruning', options);
}

/**
 * @internal {@link definePruning} for a pruning object nested in another function's options:
 * errors name `fn` and prefix parameters with `at` (e.g. `pruning.`).
 */
export function pruningFor(
  fn: string,
  options: Partial<PruningConfig> = {},
  at = '',
): PruningConfig {
  if (at) checkObject(fn, at.slice(0, -1), options, 'an object of pruning options, or null');
  checkOptions(at ? `${fn} (${at.slice(0, -1)})` : fn, options, Object.keys(PRUNING_DEFAULTS));
  const c = { ...PRUNING_DEFAULTS, ...options };
  checkNumber(fn, `${at}fraction`, c.fraction, { min: 0, max: 1 });
  checkOneOf(fn, `${at}mode`, c.mode, ['soft', 'hard']);
  checkNumber(fn, `${at}softValue`, c.softValue, { min: -1, max: 1 });
  checkInt(fn, `${at}matureSpikes`, c.matureSpikes, { min: 1 });
  checkOneOf(fn, `${at}selection`, c.selection, ['smallest', 'saturated']);
  checkNumber(fn, `${at}floorTolerance`, c.floorTolerance, { min: 0, max: 2 });
  checkInt(fn, `${at}recheckSpikes`, c.recheckSpikes, { min: 0 });
  checkInt(fn, `${at}deadlineSpikes`, c.deadlineSpikes, { min: 0 });
  return Object.freeze(c);
}

/** Pruning state: spike counters and which neurons have been pruned. */
export class Pruner {
  readonly config: PruningConfig;
  readonly spikes: Int32Array;
  readonly matured: Uint8Array;
  /** Spike count at which each neuron matured. */
  readonly maturedAt: Int32Array;
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
    const fn = 'Pruner';
    config = pruningFor(fn, config, 'config.');
    checkInt(fn, 'outputs', outputs, { min: 1, max: 2 ** 26 });
    checkInt(fn, 'inputs', inputs, { min: 1, max: 2 ** 26 });
    if (criterion !== undefined && typeof criterion?.isMature !== 'function')
      fail(fn, 'criterion', criterion, 'a MaturityCriterion { isMature(neuron, spikes) }');
    if (selector !== undefined && typeof selector?.select !== 'function')
      fail(fn, 'selector', selector, 'a PruneSelector { select(weights, count) }');
    this.config = config;
    this.spikes = new Int32Array(outputs);
    this.matured = new Uint8Array(outputs);
    this.criterion = criterion ?? spikeCountMaturity(config.matureSpikes);
    this.selector =
      selector ??
      (config.selection === 'saturated'
        ? saturatedWeights(Math.min(1, config.softValue + config.floorTolerance))
        : smallestWeights);
    this.maturedAt = new Int32Array(outputs);
    this.column = new Float32Array(inputs);
  }

  /** Number of synapses frozen per neuron. */
  get perNeuron(): number {
    return Math.round(this.config.fraction * this.column.length);
  }

  /**
   * Count a spike of `k`; prune when it matures (and, with recheckSpikes, again every so many
   * spikes until the fraction is reached). Returns the number of synapses frozen now. `onPrune`
   * runs before the writes, so the caller can account for them (energy ledger).
   */
  onSpike(
    k: number,
    syn: Synapses,
    onPrune?: (k: number, cells: Int32Array, value: number) => void,
  ): number {
    const c = ++this.spikes[k]!;
    const cfg = this.config;
    if (cfg.fraction === 0) return 0;
    const deadline = cfg.deadlineSpikes > 0 && c === cfg.deadlineSpikes;
    if (!this.matured[k]) {
      if (!this.criterion.isMature(k, c) && !deadline) return 0;
      this.matured[k] = 1;
      this.maturedAt[k] = c;
    } else if (
      !deadline &&
      (cfg.recheckSpikes === 0 || (c - this.maturedAt[k]!) % cfg.recheckSpikes !== 0)
    ) {
      return 0;
    }
    const N = syn.inputs;
    const K = syn.outputs;
    let frozenHere = 0;
    for (let i = 0; i < N; i++) {
      const f = syn.frozen[i * K + k] !== 0;
      frozenHere += f ? 1 : 0;
      this.column[i] = f ? Infinity : syn.weight(i, k);
    }
    const quota = this.perNeuron - frozenHere;
    if (quota <= 0) return 0;
    const cells = (deadline ? smallestWeights : this.selector).select(this.column, quota);
    if (cells.length === 0) return 0;
    const value = cfg.mode === 'soft' ? cfg.softValue : 0;
    onPrune?.(k, cells, value);
    for (const i of cells) {
      syn.setWeight(i, k, value);
      syn.frozen[i * K + k] = 1;
    }
    this.frozenCount += cells.length;
    return cells.length;
  }
}
