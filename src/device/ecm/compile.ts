/**
 * Compile a physical device and a pulse scheme, at one temperature, into the step tables the
 * update kernels use (a `steps` model): for every grid state x = i/1024 the deterministic rise of
 * one SET update and fall of one RESET update, integrated from the physics. Training on the
 * compiled config runs at the speed of any other device.
 *
 * Train-indexed schemes (ISPP, width modulation) are compiled by state: the update applied at
 * state x is the one a train from the bound would apply when it reaches x (the k-th pulse with
 * x_k <= x < x_(k+1)), so a cell in the array gets the pulse its conductance calls for.
 */
import { defineDevice, STEPS_MODEL_SIZE, type DeviceConfig } from '../config';
import { checkEcmParams, conductanceOf, gapOf, type EcmParams } from './params';
import {
  checkPulseInputs,
  checkTemperature,
  integratePulse,
  type IntegrateOptions,
} from './physics';
import { resolveScheme, type PulseScheme, type SchemeHalf, type SchemeOptions } from './scheme';
import { applyUpdate, stateOf, type ReadPulse } from './update';
import { checkOptions, fail } from '../../core/validate';

/** A physical device: its parameters, its default scheme and its read pulse. */
export interface EcmDevice {
  /** Name of the compiled preset. */
  name: string;
  /** Where the numbers come from. */
  source: string;
  /** Parameter names whose values are our assumptions. */
  assumed: readonly string[];
  params: EcmParams;
  /** Default programming scheme. */
  scheme: PulseScheme;
  /** Read pulse (amplitude V > 0, width s). */
  read: ReadPulse;
  /** Read noise: relative std of the conductance seen by each read (not modelled by the physics). */
  readNoiseStd: number;
}

/** Options for {@link compileEcm}. */
export interface CompileOptions {
  /** Programming scheme; either half may be omitted (the device's default). */
  scheme?: SchemeOptions;
  /** Ambient temperature, K (default the device's params.ambient). */
  temperature?: number;
}

/** Everything the compilation measured, kept with the compiled config. */
export interface CompiledEcm {
  device: EcmDevice;
  scheme: PulseScheme;
  temperature: number;
  /** Grid states x = i/1024. */
  x: Float64Array;
  /** Rise of one SET update at x (what the kernels use). */
  set: Float64Array;
  /** Fall of one RESET update at x. */
  reset: Float64Array;
  /** Energy of one SET update at x (pulses and verify reads), J. */
  setEnergy: Float64Array;
  /** Energy of one RESET update at x, J. */
  resetEnergy: Float64Array;
  /** Programming pulses per SET / RESET update at x (1 except for verify). */
  setPulses: Float64Array;
  resetPulses: Float64Array;
  /** Largest relative error of the V²·G·t energy fit over the grid, per half. */
  energyFitError: { set: number; reset: number };
}

const REGISTRY = new WeakMap<DeviceConfig, CompiledEcm>();

/** Pulses a train may use when compiling a train-indexed scheme. */
const TRAIN_LIMIT = 4096;

/** Sub-step control for compilation: adaptive to 1e-6 (see physics.integratePulse). */
const COMPILE_INTEGRATION: IntegrateOptions = { tolerance: 1e-6 };

/** The states at which the pulses of a deterministic train from the bound begin. */
function trainStarts(
  p: EcmParams,
  half: Required<SchemeHalf>,
  set: boolean,
  T: number,
  read: ReadPulse,
): number[] {
  const starts: number[] = [];
  let s = set ? p.gapMax : p.gapMin;
  for (let k = 0; k < TRAIN_LIMIT; k++) {
    const x = stateOf(p, s);
    starts.push(x);
    const next = applyUpdate(p, s, set, half, k, T, read, { integrate: COMPILE_INTEGRATION }).gap;
    if (Math.abs(stateOf(p, next) - x) < 1e-9) break;
    s = next;
  }
  return starts;
}

/** Index of the train pulse that applies at state x. */
function pulseIndexAt(starts: number[], x: number, set: boolean): number {
  let k = 0;
  while (k + 1 < starts.length && (set ? starts[k + 1]! <= x : starts[k + 1]! >= x)) k++;
  return k;
}

function compileHalf(
  p: EcmParams,
  half: Required<SchemeHalf>,
  set: boolean,
  T: number,
  read: ReadPulse,
  x: Float64Array,
): { step: Float64Array; energy: Float64Array; pulses: Float64Array } {
  const n = x.length;
  const step = new Float64Array(n);
  const energy = new Float64Array(n);
  const pulses = new Float64Array(n);
  const indexed = half.kind === 'ispp' || half.kind === 'width';
  const starts = indexed ? trainStarts(p, half, set, T, read) : [];
  const lo = conductanceOf(p, p.gapMax);
  const span = conductanceOf(p, p.gapMin) - lo;
  for (let i = 0; i < n; i++) {
    const s0 = Math.min(p.gapMax, Math.max(p.gapMin, gapOf(p, lo + x[i]! * span)));
    const x0 = stateOf(p, s0);
    const k = indexed ? pulseIndexAt(starts, x0, set) : 0;
    const u = applyUpdate(p, s0, set, half, k, T, read, { integrate: COMPILE_INTEGRATION });
    let d = (stateOf(p, u.gap) - x0) * (set ? 1 : -1);
    if (set && p.abruptSet > 0) d = (1 - p.abruptSet) * d + p.abruptSet * (1 - x0);
    step[i] = d > 0 ? d : 0;
    energy[i] = u.energy + u.readEnergy;
    pulses[i] = u.pulses;
  }
  return { step, energy, pulses };
}

