/**
 * The training loop: the paper's unsupervised learning, image by image, with a geometric
 * learning-rate decay, the homeostatic bias, pruning during training, energy accounting, progress
 * callbacks, interrupts, and checkpoints that resume exactly.
 *
 * State mutates in place. `train()` is async: it yields to the event loop every few milliseconds
 * so displays update and interrupts arrive; when its AbortSignal fires it stops at the next image
 * boundary, leaving a consistent state that a later `train()` call (or a checkpoint) resumes.
 */
import { createCrossbar } from '../crossbar/crossbar';
import { createRng, type Rng } from '../core/rng';
import {
  checkBudget,
  checkFunction,
  checkInt,
  checkNumber,
  checkOptions,
  fail,
} from '../core/validate';
import { checkDataset, type Dataset } from '../data/mnist';
import { createLedger, type EnergyLedger } from '../energy';
import { createPoissonEncoder, type PoissonEncoder, type SpikeRaster } from '../network/encoding';
import {
  ENCODE_THREAD_MIN_IMAGES,
  EncodeThread,
  encodeThreadOption,
} from '../network/encode-thread';
import { DeviceSynapses, IdealSynapses, type Synapses } from '../network/synapses';
import { WtaLayer } from '../network/wta';
import { Pruner } from '../pruning/pruning';
import { RASTER_BYTES, checkSignal } from './checks';
import { resolveDevice, trainingFor, type TrainConfig, type TrainOptions } from './config';
import { DeviceStdp, IdealStdp, type LearningRule, type UpdateCounts } from './stdp';
import type { SpikingModel } from './evaluate';
import { JUPYTER_DISPLAY, displayBundle, type MimeBundle } from '../display/protocol';

/** A progress report, passed to `onProgress`. */
export interface TrainProgress {
  epoch: number;
  epochs: number;
  imagesDone: number;
  imagesTotal: number;
  /** Over the last reporting interval. */
  imagesPerSecond: number;
  /** Current learning rate. */
  eta: number;
  /** Fraction of recent training images whose label the network's current neuron labels predicted (before learning from them). */
  runningAccuracy: number;
  updates: UpdateCounts;
  setPulses: number;
  resetPulses: number;
  /** Total energy so far, J. */
  energy: number;
  outputSpikes: number;
  /** Neurons pruned so far. */
  matured: number;
  /** Fraction of synapses frozen. */
  frozenFraction: number;
  elapsed: number;
}

/** Options for {@link Trainer.train}. */
export interface TrainRunOptions {
  /** Stop at the next image boundary when this fires. */
  signal?: AbortSignal;
  /** Called about every `progressInterval` ms and once at the end. */
  onProgress?: (p: TrainProgress) => void;
  /** Milliseconds between progress reports (default 250). */
  progressInterval?: number;
  /** Stop after this many more images (default: to the end of training). */
  maxImages?: number;
  /** Milliseconds of work between yields to the event loop (default 20). */
  yieldInterval?: number;
  /**
   * Encode the next images' input spikes on a second thread while this one trains (default: on
   * the main thread of a machine with 2 or more cores, and off in worker threads, e.g. a sweep's,
   * which already keep every core busy). The results are the same, bit for bit, either way.
   */
  encodeThread?: boolean;
}

/** How a `train()` call ended. */
export interface TrainResult {
  status: 'completed' | 'interrupted' | 'paused';
  imagesDone: number;
  progress: TrainProgress;
}

const RUN_KEYS = [
  'signal',
  'onProgress',
  'progressInterval',
  'maxImages',
  'yieldInterval',
  'encodeThread',
];
/** Closes the encoding thread of a trainer that is garbage-collected before it finished. */
const closeOnCollect = new FinalizationRegistry<EncodeThread>((pipe) => pipe.close());
const RUNNING_DECAY = 0.999;

