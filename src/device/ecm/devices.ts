/**
 * Named physical devices. `cbram-ecm` is calibrated so that with its default scheme (±1 V, 10 ns,
 * identical pulses, 300 K) it behaves like the phenomenological `cbram-subquantum` preset; the
 * tolerances are in docs/devices.md and test/device/ecm.test.ts.
 */
import type { DeviceConfig } from '../config';
import { checkEcmParams, G0, type EcmParams } from './params';
import { checkSchemeHalf } from './scheme';
import { compiledEcm, type EcmDevice } from './compile';

const LAMBDA = 0.25e-9;

/**
 * Parameters of `cbram-ecm`. Cited: λ and the current form (Guan, Yu & Wong 2012), a and L of the
 * same model's defaults, the form of every equation. Calibrated (fitted to `cbram-subquantum`'s
 * pulse response at 300 K): the velocity prefactors, field factors, thresholds, series
 * resistance and V0. Assumed: the rest (see ECM_ASSUMED).
 */
export const ECM_PRESET_PARAMS: EcmParams = checkEcmParams('ECM_PRESET_PARAMS', {
  lambda: LAMBDA,
  // The bounds put G between 1 and 50 µS, the range of cbram-subquantum.
  gapMin: LAMBDA * Math.log(G0 / 50e-6),
  gapMax: LAMBDA * Math.log(G0 / 1e-6),
  tunnelVoltage: 0.335,
  setVelocity: 6.701e4,
  resetVelocity: 3.407e4,
  activationEnergy: 0.5,
  setGamma: 7.917,
  resetGamma: 3.587,
  hopDistance: 0.25e-9,
  thickness: 5e-9,
  setThreshold: 0.5447,
  resetThreshold: 0.3917,
  thresholdWidth: 0.01142,
  seriesResistance: 12.15e3,
  thermalResistance: 7e5,
  retentionEnergy: 1.1,
  // One λ of gap opening (G falls by e) in 10 years at 85 °C.
  retentionVelocity: 2.386e-3,
  c2cStd: 0.147,
  velocityDtod: 0.1,
  gapDtod: 0.05,
  abruptSet: 0,
  breakdownVoltage: 2.0,
  ambient: 300,
});

/** Parameters of `cbram-ecm` whose values are our assumptions (not measured, not fitted). */
export const ECM_ASSUMED: readonly string[] = [
  'readNoiseStd',
  'activationEnergy',
  'thermalResistance',
  'retentionEnergy',
  'retentionVelocity',
  'c2cStd',
  'velocityDtod',
  'gapDtod',
  'breakdownVoltage',
  'thickness',
];

const CBRAM_ECM: EcmDevice = Object.freeze({
  name: 'cbram-ecm',
  source:
    'Physical gap model of an Ag-based subquantum CBRAM cell: tunnelling gap and current after Guan, Yu & Wong, ' +
    'IEEE EDL 33:1405 (2012); thermally activated field-driven ion hopping after Yu & Wong, IEEE TED 58:1352 (2011); ' +
    'self-limited SET behind a series resistance after Menzel, Böttger & Waser, J. Appl. Phys. 111:014501 (2012). ' +
    'Lumped parameters calibrated to cbram-subquantum (Shi et al., Nat. Commun. 9:5312, 2018); see docs/devices.md.',
  assumed: ECM_ASSUMED,
  params: ECM_PRESET_PARAMS,
  scheme: Object.freeze({
    set: checkSchemeHalf(
      'cbram-ecm',
      'scheme.set',
      { amplitude: 1.0, width: 10e-9 },
      ECM_PRESET_PARAMS,
    ),
    reset: checkSchemeHalf(
      'cbram-ecm',
      'scheme.reset',
      { amplitude: 1.0, width: 10e-9 },
      ECM_PRESET_PARAMS,
    ),
  }),
  read: Object.freeze({ amplitude: 0.1, width: 10e-9 }),
  // Assumed, as cbram-subquantum's: the physics above has no read-noise mechanism.
  readNoiseStd: 0.01,
});

/** The named physical devices. */
export const ECM_DEVICES: Readonly<Record<'cbram-ecm', EcmDevice>> = Object.freeze({
  'cbram-ecm': CBRAM_ECM,
});

/**
 * The physical device behind a config: the one it was compiled from, or for a copy of a compiled
 * preset (e.g. from devicePreset) the named physical device; null for any other config.
 *
 * @example
 * physicalDevice(PRESETS['cbram-ecm'])!.params.lambda; // 2.5e-10
 */
export function physicalDevice(config: DeviceConfig): EcmDevice | null {
  const c = compiledEcm(config);
  if (c) return c.device;
  if (config && config.model && config.model.kind === 'steps' && config.name in ECM_DEVICES)
    return ECM_DEVICES[config.name as 'cbram-ecm'];
  return null;
}
