// AssemblyScript source for the crossbar read kernels, compiled to WebAssembly SIMD (f32x4) by
// `npm run build:wasm`. The host (../kernels.ts) owns the memory layout: every pointer is a byte
// offset into the imported memory, matrices are row-major float32, and nothing is bounds-checked
// here (the host validates every index before calling).
//
// Both kernels stream whole rows of g and accumulate into `out` four lanes at a time, with a
// scalar tail for the last cols % 4 columns. They take four rows per pass over `out`, so `out` is
// loaded and stored once per four rows rather than once per row (about 1.6× faster at 397 × 500).
// Accumulation is float32: each pass adds ((r0 + r1) + (r2 + r3)) to out (or subtracts it: subRows).

/** out[0..cols) = 0. */
function zero(out: usize, cols: i32): void {
  const c4 = cols & ~3;
  let j = 0;
  for (; j < c4; j += 4) v128.store(out + (<usize>j << 2), f32x4.splat(0));
  for (; j < cols; j++) store<f32>(out + (<usize>j << 2), 0);
}

/** out += x·r over cols (one row). */
function axpy1(out: usize, cols: i32, r: usize, x: f32): void {
  const c4 = cols & ~3;
  const xv = f32x4.splat(x);
  let j = 0;
  for (; j < c4; j += 4) {
    const o = <usize>j << 2;
    v128.store(out + o, f32x4.add(v128.load(out + o), f32x4.mul(xv, v128.load(r + o))));
  }
  for (; j < cols; j++) {
    const o = <usize>j << 2;
    store<f32>(out + o, load<f32>(out + o) + x * load<f32>(r + o));
  }
}

/** out += x0·r0 + x1·r1 + x2·r2 + x3·r3 over cols (four rows, one pass over out). */
function axpy4(
  out: usize, cols: i32,
  r0: usize, r1: usize, r2: usize, r3: usize,
  x0: f32, x1: f32, x2: f32, x3: f32,
): void {
  const c4 = cols & ~3;
  const a0 = f32x4.splat(x0);
  const a1 = f32x4.splat(x1);
  const a2 = f32x4.splat(x2);
  const a3 = f32x4.splat(x3);
  let j = 0;
  for (; j < c4; j += 4) {
    const o = <usize>j << 2;
    const s01 = f32x4.add(f32x4.mul(a0, v128.load(r0 + o)), f32x4.mul(a1, v128.load(r1 + o)));
    const s23 = f32x4.add(f32x4.mul(a2, v128.load(r2 + o)), f32x4.mul(a3, v128.load(r3 + o)));
    v128.store(out + o, f32x4.add(v128.load(out + o), f32x4.add(s01, s23)));
  }
  for (; j < cols; j++) {
    const o = <usize>j << 2;
    const s01 = x0 * load<f32>(r0 + o) + x1 * load<f32>(r1 + o);
    const s23 = x2 * load<f32>(r2 + o) + x3 * load<f32>(r3 + o);
    store<f32>(out + o, load<f32>(out + o) + (s01 + s23));
  }
}

/**
 * out ± ((r0 + r1) + (r2 + r3)) over cols (four rows, one pass over out): `sub` false adds,
 * true subtracts.
 */
// @ts-ignore: decorator
@inline function move4(
  out: usize, cols: i32, r0: usize, r1: usize, r2: usize, r3: usize, sub: bool,
): void {
  const c4 = cols & ~3;
  let j = 0;
  for (; j < c4; j += 4) {
    const o = <usize>j << 2;
    const s01 = f32x4.add(v128.load(r0 + o), v128.load(r1 + o));
    const s23 = f32x4.add(v128.load(r2 + o), v128.load(r3 + o));
    const s = f32x4.add(s01, s23);
    const x = v128.load(out + o);
    v128.store(out + o, sub ? f32x4.sub(x, s) : f32x4.add(x, s));
  }
  for (; j < cols; j++) {
    const o = <usize>j << 2;
    const s01 = load<f32>(r0 + o) + load<f32>(r1 + o);
    const s23 = load<f32>(r2 + o) + load<f32>(r3 + o);
    const x = load<f32>(out + o);
    store<f32>(out + o, sub ? x - (s01 + s23) : x + (s01 + s23));
  }
}

