/** Array reads: full 397 × 500 dense reads and spike reads (100 active rows), SIMD and JS paths. */
import { createReadKernels, isSimdAvailable } from '../src/crossbar/kernels';
import { createRng } from '../src/core/rng';
import { printTable, rate, type BenchRow } from './util';

export function benchReads(): BenchRow[] {
  const rows: BenchRow[] = [];
  const paths: Array<[string, boolean]> = isSimdAvailable()
    ? [
        ['WebAssembly SIMD', true],
        ['JS', false],
      ]
    : [['JS', false]];
  for (const [label, simd] of paths) {
    const rng = createRng(1);
    const k = createReadKernels(397, 500, { simd });
    for (let j = 0; j < k.g.length; j++) k.g[j] = rng.float() * 5e-5;
    const v = Float64Array.from({ length: 397 }, () => rng.float() * 0.1);
    const out = new Float64Array(500);
    const idx = Int32Array.from(rng.permutation(397).subarray(0, 100));
    rows.push({
      name: `dense read 397 × 500 (${label})`,
      value: rate(() => k.matvec(v, out), 1),
      unit: 'reads/s',
    });
    rows.push({
      name: `spike read, 100 of 397 rows (${label})`,
      value: rate(() => k.sumRows(idx, 100, out), 1),
      unit: 'reads/s',
    });
  }
  return rows;
}

if (require.main === module) printTable('Reading a 397 × 500 array (one core)', benchReads());
