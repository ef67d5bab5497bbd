/**
 * Labelling and evaluation with learning off (the paper's follow-up): each output neuron takes the
 * class it responds to most on labelled training images; a test image is classified by a vote
 * over its output spikes, each spike counting for its neuron's class.
 */
import * as aq from 'arquero';
import { createRng } from '../core/rng';
import { checkBudget, checkInt, checkNumber, checkOptions, fail } from '../core/validate';
import { checkDataset, type Dataset } from '../data/mnist';
import {
  ENCODE_THREAD_MIN_IMAGES,
  EncodeThread,
  encodeThreadByDefault,
  encodeThreadOption,
} from '../network/encode-thread';
import type { SpikeRaster } from '../network/encoding';
import { RASTER_BYTES, checkSpikingModel } from './checks';
import type { Rng } from '../core/rng';

/** Options for {@link evaluate}. */
export interface EvaluateOptions {
  /** Images used to label neurons (default: training set). */
  labelData?: Dataset;
  /** Test images. */
  testData: Dataset;
  /** How many label images (first n; default 10,000 or all). */
  labelImages?: number;
  /** How many test images (first n; default all). */
  testImages?: number;
  /** Seed of the evaluation streams (default: the training seed). Evaluation never touches training streams. */
  seed?: number;
  /**
   * Presentation time per label and test image, s (default: the training presentation). Longer
   * inference gives more output spikes per image and a less noisy vote, at more read energy.
   */
  presentation?: number;
  /**
   * Called as images are presented: the phase ('label', then 'test'), images done in it and its
   * total; about every 1 % of a phase and once at its end. For progress bars.
   */
  onProgress?: (p: EvaluateProgress) => void;
  /**
   * Encode the next images on a second thread while this one presents them (default: on the
   * main thread of a machine with 2 or more cores). The results are the same, bit for bit.
   */
  encodeThread?: boolean;
}

/** A progress report of {@link evaluate}. */
export interface EvaluateProgress {
  phase: 'label' | 'test';
  done: number;
  total: number;
}

/** Evaluation results. */
export interface Evaluation {
  /** Fraction of test images classified correctly. */
  accuracy: number;
  testImages: number;
  labelImages: number;
  /** Class of each neuron (−1: never fired while labelling). */
  neuronLabels: Int8Array;
  /** Neurons assigned to each class. */
  neuronsPerClass: number[];
  /** Predicted class per test image (−1: no output spike). */
  predictions: Int8Array;
  /** 10 × 10 counts, row = true class, column = predicted. */
  confusion: Int32Array;
  /** Mean output spikes per test image. */
  meanSpikes: number;
}

/**
 * What labelling and evaluation need from a spiking network: present an image with learning off
 * and count output spikes. The softmax-WTA {@link Trainer} and the LIF network both implement it.
 */
export interface SpikingModel {
  /** Output neurons. */
  readonly outputs: number;
  /** Input pixels per image. */
  readonly inputs: number;
  /** The training data (the default labelling set). */
  readonly data: Dataset;
  /** The run's seed (the default evaluation seed). */
  readonly seed: number;
  /**
   * Present image `index` of `data` with learning off, adding its output spikes to `counts`;
   * returns their number. `onSpike`, when given, sees each output spike: the neuron and the time
   * step within the presentation.
   */
  respond(
    data: Dataset,
    index: number,
    streams: { spikes: Rng; wta: Rng },
    counts: Int32Array,
    steps?: number,
    onSpike?: (neuron: number, step: number) => void,
  ): number;
  /** Presentation length in time steps (with `steps` undefined in {@link respond}). */
  readonly presentationSteps: number;
  /**
   * The input encoder's settings for a presentation of `steps` (default the model's), if `respond`
   * encodes with the Poisson encoder (rate, Hz; dt, s; steps) and so can take rasters encoded
   * ahead on another thread through {@link respondRaster}; null or absent otherwise.
   */
  encodingFor?(steps?: number): { rate: number; dt: number; steps: number } | null;
  /** What `respond` does after encoding: present a raster (drawn from `streams.spikes`), learning off. */
  respondRaster?(raster: SpikeRaster, wta: Rng, counts: Int32Array): number;
  /** Enter an evaluation phase (for energy accounting); returns a function that leaves it. */
  enterPhase?(phase: 'label' | 'test'): () => void;
  /** Account for output spikes of an evaluation phase. */
  recordSpikes?(phase: 'label' | 'test', spikes: number): void;
}

