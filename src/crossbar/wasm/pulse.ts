// AssemblyScript source for the crossbar's programming kernel, compiled together with ./read.ts
// into one module by `npm run build:wasm`. It computes exactly what DeviceArray.pulse
// (src/device/array.ts) computes, drawing normals exactly as Rng.normal (src/core/rng.ts) does:
// every cell sees the same float64 operations in the same order, the float32 store, Math.round
// semantics, and the same draws from the cycle-to-cycle stream; the tally sums are added in the
// same order. test/crossbar/pulse-kernel.test.ts checks bit-identity against the JS kernel.
//
// The memory is imported. It starts with a fixed header (the offsets exported below: ziggurat
// and step tables, generator state, tally), which the host (../kernels.ts) fills; the host lays
// out the per-cell arrays after it and passes their offsets to `bindPulse` once. Each instance
// serves one crossbar, so the binding lives in module globals. The module has no data segments.
//
// exp and log come from the host (its Math.exp and Math.log), so the ziggurat's rejection and
// tail branches evaluate exactly the functions the JS generator does; AssemblyScript's own
// NativeMath could differ from V8's in the last ulp and, very rarely, flip an accept/reject
// decision and so shift the stream.

// @ts-ignore: decorator
@external("env", "exp")
declare function hostExp(x: f64): f64;
// @ts-ignore: decorator
@external("env", "log")
declare function hostLog(x: f64): f64;

// Fixed header at the start of the memory (byte offsets), so that the hot loops address the
// tables with constant offsets. The host fills the ziggurat and step tables at bind time.
/** Ziggurat KN: 128 u32. */
export const ZIG_KN: usize = 0;
/** Ziggurat WN: 128 f64. */
export const ZIG_WN: usize = 512;
/** Ziggurat FN: 128 f64. */
export const ZIG_FN: usize = 1536;
/** Generator state: four i32 words. */
export const RNG_STATE: usize = 2560;
/** Tally of the last call: nSet, nReset, ΣG set, ΣG reset as f64. */
export const TALLY: usize = 2576;
/** v128 constants of the pair update (written by bindPulse): 1, 1024, 0.5, 1023, 2^52, 1023 (i64). */
const CONSTS: usize = 2608;
/**
 * Step tables: 1025 (value, slope) f64 pairs for SET from here, and for RESET from
 * STEP_TABLES + STEP_RESET, so an entry's index is j | reset << 11.
 */
export const STEP_TABLES: usize = 4096;
/** Bytes from the SET table to the RESET table. */
export const STEP_RESET: usize = 2048 * 16;
/** Bytes taken by the header; the host lays out the arrays after it. */
export const PULSE_HEADER: usize = 53312;

/** Last index of a step table (STEP_TABLE_SIZE − 1 in src/device/models.ts). */
const LAST: i32 = 1024;
const TWO_M32: f64 = 2.3283064365386963e-10; // 2^-32

// Binding (see bindPulse).
let gP: usize = 0;
let loP: usize = 0;
let spanP: usize = 0;
let scaleP: usize = 0;
let stuckP: usize = 0;
let maskP: usize = 0;
let listP: usize = 0;
let sigmaG: f64 = 0;
let lm1G: f64 = 0;
let zigR: f64 = 0;

// Generator state (xoshiro128**) between the loops; the hot loops copy it into locals.
let r0: i32 = 0;
let r1: i32 = 0;
let r2: i32 = 0;
let r3: i32 = 0;
/** The draw on which the inline normal fast path failed, its lane and the lane-0 normal. */
let hzG: i32 = 0;
let laneG: i32 = 0;
let z0G: f64 = 0;
/** Set when the dense loop stopped at a pair it does not take (rather than at a slow normal). */
let mixedG: bool = false;

// State of a call shared by the loops and the out-of-line cells.
let pulsesP: usize = 0;
let strideG: i32 = 0;
let cellG: i32 = 0;
let queuedG: usize = 0;
let nSetG: i32 = 0;
let nResetG: i32 = 0;
let gSetG: f64 = 0;
let gResetG: f64 = 0;

/**
 * Bind this instance to one crossbar: byte offsets of the per-cell arrays and of the queue
 * `list` (i32, room for the longest line + 1), the cycle-to-cycle σ, levels − 1 (0: continuous)
 * and the ziggurat's R. The ziggurat and step tables in the header are the host's to fill.
 */
