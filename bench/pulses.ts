/**
 * Programming throughput: SET/RESET pulses applied to whole lines of a 397 × 500 crossbar, as the
 * paper's STDP does once per output spike (one column of 397 synapses), through the WebAssembly
 * pulse kernel and through the JS reference (DeviceArray.pulse, `simd: false`) in the same run.
 */
import { createCrossbar } from '../src/crossbar/crossbar';
import { isSimdAvailable } from '../src/crossbar/kernels';
import { devicePreset, type PresetName } from '../src/device/presets';
import { createRng } from '../src/core/rng';
import { printTable, rate, type BenchRow } from './util';

export function benchPulses(): BenchRow[] {
  const rows: BenchRow[] = [];
  const cases: Array<[string, PresetName, number | undefined]> = [
    ['cbram-subquantum (c2c noise on)', 'cbram-subquantum', undefined],
    ['cbram-subquantum (noise-free)', 'cbram-subquantum', 0],
    ['ideal linear', 'ideal', undefined],
  ];
  const paths: Array<[string, boolean]> = isSimdAvailable()
    ? [
        ['JS', false],
        ['WASM', true],
      ]
    : [['JS', false]];
  for (const [label, preset, c2c] of cases) {
    const device = c2c === undefined ? devicePreset(preset) : devicePreset(preset, { c2cStd: c2c });
    for (const [kernel, simd] of paths) {
      const xbar = createCrossbar({ rows: 397, cols: 500, device, seed: 1, initial: 0.5, simd });
      const rng = createRng(2);
      const colPulses = Int8Array.from({ length: 397 }, () => (rng.bernoulli(0.3) ? 1 : -1));
      const rowPulses = Int8Array.from({ length: 500 }, () => (rng.bernoulli(0.3) ? 1 : -1));
      let c = 0;
      rows.push({
        name: `column update, 397 cells: ${label}, ${kernel}`,
        value: rate(() => xbar.pulseColumn(c++ % 500, colPulses), 397),
        unit: 'cell-updates/s',
      });
      let r = 0;
      rows.push({
        name: `row update, 500 cells: ${label}, ${kernel}`,
        value: rate(() => xbar.pulseRow(r++ % 397, rowPulses), 500),
        unit: 'cell-updates/s',
      });
    }
  }
  return rows;
}

if (require.main === module)
  printTable('Programming a 397 × 500 crossbar (one core)', benchPulses());
