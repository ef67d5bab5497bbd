/**
 * An experiment, not used by training: issue #11's "both cores" question (docs/performance.md,
 * "The targets are not met"). Does it pay, on this machine, to split each output spike's gather by
 * columns between two threads? The main thread gathers columns 0..251 and a helper thread
 * 252..499, in one shared WebAssembly memory. They hand each spike over with Atomics, both
 * spinning, since a wake-up from Atomics.wait costs more than the work. Two layouts: the training
 * kernels' own (one rows × 500 matrix, so a row's two blocks share cache lines at their edges),
 * and a matrix per block (so neither thread's cache lines, or its hardware prefetches, reach into
 * the other's block).
 *
 * Training also updates the winner's column after each spike (a read and a write of one float on
 * every row), so the runs are timed without and with that update. In the split, the thread that
 * owns the winner's column updates it: the main thread at once, the helper before its next gather.
 *
 * The spikes are real (2,000 images, as bench/gather.ts records them). The sums are the training
 * kernels' sumRows per block of columns: the same float32 operations for every column, so such a
 * split would give the same results bit for bit (checked here).
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createRng } from '../src/core/rng';
import { recordSpikes } from './gather';
import { SPLIT_UPDATE, SPLIT_WORDS as W, splitLayout } from './split-layout';
import type { BenchRow } from './util';
import { bestTime } from './util';
import { instantiate, wasmMemory } from './wasm-host';

const IMAGES = 2000;
const COLS = 500;
/** The helper's first column (a multiple of 4, so both blocks are whole f32x4 lanes). */
const C0 = 252;
const { eta: ETA, wMin: W_MIN } = SPLIT_UPDATE;

/**
 * One thread's part of a two-thread layout: its matrix (byte offset, columns per row), its block
 * of columns c0..c1 in that matrix, and the whole matrix's column of that matrix's column 0.
 */
interface Block {
  g: number;
  cols: number;
  c0: number;
  c1: number;
  first: number;
}

/** A two-thread layout: the main thread's block and the helper's. */
interface Split {
  main: Block;
  helper: Block;
}