export function bindPulse(
  g: usize,
  lo: usize,
  span: usize,
  scale: usize,
  stuck: usize,
  mask: usize,
  list: usize,
  sigma: f64,
  levelsMinus1: f64,
  r: f64,
): void {
  gP = g;
  loP = lo;
  spanP = span;
  scaleP = scale;
  stuckP = stuck;
  maskP = mask;
  listP = list;
  sigmaG = sigma;
  lm1G = levelsMinus1;
  zigR = r;
  v128.store(CONSTS, f64x2(1, 1));
  v128.store(CONSTS + 16, f64x2(<f64>LAST, <f64>LAST));
  v128.store(CONSTS + 32, f64x2(0.5, 0.5));
  v128.store(CONSTS + 48, f64x2(<f64>(LAST - 1), <f64>(LAST - 1)));
  v128.store(CONSTS + 64, f64x2(4503599627370496.0, 4503599627370496.0));
  v128.store(CONSTS + 80, i64x2(LAST - 1, LAST - 1));
}

/** xoshiro128** on the global state: Rng.uint32. */
// @ts-ignore: decorator
@inline function nextG(): u32 {
  const s0 = r0;
  const s1 = r1;
  const s2 = r2;
  const s3 = r3;
  const r = rotl<i32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  r1 = s1 ^ n2;
  r0 = s0 ^ n3;
  r2 = n2 ^ t;
  r3 = rotl<i32>(n3, 11);
  return <u32>r;
}

/** |hz| as an unsigned 32-bit number (|−2^31| = 2^31, as Math.abs gives). */
// @ts-ignore: decorator
@inline function absU(hz: i32): u32 {
  const m = hz >> 31;
  return <u32>((hz ^ m) - m);
}

/** Rng.normal continued after its fast test failed for `hz` (global state). */
function normalSlow(hz: i32): f64 {
  let iz = hz & 127;
  for (;;) {
    let x = <f64>hz * load<f64>(ZIG_WN + (<usize>iz << 3));
    if (iz == 0) {
      let y: f64;
      do {
        x = -hostLog((<f64>nextG() + 0.5) * TWO_M32) / zigR;
        y = -hostLog((<f64>nextG() + 0.5) * TWO_M32);
      } while (y + y < x * x);
      return hz > 0 ? zigR + x : -zigR - x;
    }
    const f1 = load<f64>(ZIG_FN + (<usize>iz << 3));
    const f0 = load<f64>(ZIG_FN + (<usize>(iz - 1) << 3));
    if (f1 + <f64>nextG() * TWO_M32 * (f0 - f1) < hostExp(-0.5 * x * x)) return x;
    hz = <i32>nextG();
    iz = hz & 127;
    if (absU(hz) < load<u32>(ZIG_KN + (<usize>iz << 2))) {
      return <f64>hz * load<f64>(ZIG_WN + (<usize>iz << 3));
    }
  }
  return unreachable();
}

/** Rng.normal on the global state. */
function normalG(): f64 {
  const hz = <i32>nextG();
  const iz = hz & 127;
  if (absU(hz) < load<u32>(ZIG_KN + (<usize>iz << 2))) {
    return <f64>hz * load<f64>(ZIG_WN + (<usize>iz << 3));
  }
  return normalSlow(hz);
}

/** Math.round (round half toward +∞) for finite x; the sign of a zero result may differ. */
// @ts-ignore: decorator
@inline function jsRound(x: f64): f64 {
  const f = Math.floor(x);
  return x - f >= 0.5 ? f + 1 : f;
}

/** Start a line: the c2c generator into the r0..r3 globals when the device is noisy. */
// @ts-ignore: decorator
@inline function beginLine(): bool {
  const noisy = sigmaG > 0;
  if (noisy) {
    r0 = load<i32>(RNG_STATE);
    r1 = load<i32>(RNG_STATE, 4);
    r2 = load<i32>(RNG_STATE, 8);
    r3 = load<i32>(RNG_STATE, 12);
  }
  return noisy;
}