/** x to 4 significant digits (the energy-equivalent amplitudes print readably). */
function round4(x: number): number {
  return Number(x.toPrecision(4));
}

/** Least-squares k with E ≈ k·G over the grid, and the largest relative error of that fit. */
function fitEnergy(energy: Float64Array, g: Float64Array): { k: number; error: number } {
  let num = 0;
  let den = 0;
  for (let i = 0; i < g.length; i++) {
    num += energy[i]! * g[i]!;
    den += g[i]! * g[i]!;
  }
  const k = num / den;
  let error = 0;
  for (let i = 0; i < g.length; i++) {
    if (energy[i]! > 0) error = Math.max(error, Math.abs(k * g[i]! - energy[i]!) / energy[i]!);
  }
  return { k, error };
}

/**
 * Compile a physical device with a scheme at a temperature into a DeviceConfig whose model is the
 * integrated step tables (`kind: 'steps'`). Mapping of the rest:
 * - G_min, G_max: G0·e^(−gapMax/λ), G0·e^(−gapMin/λ);
 * - c2cStd: params.c2cStd times the RMS step of the tables (the kernels' noise is additive);
 * - stepDtod: params.velocityDtod (the step scales with the velocity prefactor); gMinDtod and
 *   gMaxDtod: the relative spread of G from a gap spread of gapDtod·λ, √(e^(gapDtod²) − 1);
 * - set/reset pulse: `voltage` is the energy-equivalent amplitude V_eq with V_eq²·G·t the
 *   least-squares fit of the integrated ∫V·I dt per update over the grid (t = the scheme's base
 *   width), so the ledger's V²·G·t pricing follows the physics; the fit error is in
 *   {@link compiledEcm}(config).energyFitError.
 *
 * @example
 * const dev = compileEcm(ECM_DEVICES['cbram-ecm'], { scheme: { set: { amplitude: 1.2, width: 5e-9 } } });
 */
export function compileEcm(device: EcmDevice, options: CompileOptions = {}): DeviceConfig {
  const fn = 'compileEcm';
  if (!device || typeof device !== 'object' || !device.params)
    fail(fn, 'device', device, "a physical device such as ECM_DEVICES['cbram-ecm']");
  checkOptions(fn, options, ['scheme', 'temperature']);
  const p = checkEcmParams(`${fn} (device)`, device.params);
  checkPulseInputs(fn, p, 'device.read', device.read?.amplitude, device.read?.width);
  const T = checkTemperature(fn, 'options.temperature', options.temperature ?? p.ambient);
  const scheme = resolveScheme(fn, options.scheme, device.scheme, p);
  const n = STEPS_MODEL_SIZE;
  const x = Float64Array.from({ length: n }, (_, i) => i / (n - 1));
  const s = compileHalf(p, scheme.set, true, T, device.read, x);
  const r = compileHalf(p, scheme.reset, false, T, device.read, x);
  const gMin = conductanceOf(p, p.gapMax);
  const gMax = conductanceOf(p, p.gapMin);
  const g = Float64Array.from(x, (v) => gMin + v * (gMax - gMin));
  const eSet = fitEnergy(s.energy, g);
  const eReset = fitEnergy(r.energy, g);
  let sq = 0;
  for (let i = 0; i < n; i++) sq += s.step[i]! ** 2 + r.step[i]! ** 2;
  const rms = Math.sqrt(sq / (2 * n));
  const gSpread = Math.sqrt(Math.expm1(p.gapDtod ** 2));
  const describe = (h: Required<SchemeHalf>) => `${h.kind} ${h.amplitude} V × ${h.width * 1e9} ns`;
  const config = defineDevice({
    name: device.name,
    source: `${device.source} Compiled at ${T} K; SET ${describe(scheme.set)}, RESET ${describe(scheme.reset)}.`,
    assumed: device.assumed,
    model: { kind: 'steps', set: Array.from(s.step), reset: Array.from(r.step) },
    gMin,
    gMax,
    levels: 0,
    c2cStd: Math.min(1, p.c2cStd * rms),
    gMinDtod: Math.min(1, gSpread),
    gMaxDtod: Math.min(1, gSpread),
    stepDtod: p.velocityDtod,
    pStuckOff: 0,
    pStuckOn: 0,
    readNoiseStd: device.readNoiseStd,
    retentionTau: Infinity,
    set: { voltage: round4(Math.sqrt(eSet.k / scheme.set.width)), width: scheme.set.width },
    reset: {
      voltage: -round4(Math.sqrt(eReset.k / scheme.reset.width)),
      width: scheme.reset.width,
    },
    read: { voltage: device.read.amplitude, width: device.read.width },
  });
  REGISTRY.set(config, {
    device,
    scheme,
    temperature: T,
    x,
    set: s.step,
    reset: r.step,
    setEnergy: s.energy,
    resetEnergy: r.energy,
    setPulses: s.pulses,
    resetPulses: r.pulses,
    energyFitError: { set: eSet.error, reset: eReset.error },
  });
  return config;
}

/**
 * What {@link compileEcm} measured for a compiled config, or null for a config that was not
 * compiled from a physical model.
 *
 * @example
 * compiledEcm(PRESETS['cbram-ecm'])!.setEnergy[512]; // J per SET update at mid-range
 */
export function compiledEcm(config: DeviceConfig): CompiledEcm | null {
  return REGISTRY.get(config) ?? null;
}

/** Energy, J, and final gap of one read pulse at the device's read voltage from gap `s`. */
export function readPulse(
  device: EcmDevice,
  s: number,
  T: number,
): { gap: number; energy: number } {
  const r = integratePulse(device.params, s, device.read.amplitude, device.read.width, T);
  return { gap: r.gap, energy: r.energy };
}
