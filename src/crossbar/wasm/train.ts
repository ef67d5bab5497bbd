// AssemblyScript source for the per-spike work of training, compiled together with ./read.ts and
// ./pulse.ts into one module by `npm run build:wasm`, so it works on the same memory and the same
// row-major inputs × outputs float32 matrix as the gather. The host (../kernels.ts) lays out the
// scratch vectors and binds them once (`bindTrain`); nothing is bounds-checked here.
//
// Every kernel computes exactly what its JS reference computes (src/network/softmax.ts,
// src/learning/stdp.ts), with the same float64 (and float32) operations in the same order:
// - `spikeWinner`: the gather of the active rows (./read.ts), the read transform of the weight
//   store, and the softmax draw over u_k − max by rejection from a float32 bound of the exp
//   four lanes at a time (emulated in JS with Math.fround), candidates by block prefix sums,
//   with uniforms the host drew;
// - `stdpIdeal`: the float STDP of one output's column (with floor and frozen bits that skip
//   work, not change it);
// - `devicePulses`: the device rule's pulse counts for one column, drawn from the host's
//   `pulses` stream (xoshiro128** as Rng.uint32, logarithms by fdlibm's log, which is V8's);
// - `encode`: the Poisson encoding of one image.
// `spikeWinnerSince` is `spikeWinner` on potentials held from the image's last output spike and
// moved on by the rows that entered and left the window: the same draw, up to float32 rounding
// of the sums (its JS oracle is in test/network/train-kernels.test.ts).
import { addRows, subRows, sumRows } from './read';
import { pulse, pulseQueue, pulseQueueAt, pulseStuckAt } from './pulse';

const TWO_M32: f64 = 2.3283064365386963e-10; // 2^-32

// Binding (see bindTrain).
let gB: usize = 0;
let rowsB: i32 = 0;
let colsB: i32 = 0;
let idxB: usize = 0;
let outB: usize = 0;
let uB: usize = 0;
let biasB: usize = 0;
let maskB: usize = 0;
let flagsB: usize = 0;
let pulsesB: usize = 0;
let rngB: usize = 0;
let lastB: usize = 0;
/** Scratch of i32 × rows for stdpIdeal's row lists (the dense read's input vector, idle then). */
let scratchB: usize = 0;
/** Σ of the column currents of the last device read (the host's energy figure). */
let readSumG: f64 = 0;
/** LTD updates of the last stdp call (its LTP count is returned). */
let ltdG: i32 = 0;
/** Frozen cells of the column of the last kernel call given frozen = −1 (see frozenCount). */
let frozenG: i32 = 0;

/**
 * Bind this instance to one matrix g (rows × cols f32) and its scratch: idx (i32 × rows), out
 * (f32 × cols), u and bias (f64 × cols), the frozen mask (u8 × rows·cols), flags (u8 × rows),
 * pulse counts (i8 × rows), a generator state (4 × i32), each row's last spike step
 * (i32 × rows) and a scratch of i32 × rows.
 */
export function bindTrain(
  g: usize, rows: i32, cols: i32, idx: usize, out: usize, u: usize, bias: usize,
  mask: usize, flags: usize, pulses: usize, rng: usize, last: usize, scratch: usize,
): void {
  scratchB = scratch;
  gB = g;
  rowsB = rows;
  colsB = cols;
  idxB = idx;
  outB = out;
  uB = u;
  biasB = bias;
  maskB = mask;
  flagsB = flags;
  pulsesB = pulses;
  rngB = rng;
  lastB = last;
}

// The potentials of WtaLayer.present, kept from one output spike of an image to the next: `pot`
// holds Σ g over the rows of the last spike's active list (still in idx; `held` flags them), and
// moves on by the rows that enter and leave the window, after a fresh sum of each column changed
// since (the last winner's, by its STDP update, and any marked with potentialsColumn).
let potB: usize = 0;
/** The softmax's x_k = float32(u_k − max) (f32 × cols, whole blocks of four), for the draw. */
let exB: usize = 0;
let heldB: usize = 0;
let enterB: usize = 0;
let leaveB: usize = 0;
let dirtyB: usize = 0;
let dirtyFlagsB: usize = 0;
/** Rows in the held sum, or −1 when `pot` holds none (the next spike sums its rows afresh). */
let heldCount: i32 = -1;
let dirtyCount: i32 = 0;
let activeG: i32 = 0;

/**
 * Bind the incremental potentials' scratch: the sums (f32 × cols, in whole blocks of four), the
 * softmax's arguments (the same size), the held bits (a u16 per sixteen rows), the entering and
 * leaving row lists (i32 × rows each), the changed columns (i32 × cols) and their flags
 * (u8 × cols).
 */
export function bindPotentials(
  pot: usize, ex: usize, held: usize, enter: usize, leave: usize, dirty: usize, dirtyFlags: usize,
): void {
  potB = pot;
  exB = ex;
  heldB = held;
  enterB = enter;
  leaveB = leave;
  dirtyB = dirty;
  dirtyFlagsB = dirtyFlags;
  potentialsReset();
}

/** Forget the held sum: the next spikeWinnerSince sums its active rows afresh. */
export function potentialsReset(): void {
  if (heldCount >= 0) memory.fill(heldB, 0, <usize>((rowsB + 15) >> 4) << 1);
  for (let q = 0; q < dirtyCount; q++)
    store<u8>(dirtyFlagsB + <usize>load<i32>(dirtyB + (<usize>q << 2)), 0);
  dirtyCount = 0;
  heldCount = -1;
}

/** Column k's weights have changed: the next spikeWinnerSince sums it afresh. */
export function potentialsColumn(k: i32): void {
  if (heldCount < 0 || load<u8>(dirtyFlagsB + <usize>k) != 0) return;
  store<u8>(dirtyFlagsB + <usize>k, 1);
  store<i32>(dirtyB + (<usize>dirtyCount << 2), k);
  dirtyCount++;
}

/** The active count of the last spikeWinnerSince. */
export function activeCount(): i32 {
  return activeG;
}

