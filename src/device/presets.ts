/**
 * Named device configs. Each says where its values come from; fields that are our assumptions
 * are listed in `assumed` (see ../../docs/devices.md for the reasoning).
 */
import { defineDevice, type DeviceConfig, type DeviceOptions } from './config';
import { checkOneOf, fail } from '../core/validate';
import { compileEcm } from './ecm/compile';
import { ECM_DEVICES } from './ecm/devices';

/** The fields of a preset whose values are our assumptions (MISSION.md ranges), not measurements. */
const NUMBERS_ASSUMED = [
  'gMin',
  'gMax',
  'model',
  'c2cStd',
  'gMinDtod',
  'gMaxDtod',
  'stepDtod',
  'readNoiseStd',
  'set',
  'reset',
  'read',
];

const SHI_2018 =
  'Shi et al., Nat. Commun. 9:5312 (2018): subquantum CBRAM (Ag-based, Adesto) with gradual, analog SET; ' +
  'G0 = 2e²/h from Jameson et al., IEEE EDL 33:257 (2012). Numeric values are CBRAM Lab assumptions (MISSION.md).';

/**
 * Subquantum CBRAM, the paper's synapse. Conductance between 1 and 50 µS, below G0 ≈ 77.5 µS.
 * SET steps shrink exponentially toward G_max with γ = 2, so that with w = 2x − 1 identical
 * pulses give the paper's LTP Δw ∝ e^(1−w) − 1; RESET steps are constant (the paper's constant
 * LTD). setStep = resetStep·(e² − 1) makes LTP and LTD the same size as the paper's rule at
 * equal η: about 45 SET pulses from G_min to 90 % and 64 RESET pulses for the full range.
 */
const cbram = defineDevice({
  name: 'cbram-subquantum',
  source: SHI_2018,
  assumed: NUMBERS_ASSUMED,
  model: {
    kind: 'exponential',
    setStep: Math.expm1(2) / 64,
    setGamma: 2,
    resetStep: 1 / 64,
    resetGamma: 0,
  },
  gMin: 1e-6,
  gMax: 50e-6,
  levels: 0,
  c2cStd: 0.005,
  gMinDtod: 0.05,
  gMaxDtod: 0.05,
  stepDtod: 0.1,
  pStuckOff: 0,
  pStuckOn: 0,
  readNoiseStd: 0.01,
  retentionTau: Infinity,
  set: { voltage: 1.0, width: 10e-9 },
  reset: { voltage: -1.0, width: 10e-9 },
  read: { voltage: 0.1, width: 10e-9 },
});

/**
 * A generic filamentary oxide RRAM for comparison: higher conductance (5–100 µS), higher pulse
 * voltage and longer pulses, so each pulse costs roughly 100× the CBRAM preset, the ratio the
 * press material on Shi et al. 2018 quotes. Nonlinearity in NeuroSim's parametrisation.
 */
const rram = defineDevice({
  name: 'rram-generic',
  source:
    'Nonlinear pulse-response form: Chen, Peng & Yu, IEEE TCAD 37:3067 (2018) (NeuroSim). All numbers assumed, typical of HfOx RRAM.',
  assumed: NUMBERS_ASSUMED,
  model: {
    kind: 'nonlinear',
    setPulses: 100,
    resetPulses: 100,
    setNonlinearity: 2.4,
    resetNonlinearity: 4.9,
  },
  gMin: 5e-6,
  gMax: 100e-6,
  c2cStd: 0.01,
  gMinDtod: 0.1,
  gMaxDtod: 0.1,
  stepDtod: 0.1,
  readNoiseStd: 0.02,
  set: { voltage: 2.0, width: 100e-9 },
  reset: { voltage: -2.0, width: 100e-9 },
  read: { voltage: 0.2, width: 10e-9 },
});

/**
 * A PCM-like device: gradual, strongly nonlinear SET (crystallisation) and an abrupt RESET that
 * melts the cell back to G_min in one pulse. The RESET costs a fixed energy, since melting
 * dominates over V²·G·t of the cell.
 */
const pcm = defineDevice({
  name: 'pcm-like',
  source:
    'Gradual SET / abrupt RESET behaviour: Burr et al., IEEE Trans. Electron Devices 62:3498 (2015). All numbers assumed.',
  assumed: NUMBERS_ASSUMED,
  model: {
    kind: 'nonlinear',
    setPulses: 30,
    resetPulses: 1,
    setNonlinearity: 3,
    resetNonlinearity: 0,
  },
  gMin: 0.1e-6,
  gMax: 25e-6,
  c2cStd: 0.02,
  gMinDtod: 0.1,
  gMaxDtod: 0.1,
  stepDtod: 0.15,
  readNoiseStd: 0.02,
  set: { voltage: 1.5, width: 100e-9 },
  reset: { voltage: -3.0, width: 50e-9, energy: 20e-12 },
  read: { voltage: 0.2, width: 10e-9 },
});

/** A noise-free linear device with 64 steps: the reference for "ideal" updates in the array. */
const ideal = defineDevice({
  name: 'ideal',
  source: 'Reference model, no physics.',
  assumed: ['all'],
  model: { kind: 'linear', setPulses: 64, resetPulses: 64 },
});

/** The named presets. */
const presets = {
  'cbram-subquantum': cbram,
  'rram-generic': rram,
  'pcm-like': pcm,
  ideal,
} as {
  readonly 'cbram-subquantum': DeviceConfig;
  readonly 'rram-generic': DeviceConfig;
  readonly 'pcm-like': DeviceConfig;
  readonly ideal: DeviceConfig;
  /**
   * The physical CBRAM model (./ecm/) compiled with its default scheme (±1 V, 10 ns, identical
   * pulses) at 300 K. Compiled on first use (a few hundred ms), then cached.
   */
  readonly 'cbram-ecm': DeviceConfig;
};
let cbramEcm: DeviceConfig | null = null;
Object.defineProperty(presets, 'cbram-ecm', {
  enumerable: true,
  get: () => (cbramEcm ??= compileEcm(ECM_DEVICES['cbram-ecm'])),
});
export const PRESETS = Object.freeze(presets);

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/**
 * A preset, optionally with some fields changed.
 *
 * @example
 * const noisy = devicePreset('cbram-subquantum', { c2cStd: 0.03 });
 */
export function devicePreset(name: PresetName, overrides: DeviceOptions = {}): DeviceConfig {
  checkOneOf('devicePreset', 'name', name, PRESET_NAMES);
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides))
    fail('devicePreset', 'overrides', overrides, 'an object of DeviceConfig fields to change');
  return defineDevice({ ...overrides, name: overrides.name ?? name }, PRESETS[name]);
}
