/**
 * The helper thread of bench/split.ts: it waits (spinning) for each spike the main thread posts,
 * updates the column of its block it is given (the last winner, when it is in this block),
 * gathers its block (the matrix and columns the request names) into its part of the potentials,
 * and posts the spike back as done, until it is asked to stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SPLIT_UPDATE as U, SPLIT_WORDS as W } from './split-layout';
import type { WasmMemory } from './wasm-host';
import { instantiate } from './wasm-host';

const { memory, file, rows } = workerData as { memory: WasmMemory; file: string; rows: number };
const k = instantiate(file, memory);
const i32 = new Int32Array(memory.buffer);
parentPort!.postMessage('ready');
let last = Atomics.load(i32, W.seq);
for (;;) {
  let s = Atomics.load(i32, W.seq);
  while (s === last) s = Atomics.load(i32, W.seq);
  if (s < 0) break;
  last = s;
  const g = i32[W.matrix]!;
  const cols = i32[W.cols]!;
  const c0 = i32[W.c0]!;
  const column = i32[W.update]!;
  if (column >= 0) k.depressColumn!(g, rows, cols, column, U.eta, U.wMin);
  k.gatherColumns!(g, cols, c0, i32[W.c1]!, i32[W.list]!, i32[W.count]!, i32[W.out]! - c0 * 4);
  Atomics.store(i32, W.done, s);
}
