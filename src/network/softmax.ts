/**
 * The softmax winner draw of the winner-take-all layer, in plain JS: the reference that the
 * WebAssembly kernel (src/crossbar/wasm/train.ts, `spikeWinner`) reproduces bit for bit.
 */

/**
 * The winner of softmax(u_k + bias_k + biasOffset) for a uniform `u01` in [0, 1): the first k
 * whose cumulative sum of exp(u_k − max) exceeds u01 · Σ (K − 1 if none does, from rounding).
 * Overwrites u with exp(u_k − max).
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
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(u[k]! - max);
    u[k] = e;
    sum += e;
  }
  const r = u01 * sum;
  let acc = 0;
  for (let k = 0; k < K; k++) {
    acc += u[k]!;
    if (r < acc) return k;
  }
  return K - 1;
}