/** End a line: the generator back to memory, the tally (counts and conductance sums) out. */
// @ts-ignore: decorator
@inline function endLine(noisy: bool): void {
  if (noisy) {
    store<i32>(RNG_STATE, r0);
    store<i32>(RNG_STATE, r1, 4);
    store<i32>(RNG_STATE, r2, 8);
    store<i32>(RNG_STATE, r3, 12);
  }
  store<f64>(TALLY, <f64>nSetG);
  store<f64>(TALLY, <f64>nResetG, 8);
  store<f64>(TALLY, gSetG, 16);
  store<f64>(TALLY, gResetG, 24);
}

/**
 * DeviceArray.pulse for the cells start + k·stride, k < count (distinct cells: stride ≠ 0), with
 * pulses[k] (i8) at `pulses`, honouring the mask. The generator state is read from and written
 * back to RNG_STATE only when σ > 0 (otherwise the stream is not touched); the call's own tally
 * (not a running one) is written to TALLY.
 *
 * Cells go two at a time through float64x2 lanes, in line order. Runs of pairs of unfrozen,
 * working cells with one pulse each (the common case, and every line of the benchmarks) go
 * through a dense loop that draws each pair's normals and updates it (not for quantised levels).
 * Elsewhere, the line is cut into segments at the cells that are stuck or take several pulses
 * (done in place, one by one); `scan` queues a segment's pulsed, unfrozen cells and `update`
 * draws their normals and applies their pulses, pair by pair; after 32 such cells the dense
 * loop is tried again. Each cell sees exactly the operations of the
 * JS kernel, the stream is consumed in cell order and the tally sums are added in cell order, so
 * the results are identical. The hot loops are leaf functions (no calls, so V8 keeps their state
 * in registers); they stop where a normal needs Rng.normal's slow path, which is done out of line.
 */
export function pulse(start: i32, stride: i32, count: i32, pulses: usize): void {
  const noisy = beginLine();
  pulsesP = pulses;
  strideG = stride;
  cellG = start;
  nSetG = 0;
  nResetG = 0;
  gSetG = 0;
  gResetG = 0;
  let k = 0;
  while (k < count) {
    if (lm1G == 0 && count - k >= 2) {
      k = dense(k, k + ((count - k) & ~1), noisy);
      if (k >= count) break;
    }
    // Not dense here (or quantised levels): the next cells through the queue, then try again.
    k = segments(k, lm1G == 0 ? min(count, k + 32) : count, noisy);
  }
  endLine(noisy);
}

/** The queue's address (for ./train.ts's devicePulseColumn). */
export function pulseQueueAt(): usize {
  return listP;
}

/** The stuck-cell codes' address (for ./train.ts's devicePulseColumn). */
export function pulseStuckAt(): usize {
  return stuckP;
}

/**
 * `pulse` for a line whose pulsed cells are already queued (m entries of cell index << 1 | up,
 * `ups` of them SET, in line order) and are all unfrozen, working and take one pulse each: the
 * same normals, updates and tally as `pulse` gives such a line, since `pulse` too applies them
 * cell by cell in line order, drawing the normals and adding the tally sums in that order.
 */
export function pulseQueue(m: i32, ups: i32): void {
  const noisy = beginLine();
  nSetG = ups;
  nResetG = m - ups;
  gSetG = 0;
  gResetG = 0;
  update(<usize>m, noisy);
  endLine(noisy);
}

/**
 * Line positions k (cell cellG) to `pairs` (k + an even count) while they form pairs of unfrozen,
 * working cells with one pulse each, through the dense loops (finishing out of line the pairs
 * whose normals need the slow path). Returns where it stopped, with cellG on that cell.
 */
function dense(k: i32, pairs: i32, noisy: bool): i32 {
  const stride = strideG;
  for (;;) {
    if (stride == 1) k = noisy ? denseNoisyRow(k, pairs) : denseQuietRow(k, pairs);
    else k = noisy ? denseNoisy(k, pairs) : denseQuiet(k, pairs);
    if (k >= pairs || mixedG) return k;
    // Pair k stopped at a slow normal in lane laneG (its draw in hzG, the lane-0 normal in z0G).
    const z0 = laneG == 0 ? normalSlow(hzG) : z0G;
    const z1 = laneG == 0 ? normalG() : normalSlow(hzG);
    finishDense(k, f64x2.replace_lane(f64x2.splat(z0), 1, z1));
    k += 2;
    cellG += stride << 1;
  }
  return unreachable();
}

