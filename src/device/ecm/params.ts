/**
 * Parameters of the physical (electrochemical metallization, ECM) model of a subquantum CBRAM cell:
 * plain, serialisable data in SI units (m, s, V, Ω, K, J; activation energies in eV). The physics
 * is in ./physics.ts; docs/devices.md ("A physical CBRAM model") cites where every equation and
 * every value comes from, and which values are our assumptions.
 */
import { checkNumber, checkOptions, fail } from '../../core/validate';
import { G0 } from '../../core/units';

export { G0 };
/** Boltzmann constant, eV/K. */
export const K_B_EV = 8.617333262e-5;
/** Absolute zero offset: 0 °C in kelvin. */
export const ZERO_CELSIUS = 273.15;

/**
 * The lumped parameters of the gap model. The state of a cell is the tunnelling gap s between the
 * filament tip and the counter electrode, with s ∈ [gapMin, gapMax].
 */
export interface EcmParams {
  /** Tunnelling decay length λ, m: G = G0·exp(−s/λ). */
  lambda: number;
  /** Smallest gap, m (the highest conductance G0·exp(−gapMin/λ)). */
  gapMin: number;
  /** Largest gap, m (the lowest conductance). */
  gapMax: number;
  /** Tunnelling non-linearity V0, V: I = G0·V0·exp(−s/λ)·sinh(V/V0). */
  tunnelVoltage: number;
  /** Ion-hopping velocity prefactor of a SET (gap closing), m/s. */
  setVelocity: number;
  /** Ion-hopping velocity prefactor of a RESET (gap opening), m/s. */
  resetVelocity: number;
  /** Activation energy of ion hopping Ea, eV. */
  activationEnergy: number;
  /** Field-enhancement factor γ of a SET (dimensionless). */
  setGamma: number;
  /** Field-enhancement factor γ of a RESET (dimensionless). */
  resetGamma: number;
  /** Hopping distance a, m. */
  hopDistance: number;
  /** Switching-layer thickness L, m. */
  thickness: number;
  /** Cell voltage below which a SET does not move the gap (smoothed threshold), V. */
  setThreshold: number;
  /** Magnitude of the cell voltage below which a RESET does not move the gap, V. */
  resetThreshold: number;
  /** Smoothing width of both thresholds, V (softplus; > 0). */
  thresholdWidth: number;
  /** Series resistance R_s (access device, lines, filament), Ω. */
  seriesResistance: number;
  /** Thermal resistance R_th of the filament region, K/W: T = T0 + V·I·R_th. */
  thermalResistance: number;
  /** Activation energy of the zero-bias gap relaxation (retention), eV. */
  retentionEnergy: number;
  /** Prefactor of the zero-bias gap opening velocity (retention), m/s. */
  retentionVelocity: number;
  /** Cycle-to-cycle noise: relative std of each pulse's gap step. */
  c2cStd: number;
  /** Device-to-device relative spread of both velocity prefactors (the step size). */
  velocityDtod: number;
  /** Device-to-device std of both gap bounds, in units of λ (relative spread of G_min, G_max). */
  gapDtod: number;
  /** Probability that a SET pulse closes the gap abruptly to gapMin (0 = gradual only). */
  abruptSet: number;
  /** Largest pulse amplitude |V| accepted, V (above it the switching layer breaks down). */
  breakdownVoltage: number;
  /** Ambient temperature T0 used when a call gives none, K. */
  ambient: number;
}

/** The parameter names, in declaration order. */
export const ECM_PARAM_KEYS: readonly (keyof EcmParams)[] = [
  'lambda',
  'gapMin',
  'gapMax',
  'tunnelVoltage',
  'setVelocity',
  'resetVelocity',
  'activationEnergy',
  'setGamma',
  'resetGamma',
  'hopDistance',
  'thickness',
  'setThreshold',
  'resetThreshold',
  'thresholdWidth',
  'seriesResistance',
  'thermalResistance',
  'retentionEnergy',
  'retentionVelocity',
  'c2cStd',
  'velocityDtod',
  'gapDtod',
  'abruptSet',
  'breakdownVoltage',
  'ambient',
];

