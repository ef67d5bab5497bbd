/**
 * Training the LIF comparison network (Diehl & Cook 2015 style) with trace STDP:
 * at an output spike of k, Δw_ik = η_post·(x_i − x_tar)·(w_max − w_ik), where x_i is input i's
 * presynaptic trace (+1 per spike, decaying with τ_pre); weights in [0, w_max]; after each image
 * every neuron's weights are scaled to a fixed sum (Diehl & Cook's 78 over 784 inputs, scaled to
 * the number of inputs). An image that draws fewer than `minSpikes` output spikes is shown again
 * with the input rate raised by `rateBoost`.
 *
 * Float weights only (the comparison is between network models, not devices).
 */
import { createRng, type Rng } from '../core/rng';
import { checkBudget, checkInt, checkNumber, checkOptions, fail } from '../core/validate';
import { checkDataset, type Dataset } from '../data/mnist';
import { RASTER_BYTES, checkSignal } from './checks';
import { createPoissonEncoder, type PoissonEncoder } from '../network/encoding';
import { LIF_DEFAULTS, LifLayer, type LifParams } from '../network/lif';
import { IdealSynapses } from '../network/synapses';
import type { SpikingModel } from './evaluate';

/** LIF training settings. */
export interface LifConfig extends LifParams {
  outputs: number;
  /** Input rate at full intensity, Hz (Diehl & Cook: 63.75). */
  inputRate: number;
  /** Presentation, steps of 1 ms (Diehl & Cook: 350). */
  steps: number;
  /** Post-synaptic learning rate η_post. */
  eta: number;
  /** Target presynaptic trace x_tar. */
  traceTarget: number;
  /** Presynaptic trace time constant, ms. */
  tauTrace: number;
  /** Sum of each neuron's weights after normalisation (Diehl & Cook 78 for 784 inputs; default scaled to the inputs). */
  weightSum: number;
  /** Re-present an image with fewer output spikes than this. */
  minSpikes: number;
  /** Input rate increase per re-presentation, Hz. */
  rateBoost: number;
  epochs: number;
  imagesPerEpoch: number;
  seed: number;
}

export type LifOptions = Partial<LifConfig>;

function lifDefaults(inputs: number): LifConfig {
  return {
    ...LIF_DEFAULTS,
    outputs: 100,
    inputRate: 63.75,
    steps: 350,
    eta: 0.01,
    traceTarget: 0.4,
    tauTrace: 20,
    weightSum: (78 * inputs) / 784,
    minSpikes: 5,
    rateBoost: 32,
    epochs: 1,
    imagesPerEpoch: 0,
    seed: 0,
  };
}

/** The LIF network and its trainer. Implements SpikingModel, so `evaluate()` works on it. */
export class LifTrainer implements SpikingModel {
  readonly config: LifConfig;
  readonly data: Dataset;
  readonly synapses: IdealSynapses;
  readonly layer: LifLayer;
  imagesDone = 0;
  private readonly root: Rng;
  private readonly spikes: Rng;
  private readonly trace: Float64Array;
  private readonly lastSpike: Int32Array;
  private readonly encoders = new Map<number, PoissonEncoder>();
  private readonly perEpoch: number;

  constructor(data: Dataset, config: LifConfig) {
    this.config = config;
    this.data = data;
    const N = data.pixels;
    this.root = createRng(config.seed);
    this.spikes = this.root.stream('spikes');
    this.synapses = new IdealSynapses(N, config.outputs, 0, 1);
    const init = this.root.stream('init');
    for (let j = 0; j < this.synapses.w.length; j++) this.synapses.w[j] = init.uniform(0, 0.3);
    this.normalize();
    this.layer = new LifLayer(N, config.outputs, config);
    this.trace = new Float64Array(N);
    this.lastSpike = new Int32Array(N);
    this.perEpoch = config.imagesPerEpoch === 0 ? data.n : Math.min(config.imagesPerEpoch, data.n);
  }