/**
 * Line positions k (cell cellG) to `end` in segments: `scan` queues the pulsed, unfrozen cells
 * with one pulse up to the next cell that is stuck or takes several pulses, `update` applies the
 * queued pulses, then that cell is done in place. Returns `end`, with cellG on its cell.
 */
function segments(k: i32, end: i32, noisy: bool): i32 {
  const pulses = pulsesP;
  const stride = strideG;
  k = scan(k, end);
  for (;;) {
    const m = queuedG;
    if (m > 0) update(m, noisy);
    if (k >= end) return k;
    // Cell k (index cellG) is stuck or takes several pulses.
    const i = cellG;
    const n0 = <i32>load<i8>(pulses + <usize>k);
    const gi = <f64>load<f32>(gP + (<usize>i << 2));
    if (load<u8>(stuckP + <usize>i) != 0) {
      // Stuck: the pulses (and their energy) count, the cell does not move.
      if (n0 > 0) {
        nSetG += n0;
        gSetG += <f64>n0 * gi;
      } else {
        nResetG -= n0;
        gResetG -= <f64>n0 * gi;
      }
    } else {
      pulseMany(i, n0, gi);
    }
    cellG = i + stride;
    k = scan(k + 1, end);
  }
  return unreachable();
}

/**
 * Queue the cells from position k (cell cellG) on, in order: pulsed, unfrozen cells with one
 * pulse go to the list as index << 1 | up (and are counted); zeros and frozen cells are skipped.
 * Stops at the end (count) or at a cell that is stuck or takes several pulses, returning its
 * position with cellG on it. A leaf loop.
 */
function scan(k: i32, count: i32): i32 {
  const stuck = stuckP;
  const mask = maskP;
  const list = listP;
  const pulses = pulsesP;
  const stride = strideG;
  let i = cellG;
  let m: usize = 0;
  let ups = 0;
  for (; k < count; k++, i += stride) {
    const n0 = <i32>load<i8>(pulses + <usize>k);
    if (n0 == 0) continue;
    if (load<u8>(mask + <usize>i) != 0) continue;
    if (<i32>(load<u8>(stuck + <usize>i) != 0) | <i32>(<u32>(n0 + 1) > 2)) break;
    const up = (n0 >>> 31) ^ 1; // 1 for SET, 0 for RESET
    ups += up;
    store<i32>(list + (m << 2), (i << 1) | up);
    m++;
  }
  cellG = i;
  queuedG = m;
  nSetG += ups;
  nResetG += <i32>m - ups;
  return k;
}

/** JS's multi-pulse loop for cell i (not stuck, n0 pulses, |n0| >= 2), on the global tally. */
function pulseMany(i: i32, n0: i32, gi: f64): void {
  const off = <usize>i << 2;
  const l = <f64>load<f32>(loP + off);
  const sp = <f64>load<f32>(spanP + off);
  const sc = <f64>load<f32>(scaleP + off);
  const sigma = sigmaG;
  const lm1 = lm1G;
  const up = n0 > 0;
  const n = up ? n0 : -n0;
  const tab: usize = up ? STEP_TABLES : STEP_TABLES + STEP_RESET;
  let x = (gi - l) / sp;
  for (let p = 0; p < n; p++) {
    if (up) gSetG += l + x * sp;
    else gResetG += l + x * sp;
    const t = (x < 0 ? 0 : x > 1 ? 1 : x) * <f64>LAST;
    let j = <i32>t;
    if (j >= LAST) j = LAST - 1;
    const e = tab + (<usize>j << 4);
    let d = (load<f64>(e) + (t - <f64>j) * load<f64>(e, 8)) * sc;
    if (sigma > 0) d += up ? sigma * normalG() : -sigma * normalG();
    x = up ? x + d : x - d;
    x = x < 0 ? 0 : x > 1 ? 1 : x;
    if (lm1 > 0) x = jsRound(x * lm1) / lm1;
  }
  store<f32>(gP + off, <f32>(l + x * sp));
  if (up) nSetG += n;
  else nResetG += n;
}

/**
 * The pulses of the m queued cells of a segment, in queue order: pairs through the fused loop
 * (which stops where a normal needs Rng.normal's slow path; that pair is finished here), then a
 * last odd cell, padded to a pair with a copy of itself: both lanes load before either stores,
 * so they store the same value; it draws one normal and its tally counts once.
 */
