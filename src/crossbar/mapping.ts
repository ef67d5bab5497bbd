/**
 * Weight ↔ conductance mappings (analog).
 *
 * - `offset`: one device per weight, w = w_min + (w_max − w_min)(G − G_min)/(G_max − G_min).
 *   With [w_min, w_max] = [−1, 1] this is the mapping Shi et al. 2018 use.
 * - `differential`: a pair per weight, w = w_max·(G⁺ − G⁻)/(G_max − G_min).
 *
 * The mappings use the nominal G_min/G_max of the device config: the periphery cannot know each
 * cell's own bounds, so device-to-device spread shows up as weight error, as it does on chip.
 * The digital mapping (b bits over b binary cells) lives in ./digital.ts.
 */
import { checkDeviceConfig, type DeviceConfig } from '../device/config';
import { checkNumber, checkObject, checkOneOf, checkOptions, fail } from '../core/validate';

export type AnalogMappingKind = 'offset' | 'differential';
export const ANALOG_MAPPING_KINDS: readonly AnalogMappingKind[] = ['offset', 'differential'];

/** A linear map between weights and normalised device states, from a device config. */
export interface WeightMapping {
  readonly kind: AnalogMappingKind;
  /** Weight range. */
  readonly wMin: number;
  readonly wMax: number;
  /** Nominal conductance range used for the mapping, S. */
  readonly gMin: number;
  readonly gMax: number;
  /** Devices per weight (1 or 2). */
  readonly devicesPerWeight: number;
}

/** Mappings made by createMapping (frozen, so already valid). */
const mappings = new WeakSet<object>();

/** Options for {@link createMapping}. */
export interface MappingOptions {
  /** 'offset' (default) or 'differential'. */
  kind?: AnalogMappingKind;
  /** Weight range (default [−1, 1]). For 'differential' it must be symmetric. */
  wMin?: number;
  wMax?: number;
}

/**
 * A mapping for a device.
 *
 * @example
 * const m = createMapping(PRESETS['cbram-subquantum']); // offset, w ∈ [−1, 1]
 * weightToConductance(m, 0); // 25.5 µS
 */
export function createMapping(device: DeviceConfig, options: MappingOptions = {}): WeightMapping {
  const fn = 'createMapping';
  device = checkDeviceConfig(fn, device, 'device.');
  checkOptions(fn, options, ['kind', 'wMin', 'wMax']);
  const kind = checkOneOf(fn, 'options.kind', options.kind ?? 'offset', ANALOG_MAPPING_KINDS);
  const wMin = checkNumber(fn, 'options.wMin', options.wMin ?? -1);
  const wMax = checkNumber(fn, 'options.wMax', options.wMax ?? 1, {
    min: wMin,
    exclusiveMin: true,
  });
  if (kind === 'differential' && wMin !== -wMax)
    fail(fn, 'options.wMin', wMin, `-wMax (${-wMax}) for a differential mapping`);
  const m = Object.freeze({
    kind,
    wMin,
    wMax,
    gMin: device.gMin,
    gMax: device.gMax,
    devicesPerWeight: kind === 'offset' ? 1 : 2,
  });
  mappings.add(m);
  return m;
}

/**
 * Check a mapping that may have been built by hand: the fields {@link createMapping} sets, with
 * wMin < wMax and gMin < gMax.
 */
function checkMapping(fn: string, m: unknown): WeightMapping {
  if (m !== null && typeof m === 'object' && mappings.has(m)) return m as WeightMapping;
  checkObject(fn, 'mapping', m, 'a WeightMapping from createMapping()');
  checkOptions(`${fn} (mapping)`, m, ['kind', 'wMin', 'wMax', 'gMin', 'gMax', 'devicesPerWeight']);
  const q = m as WeightMapping;
  const kind = checkOneOf(fn, 'mapping.kind', q.kind, ANALOG_MAPPING_KINDS);
  checkNumber(fn, 'mapping.wMin', q.wMin);
  checkNumber(fn, 'mapping.wMax', q.wMax, { min: q.wMin, exclusiveMin: true });
  checkNumber(fn, 'mapping.gMin', q.gMin, { min: 0 });
  checkNumber(fn, 'mapping.gMax', q.gMax, { min: q.gMin, exclusiveMin: true });
  if (q.devicesPerWeight !== (kind === 'offset' ? 1 : 2))
    fail(fn, 'mapping.devicesPerWeight', q.devicesPerWeight, kind === 'offset' ? '1' : '2');
  if (kind === 'differential' && q.wMin !== -q.wMax)
    fail(fn, 'mapping.wMin', q.wMin, `-wMax (${-q.wMax}) for a differential mapping`);
  return q;
}

/**
 * Target conductance(s) for weight w (clamped to the weight range): for 'offset' one value; for
 * 'differential' [G⁺, G⁻] with one device at G_min.
 */
export function weightToConductance(m: WeightMapping, w: number): number | [number, number] {
  checkMapping('weightToConductance', m);
  checkNumber('weightToConductance', 'w', w);
  const c = w < m.wMin ? m.wMin : w > m.wMax ? m.wMax : w;
  const span = m.gMax - m.gMin;
  if (m.kind === 'offset') return m.gMin + ((c - m.wMin) / (m.wMax - m.wMin)) * span;
  const d = (Math.abs(c) / m.wMax) * span;
  return c >= 0 ? [m.gMin + d, m.gMin] : [m.gMin, m.gMin + d];
}

/** Weight read from conductance g ('offset') or from the pair gPlus, gMinus ('differential'). */
export function conductanceToWeight(m: WeightMapping, g: number, gMinus?: number): number {
  checkMapping('conductanceToWeight', m);
  checkNumber('conductanceToWeight', 'g', g);
  if (gMinus !== undefined) checkNumber('conductanceToWeight', 'gMinus', gMinus);
  const span = m.gMax - m.gMin;
  if (m.kind === 'offset') return m.wMin + ((g - m.gMin) / span) * (m.wMax - m.wMin);
  if (gMinus === undefined)
    fail('conductanceToWeight', 'gMinus', gMinus, 'a conductance for the differential mapping');
  return (m.wMax * (g - gMinus)) / span;
}

/**
 * Affine coefficients (a, b) with w = a + b·G for the 'offset' mapping, so that a whole read
 * Σ w·v = a·Σv + b·Σ G·v can be done on conductances.
 */
export function offsetCoefficients(m: WeightMapping): { a: number; b: number } {
  checkMapping('offsetCoefficients', m);
  const b = (m.wMax - m.wMin) / (m.gMax - m.gMin);
  return { a: m.wMin - b * m.gMin, b };
}
