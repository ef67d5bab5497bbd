import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, type Rng } from '../../src/core/rng';
import { createReadKernels, isSimdAvailable, type ReadKernels } from '../../src/crossbar/kernels';
import { assertCbramError } from '../helpers';

/** Shapes that cover one cell, column counts below, at and off a multiple of 4, and the paper's. */
const SHAPES: Array<[number, number]> = [
  [1, 1],
  [1, 3],
  [3, 5],
  [4, 4],
  [5, 1],
  [7, 13],
  [2, 8],
  [397, 500],
  [64, 397],
];

/** Agreement asked of both paths with a float64 reference, relative to Σ|terms| of each column. */
const REL_TOL = 1e-5;

/** The paths to test: the JS fallback always, SIMD when this runtime has it. */
const PATHS = isSimdAvailable() ? [true, false] : [false];

function fillRandom(k: ReadKernels, rng: Rng): void {
  for (let i = 0; i < k.g.length; i++) k.g[i] = rng.uniform(1e-6, 5e-5);
}

/** float64 reference: out[j] = Σ_i v[i]·g[i·cols + j] and mag[j] = Σ_i |v[i]·g[i·cols + j]|. */
function referenceMatvec(
  g: Float32Array,
  rows: number,
  cols: number,
  v: ArrayLike<number>,
): { out: Float64Array; mag: Float64Array } {
  const out = new Float64Array(cols);
  const mag = new Float64Array(cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const t = Math.fround(v[i]!) * g[i * cols + j]!;
      out[j] += t;
      mag[j] += Math.abs(t);
    }
  return { out, mag };
}

function assertClose(
  actual: ArrayLike<number>,
  expected: Float64Array,
  mag: Float64Array,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let j = 0; j < expected.length; j++) {
    const err = Math.abs(actual[j]! - expected[j]!);
    assert.ok(
      err <= REL_TOL * mag[j]! + 1e-30,
      `${what}: out[${j}] = ${actual[j]}, expected ${expected[j]} (error ${err})`,
    );
  }
}

test('the built WebAssembly module is found beside the compiled kernels', () => {
  // Node 20 has WebAssembly SIMD, so false here means the .wasm was not built next to kernels.js.
  assert.equal(isSimdAvailable(), true, 'run `npm run build` to compile the .wasm');
  assert.equal(createReadKernels(3, 5).simd, true);
  assert.equal(createReadKernels(3, 5, { simd: false }).simd, false);
});

test('matvec agrees with a float64 reference on both paths, for every shape', () => {
  for (const simd of PATHS) {
    for (const [rows, cols] of SHAPES) {
      const rng = createRng(rows * 1000 + cols).stream('matvec');
      const k = createReadKernels(rows, cols, { simd });
      assert.equal(k.simd, simd);
      assert.equal(k.rows, rows);
      assert.equal(k.cols, cols);
      assert.equal(k.g.length, rows * cols);
      fillRandom(k, rng);
      // Signed inputs with some exact zeros (rows the kernels skip).
      const v = Float64Array.from({ length: rows }, () =>
        rng.bernoulli(0.2) ? 0 : rng.uniform(-0.2, 0.2),
      );
      const { out: ref, mag } = referenceMatvec(k.g, rows, cols, v);
      const what = `${simd ? 'SIMD' : 'JS'} ${rows}×${cols}`;
      const out64 = new Float64Array(cols).fill(Number.NaN);
      k.matvec(v, out64);
      assertClose(out64, ref, mag, `${what} matvec (Float64Array out)`);
      const out32 = new Float32Array(cols).fill(Number.NaN);
      k.matvec(Array.from(v), out32);
      assertClose(out32, ref, mag, `${what} matvec (Float32Array out, plain-array v)`);
    }
  }
});

test('sumRows agrees with a float64 reference on both paths, for every shape', () => {
  for (const simd of PATHS) {
    for (const [rows, cols] of SHAPES) {
      const rng = createRng(rows * 1000 + cols).stream('sumRows');
      const k = createReadKernels(rows, cols, { simd });
      fillRandom(k, rng);
      // Repeated rows allowed; entries past `count` are ignored.
      const count = 1 + rng.int(Math.min(rows, 120) + 5);
      const idx = Int32Array.from({ length: count + 3 }, (_, n) =>
        n < count ? rng.int(rows) : 1e6,
      );
      const v = new Float64Array(rows);
      for (let n = 0; n < count; n++) v[idx[n]!]! += 1;
      const { out: ref, mag } = referenceMatvec(k.g, rows, cols, v);
      const what = `${simd ? 'SIMD' : 'JS'} ${rows}×${cols}, ${count} rows`;
      const out64 = new Float64Array(cols).fill(Number.NaN);
      k.sumRows(idx, count, out64);
      assertClose(out64, ref, mag, `${what} sumRows (Int32Array idx)`);
      const out32 = new Float32Array(cols).fill(Number.NaN);
      k.sumRows(Uint32Array.from(idx.subarray(0, count)), count, out32);
      assertClose(out32, ref, mag, `${what} sumRows (Uint32Array idx, Float32Array out)`);
    }
  }
});