function update(m: usize, noisy: bool): void {
  const levels = lm1G > 0;
  const pairs = m & ~1;
  let q: usize = 0;
  for (;;) {
    if (levels) q = noisy ? loopNoisyLevels(q, pairs) : loopQuietLevels(q, pairs);
    else q = noisy ? loopNoisy(q, pairs) : loopQuiet(q, pairs);
    if (q >= pairs) break;
    // Pair q stopped at a slow normal in lane laneG (its draw in hzG, the lane-0 normal in z0G).
    const z0 = laneG == 0 ? normalSlow(hzG) : z0G;
    const z1 = laneG == 0 ? normalG() : normalSlow(hzG);
    finishPair(q, f64x2.replace_lane(f64x2.splat(z0), 1, z1), levels, true);
    q += 2;
  }
  if (m & 1) {
    const last = listP + ((m - 1) << 2);
    store<i32>(last, load<i32>(last), 4);
    finishPair(m - 1, f64x2.splat(noisy ? normalG() : 0), levels, false);
  }
}

/** One pair outside the fused loop, with its normals z (ignored without c2c noise). */
function finishPair(q: usize, z: v128, levels: bool, both: bool): void {
  let acc = f64x2.replace_lane(f64x2.splat(gSetG), 1, gResetG);
  if (levels) acc = both ? updatePair(q, z, true, acc, true) : updatePair(q, z, true, acc, false);
  else acc = both ? updatePair(q, z, false, acc, true) : updatePair(q, z, false, acc, false);
  gSetG = f64x2.extract_lane(acc, 0);
  gResetG = f64x2.extract_lane(acc, 1);
}

/** The fused loop with c2c noise, continuous levels. */
function loopNoisy(q: usize, pairs: usize): usize {
  return fusedLoop(q, pairs, true, false);
}

/** The fused loop without c2c noise, continuous levels. */
function loopQuiet(q: usize, pairs: usize): usize {
  return fusedLoop(q, pairs, false, false);
}

/** The fused loop with c2c noise and quantised levels. */
function loopNoisyLevels(q: usize, pairs: usize): usize {
  return fusedLoop(q, pairs, true, true);
}

/** The fused loop without c2c noise, quantised levels. */
function loopQuietLevels(q: usize, pairs: usize): usize {
  return fusedLoop(q, pairs, false, true);
}

/**
 * Pairs q, q + 2, … below `pairs`: for each, when noisy, its two normals in stream order
 * (Rng.normal's fast path, the generator state in locals), then its update. A leaf loop: it stops
 * at a pair whose normal needs the slow path (returning q, with hzG, laneG and z0G set and the
 * state just past the failed draw), else returns `pairs`.
 */
// @ts-ignore: decorator
@inline function fusedLoop(q: usize, pairs: usize, noisy: bool, levels: bool): usize {
  let acc = f64x2.replace_lane(f64x2.splat(gSetG), 1, gResetG);
  let s0 = r0;
  let s1 = r1;
  let s2 = r2;
  let s3 = r3;
  for (; q < pairs; q += 2) {
    let z = f64x2.splat(0);
    if (noisy) {
      // Rng.normal twice: xoshiro128** (Rng.uint32), then the ziggurat's fast test.
      let r = rotl<i32>(s1 * 5, 7) * 9;
      let t = s1 << 9;
      let n2 = s2 ^ s0;
      let n3 = s3 ^ s1;
      s1 = s1 ^ n2;
      s0 = s0 ^ n3;
      s2 = n2 ^ t;
      s3 = rotl<i32>(n3, 11);
      let iz = r & 127;
      if (absU(r) >= load<u32>(ZIG_KN + (<usize>iz << 2))) {
        hzG = r;
        laneG = 0;
        break;
      }
      const z0 = <f64>r * load<f64>(ZIG_WN + (<usize>iz << 3));
      r = rotl<i32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      n2 = s2 ^ s0;
      n3 = s3 ^ s1;
      s1 = s1 ^ n2;
      s0 = s0 ^ n3;
      s2 = n2 ^ t;
      s3 = rotl<i32>(n3, 11);
      iz = r & 127;
      if (absU(r) >= load<u32>(ZIG_KN + (<usize>iz << 2))) {
        hzG = r;
        laneG = 1;
        z0G = z0;
        break;
      }
      z = f64x2.replace_lane(f64x2.splat(z0), 1, <f64>r * load<f64>(ZIG_WN + (<usize>iz << 3)));
    }
    acc = updatePair(q, z, levels, acc, true);
  }
  if (noisy) {
    r0 = s0;
    r1 = s1;
    r2 = s2;
    r3 = s3;
  }
  gSetG = f64x2.extract_lane(acc, 0);
  gResetG = f64x2.extract_lane(acc, 1);
  return q;
}

