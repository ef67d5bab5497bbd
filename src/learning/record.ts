/**
 * Spike rasters: which output neurons fire, and when, while one image is shown with learning
 * off (Fig. 3a of the paper shows 10 output neurons before and after training).
 */
import { createRng } from '../core/rng';
import { checkInt, checkOptions, fail } from '../core/validate';
import { checkDataset, type Dataset } from '../data/mnist';
import { checkSpikingModel } from './checks';
import type { SpikingModel } from './evaluate';

/** Options for {@link recordSpikes}. */
export interface RecordSpikesOptions {
  /** Seed of the input spikes and the winner draws (default: the model's seed). */
  seed?: number;
  /**
   * Output neurons to keep, in the order they are drawn (default: all). Spikes of the k-th
   * listed neuron are reported as neuron k, so a raster of 10 chosen neurons has rows 0…9.
   */
  neurons?: readonly number[];
}

/** Output spikes of one presentation. */
export interface SpikeRecord {
  /** Neuron of each spike (an index into `options.neurons` when given). */
  neuron: Int32Array;
  /** Time of each spike from the image's onset, s. */
  time: Float64Array;
  /** Presentation length, s. */
  duration: number;
  /** Neurons the rows stand for (their indices in the network). */
  neurons: Int32Array;
  /** Spikes of all output neurons, including those not kept. */
  totalSpikes: number;
}

/** Seconds per step: the trainer's `config.dt`, else 1 ms (the LIF network's step). */
function stepSeconds(model: SpikingModel): number {
  const dt = (model as { config?: { dt?: unknown } }).config?.dt;
  return typeof dt === 'number' && dt > 0 ? dt : 1e-3;
}

/**
 * Present image `index` of `data` to `model` with learning off and record its output spikes.
 * Weights, biases and training counters are not changed. Like evaluation, the array reads are
 * accounted in the energy ledger's 'test' phase.
 *
 * @example
 * const before = recordSpikes(trainer, test, 0, { neurons: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
 * before.time; // s, one entry per spike of those 10 neurons
 */
export function recordSpikes(
  model: SpikingModel,
  data: Dataset,
  index: number,
  options: RecordSpikesOptions = {},
): SpikeRecord {
  const fn = 'recordSpikes';
  checkSpikingModel(fn, model);
  checkDataset(fn, 'data', data, 'a Dataset from loadPaperMnist()');
  if (data.pixels !== model.inputs)
    fail(fn, 'data.pixels', data.pixels, `${model.inputs} (the network's inputs)`);
  checkOptions(fn, options, ['seed', 'neurons']);
  checkInt(fn, 'index', index, { min: 0, max: data.n - 1 });
  const seed = checkInt(fn, 'options.seed', options.seed ?? model.seed, { min: 0 });
  const K = model.outputs;
  if (options.neurons !== undefined && !Array.isArray(options.neurons))
    fail(fn, 'options.neurons', options.neurons, 'a non-empty array of output neuron indices');
  const list = options.neurons ?? Array.from({ length: K }, (_, k) => k);
  if (!Array.isArray(list) || list.length === 0)
    fail(fn, 'options.neurons', list, 'a non-empty array of output neuron indices');
  const row = new Int32Array(K).fill(-1);
  list.forEach((k, i) => {
    checkInt(fn, `options.neurons[${i}]`, k, { min: 0, max: K - 1 });
    if (row[k]! >= 0) fail(fn, `options.neurons[${i}]`, k, 'each neuron once');
    row[k] = i;
  });
  const rng = createRng(seed).stream('raster');
  const streams = { spikes: rng.stream('spikes'), wta: rng.stream('wta') };
  const dt = stepSeconds(model);
  const neuron: number[] = [];
  const time: number[] = [];
  const leave = model.enterPhase?.('test');
  let total: number;
  try {
    total = model.respond(data, index, streams, new Int32Array(K), undefined, (k, step) => {
      if (row[k]! >= 0) {
        neuron.push(row[k]!);
        time.push(step * dt);
      }
    });
  } finally {
    leave?.();
  }
  return {
    neuron: Int32Array.from(neuron),
    time: Float64Array.from(time),
    duration: model.presentationSteps * dt,
    neurons: Int32Array.from(list),
    totalSpikes: total,
  };
}