test('sumRows takes more indices than rows (repeated rows)', () => {
  for (const simd of PATHS) {
    const k = createReadKernels(3, 5, { simd });
    for (let i = 0; i < 3; i++) k.g.fill(i + 1, i * 5, i * 5 + 5);
    const out = new Float64Array(5);
    k.sumRows(new Int32Array(10).fill(2), 10, out); // 10 × row 2, more than the 3-row scratch
    assert.deepEqual([...out], [30, 30, 30, 30, 30]);
    const idx = Int32Array.from({ length: 7 }, (_, n) => n % 3); // rows 0,1,2,0,1,2,0
    k.sumRows(idx, 7, out);
    assert.deepEqual([...out], [13, 13, 13, 13, 13]);
    k.sumRows(idx, 4, out);
    assert.deepEqual([...out], [7, 7, 7, 7, 7]);
  }
});

test('the SIMD and JS paths agree with each other to 1e-5 relative', () => {
  if (!isSimdAvailable()) return;
  const rng = createRng(11);
  const a = createReadKernels(397, 500, { simd: true });
  const b = createReadKernels(397, 500, { simd: false });
  fillRandom(a, rng);
  b.g.set(a.g);
  const v = Float32Array.from({ length: 397 }, () => rng.uniform(0, 0.1));
  const idx = Int32Array.from(rng.permutation(397).subarray(0, 100));
  const [oa, ob] = [new Float64Array(500), new Float64Array(500)];
  a.matvec(v, oa);
  b.matvec(v, ob);
  for (let j = 0; j < 500; j++) assert.ok(Math.abs(oa[j]! - ob[j]!) <= 1e-5 * Math.abs(ob[j]!));
  a.sumRows(idx, 100, oa);
  b.sumRows(idx, 100, ob);
  for (let j = 0; j < 500; j++) assert.ok(Math.abs(oa[j]! - ob[j]!) <= 1e-5 * Math.abs(ob[j]!));
});

test('sumRows with count 0 and matvec with zero input give exact zeros', () => {
  for (const simd of PATHS) {
    for (const [rows, cols] of SHAPES) {
      const k = createReadKernels(rows, cols, { simd });
      k.g.fill(3e-5);
      const out = new Float64Array(cols).fill(Number.NaN);
      k.sumRows(new Int32Array(0), 0, out);
      assert.deepEqual([...out], new Array(cols).fill(0));
      out.fill(Number.NaN);
      k.sumRows(Int32Array.of(0, 0), 0, out);
      assert.deepEqual([...out], new Array(cols).fill(0));
      out.fill(Number.NaN);
      k.matvec(new Float64Array(rows), out);
      assert.deepEqual([...out], new Array(cols).fill(0));
    }
  }
});

test('writes to g are seen by the next read, and g stays valid across reads', () => {
  for (const simd of PATHS) {
    const k = createReadKernels(7, 13, { simd });
    const g = k.g;
    const out = new Float64Array(13);
    k.sumRows(Int32Array.of(2), 1, out);
    assert.deepEqual([...out], new Array(13).fill(0));
    g[2 * 13 + 12] = 0.5; // the scalar tail
    g[2 * 13 + 1] = 0.25; // a SIMD lane
    k.sumRows(Int32Array.of(2), 1, out);
    assert.equal(out[12], 0.5);
    assert.equal(out[1], 0.25);
    const v = new Float64Array(7);
    v[2] = 2;
    k.matvec(v, out);
    assert.equal(out[12], 1);
    assert.equal(out[1], 0.5);
    g.fill(0);
    k.matvec(v, out);
    assert.deepEqual([...out], new Array(13).fill(0));
    for (let n = 0; n < 1000; n++) k.matvec(v, out);
    assert.equal(k.g, g, 'g is the same view');
    assert.equal(g.length, 7 * 13, 'g is not detached');
  }
});

