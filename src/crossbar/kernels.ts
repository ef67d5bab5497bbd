/**
 * Array-read kernels over a row-major rows × cols float32 matrix (the crossbar's conductances, or
 * the ideal weights). Plain typed-array loops; see ReadKernels for the contract.
 */
import { checkPositiveInt, fail } from '../core/validate';

/** Read kernels bound to one matrix. */
export interface ReadKernels {
  /** Word lines (inputs). */
  readonly rows: number;
  /** Bit lines (outputs). */
  readonly cols: number;
  /** The matrix, row-major rows × cols (write it directly; it is the crossbar's state). */
  readonly g: Float32Array;
  /** true when a WebAssembly SIMD path is in use. */
  readonly simd: boolean;
  /** out[j] = Σ_i v[i]·g[i·cols + j]. */
  matvec(v: ArrayLike<number>, out: Float32Array | Float64Array): void;
  /** out[j] = Σ_{k<count} g[idx[k]·cols + j]. */
  sumRows(idx: Int32Array | Uint32Array, count: number, out: Float32Array | Float64Array): void;
}

/** Is WebAssembly SIMD available in this runtime? */
export function isSimdAvailable(): boolean {
  return false;
}

class JsReadKernels implements ReadKernels {
  readonly simd = false;
  readonly g: Float32Array;
  constructor(
    readonly rows: number,
    readonly cols: number,
  ) {
    this.g = new Float32Array(rows * cols);
  }

  matvec(v: ArrayLike<number>, out: Float32Array | Float64Array): void {
    const { rows, cols, g } = this;
    if (!v || v.length !== rows)
      fail('ReadKernels.matvec', 'v', v, `an array of length ${rows} (rows)`);
    if (!out || out.length !== cols)
      fail('ReadKernels.matvec', 'out', out, `an array of length ${cols} (cols)`);
    out.fill(0);
    for (let i = 0; i < rows; i++) {
      const x = v[i]!;
      if (x === 0) continue;
      const o = i * cols;
      for (let j = 0; j < cols; j++) out[j] += x * g[o + j]!;
    }
  }

  sumRows(idx: Int32Array | Uint32Array, count: number, out: Float32Array | Float64Array): void {
    const { rows, cols, g } = this;
    if (!Number.isInteger(count) || count < 0 || count > idx.length)
      fail('ReadKernels.sumRows', 'count', count, `an integer in [0, ${idx.length}]`);
    if (!out || out.length !== cols)
      fail('ReadKernels.sumRows', 'out', out, `an array of length ${cols} (cols)`);
    for (let k = 0; k < count; k++) {
      const r = idx[k]!;
      if (!(r >= 0 && r < rows))
        fail('ReadKernels.sumRows', `idx[${k}]`, r, `an integer in [0, ${rows})`);
    }
    out.fill(0);
    for (let k = 0; k < count; k++) {
      const o = idx[k]! * cols;
      for (let j = 0; j < cols; j++) out[j] += g[o + j]!;
    }
  }
}

/** Read kernels for a rows × cols matrix. */
export function createReadKernels(
  rows: number,
  cols: number,
  _options: { simd?: boolean } = {},
): ReadKernels {
  checkPositiveInt('createReadKernels', 'rows', rows);
  checkPositiveInt('createReadKernels', 'cols', cols);
  return new JsReadKernels(rows, cols);
}
