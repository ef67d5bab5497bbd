/**
 * Typed arrays in JSON payloads: base64 of the little-endian bytes, with dtype and shape, so a
 * 397 × 500 conductance map costs 794 kB as float32 instead of megabytes of decimal text.
 */

/** Element types a payload may carry. */
export type DType = 'float32' | 'float64' | 'int32' | 'uint8';

/** A typed array in a JSON payload. */
export interface EncodedArray {
  dtype: DType;
  /** Row-major shape; the product is the element count. */
  shape: number[];
  encoding: 'base64';
  byteOrder: 'little';
  data: string;
}

type Typed = Float32Array | Float64Array | Int32Array | Uint8Array;

const CTOR = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array };
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function dtypeOf(a: Typed): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'uint8';
}

/**
 * Encode `a` with `shape` (default: 1-D).
 *
 * @example
 * encodeArray(new Float32Array([1, 2, 3, 4]), [2, 2]).data; // 'AACAPwAAAEAAAEBAAACAQA=='
 */
export function encodeArray(a: Typed, shape: number[] = [a.length]): EncodedArray {
  let bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (!LITTLE && a.BYTES_PER_ELEMENT > 1) {
    bytes = bytes.slice();
    const k = a.BYTES_PER_ELEMENT;
    for (let i = 0; i < bytes.length; i += k) bytes.subarray(i, i + k).reverse();
  }
  return {
    dtype: dtypeOf(a),
    shape,
    encoding: 'base64',
    byteOrder: 'little',
    data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  };
}

/** Decode an {@link EncodedArray} (for tests and tools). */
export function decodeArray(e: EncodedArray): Typed {
  const bytes = Buffer.from(e.data, 'base64');
  const Ctor = CTOR[e.dtype];
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (!LITTLE && Ctor.BYTES_PER_ELEMENT > 1)
    for (let i = 0; i < copy.length; i += Ctor.BYTES_PER_ELEMENT)
      copy.subarray(i, i + Ctor.BYTES_PER_ELEMENT).reverse();
  return new Ctor(copy.buffer, 0, copy.length / Ctor.BYTES_PER_ELEMENT);
}