/** Two f32 cells at byte offsets o0, o1 of `base`, widened to f64 lanes. */
// @ts-ignore: decorator
@inline function gather2(base: usize, o0: usize, o1: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load32_lane(base + o1, v128.load32_zero(base + o0), 1));
}

/**
 * Add two cells' G to the tally pair acc = (ΣG set, ΣG reset), lane 0 first (lane 1 only if
 * `both`): each adds (G, 0) for SET or (0, G) for RESET (`reset` all-ones). Adding +0 leaves a
 * sum unchanged (the sums start at +0 and never become −0).
 */
// @ts-ignore: decorator
@inline function tallyPair(acc: v128, gi: v128, reset: v128, both: bool): v128 {
  const gR = v128.and(gi, reset);
  const gS = v128.andnot(gi, reset);
  acc = f64x2.add(acc, v128.shuffle<i64>(gS, gR, 0, 2));
  if (both) acc = f64x2.add(acc, v128.shuffle<i64>(gS, gR, 1, 3));
  return acc;
}

/**
 * JS's single-pulse body for two cells in float64x2 lanes: state gi, bounds l and sp, step
 * multiplier sc, direction `down` (i64 1 for RESET), normals z; returns the new G as float32 in
 * lanes 0 and 1. pmax/pmin are exactly JS's `x < 0 ? 0 : x > 1 ? 1 : x`. The table index
 * j = min(t | 0, 1023) is taken as min(floor(t), 1023), exact for t in [0, 1024], and read from
 * the low bits of j + 2^52 (masked, so that a NaN t stays inside the table: its result is NaN
 * either way). JS's `d += σξ; x += d` (SET) and `d -= σξ; x -= d` (RESET) become
 * `d += ±(σξ); x += ±d`, flipping the sign bit for RESET, which is exact; with σ = 0 the term is
 * skipped, as in JS.
 */
// @ts-ignore: decorator
@inline function stepPair(gi: v128, l: v128, sp: v128, sc: v128, down: v128, z: v128, noisy: bool, levels: bool): v128 {
  const flip = i64x2.shl(down, 63);
  const one = v128.load(CONSTS);
  let x = f64x2.div(f64x2.sub(gi, l), sp);
  const t = f64x2.mul(f64x2.pmin(f64x2.pmax(x, f64x2.splat(0)), one), v128.load(CONSTS, 16));
  const jf = f64x2.pmin(f64x2.floor(t), v128.load(CONSTS, 48));
  const jb = f64x2.add(jf, v128.load(CONSTS, 64));
  const idx = v128.or(v128.and(jb, v128.load(CONSTS, 80)), i64x2.shl(down, 11));
  const p0 = v128.load(<usize>i32x4.extract_lane(idx, 0) << 4, STEP_TABLES); // (value, slope)
  const p1 = v128.load(<usize>i32x4.extract_lane(idx, 2) << 4, STEP_TABLES);
  const val = v128.shuffle<i64>(p0, p1, 0, 2);
  const slope = v128.shuffle<i64>(p0, p1, 1, 3);
  let d = f64x2.mul(f64x2.add(val, f64x2.mul(f64x2.sub(t, jf), slope)), sc);
  if (noisy) d = f64x2.add(d, v128.xor(f64x2.mul(f64x2.splat(sigmaG), z), flip));
  x = f64x2.add(x, v128.xor(d, flip));
  x = f64x2.pmin(f64x2.pmax(x, f64x2.splat(0)), one);
  if (levels) {
    const lv = f64x2.splat(lm1G);
    const y = f64x2.mul(x, lv);
    const f = f64x2.floor(y);
    const up = f64x2.ge(f64x2.sub(y, f), v128.load(CONSTS, 32));
    x = f64x2.div(v128.bitselect(f64x2.add(f, one), f, up), lv);
  }
  return f32x4.demote_f64x2_zero(f64x2.add(l, f64x2.mul(x, sp)));
}

