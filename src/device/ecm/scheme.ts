/**
 * Programming schemes: how the pulses of a SET (or RESET) train are shaped. Amplitudes are
 * magnitudes in volts (the polarity comes from the half: SET positive, RESET negative); widths are
 * in seconds.
 *
 * - `identical`: every pulse the same.
 * - `ispp`: incremental step pulse programming, amplitude + k·step for the k-th pulse of a train.
 * - `width`: width modulation, width·growth^k for the k-th pulse.
 * - `verify`: program-and-verify. One update applies pulses, each followed by a read, until the
 *   state has moved by `target` (in units of the range) or `maxPulses` were spent.
 */
import type { EcmParams } from './params';
import { checkPulseInputs } from './physics';
import { checkInt, checkNumber, checkOneOf, checkOptions, fail } from '../../core/validate';

export type SchemeKind = 'identical' | 'ispp' | 'width' | 'verify';
export const SCHEME_KINDS: readonly SchemeKind[] = ['identical', 'ispp', 'width', 'verify'];

/** One half (SET or RESET) of a scheme. `kind` defaults to `identical`. */
export interface SchemeHalf {
  kind?: SchemeKind;
  /** Pulse amplitude (magnitude), V. */
  amplitude: number;
  /** Pulse width, s. */
  width: number;
  /** ispp: amplitude added per pulse of a train, V (default 0.02). */
  step?: number;
  /** ispp: largest amplitude (default the breakdown bound). */
  maxAmplitude?: number;
  /** width: factor per pulse (default 1.05). */
  growth?: number;
  /** width: largest width, s (default 100× width). */
  maxWidth?: number;
  /** verify: state change one update aims for, fraction of the range (default 1/64). */
  target?: number;
  /** verify: most programming pulses per update (default 8). */
  maxPulses?: number;
}

/** A full scheme: both halves, each with all its fields filled in. */
export interface PulseScheme {
  set: Required<SchemeHalf>;
  reset: Required<SchemeHalf>;
}

/** A scheme as a caller gives it: either half may be left out (the device's default is used). */
export interface SchemeOptions {
  set?: SchemeHalf;
  reset?: SchemeHalf;
}

const HALF_KEYS = [
  'kind',
  'amplitude',
  'width',
  'step',
  'maxAmplitude',
  'growth',
  'maxWidth',
  'target',
  'maxPulses',
];

/** Validate one half and fill in its defaults. */
export function checkSchemeHalf(
  fn: string,
  param: string,
  h: unknown,
  p: EcmParams,
): Required<SchemeHalf> {
  if (!h || typeof h !== 'object' || Array.isArray(h))
    fail(fn, param, h, 'an object { amplitude, width, kind? }');
  checkOptions(`${fn} (${param})`, h, HALF_KEYS);
  const q = h as SchemeHalf;
  const kind = checkOneOf(fn, `${param}.kind`, q.kind ?? 'identical', SCHEME_KINDS);
  checkPulseInputs(fn, p, param, q.amplitude, q.width);
  // A scheme's pulse has a width: 0 would compile to steps of nothing at an undefined voltage.
  if (!(q.width > 0)) fail(fn, `${param}.width`, q.width, 'a pulse width > 0 and <= 1 s');
  if (q.amplitude < 0)
    fail(
      fn,
      `${param}.amplitude`,
      q.amplitude,
      'a magnitude >= 0 (the polarity comes from set/reset)',
    );
  const bd = p.breakdownVoltage;
  const out: Required<SchemeHalf> = {
    kind,
    amplitude: q.amplitude,
    width: q.width,
    step: checkNumber(fn, `${param}.step`, q.step ?? 0.02, { min: 0, max: bd }),
    maxAmplitude: checkNumber(fn, `${param}.maxAmplitude`, q.maxAmplitude ?? bd, {
      min: q.amplitude,
      max: bd,
    }),
    growth: checkNumber(fn, `${param}.growth`, q.growth ?? 1.05, { min: 1, max: 10 }),
    maxWidth: checkNumber(fn, `${param}.maxWidth`, q.maxWidth ?? Math.min(1, 100 * q.width), {
      min: q.width,
      max: 1,
    }),
    target: checkNumber(fn, `${param}.target`, q.target ?? 1 / 64, {
      min: 0,
      exclusiveMin: true,
      max: 1,
    }),
    maxPulses: checkInt(fn, `${param}.maxPulses`, q.maxPulses ?? 8, { min: 1, max: 1000 }),
  };
  return Object.freeze(out);
}

/** Complete a caller's scheme from a default one (either half may be omitted). */
export function resolveScheme(
  fn: string,
  given: SchemeOptions | undefined,
  fallback: PulseScheme,
  p: EcmParams,
): PulseScheme {
  if (given === undefined) return fallback;
  if (!given || typeof given !== 'object' || Array.isArray(given))
    fail(fn, 'options.scheme', given, 'an object { set?, reset? }');
  checkOptions(`${fn} (options.scheme)`, given, ['set', 'reset']);
  return Object.freeze({
    set:
      given.set === undefined
        ? fallback.set
        : checkSchemeHalf(fn, 'options.scheme.set', given.set, p),
    reset:
      given.reset === undefined
        ? fallback.reset
        : checkSchemeHalf(fn, 'options.scheme.reset', given.reset, p),
  });
}

/**
 * Amplitude (magnitude, V) and width (s) of the k-th programming pulse (from 0) of a train. For
 * `verify` every pulse is the base pulse.
 */
export function pulseOf(h: Required<SchemeHalf>, k: number): { amplitude: number; width: number } {
  switch (h.kind) {
    case 'ispp':
      return { amplitude: Math.min(h.amplitude + k * h.step, h.maxAmplitude), width: h.width };
    case 'width':
      return { amplitude: h.amplitude, width: Math.min(h.width * h.growth ** k, h.maxWidth) };
    default:
      return { amplitude: h.amplitude, width: h.width };
  }
}