  get outputs(): number {
    return this.config.outputs;
  }
  get inputs(): number {
    return this.data.pixels;
  }
  get seed(): number {
    return this.config.seed;
  }
  get imagesTotal(): number {
    return this.config.epochs * this.perEpoch;
  }

  private encoder(rate: number): PoissonEncoder {
    let e = this.encoders.get(rate);
    if (!e) {
      e = createPoissonEncoder({ rate, dt: 1e-3, steps: this.config.steps });
      this.encoders.set(rate, e);
    }
    return e;
  }

  private normalize(): void {
    const { w, inputs: N, outputs: K } = this.synapses;
    const target = this.config.weightSum;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let i = 0; i < N; i++) s += w[i * K + k]!;
      if (s <= 0) continue;
      const f = target / s;
      for (let i = 0; i < N; i++) w[i * K + k] = Math.min(1, w[i * K + k]! * f);
    }
  }

  /** Present image `index` with learning on (re-presenting with a higher rate while silent). */
  private trainImage(index: number): void {
    const c = this.config;
    const N = this.data.pixels;
    const K = c.outputs;
    const { w } = this.synapses;
    const decayPer = Math.exp(-1 / c.tauTrace);
    for (let rate = c.inputRate, tries = 0; tries < 5; rate += c.rateBoost, tries++) {
      const raster = this.encoder(rate).encode(this.data.images, index * N, N, this.spikes);
      this.trace.fill(0);
      this.lastSpike.fill(0);
      const trace = this.trace;
      const last = this.lastSpike;
      const traceAt = (i: number, t: number) => trace[i]! * Math.pow(decayPer, t - last[i]!);
      const n = this.layer.present(
        raster,
        this.synapses,
        null,
        true,
        (k, t) => {
          for (let i = 0, j = k; i < N; i++, j += K) {
            const x = traceAt(i, t);
            const y = w[j]! + c.eta * (x - c.traceTarget) * (1 - w[j]!);
            w[j] = y < 0 ? 0 : y > 1 ? 1 : y;
          }
        },
        (i, t) => {
          trace[i] = traceAt(i, t) + 1;
          last[i] = t;
        },
      );
      if (n >= c.minSpikes) break;
    }
    this.normalize();
  }

  /** Train to the end (or `maxImages` more). Yields to the event loop every 20 ms. */
  async train(
    options: { maxImages?: number; signal?: AbortSignal } = {},
  ): Promise<{ status: 'completed' | 'interrupted' | 'paused'; imagesDone: number }> {
    checkOptions('LifTrainer.train', options, ['maxImages', 'signal']);
    checkSignal('LifTrainer.train', options.signal);
    const stop =
      options.maxImages === undefined
        ? this.imagesTotal
        : Math.min(
            this.imagesTotal,
            this.imagesDone +
              checkInt('LifTrainer.train', 'options.maxImages', options.maxImages, { min: 0 }),
          );
    let lastYield = performance.now();
    while (this.imagesDone < stop) {
      if (options.signal?.aborted) return { status: 'interrupted', imagesDone: this.imagesDone };
      const epoch = Math.floor(this.imagesDone / this.perEpoch);
      const order = this.root.stream('shuffle').stream(`epoch-${epoch}`).permutation(this.data.n);
      this.trainImage(order[this.imagesDone - epoch * this.perEpoch]!);
      this.imagesDone++;
      if (performance.now() - lastYield > 20) {
        await new Promise<void>((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
    return {
      status: this.imagesDone >= this.imagesTotal ? 'completed' : 'paused',
      imagesDone: this.imagesDone,
    };
  }

  /** Present an image with learning and adaptation off (SpikingModel). */
  respond(
    data: Dataset,
    index: number,
    streams: { spikes: Rng; wta: Rng },
    counts: Int32Array,
    steps?: number,
    onSpike?: (neuron: number, step: number) => void,
  ): number {
    const c = this.config;
    if (steps !== undefined && steps !== c.steps)
      fail(
        'LifTrainer.respond',
        'steps',
        steps,
        `${c.steps} (the LIF presentation is set by its config)`,
      );
    const N = data.pixels;
    let total = 0;
    for (let rate = c.inputRate, tries = 0; tries < 5; rate += c.rateBoost, tries++) {
      const raster = this.encoder(rate).encode(data.images, index * N, N, streams.spikes);
      const spikes: number[] = [];
      total = this.layer.present(
        raster,
        this.synapses,
        counts,
        false,
        onSpike ? (winner, step) => spikes.push(winner, step) : null,
        null,
      );
      if (total >= c.minSpikes) {
        // Only the presentation whose counts are kept is reported.
        for (let i = 0; i < spikes.length; i += 2) onSpike?.(spikes[i]!, spikes[i + 1]!);
        break;
      }
      counts.fill(0);
    }
    return total;
  }

  /** Presentation length in 1 ms steps. */
  get presentationSteps(): number {
    return this.config.steps;
  }
}

/**
 * A Diehl & Cook-style LIF network on `data`, for comparison with the paper's network.
 *
 * @example
 * const lif = createLifTrainer(train, { outputs: 100, imagesPerEpoch: 5000 });
 * await lif.train();
 * evaluate(lif, { testData: test }).accuracy;
 */
export function createLifTrainer(data: Dataset, options: LifOptions = {}): LifTrainer {
  const fn = 'createLifTrainer';
  checkDataset(fn, 'data', data, 'a Dataset from loadPaperMnist()');
  if (data.n === 0) fail(fn, 'data.n', 0, 'at least 1 image', 'E_DATA');
  const d = lifDefaults(data.pixels);
  checkOptions(fn, options, Object.keys(d));
  const c = { ...d, ...options };
  checkInt(fn, 'outputs', c.outputs, { min: 2 });
  checkNumber(fn, 'inputRate', c.inputRate, { min: 0, max: 1000 });
  checkNumber(fn, 'rateBoost', c.rateBoost, { min: 0 });
  // Up to four re-presentations raise the rate by rateBoost each; at 1 ms steps the encoder
  // allows at most one spike per step (1000 Hz).
  if (c.inputRate + 4 * c.rateBoost > 1000)
    fail(
      fn,
      'inputRate + 4 × rateBoost',
      c.inputRate + 4 * c.rateBoost,
      '<= 1000 Hz (four re-presentations raise the rate by rateBoost each; 1 ms steps allow one spike per step)',
    );
  checkInt(fn, 'steps', c.steps, { min: 1, max: 1e6 });
  checkNumber(fn, 'eta', c.eta, { min: 0, max: 1 });
  checkNumber(fn, 'traceTarget', c.traceTarget);
  checkNumber(fn, 'tauMembrane', c.tauMembrane, { min: 0, exclusiveMin: true });
  checkNumber(fn, 'tauTrace', c.tauTrace, { min: 0, exclusiveMin: true });
  checkNumber(fn, 'weightSum', c.weightSum, { min: 0, exclusiveMin: true });
  checkInt(fn, 'refractory', c.refractory, { min: 0 });
  checkNumber(fn, 'vRest', c.vRest);
  checkNumber(fn, 'vThresh', c.vThresh);
  checkNumber(fn, 'inputGain', c.inputGain);
  checkNumber(fn, 'thetaPlus', c.thetaPlus, { min: 0 });
  checkNumber(fn, 'inhibition', c.inhibition, { min: 0 });
  checkInt(fn, 'minSpikes', c.minSpikes, { min: 0 });
  checkInt(fn, 'epochs', c.epochs, { min: 1 });
  checkInt(fn, 'imagesPerEpoch', c.imagesPerEpoch, { min: 0 });
  checkInt(fn, 'seed', c.seed, { min: 0 });
  checkBudget(fn, 'data.pixels × outputs', data.pixels * c.outputs, 5, {
    unit: 'synapses',
    hint: 'lower outputs',
  });
  checkBudget(fn, 'data.pixels × steps', data.pixels * c.steps, RASTER_BYTES, {
    unit: 'possible input spikes',
    hint: 'lower steps',
  });
  return new LifTrainer(data, Object.freeze(c));
}
