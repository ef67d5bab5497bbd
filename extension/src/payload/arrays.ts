/**
 * Decoding the kernel's typed arrays: `{ dtype, shape, encoding: 'base64', byteOrder: 'little',
 * data }`. Shapes and byte counts are checked before anything is allocated, so a payload that
 * claims a huge size is refused instead of freezing the page.
 */
import { decodeBase64 } from './base64';
import { BUDGET, fmt, withinBudget } from './budget';
import { PayloadError, Reader } from './check';

/** The largest array the renderer accepts (elements): `BUDGET.ARRAY_ELEMENTS`, 16 Mi. */
export const MAX_ELEMENTS = BUDGET.ARRAY_ELEMENTS;

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  uint8: Uint8Array,
} as const;

export type DType = keyof typeof CTORS;
type ArrayOf<D extends DType> = InstanceType<(typeof CTORS)[D]>;

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decode the encoded array at `r[key]` as `dtype`, with exactly `shape` (when given).
 *
 * @example
 * decodeArray(Reader.of({ a: { dtype: 'uint8', shape: [2], encoding: 'base64', byteOrder: 'little', data: 'AQI=' } }, ''), 'a', 'uint8'); // Uint8Array [1, 2]
 */
export function decodeArray<D extends DType>(
  r: Reader,
  key: string,
  dtype: D,
  shape?: number[],
): ArrayOf<D> {
  const e = r.object(key);
  const path = e.path;
  const got = e.oneOf('dtype', Object.keys(CTORS) as DType[]);
  if (got !== dtype) throw new PayloadError(`${path}.dtype: expected ${dtype}, got "${got}"`);
  e.oneOf('encoding', ['base64']);
  e.oneOf('byteOrder', ['little'], 'little');
  const dims = e.numbers('shape', 'ARRAY_DIMS');
  let n = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0)
      throw new PayloadError(`${path}.shape: expected non-negative integers, got [${dims}]`);
    n *= d;
  }
  withinBudget(`${path}.shape`, n, 'ARRAY_ELEMENTS', `[${dims.join(', ')}] is ${fmt(n)} elements`);
  if (shape && (shape.length !== dims.length || shape.some((d, i) => d !== dims[i])))
    throw new PayloadError(
      `${path}.shape: expected [${shape.join(', ')}], got [${dims.join(', ')}]`,
    );
  const Ctor = CTORS[dtype];
  const nbytes = n * Ctor.BYTES_PER_ELEMENT;
  const bytes = decodeBase64(e.string('data'), `${path}.data`, nbytes, `${fmt(n)} ${dtype} values`);
  if (!LITTLE && Ctor.BYTES_PER_ELEMENT > 1)
    for (let i = 0; i < bytes.length; i += Ctor.BYTES_PER_ELEMENT)
      bytes.subarray(i, i + Ctor.BYTES_PER_ELEMENT).reverse();
  return new Ctor(bytes.buffer as ArrayBuffer, 0, n) as ArrayOf<D>;
}
