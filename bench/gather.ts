/**
 * An experiment, not used by training: how much an incremental gather would save (the question
 * of docs/performance.md, "The targets are not met"). Between two output spikes of an image only
 * some of the ~100 active rows change, so the potentials could move on by the rows that enter
 * the 10 ms window and the rows that leave it, plus a fresh sum of the last winner's column
 * (its STDP update changed it). It changes the float32 summation order, so training does not do
 * it (every result would move within rounding).
 *
 * The active lists are real: the paper's MNIST crop, its Poisson encoding and output spike times
 * (100 ms, f_in = f_out = 200 Hz, 10 ms window), 2,000 images. The full gather is the training
 * kernels' own `sumRows`; the incremental one is bench/wasm/incremental.ts on the same memory.
 */
import * as path from 'node:path';
import { createRng } from '../src/core/rng';
import { loadPaperMnist } from '../src/data/mnist';
import { createPoissonEncoder } from '../src/network/encoding';
import { IdealSynapses } from '../src/network/synapses';
import { WtaLayer } from '../src/network/wta';
import type { BenchRow } from './util';
import { bestTime } from './util';
import { instantiate, wasmMemory } from './wasm-host';

const IMAGES = 2000;
const COLS = 500;
const STEPS = 100;
const WINDOW = 10;
const P_OUT = 0.2;

export interface Spike {
  /** The first output spike of an image (a full gather either way). */
  first: boolean;
  active: Int32Array;
  winner: number;
}

/** The active rows and winners of every output spike of `images` real images (WtaLayer's own). */
export function recordSpikes(images: number): { rows: number; list: Spike[] } {
  const data = loadPaperMnist().train;
  const N = data.pixels;
  const enc = createPoissonEncoder({ rate: 200, dt: 1e-3, steps: STEPS });
  const layer = new WtaLayer(N, COLS, P_OUT, WINDOW);
  const synapses = new IdealSynapses(N, COLS);
  const bias = new Float64Array(COLS);
  const root = createRng(1);
  const spikesRng = root.stream('spikes');
  const wta = root.stream('wta');
  const list: Spike[] = [];
  for (let img = 0; img < images; img++) {
    const raster = enc.encode(data.images, img * N, N, spikesRng);
    let first = true;
    layer.present(
      raster,
      synapses,
      bias,
      0,
      wta,
      (winner, active, n) => {
        list.push({ first, active: active.slice(0, n), winner });
        first = false;
      },
      null,
    );
  }
  return { rows: N, list };
}

export function benchGather(): BenchRow[] {
  const { rows, list } = recordSpikes(IMAGES);
  const memory = wasmMemory(64);
  const kernels = instantiate(path.join(__dirname, '../src/crossbar/kernels.wasm'), memory);
  const inc = instantiate(path.join(__dirname, 'incremental.wasm'), memory);
  const G = 1024;
  const FULL = G + rows * COLS * 4;
  const MOVED = FULL + COLS * 4;
  const CUR = MOVED + COLS * 4;
  const PREV = CUR + rows * 4;
  const ADD = PREV + rows * 4;
  const SUB = ADD + rows * 4;
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  const w = createRng(5);
  for (let j = 0; j < rows * COLS; j++) f32[G / 4 + j] = 2 * w.float() - 1;

  const copies = () => {
    for (const s of list) {
      i32.set(s.active, CUR / 4);
      i32.set(s.active, PREV / 4);
    }
  };
  let worst = 0;
  const full = (check: boolean) => {
    for (const s of list) {
      i32.set(s.active, CUR / 4);
      i32.set(s.active, PREV / 4);
      kernels.sumRows!(G, COLS, CUR, s.active.length, FULL);
    }
    if (check)
      for (let j = 0; j < COLS; j++)
        worst = Math.max(worst, Math.abs(f32[FULL / 4 + j]! - f32[MOVED / 4 + j]!));
  };
  const moved = () => {
    let prev = 0;
    for (const s of list) {
      i32.set(s.active, CUR / 4);
      const n = s.active.length;
      if (s.first) kernels.sumRows!(G, COLS, CUR, n, MOVED);
      else {
        const nAdd = inc.diff!(PREV, prev, CUR, n, ADD, SUB);
        inc.moveRows!(G, COLS, ADD, nAdd, SUB, inc.subs!(), MOVED);
        inc.sumColumn!(G, COLS, CUR, n, s.winner, MOVED);
      }
      i32.set(s.active, PREV / 4);
      prev = n;
    }
  };
  const best = (f: () => void) => bestTime(f) * 1000; // µs
  // The two sums agree up to float32 rounding (the last spike of the last image, both ways).
  moved();
  full(true);
  const base = best(copies);
  const tFull = best(() => full(false)) - base;
  const tMoved = best(moved) - base;
  let changed = 0;
  let active = 0;
  for (let k = 1; k < list.length; k++) {
    if (list[k]!.first) continue;
    const a = new Set(list[k - 1]!.active);
    const b = list[k]!.active;
    active += b.length;
    for (const i of b) if (!a.delete(i)) changed++;
    changed += a.size;
  }
  const later = list.filter((s) => !s.first).length;
  return [
    { name: 'output spikes per image', value: list.length / IMAGES, unit: '' },
    { name: 'active rows per spike', value: active / later, unit: '' },
    { name: 'rows entering or leaving between two spikes', value: changed / later, unit: '' },
    { name: 'full gather (sumRows), per image', value: tFull / IMAGES, unit: 'µs' },
    { name: 'incremental gather, per image', value: tMoved / IMAGES, unit: 'µs' },
    { name: 'incremental / full', value: tMoved / tFull, unit: '×' },
    {
      name: 'largest difference of the two sums at the end (float32 rounding)',
      value: worst * 1e6,
      unit: '× 10⁻⁶',
    },
  ];
}