/**
 * One output spike of WtaLayer.present from the held potentials: each changed column k is summed
 * afresh over the held rows (pot_k = 0, then + g[i][k] for each held row i in list order, in
 * float32); then idx = the rows i, in increasing order, whose last spike step last[i] > since;
 * pot += the rows that entered (addRows, increasing order), pot −= the rows that left (subRows,
 * increasing order), unless as many rows enter and leave as are active: then pot = 0 + the
 * active rows, exactly spikeWinner's gather (always so for the image's first spike, and when no
 * row is active); then the first attempt of spikeWinner's draw (the winner, marked changed for
 * its STDP update, or −1: see pick). activeCount() gives the active count.
 */
export function spikeWinnerSince(
  since: i32, device: i32, a: f64, s: f64, vr: f64, biasOffset: f64, u01: f64, u2: f64,
  bias: usize,
): i32 {
  const N = rowsB;
  const K = colsB;
  const stride = <usize>K << 2;
  const pot = potB;
  if (heldCount < 0) {
    zero4(pot, K);
    heldCount = 0;
  } else {
    for (let q = 0; q < dirtyCount; q++) {
      const k = load<i32>(dirtyB + (<usize>q << 2));
      store<u8>(dirtyFlagsB + <usize>k, 0);
      const col = gB + (<usize>k << 2);
      let acc: f32 = 0;
      for (let j = 0; j < heldCount; j++)
        acc += load<f32>(col + <usize>load<i32>(idxB + (<usize>j << 2)) * stride);
      store<f32>(pot + (<usize>k << 2), acc);
    }
  }
  dirtyCount = 0;
  // The new active list, and the rows that enter and leave the held sum: sixteen rows at a
  // time, as bit masks (`held` keeps one bit per row), listed by their set bits.
  let n: usize = 0;
  let ne: usize = 0;
  let nl: usize = 0;
  const sinceV = i32x4.splat(since);
  for (let base = 0; base < N; base += 16) {
    const p = lastB + (<usize>base << 2);
    const m01 = i16x8.narrow_i32x4_s(
      i32x4.gt_s(v128.load(p), sinceV), i32x4.gt_s(v128.load(p, 16), sinceV),
    );
    const m23 = i16x8.narrow_i32x4_s(
      i32x4.gt_s(v128.load(p, 32), sinceV), i32x4.gt_s(v128.load(p, 48), sinceV),
    );
    let now = <u32>i8x16.bitmask(i8x16.narrow_i16x8_s(m01, m23));
    if (base + 16 > N) now &= (<u32>1 << <u32>(N - base)) - 1;
    const h = heldB + (<usize>base >> 3);
    const was = <u32>load<u16>(h);
    store<u16>(h, <u16>now);
    let e = now & ~was;
    let l = was & ~now;
    while (now != 0) {
      store<i32>(idxB + (n++ << 2), base + <i32>ctz(now));
      now &= now - 1;
    }
    while (e != 0) {
      store<i32>(enterB + (ne++ << 2), base + <i32>ctz(e));
      e &= e - 1;
    }
    while (l != 0) {
      store<i32>(leaveB + (nl++ << 2), base + <i32>ctz(l));
      l &= l - 1;
    }
  }
  if (ne + nl < n) {
    addRows(gB, K, stride, enterB, <i32>ne, pot);
    subRows(gB, K, stride, leaveB, <i32>nl, pot);
  } else {
    // As many rows move as are active: summing them afresh is no slower, and drops the rounding
    // the held sum has gathered (an empty list gives exactly 0, as the gather does).
    zero4(pot, K);
    addRows(gB, K, stride, idxB, <i32>n, pot);
  }
  heldCount = <i32>n;
  activeG = <i32>n;
  return device != 0
    ? softmax(pot, <i32>n, true, a, s, vr, biasOffset, u01, u2, bias)
    : softmax(pot, <i32>n, false, a, s, vr, biasOffset, u01, u2, bias);
}

/** p[0..K) = 0, and the padding to a whole block of four. */
function zero4(p: usize, K: i32): void {
  const K4 = (K + 3) & ~3;
  for (let j = 0; j < K4; j += 4) v128.store(p + (<usize>j << 2), f32x4.splat(0));
}

/** The read sum of the last `spikeWinner` with a device read. */
export function readSum(): f64 {
  return readSumG;
}

/** The LTD count of the last `stdpIdeal` or `devicePulses`. */
export function ltdCount(): i32 {
  return ltdG;
}

// fdlibm's e_exp.c constants (V8's Math.exp is fdlibm's).
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700e+00;
const P1: f64 = 1.66666666666666019037e-01;
const P2: f64 = -2.77777777770155933842e-03;
const P3: f64 = 6.61375632143793436117e-05;
const P4: f64 = -1.65339022054652515390e-06;
const P5: f64 = 4.13813679705723846039e-08;
const TWO_M1000: f64 = 9.33263618503218878990e-302;

/** fdlibm's exp as V8 has it (Math.exp, with exp(1) = Math.E), every branch, bit for bit. */
export function expFdlibm(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let hx = <u32>(bits >> 32);
  const xsb = <i32>(hx >> 31);
  hx &= 0x7fffffff;
  let hi: f64 = 0;
  let lo: f64 = 0;
  let k: i32 = 0;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if ((<u32>bits | (hx & 0xfffff)) != 0) return x + x; // NaN
      return xsb == 0 ? x : 0; // exp(±inf) = inf, 0
    }
    if (x > 7.09782712893383973096e+02) return Infinity;
    if (x < -7.45133219101941108420e+02) return 0;
  }
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (x == 1.0) return 2.718281828459045; // V8 returns Math.E here (fdlibm is 1 ulp off)
      hi = xsb == 0 ? x - LN2_HI : x + LN2_HI;
      lo = xsb == 0 ? LN2_LO : -LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = <i32>(INV_LN2 * x + (xsb == 0 ? 0.5 : -0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1 + x;
  } else {
    k = 0;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * 8.98846567431158e307;
    return y * reinterpret<f64>(<u64>(0x3ff + k) << 52);
  }
  return y * reinterpret<f64>(<u64>(0x3ff + k + 1000) << 52) * TWO_M1000;
}

