/**
 * Input encoding on the second core: a worker thread encodes the next training images while the
 * main thread trains on the current one.
 *
 * The encoder draws only from the training's `spikes` stream, and nothing else draws from it, so
 * the images can be encoded ahead in training order with the same generator and give the same
 * rasters, bit for bit, as encoding each image when it is trained. The worker holds its own copy
 * of the stream; each encoded image carries the stream's state after it, and the trainer takes
 * that state when it consumes the image, so its own `spikes` stream (and every checkpoint) is
 * exactly where encoding in the main thread would have left it.
 *
 * Memory is one SharedArrayBuffer: a header of counters, and a ring of `slots` images, each with
 * its bytes, its raster (CSR, as {@link SpikeRaster}) and the stream state after it. The main
 * thread pushes image bytes, the worker encodes them in order, and each side waits on the other's
 * counter with `Atomics.wait`, so neither spins. The worker is faster than training, so it
 * catches up and sleeps; the main thread wakes it (a system call) only once half the ring awaits
 * encoding, or when it needs an image that is not ready, not after every image. A worker that fails reports it in the header; a
 * worker that stops answering is given up after `timeoutMs`; in both cases the trainer encodes in
 * its own thread from there, from its intact stream.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker, isMainThread } from 'node:worker_threads';
import type { Rng } from '../core/rng';
import { checkBoolean } from '../core/validate';
import type { SpikeRaster } from './encoding';

/** Header words (Int32). */
const PUSHED = 0; // images pushed by the main thread
const ENCODED = 1; // images encoded by the worker
const STOP = 2; // nonzero: the worker exits
const FAILED = 3; // nonzero: the worker failed (its message is posted)
const IDLE = 4; // nonzero: the worker waits for images (only then does a push need a wake-up)
const HEADER = 5;
/** Per-slot words before the raster: spike count, then the stream's four state words after it. */
const META = 5;

/** What the worker needs to rebuild the encoder and find the ring. */
export interface EncodeThreadInit {
  buffer: SharedArrayBuffer;
  slots: number;
  pixels: number;
  steps: number;
  rate: number;
  dt: number;
  /** The `spikes` stream's state before the first pushed image. */
  state: Int32Array;
}

/** Int32 words of one slot's raster region: meta, start (steps + 1), inputs (pixels × steps). */
function slotWords(pixels: number, steps: number): number {
  return META + steps + 1 + pixels * steps;
}

/** Bytes of the ring: header, slot words, then the image bytes of every slot (padded to 4). */
export function ringBytes(slots: number, pixels: number, steps: number): number {
  return 4 * (HEADER + slots * slotWords(pixels, steps)) + 4 * Math.ceil((slots * pixels) / 4);
}

/** Views of the shared ring, the same on both sides. */
export class EncodeRing {
  readonly header: Int32Array;
  readonly slots: number;
  readonly pixels: number;
  readonly steps: number;
  private readonly words: Int32Array;
  private readonly images: Uint8Array;
  private readonly stride: number;

  constructor(buffer: SharedArrayBuffer, slots: number, pixels: number, steps: number) {
    this.slots = slots;
    this.pixels = pixels;
    this.steps = steps;
    this.stride = slotWords(pixels, steps);
    this.header = new Int32Array(buffer, 0, HEADER);
    this.words = new Int32Array(buffer, 4 * HEADER, slots * this.stride);
    this.images = new Uint8Array(buffer, 4 * (HEADER + slots * this.stride), slots * pixels);
  }

  /** The bytes of slot j. */
  image(j: number): Uint8Array {
    return this.images.subarray(j * this.pixels, (j + 1) * this.pixels);
  }

  /** Copy an image's bytes (`pixels` of them from `offset` in `from`) into slot j, no views made. */
  putImage(j: number, from: Uint8Array, offset: number): void {
    const to = this.images;
    const n = this.pixels;
    const at = j * n;
    for (let p = 0; p < n; p++) to[at + p] = from[offset + p]!;
  }

  /** Slot j's meta word m (0: the spike count; 1–4: the stream state after the image). */
  metaWord(j: number, m: number): number {
    return this.words[j * this.stride + m]!;
  }

