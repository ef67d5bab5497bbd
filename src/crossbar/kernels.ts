/**
 * Array-read kernels over a row-major rows × cols float32 matrix (the crossbar's conductances, or
 * the ideal weights).
 *
 * The fast path is WebAssembly SIMD (f32x4), compiled at build time from ./wasm/read.ts by
 * AssemblyScript into dist/src/crossbar/read.wasm and loaded from beside this file; nothing is
 * fetched at run time. Each kernels object owns a fixed-size WebAssembly.Memory holding the matrix
 * and its scratch vectors, so the `g` view never moves. Without WebAssembly SIMD (or with
 * `{ simd: false }`) plain typed-array loops give the same results. Both accumulate in float32
 * (SIMD) or float64 (JS); they agree to about 1e-6 relative.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
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

/** The slice of the WebAssembly JS API used here (Node 20's types do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}
type WasmModule = { readonly __wasmModule?: never };
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface WasmExports {
  sumRows(g: number, cols: number, idx: number, count: number, out: number): void;
  matvec(g: number, rows: number, cols: number, v: number, out: number): void;
}

let wasmModule: WasmModule | null | undefined;

/** The compiled read module, or null when it cannot be loaded here. */
function readModule(): WasmModule | null {
  if (wasmModule === undefined) {
    try {
      if (!WA) throw new Error('no WebAssembly');
      wasmModule = new WA.Module(fs.readFileSync(path.join(__dirname, 'read.wasm')));
    } catch {
      wasmModule = null;
    }
  }
  return wasmModule;
}

/** Is the WebAssembly SIMD read path available in this runtime? */
export function isSimdAvailable(): boolean {
  return readModule() !== null;
}

function checkSumRows(
  rows: number,
  cols: number,
  idx: Int32Array | Uint32Array,
  count: number,
  out: Float32Array | Float64Array,
): void {
  if (!(idx instanceof Int32Array || idx instanceof Uint32Array))
    fail('ReadKernels.sumRows', 'idx', idx, 'an Int32Array or Uint32Array of row indices');
  if (!Number.isInteger(count) || count < 0 || count > idx.length)
    fail('ReadKernels.sumRows', 'count', count, `an integer in [0, ${idx.length}]`);
  if (!out || out.length !== cols)
    fail('ReadKernels.sumRows', 'out', out, `an array of length ${cols} (cols)`);
  for (let k = 0; k < count; k++) {
    const r = idx[k]!;
    if (!(r >= 0 && r < rows))
      fail('ReadKernels.sumRows', `idx[${k}]`, r, `an integer in [0, ${rows})`);
  }
}

function checkMatvec(
  rows: number,
  cols: number,
  v: ArrayLike<number>,
  out: Float32Array | Float64Array,
): void {
  if (!v || v.length !== rows)
    fail('ReadKernels.matvec', 'v', v, `an array of length ${rows} (rows)`);
  if (!out || out.length !== cols)
    fail('ReadKernels.matvec', 'out', out, `an array of length ${cols} (cols)`);
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

class WasmReadKernels implements ReadKernels {
  readonly simd = true;
  readonly g: Float32Array;
  private readonly fns: WasmExports;
  private readonly vOff: number;
  private readonly outOff: number;
  private readonly idxOff: number;
  private readonly v: Float32Array;
  private readonly out: Float32Array;
  private readonly idx: Int32Array;

  constructor(
    readonly rows: number,
    readonly cols: number,
    module: WasmModule,
  ) {
    this.vOff = align16(rows * cols * 4);
    this.outOff = this.vOff + align16(rows * 4);
    this.idxOff = this.outOff + align16(cols * 4);
    const bytes = this.idxOff + align16(rows * 4);
    const memory = new WA!.Memory({
      initial: Math.ceil(bytes / 65536),
      maximum: Math.ceil(bytes / 65536),
    });
    this.fns = new WA!.Instance(module, { env: { memory } }).exports as unknown as WasmExports;
    const buf = memory.buffer;
    this.g = new Float32Array(buf, 0, rows * cols);
    this.v = new Float32Array(buf, this.vOff, rows);
    this.out = new Float32Array(buf, this.outOff, cols);
    this.idx = new Int32Array(buf, this.idxOff, rows);
  }

  matvec(v: ArrayLike<number>, out: Float32Array | Float64Array): void {
    checkMatvec(this.rows, this.cols, v, out);
    const vv = this.v;
    for (let i = 0; i < this.rows; i++) vv[i] = v[i]!;
    this.fns.matvec(0, this.rows, this.cols, this.vOff, this.outOff);
    out.set(this.out);
  }

  sumRows(idx: Int32Array | Uint32Array, count: number, out: Float32Array | Float64Array): void {
    checkSumRows(this.rows, this.cols, idx, count, out);
    this.idx.set(count === idx.length ? idx : idx.subarray(0, count));
    this.fns.sumRows(0, this.cols, this.idxOff, count, this.outOff);
    out.set(this.out);
  }
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
    checkMatvec(rows, cols, v, out);
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
    checkSumRows(rows, cols, idx, count, out);
    out.fill(0);
    for (let k = 0; k < count; k++) {
      const o = idx[k]! * cols;
      for (let j = 0; j < cols; j++) out[j] += g[o + j]!;
    }
  }
}

/**
 * Read kernels for a rows × cols matrix: WebAssembly SIMD when available (default), else JS.
 *
 * @example
 * const k = createReadKernels(397, 500);
 * k.g.fill(1e-5);
 * k.sumRows(Int32Array.of(3, 7), 2, new Float64Array(500)); // every entry 2e-5
 */
export function createReadKernels(
  rows: number,
  cols: number,
  options: { simd?: boolean } = {},
): ReadKernels {
  checkPositiveInt('createReadKernels', 'rows', rows);
  checkPositiveInt('createReadKernels', 'cols', cols);
  if (rows * cols > 1 << 28)
    fail('createReadKernels', 'rows × cols', rows * cols, `at most ${1 << 28} cells`);
  const module = options.simd === false ? null : readModule();
  return module ? new WasmReadKernels(rows, cols, module) : new JsReadKernels(rows, cols);
}