/**
 * One output spike: u_k = read of the `count` active rows listed at idx (+ the weight store's
 * transform), plus bias[k] + biasOffset; then the first attempt of the winner's draw from
 * softmax(u) with the uniforms u01 and u2: the winner, or −1 if rejected (then `redraw`).
 * `device` 0: u_k = Σ g (ideal weights). 1: o_k = (Σ g)·vr, u_k = a·count + s·o_k, and Σ o_k
 * (float64, in four running sums: outputs k mod 4) is kept for `readSum`. The biases b_k are the
 * f64 × cols at `bias` (the bound scratch, or the owner's biases). Exactly the JS reference
 * (softmaxDraw):
 * - u_k two lanes at a time (the same float64 operations per element), and its max over two
 *   pairs of lanes: `pmax` is the reference's `if (v > max) max = v`, and the max of a set does
 *   not depend on the order (up to the sign of a zero max, which no u_k − max can tell apart);
 * - x_k = float32(u_k − max) and its bound32 four lanes at a time (blocks of four outputs), each
 *   block's float32 sum of bounds and the blocks' float64 prefix sums in block order; then the
 *   attempt (see pick). Forgets the held potentials. Leaves the bounds in out, x in ex and the
 *   prefix sums in u.
 */
export function spikeWinner(
  count: i32, device: i32, a: f64, s: f64, vr: f64, biasOffset: f64, u01: f64, u2: f64,
  bias: usize,
): i32 {
  potentialsReset(); // out and idx no longer hold the held sum
  sumRows(gB, colsB, idxB, count, outB);
  return device != 0
    ? softmax(outB, count, true, a, s, vr, biasOffset, u01, u2, bias)
    : softmax(outB, count, false, a, s, vr, biasOffset, u01, u2, bias);
}

// A float32 exp for x in [−87, 80] (the softmax's x = u_k − max ≤ 0, below −87 taken as 0; the LTP's −w):
// n = x·log2 e rounded to nearest (ties to even), r = x − n·C1 − n·C2 (Cody–Waite), a degree-7 polynomial
// 1 + r + r²·p(r) (Cephes' expf coefficients), times 2^n. Every step is one float32 operation,
// the same in each lane and in the JS reference (src/network/softmax.ts, `exp32`).
const L2E32: f32 = 1.44269504088896341;
const C1_32: f32 = 0.693359375;
const C2_32: f32 = -2.12194440e-4;
const Q0: f32 = 1.9875691500e-4;
const Q1: f32 = 1.3981999507e-3;
const Q2: f32 = 8.3334519073e-3;
const Q3: f32 = 4.1665795894e-2;
const Q4: f32 = 1.6666665459e-1;
const Q5: f32 = 5.0000001201e-1;
const EXP32_MIN: f32 = -87.0;
const MAGIC32: f32 = 12582912.0; // 1.5·2^23

