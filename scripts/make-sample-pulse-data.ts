/**
 * Writes notebooks/data/sample-pulse-response.csv: simulated SET/RESET trains of a CBRAM-like
 * device with known parameters, the sample input of fitDevice (docs/fit.md). Deterministic: the
 * same file on every machine.
 *
 * Run after the build: `node dist/scripts/make-sample-pulse-data.js`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { defineDevice, pulseResponse, toCSV, type PulseResponseOptions } from '../src/device';

/** The generating device: every value is an assumption, chosen to look like subquantum CBRAM. */
export const SAMPLE_DEVICE = defineDevice({
  name: 'sample-cbram',
  source:
    'CBRAM Lab sample data: simulated, parameters chosen by hand (scripts/make-sample-pulse-data.ts)',
  assumed: ['model', 'gMin', 'gMax', 'c2cStd', 'gMinDtod', 'gMaxDtod'],
  model: { kind: 'exponential', setStep: 0.09, setGamma: 2.2, resetStep: 0.02, resetGamma: 0 },
  gMin: 2e-6,
  gMax: 40e-6,
  c2cStd: 0.006,
  gMinDtod: 0.05,
  gMaxDtod: 0.05,
});

/** The measurement: 4 devices, 5 cycles of 80 SET then 80 RESET pulses. */
export const SAMPLE_OPTIONS: PulseResponseOptions = {
  devices: 4,
  cycles: 5,
  setPulses: 80,
  resetPulses: 80,
  seed: 7,
};

/** Repository-relative path of the sample file. */
export const SAMPLE_PATH = 'notebooks/data/sample-pulse-response.csv';

/** The sample file's text. */
export function sampleCSV(): string {
  return toCSV(pulseResponse(SAMPLE_DEVICE, SAMPLE_OPTIONS));
}

if (require.main === module) {
  // dist/scripts/ → repository root
  const out = resolve(__dirname, '../..', SAMPLE_PATH);
  mkdirSync(dirname(out), { recursive: true });
  const text = sampleCSV();
  writeFileSync(out, text);
  console.log(`wrote ${out} (${text.split('\n').length - 2} rows)`);
}
