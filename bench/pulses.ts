/**
 * Programming throughput: SET/RESET pulses applied to whole lines of a 397 × 500 crossbar, as the
 * paper's STDP does once per output spike (one column of 397 synapses), through the WebAssembly
 * pulse kernel and through the JS reference (DeviceArray.pulse, `simd: false`) in the same run.
 *
 * Each figure is the best of three 0.4 s runs, the two kernels taking turns, so that a noisy
 * machine (other processes on the same cores) disturbs both alike and the ratio stays meaningful.
 */
import { createCrossbar } from '../src/crossbar/crossbar';
import { isSimdAvailable } from '../src/crossbar/kernels';
import { devicePreset, type PresetName } from '../src/device/presets';
import { createRng } from '../src/core/rng';
import { printTable, rate, type BenchRow } from './util';

const RUNS = 3;
const SECONDS = 0.4;

export function benchPulses(): BenchRow[] {
  const rows: BenchRow[] = [];
  const cases: Array<[string, PresetName, number | undefined]> = [
    ['cbram-subquantum (c2c noise on)', 'cbram-subquantum', undefined],
    ['cbram-subquantum (noise-free)', 'cbram-subquantum', 0],
    ['ideal linear', 'ideal', undefined],
  ];
  const kernels: Array<[string, boolean]> = isSimdAvailable()
    ? [
        ['JS', false],
        ['WASM', true],
      ]
    : [['JS', false]];
  for (const [label, preset, c2c] of cases) {
    const device = c2c === undefined ? devicePreset(preset) : devicePreset(preset, { c2cStd: c2c });
    const rng = createRng(2);
    const colPulses = Int8Array.from({ length: 397 }, () => (rng.bernoulli(0.3) ? 1 : -1));
    const rowPulses = Int8Array.from({ length: 500 }, () => (rng.bernoulli(0.3) ? 1 : -1));
    const lines: Array<[string, number, Array<() => void>]> = [
      ['column update, 397 cells', 397, []],
      ['row update, 500 cells', 500, []],
    ];
    for (const [, simd] of kernels) {
      const xbar = createCrossbar({ rows: 397, cols: 500, device, seed: 1, initial: 0.5, simd });
      let c = 0;
      let r = 0;
      lines[0]![2].push(() => xbar.pulseColumn(c++ % 500, colPulses));
      lines[1]![2].push(() => xbar.pulseRow(r++ % 397, rowPulses));
    }
    for (const [line, cells, bodies] of lines) {
      const best = bodies.map(() => 0);
      for (let run = 0; run < RUNS; run++) {
        bodies.forEach((body, k) => (best[k] = Math.max(best[k]!, rate(body, cells, SECONDS))));
      }
      kernels.forEach(([kernel], k) =>
        rows.push({
          name: `${line}: ${label}, ${kernel}`,
          value: best[k]!,
          unit: 'cell-updates/s',
        }),
      );
    }
  }
  return rows;
}

if (require.main === module)
  printTable('Programming a 397 × 500 crossbar (one core)', benchPulses());