/** exp32 on four float32 lanes. */
// @ts-ignore: decorator
@inline function exp32x4(x: v128): v128 {
  // n = round(x·log2 e) to nearest even, by adding 1.5·2^23: t's low mantissa bits are n.
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(L2E32)), f32x4.splat(MAGIC32));
  const nf = f32x4.sub(t, f32x4.splat(MAGIC32));
  let r = f32x4.sub(x, f32x4.mul(nf, f32x4.splat(C1_32)));
  r = f32x4.sub(r, f32x4.mul(nf, f32x4.splat(C2_32)));
  const z = f32x4.mul(r, r);
  let p = f32x4.add(f32x4.mul(f32x4.splat(Q0), r), f32x4.splat(Q1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(Q2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(Q3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(Q4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(Q5));
  p = f32x4.add(f32x4.add(f32x4.mul(p, z), r), f32x4.splat(1));
  const ok = f32x4.ge(x, f32x4.splat(EXP32_MIN)); // false for NaN too
  const scale = i32x4.shl(i32x4.add(t, i32x4.splat(127 - 0x4b400000)), 23); // 2^n
  return v128.and(f32x4.mul(p, scale), ok);
}

// An upper bound of exp32 for the softmax's draw, four operations a lane: for x in [−87, 0],
// t = float32(float32(x·C) + B) with C = float32(2^23·log2 e) and B = 127·2^23 is, read as the
// bits of a float32, 2^⌊y⌋·(1 + frac y) for y ≈ x·log2 e, the chord above 2^y (at most 6.2 %
// above it); 192 more units of the last place cover the rounding of t (at most 110 units) and
// exp32's error (2.1). Below −87 (and for NaN) 0, as exp32. The draw accepts a candidate k with
// probability exp32(x_k)/bound(x_k), so the winners follow exp32 exactly.
const BOUND_C: f32 = 12102203.0;
const BOUND_B: f32 = 1065353216.0; // 127·2^23
const BOUND_PAD: i32 = 192;

/** bound32 on four float32 lanes. */
// @ts-ignore: decorator
@inline function bound32x4(x: v128): v128 {
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(BOUND_C)), f32x4.splat(BOUND_B));
  const bits = i32x4.add(i32x4.trunc_sat_f32x4_s(t), i32x4.splat(BOUND_PAD));
  return v128.and(bits, f32x4.ge(x, f32x4.splat(EXP32_MIN)));
}

/** Lane `lane` of bound32x4 (for tests). */
export function bound32Lane(x0: f32, x1: f32, x2: f32, x3: f32, lane: i32): f32 {
  const e = bound32x4(f32x4(x0, x1, x2, x3));
  return lane == 0 ? f32x4.extract_lane(e, 0) : lane == 1 ? f32x4.extract_lane(e, 1)
    : lane == 2 ? f32x4.extract_lane(e, 2) : f32x4.extract_lane(e, 3);
}

/** Lane `lane` of exp32x4 (for tests). */
export function exp32Lane(x0: f32, x1: f32, x2: f32, x3: f32, lane: i32): f32 {
  const e = exp32x4(f32x4(x0, x1, x2, x3));
  const v = lane == 0 ? f32x4.extract_lane(e, 0) : lane == 1 ? f32x4.extract_lane(e, 1)
    : lane == 2 ? f32x4.extract_lane(e, 2) : f32x4.extract_lane(e, 3);
  return v;
}

/**
 * spikeWinner after the gather, for an ideal (`device` false) or a device read, of the sums at
 * `src` (f32 × cols: out after spikeWinner's gather, the held potentials for spikeWinnerSince).
 */
// @ts-ignore: decorator
@inline function softmax(
  src: usize, count: i32, device: bool, a: f64, s: f64, vr: f64, biasOffset: f64, u01: f64,
  u2: f64, bias: usize,
): i32 {
  const K = colsB;
  const u = uB;
  const out = outB;
  const K2 = K & ~1;
  const bo = f64x2.splat(biasOffset);
  const base = a * <f64>count;
  const baseV = f64x2.splat(base);
  const sV = f64x2.splat(s);
  const vrV = f64x2.splat(vr);
  let m0 = f64x2.splat(-Infinity);
  let m1 = m0;
  // The read sum Σ o_k (device) in four running sums: outputs k ≡ 0, 1, 2, 3 (mod 4).
  let r0 = f64x2.splat(0);
  let r1 = r0;
  let k = 0;
  for (; k < K2; k += 2) {
    let v = f64x2.promote_low_f32x4(v128.load64_zero(src + (<usize>k << 2)));
    if (device) {
      const o = f64x2.mul(v, vrV);
      if (k & 2) r1 = f64x2.add(r1, o);
      else r0 = f64x2.add(r0, o);
      v = f64x2.add(baseV, f64x2.mul(sV, o));
    }
    v = f64x2.add(f64x2.add(v, v128.load(bias + (<usize>k << 3))), bo);
    v128.store(u + (<usize>k << 3), v);
    if (k & 2) m1 = f64x2.pmax(m1, v);
    else m0 = f64x2.pmax(m0, v);
  }
  let rsum = (f64x2.extract_lane(r0, 0) + f64x2.extract_lane(r1, 0)) +
    (f64x2.extract_lane(r0, 1) + f64x2.extract_lane(r1, 1));
  m0 = f64x2.pmax(m0, m1);
  let max = f64x2.extract_lane(m0, 0);
  const max1 = f64x2.extract_lane(m0, 1);
  if (max1 > max) max = max1;
  for (; k < K; k++) {
    let v = <f64>load<f32>(src + (<usize>k << 2));
    if (device) {
      const o = v * vr;
      rsum += o;
      v = base + s * o;
    }
    v = v + load<f64>(bias + (<usize>k << 3)) + biasOffset;
    store<f64>(u + (<usize>k << 3), v);
    if (v > max) max = v;
  }
  // Pad to whole blocks of four (bound32(−∞) = 0).
  const K4 = (K + 3) & ~3;
  for (; k < K4; k++) store<f64>(u + (<usize>k << 3), -Infinity);
  // Blocks of four: x = float32(u_k − max) into ex, g = bound32(x) into out, the block's float32
  // sum (g0 + g1) + (g2 + g3), and the float64 prefix sums of the blocks in block order into u[j].
  const mx = f64x2.splat(max);
  let sum: f64 = 0;
  const nb = K4 >> 2;
  for (let j = 0; j < nb; j++) {
    const p = u + (<usize>j << 5);
    const lo = f32x4.demote_f64x2_zero(f64x2.sub(v128.load(p), mx));
    const hi = f32x4.demote_f64x2_zero(f64x2.sub(v128.load(p, 16), mx));
    const x = v128.shuffle<f32>(lo, hi, 0, 1, 4, 5);
    v128.store(exB + (<usize>j << 4), x);
    const g = bound32x4(x);
    v128.store(out + (<usize>j << 4), g);
    const pairs = f32x4.add(g, v128.shuffle<f32>(g, g, 1, 0, 3, 2));
    sum += <f64>(f32x4.extract_lane(pairs, 0) + f32x4.extract_lane(pairs, 2));
    store<f64>(u + (<usize>j << 3), sum);
  }
  if (device) readSumG = rsum;
  sumG = sum;
  return attempt(u01, u2);
}

/** pick, and the winner's column marked changed (its STDP update follows). */
function attempt(u01: f64, u2: f64): i32 {
  const k = pick(u01, u2);
  if (k >= 0) potentialsColumn(k);
  return k;
}

/** Σ of the bounds of the last softmax (the draw's normaliser). */
let sumG: f64 = 0;

/**
 * One attempt of the softmax draw on the last softmax's bounds: the candidate is the first block
 * whose prefix sum exceeds r = u01·Σ, then the first element of it whose running float64 sum
 * (from the previous prefix) exceeds r (failing that, from rounding, the block's last element
 * with a bound > 0); it is accepted if u2·bound_k < exp32(x_k). Returns the winner, −1 if
 * rejected (draw again with `redraw`), or K − 1 if no block qualifies (e.g. a NaN r).
 */
function pick(u01: f64, u2: f64): i32 {
  const K = colsB;
  const u = uB;
  const out = outB;
  const nb = (K + 3) >> 2;
  const r = u01 * sumG;
  let lo = 0;
  let hi = nb;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (r < load<f64>(u + (<usize>mid << 3))) hi = mid;
    else lo = mid + 1;
  }
  if (lo >= nb) return K - 1;
  let acc: f64 = lo > 0 ? load<f64>(u + (<usize>(lo - 1) << 3)) : 0;
  const first = lo << 2;
  let k = first;
  for (let i = first; i < first + 4; i++) {
    const g = load<f32>(out + (<usize>i << 2));
    if (g > 0) k = i;
    acc += <f64>g;
    if (r < acc) {
      k = i;
      break;
    }
  }
  const g = load<f32>(out + (<usize>k << 2));
  const e = f32x4.extract_lane(exp32x4(f32x4.splat(load<f32>(exB + (<usize>k << 2)))), 0);
  return u2 * <f64>g < <f64>e ? k : -1;
}

/** Another attempt of the last spikeWinner's draw, after a rejection (see pick). */
export function redraw(u01: f64, u2: f64): i32 {
  return attempt(u01, u2);
}

