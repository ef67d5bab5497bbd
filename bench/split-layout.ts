/**
 * The shared memory of bench/split.ts: the hand-off words (Int32 indices; the request and the
 * reply each on a cache line of its own) and the byte offsets of the matrices and buffers.
 */
export const SPLIT_WORDS = {
  /** The spike number the main thread asks for (−1: stop). */
  seq: 0,
  /** Its active rows' count. */
  count: 1,
  /** The byte offset of its active list. */
  list: 2,
  /** A column of the helper's block to update before the gather (−1: none). */
  update: 3,
  /** The helper's matrix (byte offset), its columns per row, and its block's columns c0..c1. */
  matrix: 4,
  cols: 5,
  c0: 6,
  c1: 7,
  /** Where the helper's block's column c0 goes (byte offset of out[c0]). */
  out: 8,
  /** The spike number the helper has finished. */
  done: 16,
} as const;

/** The winner column update's arithmetic: the ideal rule's depression step and floor. */
export const SPLIT_UPDATE = { eta: 1e-3, wMin: -1 } as const;

/** Where each part of the experiment lives, in bytes. */
export interface SplitLayout {
  rows: number;
  cols: number;
  /** The first column of the helper's block (a multiple of 4). */
  c0: number;
  /** The rows × cols matrix, as training lays it out (the one-thread runs). */
  g: number;
  /** The main thread's block, rows × c0, and the helper's, rows × (cols − c0), apart. */
  a: number;
  b: number;
  /**
   * The potentials (cols float32; out[c0] on a cache line of its own) and two active lists (rows
   * int32 each, alternate spikes).
   */
  out: number;
  lists: [number, number];
  /** The bytes used. */
  end: number;
}

const PAGE = 4096;
const up = (x: number) => Math.ceil(x / PAGE) * PAGE;

export function splitLayout(rows: number, cols: number, c0: number): SplitLayout {
  const g = PAGE;
  const a = up(g + rows * cols * 4);
  const b = up(a + rows * c0 * 4);
  // The helper's part of the potentials, out[c0..cols), starts a cache line of its own.
  const out = up(b + rows * (cols - c0) * 4) + ((64 - ((c0 * 4) % 64)) % 64);
  const list0 = up(out + cols * 4);
  const list1 = up(list0 + rows * 4);
  return { rows, cols, c0, g, a, b, out, lists: [list0, list1], end: list1 + rows * 4 };
}
