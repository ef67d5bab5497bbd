/**
 * Numbers with SI prefixes, for summaries and axis labels: `2.5e-12 J` reads `2.5 pJ`.
 */
import { checkOptions, checkInt, fail } from '../core/validate';

/** Options of {@link formatSI}. */
export interface FormatSIOptions {
  /** Significant digits, 1 to 15 (default 3). Trailing zeros are dropped. */
  digits?: number;
}

// Prefixes from yocto (1e-24) to yotta (1e24), indexed by exponent / 3 + 8.
const PREFIXES = [
  'y',
  'z',
  'a',
  'f',
  'p',
  'n',
  'µ',
  'm',
  '',
  'k',
  'M',
  'G',
  'T',
  'P',
  'E',
  'Z',
  'Y',
];
const OFFSET = 8;

/**
 * Render `value` with an SI prefix and `unit`, rounded to a few significant digits.
 *
 * Zero is `0 J`. Values outside the prefixes' range (below 1e-24 or from 1e27) fall back to
 * exponent notation, e.g. `1e-30 J`. Micro is `µ` (U+00B5).
 *
 * @example
 * formatSI(2.5e-12, 'J'); // '2.5 pJ'
 * formatSI(1234, 'J'); // '1.23 kJ'
 * formatSI(1234, 'J', { digits: 4 }); // '1.234 kJ'
 * formatSI(5e-5, 'S'); // '50 µS'
 */
export function formatSI(value: number, unit: string, options?: FormatSIOptions): string {
  if (typeof value !== 'number' || !Number.isFinite(value))
    fail('formatSI', 'value', value, 'a finite number');
  if (typeof unit !== 'string') fail('formatSI', 'unit', unit, 'a string');
  checkOptions('formatSI', options, ['digits']);
  const { digits = 3 } = options ?? {};
  checkInt('formatSI', 'options.digits', digits, { min: 1, max: 15 });

  const sep = unit.length > 0 ? ' ' : '';
  if (value === 0) return `0${sep}${unit}`;
  const abs = Math.abs(value);
  let e3 = Math.floor(Math.log10(abs) / 3);
  let m = Number((value / 10 ** (3 * e3)).toPrecision(digits));
  // log10 and rounding can land one prefix off (e.g. 999.96 → 1000); step to the right one.
  if (Math.abs(m) >= 1000) {
    e3 += 1;
    m = Number((value / 10 ** (3 * e3)).toPrecision(digits));
  } else if (Math.abs(m) < 1) {
    e3 -= 1;
    m = Number((value / 10 ** (3 * e3)).toPrecision(digits));
  }
  const prefix = PREFIXES[e3 + OFFSET];
  if (prefix === undefined) return `${Number(value.toPrecision(digits))}${sep}${unit}`;
  return `${m}${sep}${prefix}${unit}`;
}