/**
 * The queued cells q, q + 1 (list entry: cell index << 1 | up) with normals z: their update and
 * tally (see stepPair, tallyPair).
 */
// @ts-ignore: decorator
@inline function updatePair(q: usize, z: v128, levels: bool, acc: v128, both: bool): v128 {
  const g = gP;
  const at = listP + (q << 2);
  const o0 = <usize>(load<u32>(at) >>> 1) << 2;
  const o1 = <usize>(load<u32>(at, 4) >>> 1) << 2;
  const ups = v128.load64_zero(at);
  const down = i32x4.shuffle(v128.xor(v128.and(ups, i32x4.splat(1)), i32x4.splat(1)), ups, 0, 6, 1, 6);
  const gi = gather2(g, o0, o1);
  const l = gather2(loP, o0, o1);
  const sp = gather2(spanP, o0, o1);
  const sc = gather2(scaleP, o0, o1);
  acc = tallyPair(acc, gi, i64x2.neg(down), both);
  const gNew = stepPair(gi, l, sp, sc, down, z, sigmaG > 0, levels);
  v128.store32_lane(g + o0, gNew, 0);
  v128.store32_lane(g + o1, gNew, 1);
  return acc;
}

/** The dense loop with c2c noise, any stride. */
function denseNoisy(k: i32, pairs: i32): i32 {
  return denseLoop(k, pairs, true, false);
}

/** The dense loop without c2c noise, any stride. */
function denseQuiet(k: i32, pairs: i32): i32 {
  return denseLoop(k, pairs, false, false);
}

/** The dense loop with c2c noise, stride 1. */
function denseNoisyRow(k: i32, pairs: i32): i32 {
  return denseLoop(k, pairs, true, true);
}

/** The dense loop without c2c noise, stride 1. */
function denseQuietRow(k: i32, pairs: i32): i32 {
  return denseLoop(k, pairs, false, true);
}

/** Pair k of the line (cell cellG and the next), with normals z, outside the dense loop. */
function finishDense(k: i32, z: v128): void {
  const i = cellG;
  const o0 = <usize>i << 2;
  const o1 = o0 + (<usize>strideG << 2);
  const n0 = <i32>load<i8>(pulsesP + <usize>k);
  const n1 = <i32>load<i8>(pulsesP + <usize>k, 1);
  const down = i64x2.replace_lane(i64x2.splat(<i64>(n0 >>> 31)), 1, <i64>(n1 >>> 31));
  const gi = gather2(gP, o0, o1);
  const l = gather2(loP, o0, o1);
  const sp = gather2(spanP, o0, o1);
  const sc = gather2(scaleP, o0, o1);
  const acc = tallyPair(f64x2.replace_lane(f64x2.splat(gSetG), 1, gResetG), gi, i64x2.neg(down), true);
  gSetG = f64x2.extract_lane(acc, 0);
  gResetG = f64x2.extract_lane(acc, 1);
  const downs = (n0 >>> 31) + (n1 >>> 31);
  nSetG += 2 - downs;
  nResetG += downs;
  const gNew = stepPair(gi, l, sp, sc, down, z, sigmaG > 0, false);
  v128.store32_lane(gP + o0, gNew, 0);
  v128.store32_lane(gP + o1, gNew, 1);
}

/**
 * Pairs of line positions k, k + 1 below `pairs` (cells cellG and cellG + stride, …) while both
 * cells take exactly one pulse and are unfrozen and working: their normals (when noisy, in stream
 * order, Rng.normal's fast path with the state in locals), tally and update, with no queue.
 * `row`: stride 1, so both cells load and store together. A leaf loop. Returns the position it
 * stopped at, with cellG on its first cell: `pairs`; or a pair it does not take (mixedG set);
 * or a pair whose normal needs the slow path (mixedG clear; hzG, laneG, z0G set, the state just
 * past the failed draw).
 */
