/**
 * A trained network with its weights taken out of the array (e.g. read back from a digital store),
 * for evaluation: same encoder, layer, seed and data as the trainer, other weights and biases.
 */
import { IdealSynapses, type SpikingModel, type Trainer } from 'cbram-lab';

/** The trainer's effective biases b_k + the homeostatic offset. */
export function effectiveBias(t: Trainer): Float64Array {
  return Float64Array.from(t.bias, (b) => b + t.biasOffset);
}

/**
 * A SpikingModel that answers like `t` but with `weights` (inputs × outputs, row-major) and
 * `bias` (one per output). With `t`'s own weights and biases it gives the same spikes as `t`.
 * Presentations use the training length (evaluate without `presentation`).
 */
export function withWeights(
  t: Trainer,
  weights: ArrayLike<number>,
  bias: ArrayLike<number>,
): SpikingModel {
  const N = t.inputs;
  const K = t.outputs;
  const syn = new IdealSynapses(N, K);
  syn.w.set(weights);
  const b = Float64Array.from(bias);
  return {
    outputs: K,
    inputs: N,
    data: t.data,
    seed: t.seed,
    presentationSteps: t.encoder.steps,
    respond(data, index, streams, counts, _steps, onSpike) {
      const raster = t.encoder.encode(data.images, index * N, N, streams.spikes);
      return t.layer.present(
        raster,
        syn,
        b,
        0,
        streams.wta,
        onSpike ? (k, _a, _n, step) => onSpike(k, step) : null,
        counts,
      );
    },
  };
}