test('two kernels objects do not share memory', () => {
  for (const simd of PATHS) {
    const a = createReadKernels(3, 5, { simd });
    const b = createReadKernels(3, 5, { simd });
    assert.notEqual(a.g.buffer, b.g.buffer);
    a.g.fill(1);
    b.g.fill(2);
    const oa = new Float64Array(5);
    const ob = new Float64Array(5);
    a.sumRows(Int32Array.of(0, 1, 2), 3, oa);
    b.matvec([1, 1, 1], ob);
    assert.deepEqual([...oa], [3, 3, 3, 3, 3]);
    assert.deepEqual([...ob], [6, 6, 6, 6, 6]);
    a.matvec([1, 0, 0], oa); // a's scratch must not leak into b
    b.sumRows(Int32Array.of(1), 1, ob);
    assert.deepEqual([...oa], [1, 1, 1, 1, 1]);
    assert.deepEqual([...ob], [2, 2, 2, 2, 2]);
  }
});

test('createReadKernels rejects bad shapes', () => {
  for (const rows of [0, -3, 1.5, Number.NaN, Infinity, '3', null]) {
    assertCbramError(
      () => createReadKernels(rows as number, 4),
      'E_ARG',
      /^createReadKernels: rows must be a positive integer, got /,
    );
    assertCbramError(
      () => createReadKernels(4, rows as number),
      'E_ARG',
      /^createReadKernels: cols must be a positive integer, got /,
    );
  }
  assertCbramError(
    () => createReadKernels(-3, 4),
    'E_ARG',
    /^createReadKernels: rows must be a positive integer, got -3$/,
  );
});

test('createReadKernels rejects bad options', () => {
  assertCbramError(
    () => createReadKernels(3, 4, { simd: 'yes' as unknown as boolean }),
    'E_ARG',
    /^createReadKernels: options\.simd must be true or false, got "yes"$/,
  );
  assertCbramError(
    () => createReadKernels(3, 4, 7 as unknown as { simd?: boolean }),
    'E_ARG',
    /^createReadKernels: options must be an object, got 7$/,
  );
  assertCbramError(
    () => createReadKernels(3, 4, { smd: true } as unknown as { simd?: boolean }),
    'E_OPTION',
    /^createReadKernels: unknown option "smd" \(did you mean "simd"\?\)/,
  );
});

test('matvec rejects bad arguments, naming the parameter', () => {
  for (const simd of PATHS) {
    const k = createReadKernels(397, 500, { simd });
    const out = new Float64Array(500);
    assertCbramError(
      () => k.matvec(new Float64Array(396), out),
      'E_ARG',
      /^ReadKernels\.matvec: v must be an array of length 397 \(rows\), got Float64Array\(396\)$/,
    );
    assertCbramError(
      () => k.matvec(null as unknown as number[], out),
      'E_ARG',
      /^ReadKernels\.matvec: v must be .*, got null$/,
    );
    assertCbramError(
      () => k.matvec(new Float64Array(397), new Float32Array(499)),
      'E_ARG',
      /^ReadKernels\.matvec: out must be an array of length 500 \(cols\), got Float32Array\(499\)$/,
    );
    assertCbramError(
      () => k.matvec(new Float64Array(397), undefined as unknown as Float64Array),
      'E_ARG',
      /^ReadKernels\.matvec: out must be .*, got undefined$/,
    );
  }
});

test('sumRows rejects bad arguments, naming the parameter', () => {
  for (const simd of PATHS) {
    const k = createReadKernels(397, 500, { simd });
    const out = new Float64Array(500);
    const idx = Int32Array.of(0, 1, 2, 400, 5);
    assertCbramError(
      () => k.sumRows(idx, 5, out),
      'E_ARG',
      /^ReadKernels\.sumRows: idx\[3\] must be an integer in \[0, 397\), got 400$/,
    );
    k.sumRows(idx, 3, out); // the bad entry lies past count: accepted
    assertCbramError(
      () => k.sumRows(Int32Array.of(4, -1), 2, out),
      'E_ARG',
      /^ReadKernels\.sumRows: idx\[1\] must be an integer in \[0, 397\), got -1$/,
    );
    assertCbramError(
      () => k.sumRows(Uint32Array.of(397), 1, out),
      'E_ARG',
      /^ReadKernels\.sumRows: idx\[0\] must be an integer in \[0, 397\), got 397$/,
    );
    assertCbramError(
      () => k.sumRows([1, 2] as unknown as Int32Array, 2, out),
      'E_ARG',
      /^ReadKernels\.sumRows: idx must be an Int32Array or Uint32Array .*, got an array of len/,
    );
    for (const count of [-1, 6, 1.5, Number.NaN, '2']) {
      assertCbramError(
        () => k.sumRows(idx, count as number, out),
        'E_ARG',
        /^ReadKernels\.sumRows: count must be an integer in \[0, 5\], got /,
      );
    }
    assertCbramError(
      () => k.sumRows(idx, 2, new Float64Array(501)),
      'E_ARG',
      /^ReadKernels\.sumRows: out must be an array of length 500 \(cols\), got Float64Array\(501/,
    );
  }
});