/**
 * An encoding thread for the first `n` images of `data` in order, from the state of `spikes`, or
 * null where the model cannot take rasters or a thread does not pay or cannot start.
 */
function encodeAhead(
  model: SpikingModel,
  data: Dataset,
  n: number,
  spikes: Rng,
  steps: number | undefined,
): EncodeThread | null {
  const enc = model.respondRaster ? (model.encodingFor?.(steps) ?? null) : null;
  if (enc === null || n < ENCODE_THREAD_MIN_IMAGES) return null;
  const N = data.pixels;
  return EncodeThread.start(spikes, {
    pixels: N,
    ...enc,
    images: data.images,
    offsetOf: (seq) => (seq < n ? seq * N : -1),
  });
}

/** Output spike counts per image, with learning off. */
function respond(
  model: SpikingModel,
  data: Dataset,
  n: number,
  seed: number,
  phase: 'label' | 'test',
  steps: number | undefined,
  visit: (img: number, counts: Int32Array) => void,
  onProgress?: (p: EvaluateProgress) => void,
  thread = encodeThreadByDefault(),
): number {
  const rng = createRng(seed).stream(phase);
  const every = Math.max(1, Math.ceil(n / 100));
  const streams = { spikes: rng.stream('spikes'), wta: rng.stream('wta') };
  const counts = new Int32Array(model.outputs);
  let pipe = thread ? encodeAhead(model, data, n, streams.spikes, steps) : null;
  const leave = model.enterPhase?.(phase);
  let total = 0;
  try {
    for (let img = 0; img < n; img++) {
      counts.fill(0);
      const ahead = pipe?.take() ?? null;
      if (ahead !== null) {
        total += model.respondRaster!(ahead, streams.wta, counts);
        pipe!.release(streams.spikes);
      } else {
        if (pipe !== null) pipe.close(); // failed: encode here from its intact stream
        pipe = null;
        total += model.respond(data, img, streams, counts, steps);
      }
      visit(img, counts);
      if (onProgress && ((img + 1) % every === 0 || img + 1 === n))
        onProgress({ phase, done: img + 1, total: n });
    }
  } finally {
    pipe?.close();
    leave?.();
  }
  model.recordSpikes?.(phase, total);
  return total;
}

/**
 * Assign each output neuron the class with the highest mean response (learning off), over the
 * first `n` images of `data` (default min(10,000, data.n)), with the evaluation streams of `seed`
 * (default the model's seed).
 *
 * @example
 * const labels = labelNeurons(model, train, 10000);
 */
export function labelNeurons(
  model: SpikingModel,
  data: Dataset,
  n?: number,
  seed?: number,
  steps?: number,
): Int8Array {
  const fn = 'labelNeurons';
  checkSpikingModel(fn, model);
  checkDataset(fn, 'data', data);
  checkPixels(fn, 'data', data, model);
  n = checkInt(fn, 'n', n ?? Math.min(10000, data.n), { min: 1, max: data.n });
  seed = checkInt(fn, 'seed', seed ?? model.seed, { min: 0 });
  if (steps !== undefined) checkSteps(fn, 'steps', steps, data);
  return labelsFor(model, data, n, seed, steps);
}

function checkPixels(fn: string, param: string, data: Dataset, model: SpikingModel): void {
  if (data.pixels !== model.inputs)
    fail(fn, `${param}.pixels`, data.pixels, `${model.inputs} (the network's inputs)`);
}

/** Presentation steps: a positive integer whose input raster fits the memory budget. */
function checkSteps(fn: string, param: string, steps: number, data: Dataset): void {
  checkInt(fn, param, steps, { min: 1, max: 1e6 });
  checkBudget(fn, `data.pixels × ${param}`, data.pixels * steps, RASTER_BYTES, {
    unit: 'possible input spikes',
    hint: 'shorten the presentation',
  });
}

