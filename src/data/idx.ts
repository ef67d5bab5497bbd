/**
 * The IDX file format of MNIST (LeCun et al.): a 4-byte magic (0, 0, type, number of dimensions),
 * the dimensions as big-endian uint32, then the data. Only unsigned-byte data (type 0x08) is used.
 */
import { CbramError } from '../core/errors';

/** A parsed IDX file. */
export interface IdxData {
  dims: number[];
  data: Uint8Array;
}

function bad(message: string, value: unknown): never {
  throw new CbramError('E_DATA', `parseIdx: ${message}`, { fn: 'parseIdx', param: 'bytes', value });
}

/**
 * Parse an IDX file of unsigned bytes. The returned data is a view on `bytes` (no copy).
 *
 * @example
 * const { dims, data } = parseIdx(fs.readFileSync('t10k-labels-idx1-ubyte')); // dims [10000]
 */
export function parseIdx(bytes: Uint8Array): IdxData {
  if (!(bytes instanceof Uint8Array))
    bad('bytes must be a Uint8Array (a Buffer from fs.readFileSync works)', bytes);
  if (bytes.length < 4)
    bad(`file too short for an IDX header: ${bytes.length} bytes, need at least 4`, bytes.length);
  if (bytes[0] !== 0 || bytes[1] !== 0)
    bad(`not an IDX file: magic starts ${bytes[0]}, ${bytes[1]}, expected 0, 0`, bytes[0]);
  if (bytes[2] !== 0x08)
    bad(
      `unsupported IDX data type 0x${bytes[2]!.toString(16)}; only unsigned bytes (0x08) are supported`,
      bytes[2],
    );
  const nd = bytes[3]!;
  if (nd < 1 || nd > 4) bad(`unsupported number of dimensions ${nd}; expected 1 to 4`, nd);
  const header = 4 + 4 * nd;
  if (bytes.length < header)
    bad(
      `truncated header: ${bytes.length} bytes, need ${header} for ${nd} dimensions`,
      bytes.length,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let n = 1;
  for (let d = 0; d < nd; d++) {
    const v = view.getUint32(4 + 4 * d, false);
    dims.push(v);
    n *= v;
  }
  if (bytes.length - header < n)
    bad(
      `truncated data: dimensions ${dims.join('×')} need ${n} bytes, file has ${bytes.length - header}`,
      bytes.length,
    );
  if (bytes.length - header > n)
    bad(
      `${bytes.length - header - n} unexpected bytes after the data (dimensions ${dims.join('×')})`,
      bytes.length,
    );
  return { dims, data: bytes.subarray(header, header + n) };
}
