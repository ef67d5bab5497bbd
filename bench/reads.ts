/** Array reads: full 397 × 500 dense reads and spike reads (100 active rows). */
import { createReadKernels } from '../src/crossbar/kernels';
import { createRng } from '../src/core/rng';
import { printTable, rate, type BenchRow } from './util';

export function benchReads(): BenchRow[] {
  const rng = createRng(1);
  const rows: BenchRow[] = [];
  const k = createReadKernels(397, 500);
  for (let j = 0; j < k.g.length; j++) k.g[j] = rng.float() * 5e-5;
  const v = Float64Array.from({ length: 397 }, () => rng.float() * 0.1);
  const out = new Float64Array(500);
  const idx = Int32Array.from(rng.permutation(397).subarray(0, 100));
  const path = k.simd ? 'WebAssembly SIMD' : 'JS';
  rows.push({
    name: `dense read 397 × 500 (${path})`,
    value: rate(() => k.matvec(v, out), 1),
    unit: 'reads/s',
  });
  rows.push({
    name: `spike read, 100 of 397 rows (${path})`,
    value: rate(() => k.sumRows(idx, 100, out), 1),
    unit: 'reads/s',
  });
  return rows;
}

if (require.main === module) printTable('Reading a 397 × 500 array (one core)', benchReads());
