// AssemblyScript for bench/split.ts, an experiment that training does not use: each output
// spike's gather split by columns between two threads on one shared memory, each thread with its
// own block of columns. Built by `npm run bench` into dist/bench/split.wasm (shared memory); both
// threads instantiate it.
import { sumRowsStrided } from '../../src/crossbar/wasm/read';

/**
 * out[c0..c1) = the gather (the training kernels' sumRows, the same sums) of columns c0..c1 of
 * the rows × cols matrix g for the `count` rows listed at idx. c0 must be a multiple of 4.
 */
export function gatherColumns(
  g: usize, cols: i32, c0: i32, c1: i32, idx: usize, count: i32, out: usize,
): void {
  const at = <usize>c0 << 2;
  sumRowsStrided(g + at, c1 - c0, <usize>cols << 2, idx, count, out + at);
}

/**
 * The memory traffic of the ideal rule's update of column k, on every row: w = max(w − eta, wMin),
 * a read and a write of one float32 per row, `cols` floats apart.
 */
export function depressColumn(g: usize, rows: i32, cols: i32, k: i32, eta: f32, wMin: f32): void {
  const step = <usize>cols << 2;
  let p = g + (<usize>k << 2);
  for (let i = 0; i < rows; i++, p += step) store<f32>(p, max(load<f32>(p) - eta, wMin));
}
