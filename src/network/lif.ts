/**
 * A leaky integrate-and-fire output layer with lateral inhibition and adaptive thresholds, after
 * Diehl & Cook, Front. Comput. Neurosci. 9:99 (2015), for comparison with the paper's softmax
 * winner-take-all. Simplified to current-based synapses and direct inhibition:
 *
 * - every step, v_k relaxes toward v_rest with time constant τ_m, and each input spike adds
 *   gain·w_ik (mV);
 * - a neuron fires when v_k > v_thresh + θ_k and is not refractory; if several cross in one step
 *   only the one furthest above threshold fires (winner-take-all), the others are inhibited;
 * - after a spike: v_k resets, θ_k rises by θ_plus (homeostasis), every other neuron's v drops by
 *   `inhibition` mV (lateral inhibition).
 *
 * Potentials are in mV and times in ms here, as in the source paper.
 */
import type { SpikeRaster } from './encoding';
import type { Synapses } from './synapses';

/** LIF parameters (defaults after Diehl & Cook 2015; simplifications noted). */
export interface LifParams {
  /** Resting and reset potential, mV. */
  vRest: number;
  /** Threshold without adaptation, mV. */
  vThresh: number;
  /** Membrane time constant, ms. */
  tauMembrane: number;
  /** Refractory period, steps. */
  refractory: number;
  /** Potential added per input spike per unit weight, mV [assumed: the conductance synapse's charge, 0.65 mV at w = 1]. */
  inputGain: number;
  /** Threshold rise per output spike, mV. */
  thetaPlus: number;
  /** Potential removed from every other neuron at an output spike, mV [assumed]. */
  inhibition: number;
}

export const LIF_DEFAULTS: LifParams = Object.freeze({
  vRest: -65,
  vThresh: -52,
  tauMembrane: 100,
  refractory: 5,
  inputGain: 0.65,
  thetaPlus: 0.05,
  inhibition: 20,
});

/** Called at each output spike (learning hooks in here). */
export type LifSpikeHandler = (winner: number, step: number) => void;
/** Called at each input spike. */
export type LifInputHandler = (input: number, step: number) => void;

/** LIF layer state. Mutates in place. */
export class LifLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly params: LifParams;
  /** Adaptive threshold θ_k, mV (kept across images). */
  readonly theta: Float64Array;
  private readonly v: Float64Array;
  private readonly refr: Int32Array;
  private readonly drive: Float64Array;
  private readonly spiking: Int32Array;

  constructor(inputs: number, outputs: number, params: LifParams) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.params = params;
    this.theta = new Float64Array(outputs);
    this.v = new Float64Array(outputs);
    this.refr = new Int32Array(outputs);
    this.drive = new Float64Array(outputs);
    this.spiking = new Int32Array(inputs);
  }

  /**
   * Present one raster from rest. Returns the number of output spikes; counts them in `counts`.
   * `adapt` turns the threshold adaptation on (training) or off (evaluation).
   */
  present(
    raster: SpikeRaster,
    syn: Synapses,
    counts: Int32Array | null,
    adapt: boolean,
    onSpike: LifSpikeHandler | null,
    onInput: LifInputHandler | null,
  ): number {
    const p = this.params;
    const { v, refr, drive, theta } = this;
    const K = this.outputs;
    v.fill(p.vRest);
    refr.fill(0);
    const decay = Math.exp(-1 / p.tauMembrane);
    const gain = p.inputGain;
    let spikes = 0;
    for (let t = 0; t < raster.steps; t++) {
      const s0 = raster.start[t]!;
      const n = raster.start[t + 1]! - s0;
      for (let j = 0; j < n; j++) {
        const i = raster.inputs[s0 + j]!;
        this.spiking[j] = i;
        onInput?.(i, t);
      }
      if (n > 0) syn.sumActive(this.spiking, n, drive);
      let best = -1;
      let bestOver = 0;
      for (let k = 0; k < K; k++) {
        let x = p.vRest + (v[k]! - p.vRest) * decay;
        if (refr[k]! > 0) {
          refr[k]!--;
        } else if (n > 0) {
          x += gain * drive[k]!;
        }
        v[k] = x;
        const over = x - (p.vThresh + theta[k]!);
        if (over > 0 && refr[k] === 0 && (best < 0 || over > bestOver)) {
          best = k;
          bestOver = over;
        }
      }
      if (best >= 0) {
        spikes++;
        if (counts !== null) counts[best]!++;
        v[best] = p.vRest;
        refr[best] = p.refractory;
        if (adapt) theta[best] += p.thetaPlus;
        for (let k = 0; k < K; k++)
          if (k !== best) v[k] = Math.max(p.vRest - 10, v[k]! - p.inhibition);
        onSpike?.(best, t);
      }
    }
    return spikes;
  }
}