export async function benchSplit(): Promise<BenchRow[]> {
  const { rows, list } = recordSpikes(IMAGES);
  const L = splitLayout(rows, COLS, C0);
  const file = path.join(__dirname, 'split.wasm');
  const memory = wasmMemory(64, true);
  if (L.end > memory.buffer.byteLength) throw new Error('benchSplit: the layout needs more pages');
  const k = instantiate(file, memory);
  const i32 = new Int32Array(memory.buffer);
  const f32 = new Float32Array(memory.buffer);
  // The same weights in the whole matrix and in the two blocks.
  const w = createRng(5);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < COLS; j++) {
      const x = 2 * w.float() - 1;
      f32[L.g / 4 + i * COLS + j] = x;
      if (j < C0) f32[L.a / 4 + i * C0 + j] = x;
      else f32[L.b / 4 + i * (COLS - C0) + j - C0] = x;
    }

  const helper = new Worker(path.join(__dirname, 'split-worker.js'), {
    workerData: { memory, file, rows },
  });
  await new Promise<void>((resolve, reject) => {
    helper.once('message', () => resolve());
    helper.once('error', reject);
  });
  // The training layout (both blocks in the rows × 500 matrix), or a matrix per block.
  const shared: Split = {
    main: { g: L.g, cols: COLS, c0: 0, c1: C0, first: 0 },
    helper: { g: L.g, cols: COLS, c0: C0, c1: COLS, first: 0 },
  };
  const blocks: Split = {
    main: { g: L.a, cols: C0, c0: 0, c1: C0, first: 0 },
    helper: { g: L.b, cols: COLS - C0, c0: 0, c1: COLS - C0, first: C0 },
  };
  let seq = 0;
  /**
   * Give the helper its block for the next pass (read with each spike, after the spike's number,
   * so set once while the helper waits).
   */
  const target = (x: Split) => {
    const h = x.helper;
    i32[W.matrix] = h.g;
    i32[W.cols] = h.cols;
    i32[W.c0] = h.c0;
    i32[W.c1] = h.c1;
    i32[W.out] = L.out + C0 * 4;
  };
  /** Post a spike to the helper (with a column of its block to update first) and return its number. */
  const post = (at: number, count: number, column: number): number => {
    i32[W.count] = count;
    i32[W.list] = at;
    i32[W.update] = column;
    Atomics.store(i32, W.seq, ++seq);
    return seq;
  };
  const awaitHelper = (s: number) => {
    while (Atomics.load(i32, W.done) !== s);
  };

  const copies = () => {
    for (let s = 0; s < list.length; s++) i32.set(list[s]!.active, L.lists[s & 1] / 4);
  };
  const single = (learn: boolean) => () => {
    for (let s = 0; s < list.length; s++) {
      const x = list[s]!;
      const at = L.lists[s & 1];
      i32.set(x.active, at / 4);
      k.gatherColumns!(L.g, COLS, 0, COLS, at, x.active.length, L.out);
      if (learn) k.depressColumn!(L.g, rows, COLS, x.winner, ETA, W_MIN);
    }
  };
  const split = (layout: Split, learn: boolean) => () => {
    const m = layout.main;
    target(layout);
    let prev = -1;
    for (let s = 0; s < list.length; s++) {
      const x = list[s]!;
      const at = L.lists[s & 1];
      i32.set(x.active, at / 4);
      const mine = prev >= 0 && prev < C0;
      const theirs = learn && prev >= C0 ? prev - layout.helper.first : -1;
      const id = post(at, x.active.length, theirs);
      if (learn && mine) k.depressColumn!(m.g, rows, m.cols, prev, ETA, W_MIN);
      k.gatherColumns!(m.g, m.cols, m.c0, m.c1, at, x.active.length, L.out);
      awaitHelper(id);
      prev = x.winner;
    }
  };
  const handoff = () => {
    target(shared);
    for (let s = 0; s < list.length; s++) awaitHelper(post(L.lists[0], 0, -1));
  };
  /** Best of 5 timed passes over every spike, after one untimed, in µs per image. */
  const best = (f: () => void) => (bestTime(f) * 1000) / IMAGES;
  try {
    // Without updates, every way gives the same sums, bit for bit (the last spike's).
    const sums = () => f32.slice(L.out / 4, L.out / 4 + COLS);
    single(false)();
    const whole = sums();
    const same = [shared, blocks].every((x) => {
      f32.fill(0, L.out / 4, L.out / 4 + COLS);
      split(x, false)();
      return sums().every((v, j) => Object.is(v, whole[j]));
    });
    const base = best(copies);
    const t = (f: () => void) => best(f) - base;
    const one = t(single(false));
    const oneU = t(single(true));
    const two = t(split(shared, false));
    const twoU = t(split(shared, true));
    const blk = t(split(blocks, false));
    const blkU = t(split(blocks, true));
    const round = (best(handoff) * IMAGES) / list.length;
    const us = 'µs per image';
    return [
      { name: 'one thread: gather', value: one, unit: us },
      { name: 'one thread: gather + winner column update', value: oneU, unit: us },
      { name: 'two threads, training layout: split gather', value: two, unit: us },
      { name: 'two threads, training layout: split gather + update', value: twoU, unit: us },
      { name: 'two threads, a matrix per block: split gather', value: blk, unit: us },
      { name: 'two threads, a matrix per block: split gather + update', value: blkU, unit: us },
      {
        name: 'best two-thread run with the update, against one thread',
        value: Math.min(twoU, blkU) / oneU,
        unit: '×',
      },
      { name: 'one hand-off and reply (round trip)', value: round, unit: 'µs per spike' },
      {
        name: 'split sums equal the full gather, bit for bit',
        value: same ? 1 : 0,
        unit: '(1 = yes)',
      },
    ];
  } finally {
    Atomics.store(i32, W.seq, -1);
    await helper.terminate();
  }
}
