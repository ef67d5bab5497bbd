/**
 * The softmax winner draw of the winner-take-all layer, in plain JS: the reference that the
 * WebAssembly kernel (src/crossbar/wasm/train.ts, `spikeWinner`) reproduces bit for bit.
 *
 * The draw is exact rejection sampling: candidates come from a four-operation upper bound of the
 * exponential (`bound32`), scanned in blocks of four outputs by their float64 prefix sums, and a
 * candidate is accepted with probability exp32/bound (`exp32`, a float32 exp; every step one
 * float32 operation, emulated here with Math.fround, four lanes at a time in WebAssembly). So the
 * winners follow softmax exactly up to float32 rounding of the exponentials (relative error
 * below 2.5e-7), while only the candidates' exponentials are computed.
 */

const f = Math.fround;
const L2E32 = f(Math.LOG2E);
const C1_32 = f(0.693359375);
const C2_32 = f(-2.1219444e-4);
const Q0 = f(1.98756915e-4);
const Q1 = f(1.3981999507e-3);
const Q2 = f(8.3334519073e-3);
const Q3 = f(4.1665795894e-2);
const Q4 = f(1.6666665459e-1);
const Q5 = f(5.0000001201e-1);
const EXP32_MIN = -87;
const MAGIC32 = 12582912; // 1.5·2^23

/**
 * exp(x) in float32 for a float32 x in [−87, 80], and 0 below −87 (or for NaN): n = x·log2 e
 * rounded to nearest even (by adding 1.5·2^23), r = x − n·C1 − n·C2 (Cody–Waite),
 * 1 + r + r²·p(r) with Cephes' expf coefficients, times 2^n. Relative error below 2.5e-7 there
 * (the softmax takes x ≤ 0, the ideal rule's LTP exp(−w) for |w| < 80).
 *
 * @example
 * exp32(0); // 1
 * exp32(Math.fround(-1)); // 0.3678794503211975 (float32 of e^−1)
 */
export function exp32(x: number): number {
  if (!(x >= EXP32_MIN)) return 0;
  const t = f(f(x * L2E32) + MAGIC32);
  const n = f(t - MAGIC32);
  let r = f(x - f(n * C1_32));
  r = f(r - f(n * C2_32));
  const z = f(r * r);
  let p = f(f(Q0 * r) + Q1);
  p = f(f(p * r) + Q2);
  p = f(f(p * r) + Q3);
  p = f(f(p * r) + Q4);
  p = f(f(p * r) + Q5);
  p = f(f(f(p * z) + r) + 1);
  return f(p * 2 ** n);
}

const BOUND_C = f(12102203); // float32(2^23·log2 e)
const BOUND_B = 1065353216; // 127·2^23
const BOUND_PAD = 192;
const boundBits = new Int32Array(1);
const boundValue = new Float32Array(boundBits.buffer);

/**
 * An upper bound of exp32(x) in four float32 operations, for the softmax draw: for x in [−87, 0],
 * t = float32(float32(x·C) + B) with C = float32(2^23·log2 e) and B = 127·2^23, read as the bits
 * of a float32, is 2^⌊y⌋·(1 + frac y) for y ≈ x·log2 e: the chord above 2^y, at most 6.2 % above
 * exp(x). 192 more units in the last place cover the rounding of t (at most 110) and exp32's own
 * error (2.1). 0 below −87 or for NaN, as exp32.
 *
 * @example
 * bound32(0); // 1.0000228881835938 (1 + 192·2^−23)
 */
export function bound32(x: number): number {
  if (!(x >= EXP32_MIN)) return 0;
  boundBits[0] = Math.trunc(f(f(x * BOUND_C) + BOUND_B)) + BOUND_PAD;
  return boundValue[0]!;
}

/** A source of uniforms in [0, 1): an `Rng`, or anything with its `float()`. */
export interface Uniforms {
  float(): number;
}

let gScratch = new Float64Array(0);
let xScratch = new Float64Array(0);
let pScratch = new Float64Array(0);

/**
 * The winner of softmax(u_k + bias_k + biasOffset), drawn exactly by rejection from a cheap
 * bound, with two uniforms per attempt from `uniforms`. With v_k = u_k + bias_k + biasOffset
 * (float64), x_k = float32(v_k − max v) and g_k = bound32(x_k) (0 past K, up to a multiple of
 * four): block sums b_j = (g_4j + g_4j+1) + (g_4j+2 + g_4j+3) in float32 and their float64 prefix
 * sums P_j. Each attempt draws u01 then u2; r = u01 · P_last; the candidate is the first block j
 * with r < P_j, then in it the first k whose float64 running sum from P_j−1 exceeds r (failing
 * that, from rounding, the block's last k with g_k > 0); it wins if u2 · g_k < exp32(x_k), and
 * otherwise the next attempt draws again. K − 1 if no block qualifies (e.g. a NaN sum). Each
 * attempt picks k with probability ∝ g_k and accepts it with probability exp32(x_k)/g_k, so the
 * winner follows exp32(x_k) exactly; an attempt is accepted with probability 94 % or more.
 * Overwrites u with v.
 *
 * @example
 * softmaxDraw(Float64Array.of(0, 0), new Float64Array(2), 0, createRng(1)); // 0 or 1
 */
export function softmaxDraw(
  u: Float64Array,
  bias: Float64Array,
  biasOffset: number,
  uniforms: Uniforms,
): number {
  const K = u.length;
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    const v = u[k]! + bias[k]! + biasOffset;
    u[k] = v;
    if (v > max) max = v;
  }
  const nb = (K + 3) >> 2;
  if (gScratch.length < 4 * nb) {
    gScratch = new Float64Array(4 * nb);
    xScratch = new Float64Array(4 * nb);
    pScratch = new Float64Array(nb);
  }
  const g = gScratch;
  const x = xScratch;
  const P = pScratch;
  let sum = 0;
  for (let j = 0; j < nb; j++) {
    for (let i = 4 * j; i < 4 * j + 4; i++) {
      x[i] = i < K ? f(u[i]! - max) : -Infinity;
      g[i] = bound32(x[i]!);
    }
    sum += f(f(g[4 * j]! + g[4 * j + 1]!) + f(g[4 * j + 2]! + g[4 * j + 3]!));
    P[j] = sum;
  }
  for (;;) {
    const r = uniforms.float() * sum;
    const u2 = uniforms.float();
    let j = 0;
    while (j < nb && !(r < P[j]!)) j++;
    if (j === nb) return K - 1;
    let acc = j > 0 ? P[j - 1]! : 0;
    let k = 4 * j;
    for (let i = 4 * j; i < 4 * j + 4; i++) {
      if (g[i]! > 0) k = i;
      acc += g[i]!;
      if (r < acc) {
        k = i;
        break;
      }
    }
    if (u2 * g[k]! < exp32(x[k]!)) return k;
  }
}