  /** Slot j's meta words: [count, s0, s1, s2, s3]. */
  meta(j: number): Int32Array {
    const o = j * this.stride;
    return this.words.subarray(o, o + META);
  }

  /** Slot j's raster arrays. */
  start(j: number): Int32Array {
    const o = j * this.stride + META;
    return this.words.subarray(o, o + this.steps + 1);
  }

  inputs(j: number): Int32Array {
    const o = j * this.stride + META + this.steps + 1;
    return this.words.subarray(o, o + this.pixels * this.steps);
  }
}

/** Options for {@link EncodeThread}. */
export interface EncodeThreadOptions {
  pixels: number;
  steps: number;
  rate: number;
  dt: number;
  /** The byte images the thread encodes. */
  images: Uint8Array;
  /**
   * Where image `seq` (0 for the first image taken, then in the order they will be taken) starts
   * in `images`, or −1 past the last one.
   */
  offsetOf: (seq: number) => number;
  /** Images the worker may run ahead (default 32: about 5 MB for the paper's 397 pixels × 100 steps). */
  slots?: number;
  /** Give up on a worker that encodes nothing for this long, ms (default 10,000). */
  timeoutMs?: number;
}

/** Images below which starting an encoding thread does not pay (it takes about 40 ms). */
export const ENCODE_THREAD_MIN_IMAGES = 500;

/**
 * The main thread's side. It keeps the worker fed with the next images (from `offsetOf`), hands
 * their rasters out in order ({@link take}), and moves the caller's `spikes` stream past each
 * image as encoding it there would have ({@link release}).
 */
export class EncodeThread {
  readonly slots: number;
  /** Why the thread was given up, or null while it works. */
  failure: string | null = null;
  /** Images pushed to the worker so far. */
  private pushed = 0;
  /** Images taken and released so far. */
  private taken = 0;
  /** The stream state after the last released image (before any: the state at the start). */
  private readonly reached: Int32Array;
  private readonly ring: EncodeRing;
  private readonly rasters: SpikeRaster[];
  private readonly worker: Worker;
  private readonly timeoutMs: number;
  private readonly images: Uint8Array;
  private readonly offsetOf: (seq: number) => number;

  /**
   * A thread encoding from where `stream` (the caller's `spikes` stream, left untouched until
   * {@link release}) is now, or null where worker threads cannot start: the caller then encodes
   * in its own thread.
   */
  static start(stream: Rng, options: EncodeThreadOptions): EncodeThread | null {
    try {
      return new EncodeThread(stream, options);
    } catch {
      return null;
    }
  }

  /** @internal Use {@link EncodeThread.start}. */
  constructor(stream: Rng, options: EncodeThreadOptions) {
    const { pixels, steps } = options;
    this.slots = options.slots ?? 32;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.images = options.images;
    this.offsetOf = options.offsetOf;
    this.reached = new Int32Array(4);
    stream.exportState(this.reached);
    const buffer = new SharedArrayBuffer(ringBytes(this.slots, pixels, steps));
    this.ring = new EncodeRing(buffer, this.slots, pixels, steps);
    this.rasters = Array.from({ length: this.slots }, (_, j) => ({
      steps,
      start: this.ring.start(j),
      inputs: this.ring.inputs(j),
      count: 0,
    }));
    const init: EncodeThreadInit = {
      buffer,
      slots: this.slots,
      pixels,
      steps,
      rate: options.rate,
      dt: options.dt,
      state: this.reached.slice(),
    };
    this.worker = new Worker(path.join(__dirname, 'encode-worker.js'), { workerData: init });
    this.worker.on('message', (m: { error?: string }) => {
      if (m.error !== undefined) this.failure ??= `the encoding thread failed: ${m.error}`;
    });
    this.worker.on('error', (e) => {
      this.failure ??= `the encoding thread failed: ${e.message}`;
    });
    // An idle worker waits on shared memory and must not keep the process alive.
    this.worker.unref();
    this.fill();
  }