/**
 * A training run on a dataset of reduced images (bytes, one row per image).
 *
 * @example
 * const { train } = loadPaperMnist();
 * const t = createTrainer(train, { outputs: 100, epochs: 1, imagesPerEpoch: 5000, rule: 'ideal' });
 * await t.train({ onProgress: (p) => console.log(p.imagesDone) });
 */
export class Trainer implements SpikingModel {
  readonly config: TrainConfig;
  readonly data: Dataset;
  readonly synapses: Synapses;
  readonly rule: LearningRule;
  readonly layer: WtaLayer;
  readonly encoder: PoissonEncoder;
  readonly ledger: EnergyLedger;
  readonly pruner: Pruner | null;
  /** Biases b_k (the uniform homeostatic rise is kept in biasOffset). */
  readonly bias: Float64Array;
  biasOffset = 0;
  readonly updates: UpdateCounts = { ltp: 0, ltd: 0 };
  outputSpikes = 0;
  /** Images trained so far, over all epochs. */
  imagesDone = 0;
  /** Per-stream generators (saved in checkpoints). */
  readonly streams: { spikes: Rng; wta: Rng; pulses: Rng };
  /** Running class responses (decayed), classes × outputs, for the running accuracy. */
  readonly running: Float64Array;
  runningCorrect = 0;
  runningSeen = 0;
  /**
   * Caller-owned, JSON-serialisable records of the run (e.g. accuracy after each epoch), saved in
   * checkpoints and restored with them, so a resumed run's records equal an uninterrupted run's.
   */
  records: Record<string, unknown> = {};
  private readonly root: Rng;
  /** The two most recent epoch orders (the encoding thread reads one epoch ahead). */
  private orders: Array<{ epoch: number; order: Uint32Array }> = [];
  /** The encoding thread, its first image number, and the `spikes` state it has reached. */
  private pipe: EncodeThread | null = null;
  private pipeBase = 0;
  private readonly imagesPerEpoch: number;
  private readonly winners: Int32Array;
  private readonly winnerSteps: Int32Array;
  private nWinners = 0;
  private elapsedMs = 0;
  private evalEncoder: PoissonEncoder | null = null;

  /** @internal Use {@link createTrainer}. */
  constructor(data: Dataset, config: TrainConfig) {
    this.config = config;
    this.data = data;
    const N = data.pixels;
    const K = config.outputs;
    this.root = createRng(config.seed);
    this.ledger = createLedger();
    const init = this.root.stream('init');
    this.streams = {
      spikes: this.root.stream('spikes'),
      wta: this.root.stream('wta'),
      pulses: this.root.stream('pulses'),
    };
    if (config.rule === 'ideal') {
      const syn = new IdealSynapses(N, K);
      for (let j = 0; j < N * K; j++) syn.w[j] = init.uniform(config.wInitMin, config.wInitMax);
      this.synapses = syn;
      this.rule = new IdealStdp(syn, config.ltpConstant);
    } else {
      const xbar = createCrossbar({
        rows: N,
        cols: K,
        device: resolveDevice(config),
        seed: this.root.stream('crossbar'),
        ledger: this.ledger,
        phase: 'train',
      });
      const syn = new DeviceSynapses(xbar);
      for (let i = 0; i < N; i++)
        for (let k = 0; k < K; k++)
          syn.setWeight(i, k, init.uniform(config.wInitMin, config.wInitMax));
      this.synapses = syn;
      this.rule = new DeviceStdp(syn, this.streams.pulses);
    }
    const steps = Math.round(config.presentation / config.dt);
    this.encoder = createPoissonEncoder({ rate: config.inputRate, dt: config.dt, steps });
    this.layer = new WtaLayer(
      N,
      K,
      config.outputRate * config.dt,
      Math.round(config.window / config.dt),
    );
    // In the kernels' memory when there are kernels, so the draw reads it in place.
    this.bias = this.synapses.train?.ownBias ?? new Float64Array(K);
    this.pruner =
      config.pruning && config.pruning.fraction > 0 ? new Pruner(config.pruning, K, N) : null;
    this.imagesPerEpoch =
      config.imagesPerEpoch === 0 ? data.n : Math.min(config.imagesPerEpoch, data.n);
    this.running = new Float64Array(10 * K);
    this.winners = new Int32Array(steps);
    this.winnerSteps = new Int32Array(steps);
  }