// @ts-ignore: decorator
@inline function denseLoop(k: i32, pairs: i32, noisy: bool, row: bool): i32 {
  const g = gP;
  const lo = loP;
  const span = spanP;
  const scale = scaleP;
  const mask = maskP;
  const stuck = stuckP;
  const pulses = pulsesP;
  const stride = strideG;
  const step = <usize>stride << 2;
  let i = cellG;
  const k0 = k;
  let downv = i64x2.splat(0);
  let mixed = false;
  let acc = f64x2.replace_lane(f64x2.splat(gSetG), 1, gResetG);
  let s0 = r0;
  let s1 = r1;
  let s2 = r2;
  let s3 = r3;
  for (; k < pairs; k += 2, i += stride << 1) {
    const n0 = <i32>load<i8>(pulses + <usize>k);
    const n1 = <i32>load<i8>(pulses + <usize>k, 1);
    const flags = row
      ? <i32>load<u16>(mask + <usize>i) | <i32>load<u16>(stuck + <usize>i)
      : <i32>load<u8>(mask + <usize>i) |
        <i32>load<u8>(mask + <usize>(i + stride)) |
        <i32>load<u8>(stuck + <usize>i) |
        <i32>load<u8>(stuck + <usize>(i + stride));
    if ((((n0 + 1) | (n1 + 1)) & ~2) | flags) {
      mixed = true;
      break;
    }
    let z = f64x2.splat(0);
    if (noisy) {
      // Rng.normal twice: xoshiro128** (Rng.uint32), then the ziggurat's fast test.
      let r = rotl<i32>(s1 * 5, 7) * 9;
      let t = s1 << 9;
      let n2 = s2 ^ s0;
      let n3 = s3 ^ s1;
      s1 = s1 ^ n2;
      s0 = s0 ^ n3;
      s2 = n2 ^ t;
      s3 = rotl<i32>(n3, 11);
      let iz = r & 127;
      if (absU(r) >= load<u32>(ZIG_KN + (<usize>iz << 2))) {
        hzG = r;
        laneG = 0;
        break;
      }
      const z0 = <f64>r * load<f64>(ZIG_WN + (<usize>iz << 3));
      r = rotl<i32>(s1 * 5, 7) * 9;
      t = s1 << 9;
      n2 = s2 ^ s0;
      n3 = s3 ^ s1;
      s1 = s1 ^ n2;
      s0 = s0 ^ n3;
      s2 = n2 ^ t;
      s3 = rotl<i32>(n3, 11);
      iz = r & 127;
      if (absU(r) >= load<u32>(ZIG_KN + (<usize>iz << 2))) {
        hzG = r;
        laneG = 1;
        z0G = z0;
        break;
      }
      z = f64x2.replace_lane(f64x2.splat(z0), 1, <f64>r * load<f64>(ZIG_WN + (<usize>iz << 3)));
    }
    const down = i64x2.replace_lane(i64x2.splat(<i64>(n0 >>> 31)), 1, <i64>(n1 >>> 31)); // 1: RESET
    downv = i64x2.add(downv, down);
    const o0 = <usize>i << 2;
    const o1 = o0 + step;
    let gi: v128;
    let l: v128;
    let sp: v128;
    let sc: v128;
    if (row) {
      gi = f64x2.promote_low_f32x4(v128.load64_zero(g + o0));
      l = f64x2.promote_low_f32x4(v128.load64_zero(lo + o0));
      sp = f64x2.promote_low_f32x4(v128.load64_zero(span + o0));
      sc = f64x2.promote_low_f32x4(v128.load64_zero(scale + o0));
    } else {
      gi = gather2(g, o0, o1);
      l = gather2(lo, o0, o1);
      sp = gather2(span, o0, o1);
      sc = gather2(scale, o0, o1);
    }
    acc = tallyPair(acc, gi, i64x2.neg(down), true);
    const gNew = stepPair(gi, l, sp, sc, down, z, noisy, false);
    if (row) {
      v128.store64_lane(g + o0, gNew, 0);
    } else {
      v128.store32_lane(g + o0, gNew, 0);
      v128.store32_lane(g + o1, gNew, 1);
    }
  }
  if (noisy) {
    r0 = s0;
    r1 = s1;
    r2 = s2;
    r3 = s3;
  }
  mixedG = mixed;
  cellG = i;
  const downs = <i32>(i64x2.extract_lane(downv, 0) + i64x2.extract_lane(downv, 1));
  nSetG += (k - k0) - downs;
  nResetG += downs;
  gSetG = f64x2.extract_lane(acc, 0);
  gResetG = f64x2.extract_lane(acc, 1);
  return k;
}