/** flags[i] = 1 for the `count` rows listed at idx, 0 elsewhere. */
function setFlags(count: i32): void {
  memory.fill(flagsB, 0, <usize>rowsB);
  for (let j = 0; j < count; j++) store<u8>(flagsB + <usize>load<i32>(idxB + (<usize>j << 2)), 1);
}

/** The q-th row of an i32 row list. */
// @ts-ignore: decorator
@inline function listedRow(list: usize, q: usize): i32 {
  return load<i32>(list + (q << 2));
}

/** |w| below which the LTP takes exp(−w) as exp32 (the JS reference's LTP_EXP32_RANGE). */
const LTP_EXP32_RANGE: f32 = 80;

/** The ideal rule's LTP exp(−w) for one lane: exp32(−w), or fdlibm's exp beyond the range. */
// @ts-ignore: decorator
@inline function ltpExpLane(w: f32): f64 {
  return abs<f32>(w) < LTP_EXP32_RANGE
    ? <f64>f32x4.extract_lane(exp32x4(f32x4.splat(-w)), 0)
    : expFdlibm(-<f64>w);
}

/** y = x + eta·(c·e − 1) on two float64 lanes, clipped as `y < wMin ? wMin : y > wMax ? wMax : y`. */
// @ts-ignore: decorator
@inline function ltpStep(x: v128, e: v128, eta: f64, c: f64, wMin: f64, wMax: f64): v128 {
  const y = f64x2.add(
    x, f64x2.mul(f64x2.splat(eta), f64x2.sub(f64x2.mul(f64x2.splat(c), e), f64x2.splat(1))),
  );
  const lowV = f64x2.splat(wMin);
  const highV = f64x2.splat(wMax);
  return v128.bitselect(lowV, v128.bitselect(highV, y, f64x2.gt(y, highV)), f64x2.lt(y, lowV));
}

/**
 * The ideal rule's LTP on the cells of rows i0..i3 in column k (lanes may repeat a cell): the
 * exps four lanes at a time in float32, the step in float64, as the reference (IdealStdp); each
 * cell's floor bit is set or cleared to match its new weight.
 */
// @ts-ignore: decorator
@inline function ltpQuad(
  i0: i32, i1: i32, i2: i32, i3: i32, k: i32, eta: f64, c: f64, wMin: f64, wMax: f64,
): void {
  const g = gB;
  const step = <usize>colsB;
  const o0 = (<usize>i0 * step + <usize>k) << 2;
  const o1 = (<usize>i1 * step + <usize>k) << 2;
  const o2 = (<usize>i2 * step + <usize>k) << 2;
  const o3 = (<usize>i3 * step + <usize>k) << 2;
  let x = v128.load32_zero(g + o0);
  x = v128.load32_lane(g + o1, x, 1);
  x = v128.load32_lane(g + o2, x, 2);
  x = v128.load32_lane(g + o3, x, 3);
  const x23 = v128.shuffle<f32>(x, x, 2, 3, 2, 3);
  let e01: v128;
  let e23: v128;
  if (i32x4.all_true(f32x4.lt(f32x4.abs(x), f32x4.splat(LTP_EXP32_RANGE)))) {
    const e = exp32x4(f32x4.neg(x));
    e01 = f64x2.promote_low_f32x4(e);
    e23 = f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3));
  } else {
    e01 = f64x2.replace_lane(
      f64x2.splat(ltpExpLane(f32x4.extract_lane(x, 0))), 1, ltpExpLane(f32x4.extract_lane(x, 1)),
    );
    e23 = f64x2.replace_lane(
      f64x2.splat(ltpExpLane(f32x4.extract_lane(x, 2))), 1, ltpExpLane(f32x4.extract_lane(x, 3)),
    );
  }
  const w01 = ltpStep(f64x2.promote_low_f32x4(x), e01, eta, c, wMin, wMax);
  const w23 = ltpStep(f64x2.promote_low_f32x4(x23), e23, eta, c, wMin, wMax);
  const w = v128.shuffle<f32>(
    f32x4.demote_f64x2_zero(w01), f32x4.demote_f64x2_zero(w23), 0, 1, 4, 5,
  );
  v128.store32_lane(g + o0, w, 0);
  v128.store32_lane(g + o1, w, 1);
  v128.store32_lane(g + o2, w, 2);
  v128.store32_lane(g + o3, w, 3);
  setBit(floorWordAt(k, i0), i0, <f64>f32x4.extract_lane(w, 0) == wMin);
  setBit(floorWordAt(k, i1), i1, <f64>f32x4.extract_lane(w, 1) == wMin);
  setBit(floorWordAt(k, i2), i2, <f64>f32x4.extract_lane(w, 2) == wMin);
  setBit(floorWordAt(k, i3), i3, <f64>f32x4.extract_lane(w, 3) == wMin);
}

// The ideal rule's floor bits: bit i % 32 of word k·FW + ⌊i/32⌋ (FW = ⌈rows/32⌉ words per column)
// is set when w[i][k] equals wMin (floorWMin). An LTD step leaves such a cell where it is (w − η
// clips back to wMin for η ≥ 0), so the LTD skips it without reading it: after some
// training about half of the LTD cells sit there, each a cache line apart. A column's bits are
// trusted only while floorOk[k] is set: stdpIdeal sets it after updating the column (every cell
// of the column is then written; a frozen cell's bit is never read), and `floorForget` clears it
// (IdealStdp.maskChanged, which also covers a changed mask, and IdealSynapses.setWeight).
let floorB: usize = 0;
/** The frozen cells as bits, laid out as floorB, trusted with them (a masked column's). */
let frozenBitsB: usize = 0;
let floorOkB: usize = 0;
let floorWords: i32 = 0;
let floorWMin: f64 = NaN;

/**
 * Bind the floor bits and the frozen bits (u32 × cols·⌈rows/32⌉ each) and their per-column
 * flags (u8 × cols).
 */
export function bindFloor(floor: usize, frozen: usize, ok: usize): void {
  floorB = floor;
  frozenBitsB = frozen;
  floorOkB = ok;
  floorWords = (rowsB + 31) >> 5;
  floorForget(-1);
}