  /** Output neurons (SpikingModel). */
  /**
   * The rich display in Deno's Jupyter kernel (and any kernel using `Symbol.for('Jupyter.display')`):
   * text, the CBRAM payload and a PNG figure, as the CBRAM Lab kernel shows a trainer.
   *
   * @example
   * createTrainer(train, { outputs: 100 }); // as a cell's value in `deno jupyter`: the dashboard
   */
  [JUPYTER_DISPLAY](): MimeBundle {
    return displayBundle(this);
  }

  get outputs(): number {
    return this.config.outputs;
  }

  /** Input pixels (SpikingModel). */
  get inputs(): number {
    return this.data.pixels;
  }

  /** The run's seed (SpikingModel). */
  get seed(): number {
    return this.config.seed;
  }

  /** Present one image with learning off and count output spikes (SpikingModel). */
  respond(
    data: Dataset,
    index: number,
    streams: { spikes: Rng; wta: Rng },
    counts: Int32Array,
    steps?: number,
    onSpike?: (neuron: number, step: number) => void,
  ): number {
    const N = data.pixels;
    const raster = this.encoderFor(steps).encode(data.images, index * N, N, streams.spikes);
    return this.layer.present(
      raster,
      this.synapses,
      this.bias,
      this.biasOffset,
      streams.wta,
      onSpike ? (winner, _active, _n, t) => onSpike(winner, t) : null,
      counts,
    );
  }

  /** @internal The encoder's settings for `steps` (SpikingModel), or null on the JS reference path. */
  encodingFor(steps?: number): { rate: number; dt: number; steps: number } | null {
    const enc = this.encoderFor(steps);
    return enc.simd ? { rate: enc.rate, dt: enc.dt, steps: enc.steps } : null;
  }

  /** @internal Present a raster encoded elsewhere, learning off (SpikingModel). */
  respondRaster(raster: SpikeRaster, wta: Rng, counts: Int32Array): number {
    return this.layer.present(raster, this.synapses, this.bias, this.biasOffset, wta, null, counts);
  }

  /** Presentation length in 1 ms steps. */
  get presentationSteps(): number {
    return this.encoder.steps;
  }

  /** The training encoder, or one with another presentation length (evaluation), in 1-step units of dt. */
  private encoderFor(steps: number | undefined): PoissonEncoder {
    if (steps === undefined || steps === this.encoder.steps) return this.encoder;
    if (this.evalEncoder?.steps !== steps)
      this.evalEncoder = createPoissonEncoder({
        rate: this.config.inputRate,
        dt: this.config.dt,
        steps,
      });
    return this.evalEncoder;
  }

  /** Tag array energy with an evaluation phase until the returned function is called. */
  enterPhase(phase: 'label' | 'test'): () => void {
    if (!(this.synapses instanceof DeviceSynapses)) return () => undefined;
    const xbar = this.synapses.crossbar;
    const prev = xbar.phase;
    xbar.phase = phase;
    return () => {
      xbar.phase = prev;
    };
  }

  /** Record evaluation output spikes in the ledger. */
  recordSpikes(phase: 'label' | 'test', spikes: number): void {
    if (this.config.spikeEnergy > 0 && spikes > 0)
      this.ledger.record('spike', phase, spikes, spikes * this.config.spikeEnergy);
  }

  /**
   * Output spikes of the last trained image: neuron and time from the image's onset (s). For
   * live dashboards; empty before the first image.
   *
   * @example
   * await trainer.train({ maxImages: 10 });
   * trainer.lastImageSpikes().neuron.length; // output spikes of image 10
   */
  lastImageSpikes(): { neuron: Int32Array; time: Float64Array; duration: number } {
    const n = this.imagesDone > 0 ? this.nWinners : 0;
    const dt = this.config.dt;
    return {
      neuron: this.winners.slice(0, n),
      time: Float64Array.from(this.winnerSteps.subarray(0, n), (t) => t * dt),
      duration: this.encoder.steps * dt,
    };
  }

