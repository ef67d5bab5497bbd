// AssemblyScript for bench/gather.ts, an experiment that training does not use: the gather of an
// output spike done incrementally. Between two output spikes of an image only some active rows
// change, so the potentials can be moved on by adding the rows that enter the coincidence window
// and subtracting those that leave, and then summing again the one column that the last winner's
// STDP update changed. Built by `npm run bench` into dist/bench/incremental.wasm; it runs on the
// memory of the training kernels (same row-major f32 matrix, f32x4 lanes) next to their sumRows.

let subsG: i32 = 0;

/**
 * Merge two increasing row lists: add = cur \ prev, sub = prev \ cur. Returns the length of add;
 * `subs()` gives the length of sub.
 */
export function diff(prev: usize, nPrev: i32, cur: usize, nCur: i32, add: usize, sub: usize): i32 {
  let a = 0;
  let b = 0;
  let na = 0;
  let ns = 0;
  while (a < nPrev && b < nCur) {
    const x = load<i32>(prev + (<usize>a << 2));
    const y = load<i32>(cur + (<usize>b << 2));
    if (x == y) {
      a++;
      b++;
    } else if (x < y) {
      store<i32>(sub + (<usize>(ns++) << 2), x);
      a++;
    } else {
      store<i32>(add + (<usize>(na++) << 2), y);
      b++;
    }
  }
  for (; a < nPrev; a++) store<i32>(sub + (<usize>(ns++) << 2), load<i32>(prev + (<usize>a << 2)));
  for (; b < nCur; b++) store<i32>(add + (<usize>(na++) << 2), load<i32>(cur + (<usize>b << 2)));
  subsG = ns;
  return na;
}

/** The length of the last diff's sub list. */
export function subs(): i32 {
  return subsG;
}

/** out += Σ rows add − Σ rows sub over cols (cols a multiple of 4), one entering and one leaving row per pass. */
export function moveRows(g: usize, cols: i32, add: usize, nAdd: i32, sub: usize, nSub: i32, out: usize): void {
  const stride = <usize>cols << 2;
  let a = 0;
  let s = 0;
  for (; a < nAdd && s < nSub; a++, s++) {
    const ra = g + <usize>load<i32>(add + (<usize>a << 2)) * stride;
    const rs = g + <usize>load<i32>(sub + (<usize>s << 2)) * stride;
    for (let j = 0; j < cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), f32x4.sub(v128.load(ra + o), v128.load(rs + o))));
    }
  }
  for (; a < nAdd; a++) {
    const r = g + <usize>load<i32>(add + (<usize>a << 2)) * stride;
    for (let j = 0; j < cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(r + o)));
    }
  }
  for (; s < nSub; s++) {
    const r = g + <usize>load<i32>(sub + (<usize>s << 2)) * stride;
    for (let j = 0; j < cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.sub(v128.load(out + o), v128.load(r + o)));
    }
  }
}

/** out[k] = Σ over the `count` active rows idx of g[i][k]: the winner's column after its update. */
export function sumColumn(g: usize, cols: i32, idx: usize, count: i32, k: i32, out: usize): void {
  const stride = <usize>cols << 2;
  const base = g + (<usize>k << 2);
  let acc: f32 = 0;
  for (let q = 0; q < count; q++) acc += load<f32>(base + <usize>load<i32>(idx + (<usize>q << 2)) * stride);
  store<f32>(out + (<usize>k << 2), acc);
}
