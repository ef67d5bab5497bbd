// AssemblyScript source for the crossbar read kernels, compiled to WebAssembly SIMD by
// `npm run build:wasm`. The host (../kernels.ts) owns the memory layout: every pointer is a byte
// offset into the imported memory, matrices are row-major float32.

/** out[j] = Σ_k g[idx[k]·cols + j] for k < count (four rows per pass). */
export function sumRows(g: usize, cols: i32, idx: usize, count: i32, out: usize): void {
  const c4 = cols & ~3;
  const stride = <usize>cols << 2;
  let j = 0;
  for (; j < c4; j += 4) v128.store(out + (<usize>j << 2), f32x4.splat(0));
  for (; j < cols; j++) store<f32>(out + (<usize>j << 2), 0);
  let k = 0;
  for (; k + 3 < count; k += 4) {
    const r0 = g + <usize>load<i32>(idx + (<usize>k << 2)) * stride;
    const r1 = g + <usize>load<i32>(idx + (<usize>(k + 1) << 2)) * stride;
    const r2 = g + <usize>load<i32>(idx + (<usize>(k + 2) << 2)) * stride;
    const r3 = g + <usize>load<i32>(idx + (<usize>(k + 3) << 2)) * stride;
    for (j = 0; j < c4; j += 4) {
      const o = <usize>j << 2;
      const s = f32x4.add(f32x4.add(v128.load(r0 + o), v128.load(r1 + o)), f32x4.add(v128.load(r2 + o), v128.load(r3 + o)));
      v128.store(out + o, f32x4.add(v128.load(out + o), s));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(out + o) + ((load<f32>(r0 + o) + load<f32>(r1 + o)) + (load<f32>(r2 + o) + load<f32>(r3 + o))));
    }
  }
  for (; k < count; k++) {
    const r = g + <usize>load<i32>(idx + (<usize>k << 2)) * stride;
    for (j = 0; j < c4; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(r + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(r + o));
    }
  }
}

/** out[j] = Σ_i v[i]·g[i·cols + j] (rows with v[i] = 0 are skipped). */
export function matvec(g: usize, rows: i32, cols: i32, v: usize, out: usize): void {
  const c4 = cols & ~3;
  const stride = <usize>cols << 2;
  let j = 0;
  for (; j < c4; j += 4) v128.store(out + (<usize>j << 2), f32x4.splat(0));
  for (; j < cols; j++) store<f32>(out + (<usize>j << 2), 0);
  for (let i = 0; i < rows; i++) {
    const x = load<f32>(v + (<usize>i << 2));
    if (x == 0) continue;
    const r = g + <usize>i * stride;
    const xv = f32x4.splat(x);
    for (j = 0; j < c4; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), f32x4.mul(xv, v128.load(r + o))));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(out + o) + x * load<f32>(r + o));
    }
  }
}