  /** Total images over all epochs. */
  get imagesTotal(): number {
    return this.config.epochs * this.imagesPerEpoch;
  }

  /** Has training finished? */
  get done(): boolean {
    return this.imagesDone >= this.imagesTotal;
  }

  /** Learning rate for image t: η·(η_final/η)^(t/(total − 1)). */
  etaAt(t: number): number {
    const { eta, etaFinal } = this.config;
    const total = this.imagesTotal;
    return total > 1 ? eta * Math.pow(etaFinal / eta, t / (total - 1)) : eta;
  }

  /** The seeded image order of an epoch (derived from the seed, never stored). */
  epochOrder(epoch: number): Uint32Array {
    const hit = this.orders.find((o) => o.epoch === epoch);
    if (hit !== undefined) return hit.order;
    const order = this.root
      .stream('shuffle')
      .stream(`epoch-${epoch}`)
      .permutation(this.data.n)
      .subarray(0, this.imagesPerEpoch);
    this.orders = [{ epoch, order }, ...this.orders.slice(0, 1)];
    return order;
  }

  /** The dataset index of training image number `n` (over all epochs). */
  private imageIndex(n: number): number {
    const epoch = Math.floor(n / this.imagesPerEpoch);
    return this.epochOrder(epoch)[n - epoch * this.imagesPerEpoch]!;
  }

  /**
   * Start the encoding thread for this `train()` call, or keep it if it still matches the
   * trainer (same next image, `spikes` stream where it left it); otherwise close it.
   */
  private encodeThreadFor(asked: boolean): void {
    const enc = asked ? this.encodingFor() : null;
    const pipe = this.pipe;
    if (
      pipe !== null &&
      !(enc !== null && pipe.matches(this.imagesDone - this.pipeBase, this.streams.spikes))
    )
      this.closePipe();
    if (this.pipe !== null || enc === null) return;
    if (this.imagesTotal - this.imagesDone < ENCODE_THREAD_MIN_IMAGES) return;
    const base = this.imagesDone;
    const N = this.data.pixels;
    this.pipe = EncodeThread.start(this.streams.spikes, {
      pixels: N,
      ...enc,
      images: this.data.images,
      offsetOf: (seq) => (base + seq < this.imagesTotal ? this.imageIndex(base + seq) * N : -1),
    });
    this.pipeBase = base;
    if (this.pipe !== null) closeOnCollect.register(this, this.pipe, this);
  }

  /** Close the encoding thread (training finished, or it failed). */
  private closePipe(): void {
    if (this.pipe === null) return;
    this.pipe.close();
    closeOnCollect.unregister(this);
    this.pipe = null;
  }

  /** Train one image (index into the dataset). */
  private trainImage(index: number, eta: number): void {
    const K = this.config.outputs;
    const N = this.data.pixels;
    const pipe = this.pipe;
    const ahead = pipe?.take() ?? null;
    if (pipe !== null && ahead === null) this.closePipe(); // failed: encode here (stream intact)
    const raster =
      ahead ?? this.encoder.encode(this.data.images, index * N, N, this.streams.spikes);
    const etaB = this.config.etaBias;
    const label = this.data.labels[index]!;
    this.nWinners = 0;
    const spikes = this.layer.present(
      raster,
      this.synapses,
      this.bias,
      this.biasOffset,
      this.streams.wta,
      (k, active, n, t) => {
        this.rule.updateActive(k, active, n, eta, this.updates);
        // Homeostasis: the winner's bias drops by η_b, every bias rises by η_b/K.
        this.bias[k] -= etaB;
        this.biasOffset += etaB / K;
        this.winnerSteps[this.nWinners] = t;
        this.winners[this.nWinners++] = k;
        if (this.pruner) this.pruner.onSpike(k, this.synapses, this.onPrune);
      },
      null,
    );
    if (ahead !== null) pipe!.release(this.streams.spikes);
    // The layer reads biasOffset once per image; the uniform rise is a common shift of every u_k,
    // which the softmax ignores, so the winners are the same as updating it at every spike.
    this.outputSpikes += spikes;
    if (this.config.spikeEnergy > 0 && spikes > 0)
      this.ledger.record('spike', 'train', spikes, spikes * this.config.spikeEnergy);
    this.updateRunning(label);
  }