  /**
   * Is this thread where a caller that has taken `taken` images and holds `stream` expects it:
   * working, at that image, with the stream where the thread left it?
   */
  matches(taken: number, stream: Rng): boolean {
    const state = new Int32Array(4);
    stream.exportState(state);
    return (
      this.failure === null && this.taken === taken && state.every((x, i) => x === this.reached[i])
    );
  }

  /** Push images until the ring is full or `offsetOf` says there are no more. */
  private fill(): void {
    const h = this.ring.header;
    while (this.pushed - this.taken < this.slots) {
      const offset = this.offsetOf(this.pushed);
      if (offset < 0) break;
      const j = this.pushed % this.slots;
      this.ring.putImage(j, this.images, offset);
      this.pushed++;
      // Store, then read IDLE; the worker sets IDLE, then reads PUSHED (both sequentially
      // consistent), so a worker going to sleep either sees this image or is seen idle.
      Atomics.store(h, PUSHED, this.pushed);
      if (
        Atomics.load(h, IDLE) !== 0 &&
        this.pushed - Atomics.load(h, ENCODED) >= Math.max(1, this.slots >> 1)
      )
        Atomics.notify(h, PUSHED);
    }
  }

  /**
   * The raster of the next image, waiting for the worker if needed (valid until
   * {@link release}). Null if there is none, or the worker failed or timed out: the caller then
   * encodes this image itself (nothing of its stream has been consumed).
   */
  take(): SpikeRaster | null {
    if (this.failure !== null || this.taken >= this.pushed) return null;
    const h = this.ring.header;
    const need = this.taken + 1;
    let waited = 0;
    for (;;) {
      const done = Atomics.load(h, ENCODED);
      if (done >= need) break;
      if (Atomics.load(h, FAILED) !== 0) {
        this.failure ??= 'the encoding thread failed';
        return null;
      }
      if (Atomics.load(h, STOP) !== 0) {
        this.failure ??= 'the encoding thread was closed';
        return null;
      }
      if (Atomics.load(h, IDLE) !== 0) Atomics.notify(h, PUSHED); // asleep, waiting for a batch
      const t0 = performance.now();
      // Woken by the worker's notify after each image (or a failure); the timeout only bounds a
      // worker that died without a word.
      Atomics.wait(h, ENCODED, done, 1000);
      waited += performance.now() - t0;
      if (waited > this.timeoutMs) {
        this.failure = `the encoding thread encoded nothing for ${this.timeoutMs} ms`;
        return null;
      }
    }
    const j = this.taken % this.slots;
    const raster = this.rasters[j]!;
    raster.count = this.ring.metaWord(j, 0);
    return raster;
  }

  /**
   * Done with the image from {@link take}: `stream` moves past it exactly as encoding it there
   * would have moved it, its slot takes the next image.
   */
  release(stream: Rng): void {
    const j = this.taken % this.slots;
    const state = this.reached;
    for (let m = 0; m < 4; m++) state[m] = this.ring.metaWord(j, 1 + m);
    stream.importState(state);
    this.taken++;
    this.fill();
  }

  /** Stop the worker (idempotent). */
  close(): void {
    Atomics.store(this.ring.header, STOP, 1);
    Atomics.notify(this.ring.header, PUSHED);
    void this.worker.terminate();
  }
}

/**
 * Whether to encode on a second thread when the caller does not say: on the main thread of a
 * machine with 2 or more cores; off in worker threads (e.g. a sweep's, which already keep every
 * core busy), and off everywhere with the environment variable `CBRAM_ENCODE_THREAD=0` (e.g. on a
 * machine shared with other jobs).
 */
export function encodeThreadByDefault(): boolean {
  if (process.env.CBRAM_ENCODE_THREAD === '0') return false;
  return isMainThread && os.availableParallelism() >= 2;
}

/** A run option `encodeThread` checked, or its default ({@link encodeThreadByDefault}). */
export function encodeThreadOption(fn: string, value: unknown): boolean {
  return value === undefined
    ? encodeThreadByDefault()
    : checkBoolean(fn, 'options.encodeThread', value);
}

/** Header indices, for the worker. @internal */
export const RING = { PUSHED, ENCODED, STOP, FAILED, IDLE } as const;