/** {@link labelNeurons} after its checks. */
function labelsFor(
  model: SpikingModel,
  data: Dataset,
  n: number,
  seed: number,
  steps: number | undefined,
  onProgress?: (p: EvaluateProgress) => void,
  thread?: boolean,
): Int8Array {
  const K = model.outputs;
  const resp = new Float64Array(10 * K);
  const perClass = new Float64Array(10);
  respond(
    model,
    data,
    n,
    seed,
    'label',
    steps,
    (img, counts) => {
      const c = data.labels[img]!;
      perClass[c]++;
      const o = c * K;
      for (let k = 0; k < K; k++) resp[o + k] += counts[k]!;
    },
    onProgress,
    thread,
  );
  const labels = new Int8Array(K).fill(-1);
  for (let k = 0; k < K; k++) {
    let best = -1;
    let bestV = 0;
    for (let c = 0; c < 10; c++) {
      if (perClass[c] === 0) continue;
      const v = resp[c * K + k]! / perClass[c]!;
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    labels[k] = best;
  }
  return labels;
}

/**
 * Label neurons, then classify test images by spike vote. Learning is off; training state and
 * its random streams are untouched, so evaluating mid-run does not change the run.
 *
 * @example
 * const ev = evaluate(trainer, { testData: test, labelImages: 10000 });
 * console.log(ev.accuracy);
 */
export function evaluate(model: SpikingModel, options: EvaluateOptions): Evaluation {
  const fn = 'evaluate';
  checkSpikingModel(fn, model);
  if (!options || typeof options !== 'object' || Array.isArray(options))
    fail(fn, 'options', options, 'an object { testData, ... }');
  checkOptions(fn, options, [
    'labelData',
    'testData',
    'labelImages',
    'testImages',
    'seed',
    'presentation',
    'onProgress',
    'encodeThread',
  ]);
  const thread = encodeThreadOption(fn, options.encodeThread);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    fail(fn, 'options.onProgress', options.onProgress, 'a function (p) => void');
  const labelData = checkDataset(
    fn,
    options.labelData === undefined ? 'model.data' : 'options.labelData',
    options.labelData ?? model.data,
  );
  const testData = checkDataset(fn, 'options.testData', options.testData);
  checkPixels(
    fn,
    options.labelData === undefined ? 'model.data' : 'options.labelData',
    labelData,
    model,
  );
  checkPixels(fn, 'options.testData', testData, model);
  const nLabel = checkInt(
    fn,
    'options.labelImages',
    options.labelImages ?? Math.min(10000, labelData.n),
    { min: 1, max: labelData.n },
  );
  const nTest = checkInt(fn, 'options.testImages', options.testImages ?? testData.n, {
    min: 1,
    max: testData.n,
  });
  const seed = checkInt(fn, 'options.seed', options.seed ?? model.seed, { min: 0 });
  const steps =
    options.presentation === undefined
      ? undefined
      : Math.round(
          checkNumber(fn, 'options.presentation', options.presentation, { min: 0.001, max: 100 }) /
            1e-3,
        );
  if (steps !== undefined) {
    checkSteps(fn, 'presentation steps', steps, labelData);
    checkSteps(fn, 'presentation steps', steps, testData);
  }
  const labels = labelsFor(model, labelData, nLabel, seed, steps, options.onProgress, thread);
  const predictions = new Int8Array(nTest);
  const confusion = new Int32Array(100);
  const K = model.outputs;
  let correct = 0;
  const score = new Float64Array(10);
  const total = respond(
    model,
    testData,
    nTest,
    seed,
    'test',
    steps,
    (img, counts) => {
      score.fill(0);
      let any = false;
      for (let k = 0; k < K; k++) {
        const c = counts[k]!;
        if (c > 0 && labels[k]! >= 0) {
          score[labels[k]!] += c;
          any = true;
        }
      }
      let pred = -1;
      if (any) {
        pred = 0;
        for (let c = 1; c < 10; c++) if (score[c]! > score[pred]!) pred = c;
      }
      predictions[img] = pred;
      const y = testData.labels[img]!;
      if (pred === y) correct++;
      if (pred >= 0) confusion[y * 10 + pred]++;
    },
    options.onProgress,
    thread,
  );
  const neuronsPerClass = new Array<number>(10).fill(0);
  for (const l of labels) if (l >= 0) neuronsPerClass[l]!++;
  return {
    accuracy: correct / nTest,
    testImages: nTest,
    labelImages: nLabel,
    neuronLabels: labels,
    neuronsPerClass,
    predictions,
    confusion,
    meanSpikes: total / nTest,
  };
}

/**
 * The confusion matrix as an arquero table in long form: actual, predicted, count.
 *
 * @example
 * confusionTable(ev).groupby('actual').rollup({ n: aq.op.sum('count') }).print();
 */
export function confusionTable(ev: Evaluation): aq.ColumnTable {
  const actual: number[] = [];
  const predicted: number[] = [];
  const count: number[] = [];
  for (let a = 0; a < 10; a++) {
    for (let p = 0; p < 10; p++) {
      actual.push(a);
      predicted.push(p);
      count.push(ev.confusion[a * 10 + p]!);
    }
  }
  return aq.table({ actual, predicted, count });
}