  /** Running accuracy: vote with current running labels, then learn the image's responses. */
  private updateRunning(label: number): void {
    const K = this.config.outputs;
    const r = this.running;
    const score = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (let s = 0; s < this.nWinners; s++) {
      const k = this.winners[s]!;
      let best = 0;
      for (let c = 1; c < 10; c++) if (r[c * K + k]! > r[best * K + k]!) best = c;
      if (r[best * K + k]! > 0) score[best]++;
    }
    let pred = 0;
    for (let c = 1; c < 10; c++) if (score[c]! > score[pred]!) pred = c;
    if (this.nWinners > 0) {
      this.runningCorrect = this.runningCorrect * RUNNING_DECAY + (pred === label ? 1 : 0);
      this.runningSeen = this.runningSeen * RUNNING_DECAY + 1;
    }
    for (let s = 0; s < this.nWinners; s++) r[label * K + this.winners[s]!] += 1;
    if ((this.imagesDone & 1023) === 0) for (let j = 0; j < r.length; j++) r[j] = r[j]! * 0.5;
  }

  /** Called by the pruner when it freezes cells (one function for the run, not one per spike). */
  private readonly onPrune = (k: number, cells: Int32Array, value: number): void => {
    this.rule.maskChanged(k);
    this.recordPrune(k, cells, value);
  };

  private recordPrune(k: number, cells: Int32Array, value: number): void {
    if (!(this.synapses instanceof DeviceSynapses)) return;
    const xbar = this.synapses.crossbar;
    const cfg = xbar.config;
    const K = this.config.outputs;
    // One program pulse per pruned cell: RESET toward the soft constant −1, or a pulse to mid-range for hard pruning.
    const pulse = value <= 0 ? cfg.reset : cfg.set;
    let sumG = 0;
    for (const i of cells) sumG += xbar.g[i * K + k]!;
    const joules =
      pulse.energy !== undefined
        ? pulse.energy * cells.length
        : pulse.voltage * pulse.voltage * pulse.width * sumG;
    this.ledger.record(value <= 0 ? 'reset' : 'set', 'prune', cells.length, joules);
  }

  /** A progress snapshot. */
  progress(imagesPerSecond = 0): TrainProgress {
    const xbar = this.synapses instanceof DeviceSynapses ? this.synapses.crossbar : null;
    let frozen = 0;
    const f = this.synapses.frozen;
    for (let j = 0; j < f.length; j++) frozen += f[j]!;
    return {
      epoch: Math.min(this.config.epochs - 1, Math.floor(this.imagesDone / this.imagesPerEpoch)),
      epochs: this.config.epochs,
      imagesDone: this.imagesDone,
      imagesTotal: this.imagesTotal,
      imagesPerSecond,
      eta: this.etaAt(Math.min(this.imagesDone, this.imagesTotal - 1)),
      runningAccuracy: this.runningSeen > 0 ? this.runningCorrect / this.runningSeen : 0,
      updates: { ...this.updates },
      setPulses: xbar ? xbar.counters.setPulses : 0,
      resetPulses: xbar ? xbar.counters.resetPulses : 0,
      energy: this.ledger.joules(),
      outputSpikes: this.outputSpikes,
      matured: this.pruner ? this.pruner.matured.reduce((s, x) => s + x, 0) : 0,
      frozenFraction: frozen / f.length,
      elapsed: this.elapsedMs / 1000,
    };
  }