/** Forget the floor and frozen bits of column k (of every column if k < 0). */
export function floorForget(k: i32): void {
  if (k < 0) memory.fill(floorOkB, 0, <usize>colsB);
  else store<u8>(floorOkB + <usize>k, 0);
}

/** The address of the word of column k holding row i's bit, in the bits at `bits` (see floorB). */
// @ts-ignore: decorator
@inline function bitWordAt(bits: usize, k: i32, i: i32): usize {
  return bits + ((<usize>k * <usize>floorWords + <usize>(i >> 5)) << 2);
}

/** The floor word of column k holding row i's bit. */
// @ts-ignore: decorator
@inline function floorWordAt(k: i32, i: i32): usize {
  return bitWordAt(floorB, k, i);
}

/** The frozen-bits word of column k holding row i's bit. */
// @ts-ignore: decorator
@inline function frozenWordAt(k: i32, i: i32): usize {
  return bitWordAt(frozenBitsB, k, i);
}

/** Set (on) or clear row i's bit in the word at p. */
// @ts-ignore: decorator
@inline function setBit(p: usize, i: i32, on: bool): void {
  const bit = <u32>1 << <u32>(i & 31);
  const w = load<u32>(p);
  store<u32>(p, on ? w | bit : w & ~bit);
}

/**
 * The ideal rule on column k for the `count` active rows listed at idx: LTP
 * w + η(c·exp(−w) − 1) on active rows, LTD w − η elsewhere, clipped to [wMin, wMax], frozen cells
 * skipped. Returns the LTP count (LTD in `ltdCount`). Exactly IdealStdp.update: each cell sees the
 * same operations (the LTP cells four at a time, see ltpQuad), and cells do not interact.
 * `frozen`: the column's number of frozen cells if the caller knows it, or −1 to count them into
 * frozenG (see frozenCount); with 0 the mask is not read. Cells the column's floor bits put at
 * wMin are not read for their LTD (a no-op), and frozen cells come from its frozen bits (see
 * floorB), both rebuilt when not trusted.
 */
export function stdpIdeal(
  k: i32, count: i32, eta: f64, c: f64, wMin: f64, wMax: f64, frozen: i32,
): i32 {
  if (frozen == 0) return stdpColumn(k, count, eta, c, wMin, wMax, false, false);
  if (frozen > 0) return stdpColumn(k, count, eta, c, wMin, wMax, true, false);
  return stdpColumn(k, count, eta, c, wMin, wMax, true, true);
}

/**
 * stdpIdeal, reading the mask (`masked`) or for a column with no frozen cell, and counting the
 * frozen cells into frozenG (`counting`, masked only).
 */
// @ts-ignore: decorator
@inline function stdpColumn(
  k: i32, count: i32, eta: f64, c: f64, wMin: f64, wMax: f64, masked: bool, counting: bool,
): i32 {
  setFlags(count);
  const N = rowsB;
  const step = <usize>colsB;
  const list = scratchB;
  if (wMin != floorWMin) {
    floorForget(-1);
    floorWMin = wMin;
  }
  // A column whose bits are trusted (see floorB) has its frozen cells as bits and skips its
  // floor cells' LTD; one that is not has its frozen bits read from the mask (a masked column)
  // and its floor bits rebuilt from the values this update writes (every unfrozen cell; a
  // frozen cell's floor bit is never read).
  // floorOk[k]: 0 not trusted, 1 trusted without frozen bits, 2 with them (read from the mask).
  const ok = load<u8>(floorOkB + <usize>k);
  const trusted = eta >= 0 && (masked ? ok == 2 : ok != 0);
  if (!trusted) {
    memory.fill(floorWordAt(k, 0), 0, <usize>floorWords << 2);
    memory.fill(frozenWordAt(k, 0), 0, <usize>floorWords << 2);
    if (masked) {
      let j = <usize>k;
      for (let i = 0; i < N; i++, j += step)
        if (load<u8>(maskB + j) != 0) setBit(frozenWordAt(k, i), i, true);
    }
  }
  // LTP: the unfrozen active rows, listed without branches, four cells at a time (the last one
  // to three repeat the last cell in the spare lanes).
  let m: usize = 0;
  for (let j = 0; j < count; j++) {
    const i = load<i32>(idxB + (<usize>j << 2));
    store<i32>(list + (m << 2), i);
    m += masked ? <usize>(((load<u32>(frozenWordAt(k, i)) >>> <u32>(i & 31)) & 1) ^ 1) : 1;
  }
  let q: usize = 0;
  for (; q + 3 < m; q += 4)
    ltpQuad(
      listedRow(list, q), listedRow(list, q + 1), listedRow(list, q + 2), listedRow(list, q + 3),
      k, eta, c, wMin, wMax,
    );
  if (q < m) {
    const a = listedRow(list, q);
    const b = q + 1 < m ? listedRow(list, q + 1) : a;
    const d = q + 2 < m ? listedRow(list, q + 2) : b;
    ltpQuad(a, b, d, d, k, eta, c, wMin, wMax);
  }
  const ltp = <i32>m;
  // LTD: the unfrozen inactive rows, sixteen at a time as bit masks, in row order; every one is
  // an LTD update (counted), but a trusted floor cell is left as it is.
  let d = 0;
  let frozen = 0;
  for (let base = 0; base < N; base += 16) {
    const shift = <u32>(base & 16);
    let all = ~<u32>i8x16.bitmask(i8x16.ne(v128.load(flagsB + <usize>base), i8x16.splat(0)));
    all &= base + 16 > N ? (<u32>1 << <u32>(N - base)) - 1 : 0xffff;
    if (masked) {
      const fr = (load<u32>(frozenWordAt(k, base)) >>> shift) & 0xffff;
      if (counting) frozen += <i32>popcnt(fr);
      all &= ~fr;
    }
    d += <i32>popcnt(all);
    const fw = floorWordAt(k, base);
    let left = trusted ? all & ~(load<u32>(fw) >>> shift) : all;
    let floor: u32 = 0;
    while (left != 0) {
      const b = ctz(left);
      const p = gB + ((<usize>(base + <i32>b) * step + <usize>k) << 2);
      const y = <f64>load<f32>(p) - eta;
      const w = <f32>(y < wMin ? wMin : y > wMax ? wMax : y);
      store<f32>(p, w);
      floor |= <u32>(<f64>w == wMin) << b;
      left &= left - 1;
    }
    if (floor != 0) store<u32>(fw, load<u32>(fw) | (floor << shift));
  }
  // η ≥ 0 keeps a floor cell's LTD a no-op (false for a NaN η too).
  store<u8>(floorOkB + <usize>k, eta >= 0 ? (masked ? 2 : 1) : 0);
  if (counting) frozenG = frozen;
  ltdG = d;
  return ltp;
}