const POS = { min: 0, exclusiveMin: true };

/**
 * Validate a complete parameter set (every field, finite, in its physical range). Returns a frozen
 * copy.
 *
 * @example
 * const p = checkEcmParams('myFn', { ...ECM_PRESET_PARAMS, velocity: 2 });
 */
export function checkEcmParams(fn: string, p: unknown): EcmParams {
  if (!p || typeof p !== 'object' || Array.isArray(p))
    fail(fn, 'params', p, 'an object of ECM parameters (see ECM_PARAM_KEYS)');
  checkOptions(`${fn} (params)`, p, ECM_PARAM_KEYS);
  const q = p as Record<string, unknown>;
  for (const k of ECM_PARAM_KEYS) {
    if (q[k] === undefined)
      fail(fn, `params.${k}`, undefined, 'given (every ECM parameter is required)');
  }
  const c = p as EcmParams;
  checkNumber(fn, 'params.lambda', c.lambda, { ...POS, max: 1e-8 });
  checkNumber(fn, 'params.gapMin', c.gapMin, { min: 0, max: 1e-7 });
  checkNumber(fn, 'params.gapMax', c.gapMax, { min: c.gapMin, exclusiveMin: true, max: 1e-7 });
  checkNumber(fn, 'params.tunnelVoltage', c.tunnelVoltage, { ...POS, max: 100 });
  checkNumber(fn, 'params.setVelocity', c.setVelocity, { ...POS, max: 1e12 });
  checkNumber(fn, 'params.resetVelocity', c.resetVelocity, { ...POS, max: 1e12 });
  checkNumber(fn, 'params.activationEnergy', c.activationEnergy, { min: 0, max: 5 });
  checkNumber(fn, 'params.setGamma', c.setGamma, { min: 0, max: 1000 });
  checkNumber(fn, 'params.resetGamma', c.resetGamma, { min: 0, max: 1000 });
  checkNumber(fn, 'params.hopDistance', c.hopDistance, { ...POS, max: 1e-8 });
  checkNumber(fn, 'params.thickness', c.thickness, { ...POS, max: 1e-6 });
  checkNumber(fn, 'params.setThreshold', c.setThreshold, { min: 0, max: 100 });
  checkNumber(fn, 'params.resetThreshold', c.resetThreshold, { min: 0, max: 100 });
  checkNumber(fn, 'params.thresholdWidth', c.thresholdWidth, { ...POS, max: 10 });
  checkNumber(fn, 'params.seriesResistance', c.seriesResistance, { min: 0, max: 1e9 });
  checkNumber(fn, 'params.thermalResistance', c.thermalResistance, { min: 0, max: 1e9 });
  checkNumber(fn, 'params.retentionEnergy', c.retentionEnergy, { min: 0, max: 5 });
  checkNumber(fn, 'params.retentionVelocity', c.retentionVelocity, { min: 0, max: 1e12 });
  checkNumber(fn, 'params.c2cStd', c.c2cStd, { min: 0, max: 1 });
  checkNumber(fn, 'params.velocityDtod', c.velocityDtod, { min: 0, max: 1 });
  checkNumber(fn, 'params.gapDtod', c.gapDtod, { min: 0, max: 1 });
  checkNumber(fn, 'params.abruptSet', c.abruptSet, { min: 0, max: 1 });
  checkNumber(fn, 'params.breakdownVoltage', c.breakdownVoltage, { ...POS, max: 100 });
  checkNumber(fn, 'params.ambient', c.ambient, { min: 1, max: 1000 });
  const out: Record<string, number> = {};
  for (const k of ECM_PARAM_KEYS) out[k] = c[k];
  return Object.freeze(out) as unknown as EcmParams;
}

/** Gap, m, at which the small-signal conductance is `g` (S), for decay length λ. */
export function gapOf(p: Pick<EcmParams, 'lambda'>, g: number): number {
  return p.lambda * Math.log(G0 / g);
}

/** Small-signal conductance, S, of gap `s` (m): G = G0·exp(−s/λ). */
export function conductanceOf(p: Pick<EcmParams, 'lambda'>, s: number): number {
  return G0 * Math.exp(-s / p.lambda);
}