  /**
   * Train until done, interrupted, or `maxImages` more images. Resolves with how it ended;
   * never leaves a half-trained image.
   */
  async train(options: TrainRunOptions = {}): Promise<TrainResult> {
    const fn = 'Trainer.train';
    checkOptions(fn, options, RUN_KEYS);
    checkSignal(fn, options.signal);
    if (options.onProgress !== undefined)
      checkFunction(fn, 'options.onProgress', options.onProgress, 'a function (progress) => void');
    const interval = checkNumber(fn, 'options.progressInterval', options.progressInterval ?? 250, {
      min: 0,
    });
    const yieldMs = checkNumber(fn, 'options.yieldInterval', options.yieldInterval ?? 20, {
      min: 0,
    });
    const stopAt =
      options.maxImages === undefined
        ? this.imagesTotal
        : Math.min(
            this.imagesTotal,
            this.imagesDone + checkInt(fn, 'options.maxImages', options.maxImages, { min: 0 }),
          );
    let lastReport = performance.now();
    let lastYield = lastReport;
    let imagesAtReport = this.imagesDone;
    let rate = 0;
    const report = (now: number) => {
      rate = ((this.imagesDone - imagesAtReport) * 1000) / Math.max(1e-9, now - lastReport);
      imagesAtReport = this.imagesDone;
      lastReport = now;
      if (options.onProgress === undefined) return;
      options.onProgress(this.progress(rate));
      this.rule.maskChanged(); // the callback may have frozen cells
    };
    const threaded = encodeThreadOption(fn, options.encodeThread);
    this.encodeThreadFor(threaded && stopAt > this.imagesDone);
    let status: TrainResult['status'] = 'completed';
    this.rule.maskChanged(); // the mask may have changed since the last run (or a restore)
    let t0 = performance.now();
    while (this.imagesDone < stopAt) {
      if (options.signal?.aborted) {
        status = 'interrupted';
        break;
      }
      this.trainImage(this.imageIndex(this.imagesDone), this.etaAt(this.imagesDone));
      this.imagesDone++;
      const now = performance.now();
      if (now - lastReport >= interval) report(now);
      if (now - lastYield >= yieldMs) {
        this.elapsedMs += now - t0;
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.rule.maskChanged(); // other code has run
        t0 = lastYield = performance.now();
      }
    }
    this.elapsedMs += performance.now() - t0;
    if (this.imagesDone >= this.imagesTotal) this.closePipe();
    if (status === 'completed' && this.imagesDone < this.imagesTotal) status = 'paused';
    const now = performance.now();
    report(now);
    return { status, imagesDone: this.imagesDone, progress: this.progress(rate) };
  }

  /** @internal For checkpoints. */
  get internals(): { root: Rng; elapsedMs: number } {
    return { root: this.root, elapsedMs: this.elapsedMs };
  }

  /** @internal For checkpoints. */
  set elapsed(ms: number) {
    this.elapsedMs = ms;
  }
}

/**
 * A trainer for `data` (reduced images, e.g. `loadPaperMnist().train`).
 *
 * @example
 * const t = createTrainer(train, { rule: 'device', device: 'cbram-subquantum', pruning: { fraction: 0.75 } });
 */
export function createTrainer(data: Dataset, options: TrainOptions = {}): Trainer {
  const fn = 'createTrainer';
  checkDataset(fn, 'data', data);
  if (data.n === 0) fail(fn, 'data.n', 0, 'at least 1 image', 'E_DATA');
  const config = trainingFor(fn, options);
  const cells = data.pixels * config.outputs;
  checkBudget(fn, 'data.pixels × outputs', cells, config.rule === 'ideal' ? 5 : 18, {
    unit: 'synapses',
    hint: 'lower outputs or use fewer pixels',
  });
  checkBudget(
    fn,
    'data.pixels × presentation steps',
    data.pixels * Math.round(config.presentation / config.dt),
    RASTER_BYTES,
    { unit: 'possible input spikes', hint: 'shorten the presentation or lengthen dt' },
  );
  return new Trainer(data, config);
}