/** out ± r over cols (one row). */
// @ts-ignore: decorator
@inline function move1(out: usize, cols: i32, r: usize, sub: bool): void {
  const c4 = cols & ~3;
  let j = 0;
  for (; j < c4; j += 4) {
    const o = <usize>j << 2;
    const x = v128.load(out + o);
    const y = v128.load(r + o);
    v128.store(out + o, sub ? f32x4.sub(x, y) : f32x4.add(x, y));
  }
  for (; j < cols; j++) {
    const o = <usize>j << 2;
    const x = load<f32>(out + o);
    const y = load<f32>(r + o);
    store<f32>(out + o, sub ? x - y : x + y);
  }
}

/**
 * out ± the `count` rows listed at idx (i32 row indices, rows `stride` bytes apart): four rows
 * per pass, out ± ((r0 + r1) + (r2 + r3)) in list order, then the last one to three rows one at
 * a time. `sub` false adds, true subtracts.
 */
// @ts-ignore: decorator
@inline function moveRows(
  g: usize, cols: i32, stride: usize, idx: usize, count: i32, out: usize, sub: bool,
): void {
  let k = 0;
  for (; k + 3 < count; k += 4) {
    const p = idx + (<usize>k << 2);
    move4(
      out, cols,
      g + <usize>load<i32>(p) * stride,
      g + <usize>load<i32>(p, 4) * stride,
      g + <usize>load<i32>(p, 8) * stride,
      g + <usize>load<i32>(p, 12) * stride,
      sub,
    );
  }
  for (; k < count; k++) move1(out, cols, g + <usize>load<i32>(idx + (<usize>k << 2)) * stride, sub);
}

/** out += the `count` rows listed at idx (see moveRows). */
export function addRows(g: usize, cols: i32, stride: usize, idx: usize, count: i32, out: usize): void {
  moveRows(g, cols, stride, idx, count, out, false);
}

/** out −= the `count` rows listed at idx (see moveRows). */
export function subRows(g: usize, cols: i32, stride: usize, idx: usize, count: i32, out: usize): void {
  moveRows(g, cols, stride, idx, count, out, true);
}

/** out[j] = Σ_k g[idx[k]·cols + j] for k < count; idx holds i32 row indices. */
export function sumRows(g: usize, cols: i32, idx: usize, count: i32, out: usize): void {
  sumRowsStrided(g, cols, <usize>cols << 2, idx, count, out);
}

/**
 * sumRows over `cols` columns of rows `stride` bytes apart: with g and out moved to a block's
 * first column, the same sums for a block of columns of a wider matrix.
 */
export function sumRowsStrided(
  g: usize, cols: i32, stride: usize, idx: usize, count: i32, out: usize,
): void {
  zero(out, cols);
  addRows(g, cols, stride, idx, count, out);
}

/**
 * out[j] = Σ_i v[i]·g[i·cols + j]. Rows with v[i] = 0 are skipped; the others are taken four at a
 * time in row order, and the last one to three rows one at a time.
 */
export function matvec(g: usize, rows: i32, cols: i32, v: usize, out: usize): void {
  zero(out, cols);
  const stride = <usize>cols << 2;
  let n = 0; // rows pending in (r0, x0) .. (r2, x2)
  let r0: usize = 0;
  let r1: usize = 0;
  let r2: usize = 0;
  let x0: f32 = 0;
  let x1: f32 = 0;
  let x2: f32 = 0;
  for (let i = 0; i < rows; i++) {
    const x = load<f32>(v + (<usize>i << 2));
    if (x == 0) continue;
    const r = g + <usize>i * stride;
    if (n == 0) {
      r0 = r;
      x0 = x;
      n = 1;
    } else if (n == 1) {
      r1 = r;
      x1 = x;
      n = 2;
    } else if (n == 2) {
      r2 = r;
      x2 = x;
      n = 3;
    } else {
      axpy4(out, cols, r0, r1, r2, r, x0, x1, x2, x);
      n = 0;
    }
  }
  if (n > 0) axpy1(out, cols, r0, x0);
  if (n > 1) axpy1(out, cols, r1, x1);
  if (n > 2) axpy1(out, cols, r2, x2);
}
