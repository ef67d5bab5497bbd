/**
 * The paper's network: N inputs plus a bias per output, K outputs in a stochastic softmax
 * winner-take-all (after Nessler et al., PLoS Comput. Biol. 9:e1003037, 2013).
 *
 * In each step the layer emits one output spike with probability f_out·dt; the winner is drawn
 * from softmax(u) with u_k = Σ_i w_ik·y_i + b_k, where y_i = 1 if input i spiked within the last
 * `window` steps. Output spike times do not depend on the weights, so they are drawn first as
 * geometric gaps and u is evaluated only at those steps (the same results as evaluating every step).
 *
 * With the WebAssembly kernels, the sums Σ_i w_ik·y_i are held from one output spike of an image
 * to the next and moved on by the inputs that entered and left the window, with each column that
 * changed in between (the winner's, by learning; any written with `Synapses.setWeight`) summed
 * afresh: about a quarter of the rows of a full sum per spike. They equal a fresh sum up to
 * float32 rounding (docs/performance.md). An `onSpike` handler may change the winner's column and
 * call `setWeight` anywhere; other writes to the weights during `present` are not seen until the
 * next image.
 */
import type { Rng } from '../core/rng';
import type { SpikeRaster } from './encoding';
import type { Synapses } from './synapses';

/** Called at each output spike: the winner, the active inputs and the step. */
export type SpikeHandler = (
  winner: number,
  active: Int32Array,
  activeCount: number,
  step: number,
) => void;

/** Scratch state for presenting images to a layer; reuse one per run. */
export class WtaLayer {
  readonly inputs: number;
  readonly outputs: number;
  /** Per-step output spike probability f_out·dt. */
  readonly pOut: number;
  /** Coincidence window, steps. */
  readonly window: number;
  private readonly logqOut: number;
  private readonly last: Int32Array;
  private readonly active: Int32Array;
  private readonly u: Float64Array;

  constructor(inputs: number, outputs: number, pOut: number, window: number) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.pOut = pOut;
    this.window = window;
    this.logqOut = Math.log1p(-pOut);
    this.last = new Int32Array(inputs);
    this.active = new Int32Array(inputs);
    this.u = new Float64Array(outputs);
  }

  /**
   * Present one encoded image. Each output spike's winner is passed to `onSpike` (learning happens
   * there) and counted in `counts` if given. `bias` is read as bias[k] + biasOffset. Returns the
   * number of output spikes.
   */
  present(
    raster: SpikeRaster,
    syn: Synapses,
    bias: Float64Array,
    biasOffset: number,
    rng: Rng,
    onSpike: SpikeHandler | null,
    counts: Int32Array | null,
  ): number {
    const T = raster.steps;
    // With WebAssembly, the steps and the active list live in the kernels' memory (no copies).
    const tk = syn.train;
    const last = tk !== null ? tk.last : this.last;
    const active = tk !== null ? tk.idx : this.active;
    last.fill(-(1 << 30));
    tk?.potentialsReset();
    const { start, inputs } = raster;
    const win = this.window;
    const u = this.u;
    const N = this.inputs;
    let fed = 0; // steps of input already applied
    let spikes = 0;
    let t = Math.floor(Math.log(rng.floatOpen()) / this.logqOut);
    while (t < T) {
      for (; fed <= t; fed++) {
        for (let s = start[fed]!; s < start[fed + 1]!; s++) last[inputs[s]!] = fed;
      }
      let n = 0;
      let winner: number;
      const since = t - win;
      // The draw takes two uniforms per attempt from this image's stream (see softmaxDraw).
      if (tk !== null) {
        winner = syn.drawWinnerSince(since, bias, biasOffset, rng);
        n = tk.activeCount();
      } else {
        for (let i = 0; i < N; i++) if (last[i]! > since) active[n++] = i;
        winner = syn.drawWinner(active, n, bias, biasOffset, rng, u);
      }
      spikes++;
      if (counts !== null) counts[winner]++;
      if (onSpike !== null) onSpike(winner, active, n, t);
      t += 1 + Math.floor(Math.log(rng.floatOpen()) / this.logqOut);
    }
    return spikes;
  }
}