/** xoshiro128** on the bound generator state in memory: Rng.uint32. */
// @ts-ignore: decorator
@inline function nextU32(): u32 {
  const s0 = load<i32>(rngB);
  const s1 = load<i32>(rngB, 4);
  const s2 = load<i32>(rngB, 8);
  const s3 = load<i32>(rngB, 12);
  const r = rotl<i32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  store<i32>(rngB, s0 ^ n3);
  store<i32>(rngB, s1 ^ n2, 4);
  store<i32>(rngB, n2 ^ t, 8);
  store<i32>(rngB, rotl<i32>(n3, 11), 12);
  return <u32>r;
}

/** What drawColumn queued: the pulsed unfrozen cells, how many of them are SET, any stuck. */
let queuedM: usize = 0;
let queuedUps: i32 = 0;
let queuedFaults: i32 = 0;

/**
 * The geometric-gap pulse draw of column k (at most one pulse per cell, a cell pulsed with
 * probability frac, logq = ln(1 − frac)): +1 into the pulses scratch for the active rows, −1
 * elsewhere, 0 for frozen cells (the scratch must be zero-filled). Positions are float64, as in
 * JS: a gap can exceed the i32 range when frac is tiny. The generator state is kept in locals,
 * and fdlibm's log is Math.log (V8's), so there is no call to the host. With `queue`, the pulsed
 * cells are also queued for the pulse kernel (cell << 1 | up, in line order; see queuedM).
 *
 * No branch on the mask: a frozen cell stores 0 and, when queueing, a queue entry that the next
 * pulsed cell overwrites (the count does not advance). A branch is mispredicted half the time
 * once pruning has frozen a random half of the column, and each miss throws away the next
 * draws' logarithms already under way.
 */
// @ts-ignore: decorator
@inline function drawColumn(k: i32, frac: f64, logq: f64, queue: bool): void {
  const N = rowsB;
  const step = <usize>colsB;
  const p = pulsesB;
  const list = queue ? pulseQueueAt() : 0;
  const stuck = queue ? pulseStuckAt() : 0;
  let s0 = load<i32>(rngB);
  let s1 = load<i32>(rngB, 4);
  let s2 = load<i32>(rngB, 8);
  let s3 = load<i32>(rngB, 12);
  const n = <f64>N;
  let x: f64 = frac > 0 ? -1 : n; // the first draw is the cells before the first pulse
  let m: usize = 0;
  let ups = 0;
  let faults = 0;
  while (x < n) {
    const r = rotl<i32>(s1 * 5, 7) * 9;
    const sh = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s1 = s1 ^ n2;
    s0 = s0 ^ n3;
    s2 = n2 ^ sh;
    s3 = rotl<i32>(n3, 11);
    x += 1 + Math.floor(logFdlibm((<f64>(<u32>r) + 0.5) * TWO_M32) / logq);
    if (!(x < n)) break;
    const i = <i32>x;
    const cell = <usize>i * step + <usize>k;
    const keep = <i32>(load<u8>(maskB + cell) == 0);
    const up = <i32>(load<u8>(flagsB + <usize>i) != 0);
    store<i8>(p + <usize>i, <i8>((up + up - 1) * keep));
    if (queue) {
      faults |= <i32>load<u8>(stuck + cell) * keep; // stuck codes may exceed 1: no &
      store<i32>(list + (m << 2), <i32>(cell << 1) | up);
      m += <usize>keep;
      ups += up & keep;
    }
  }
  store<i32>(rngB, s0);
  store<i32>(rngB, s1, 4);
  store<i32>(rngB, s2, 8);
  store<i32>(rngB, s3, 12);
  queuedM = m;
  queuedUps = ups;
  queuedFaults = faults;
}

/**
 * The update counts of a column whose active rows are listed at idx, as the peer counts them:
 * LTP for the unfrozen active cells (returned), LTD for the other unfrozen cells (into ltdG).
 * `frozen` is the column's number of frozen cells if the caller knows it, or −1: then the mask
 * is scanned (397 cells a cache line apart) and the count left in frozenG.
 */
// @ts-ignore: decorator
@inline function countColumn(k: i32, count: i32, frozen: i32): i32 {
  const N = rowsB;
  const step = <usize>colsB;
  if (frozen < 0) {
    frozen = 0;
    let j = <usize>k;
    for (let i = 0; i < N; i++, j += step) frozen += <i32>(load<u8>(maskB + j) != 0);
  }
  frozenG = frozen;
  // With no frozen cell in the column, every active cell is an LTP update.
  let ltp = count;
  if (frozen != 0) {
    ltp = 0;
    for (let q = 0; q < count; q++) {
      const i = <usize>load<i32>(idxB + (<usize>q << 2));
      ltp += <i32>(load<u8>(maskB + i * step + <usize>k) == 0);
    }
  }
  ltdG = N - frozen - ltp;
  return ltp;
}

/** See frozenG. */
export function frozenCount(): i32 {
  return frozenG;
}

/**
 * The device rule's pulse counts for column k (exactly DeviceStdp.update before its pulseColumn):
 * into the pulses scratch, +n for the active rows listed at idx, −n elsewhere, 0 for frozen
 * cells, with n = base + Bernoulli(frac) drawn per cell (capped at 127); when base is 0, only
 * the cells picked by geometric gaps (logq = ln(1 − frac)) get one pulse. Returns the LTP count
 * (LTD in `ltdCount`): every unfrozen cell, as the peer counts updates. `frozen`: the column's
 * frozen cells, or −1 to count them (base 0 only; see countColumn).
 */
