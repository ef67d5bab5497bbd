/**
 * The softmax winner draw of the winner-take-all layer, in plain JS: the reference that the
 * WebAssembly kernel (src/crossbar/wasm/train.ts, `spikeWinner`) reproduces bit for bit.
 *
 * The exponentials are float32 (`exp32`, every step one float32 operation, emulated here with
 * Math.fround), four at a time in WebAssembly; the draw scans blocks of four outputs by their
 * float64 prefix sums, then the block's outputs. The outputs stay in index order, so this is
 * exact softmax sampling up to float32 rounding of the exponentials (relative error below
 * 2.5e-7), not an approximation of the distribution's shape.
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
 * exp(x) in float32 for a float32 x ≤ 0, and 0 below −87 (or for NaN): n = x·log2 e rounded to
 * nearest even (by adding 1.5·2^23), r = x − n·C1 − n·C2 (Cody–Waite), 1 + r + r²·p(r) with
 * Cephes' expf coefficients, times 2^n. Relative error below 2.5e-7 on [−87, 0].
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

let eScratch = new Float64Array(0);
let pScratch = new Float64Array(0);

/**
 * The winner of softmax(u_k + bias_k + biasOffset) for a uniform `u01` in [0, 1). With
 * v_k = u_k + bias_k + biasOffset, e_k = exp32(float32(v_k − max v)) (0 past K, up to a
 * multiple of four), block sums b_j = (e_4j + e_4j+1) + (e_4j+2 + e_4j+3) in float32 and
 * their float64 prefix sums P_j, r = u01 · P_last: the first block j with r < P_j, then in it
 * the first k whose float64 running sum from P_j−1 exceeds r (failing that, from rounding, the
 * block's last k with e_k > 0); K − 1 if no block qualifies. Overwrites u with v.
 *
 * @example
 * softmaxDraw(Float64Array.of(0, 0), new Float64Array(2), 0, 0.75); // 1
 */
export function softmaxDraw(
  u: Float64Array,
  bias: Float64Array,
  biasOffset: number,
  u01: number,
): number {
  const K = u.length;
  let max = -Infinity;
  for (let k = 0; k < K; k++) {
    const v = u[k]! + bias[k]! + biasOffset;
    u[k] = v;
    if (v > max) max = v;
  }
  const nb = (K + 3) >> 2;
  if (eScratch.length < 4 * nb) {
    eScratch = new Float64Array(4 * nb);
    pScratch = new Float64Array(nb);
  }
  const e = eScratch;
  const P = pScratch;
  let sum = 0;
  for (let j = 0; j < nb; j++) {
    for (let i = 4 * j; i < 4 * j + 4; i++) e[i] = i < K ? exp32(f(u[i]! - max)) : 0;
    sum += f(f(e[4 * j]! + e[4 * j + 1]!) + f(e[4 * j + 2]! + e[4 * j + 3]!));
    P[j] = sum;
  }
  const r = u01 * sum;
  let j = 0;
  while (j < nb && !(r < P[j]!)) j++;
  if (j === nb) return K - 1;
  let acc = j > 0 ? P[j - 1]! : 0;
  let last = 4 * j;
  for (let i = 4 * j; i < 4 * j + 4; i++) {
    if (e[i]! > 0) last = i;
    acc += e[i]!;
    if (r < acc) return i;
  }
  return last;
}