export function devicePulses(
  k: i32, count: i32, base: i32, frac: f64, logq: f64, frozen: i32,
): i32 {
  setFlags(count);
  const N = rowsB;
  const p = pulsesB;
  if (base == 0) {
    memory.fill(p, 0, <usize>N);
    drawColumn(k, frac, logq, false);
    return countColumn(k, count, frozen);
  }
  const step = <usize>colsB;
  let ltp = 0;
  let ltd = 0;
  let j = <usize>k;
  for (let i = 0; i < N; i++, j += step) {
    if (load<u8>(maskB + j) != 0) {
      store<i8>(p + <usize>i, 0);
      continue;
    }
    let n = base + (<f64>nextU32() * TWO_M32 < frac ? 1 : 0);
    if (n > 127) n = 127;
    if (load<u8>(flagsB + <usize>i) != 0) {
      store<i8>(p + <usize>i, <i8>n);
      ltp++;
    } else {
      store<i8>(p + <usize>i, <i8>-n);
      ltd++;
    }
  }
  ltdG = ltd;
  return ltp;
}

/**
 * devicePulses with base 0 (at most one pulse per cell), then the pulses themselves through the
 * crossbar's pulse kernel (./pulse.ts, bound to this matrix): the pulsed cells are queued as they
 * are drawn, so the kernel skips its scan of the line (`pulseQueue`); if one of them is stuck,
 * the whole column goes through `pulse` instead. Exactly devicePulses then `pulse(k, cols, rows,
 * pulses)`: the same pulse counts, draws, conductances, tally and generator states. `frozen` as
 * for devicePulses.
 */
export function devicePulseColumn(k: i32, count: i32, frac: f64, logq: f64, frozen: i32): i32 {
  setFlags(count);
  memory.fill(pulsesB, 0, <usize>rowsB);
  drawColumn(k, frac, logq, true);
  const ltp = countColumn(k, count, frozen);
  if (queuedFaults != 0) pulse(k, colsB, rowsB, pulsesB);
  else pulseQueue(<i32>queuedM, queuedUps);
  return ltp;
}

// fdlibm's e_log.c constants (V8's Math.log is fdlibm's).
const LN2_HI_L: f64 = 6.93147180369123816490e-01;
const LN2_LO_L: f64 = 1.90821492927058770002e-10;
const TWO54: f64 = 1.80143985094819840000e+16;
const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;

/** fdlibm's log as V8 has it (Math.log), every branch, bit for bit. */
export function logFdlibm(x: f64): f64 {
  let bits = reinterpret<u64>(x);
  let hx = <i32>(bits >> 32);
  const lx = <u32>bits;
  let k: i32 = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    bits = reinterpret<u64>(x);
    hx = <i32>(bits >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  x = reinterpret<f64>((<u64>(hx | (i0 ^ 0x3ff00000)) << 32) | (bits & 0xffffffff));
  k += i0 >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0) {
      if (k == 0) return 0;
      const dk = <f64>k;
      return dk * LN2_HI_L + dk * LN2_LO_L;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * LN2_HI_L - ((R - dk * LN2_LO_L) - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  let i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI_L - ((hfsq - (s * (hfsq + R) + dk * LN2_LO_L)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI_L - ((s * (f - R) - dk * LN2_LO_L) - f);
}

/**
 * Poisson encoding of one image (exactly PoissonEncoder.encode): for each of the `pixels` bytes
 * at img with a non-zero value v, spike steps by geometric gaps floor(ln U / logq[v]) below T,
 * U = (uint32 + 0.5)·2^−32 from the generator state at rng; then a stable counting sort by step
 * into start (T + 1 entries) and inputs, with tmpT, tmpI and fill (T entries) as scratch (room
 * for pixels·T spikes). Returns the spike count.
 */
export function encode(
  img: usize, pixels: i32, T: i32, logq: usize, rng: usize,
  tmpT: usize, tmpI: usize, inputs: usize, start: usize, fill: usize,
): i32 {
  let s0 = load<i32>(rng);
  let s1 = load<i32>(rng, 4);
  let s2 = load<i32>(rng, 8);
  let s3 = load<i32>(rng, 12);
  const steps = <f64>T;
  let n: usize = 0;
  for (let i = 0; i < pixels; i++) {
    const v = <usize>load<u8>(img + <usize>i);
    if (v == 0) continue;
    const lq = load<f64>(logq + (v << 3));
    let t: f64 = -1; // the first draw is the steps before the first spike
    for (;;) {
      const r = rotl<i32>(s1 * 5, 7) * 9;
      const sh = s1 << 9;
      const n2 = s2 ^ s0;
      const n3 = s3 ^ s1;
      s1 = s1 ^ n2;
      s0 = s0 ^ n3;
      s2 = n2 ^ sh;
      s3 = rotl<i32>(n3, 11);
      t += 1 + Math.floor(logFdlibm((<f64>(<u32>r) + 0.5) * TWO_M32) / lq);
      if (!(t < steps)) break;
      store<i32>(tmpT + (n << 2), <i32>t);
      store<i32>(tmpI + (n << 2), i);
      n++;
    }
  }
  store<i32>(rng, s0);
  store<i32>(rng, s1, 4);
  store<i32>(rng, s2, 8);
  store<i32>(rng, s3, 12);
  memory.fill(start, 0, (<usize>T + 1) << 2);
  for (let q: usize = 0; q < n; q++) {
    const p = start + ((<usize>load<i32>(tmpT + (q << 2)) + 1) << 2);
    store<i32>(p, load<i32>(p) + 1);
  }
  for (let t = 0; t < T; t++) {
    const p = start + (<usize>t << 2);
    store<i32>(p + 4, load<i32>(p + 4) + load<i32>(p));
  }
  memory.copy(fill, start, <usize>T << 2);
  for (let q: usize = 0; q < n; q++) {
    const p = fill + (<usize>load<i32>(tmpT + (q << 2)) << 2);
    const at = load<i32>(p);
    store<i32>(p, at + 1);
    store<i32>(inputs + (<usize>at << 2), load<i32>(tmpI + (q << 2)));
  }
  return <i32>n;
}
