/**
 * Argument checks shared by every public function. Each throws a {@link CbramError} whose message
 * names the function, the parameter, the value and what is allowed.
 */
import { closest } from 'fastest-levenshtein';
import { CbramError, type ErrorCode } from './errors';
import { formatValue } from './format';

/**
 * The known name nearest to `input`: a case-insensitive prefix or substring match first
 * ("expo" → "exponential"), otherwise the smallest edit distance.
 */
export function nearestName(input: string, known: readonly string[]): string {
  const low = input.toLowerCase();
  const prefix = known.find((k) => k.toLowerCase().startsWith(low));
  if (prefix) return prefix;
  const inside = known.find((k) => k.toLowerCase().includes(low));
  if (inside) return inside;
  return closest(input, known as string[]);
}

/** Throw a CbramError: `fn: param must be <allowed>, got <value>`. */
export function fail(
  fn: string,
  param: string,
  value: unknown,
  allowed: string,
  code: ErrorCode = 'E_ARG',
): never {
  throw new CbramError(code, `${fn}: ${param} must be ${allowed}, got ${formatValue(value)}`, {
    fn,
    param,
    value,
  });
}

/** Bounds for numeric checks. Omitted bounds are open. */
export interface NumberBounds {
  min?: number;
  max?: number;
  /** Exclude `min` itself (default false). */
  exclusiveMin?: boolean;
  /** Exclude `max` itself (default false). */
  exclusiveMax?: boolean;
}

function describeBounds(kind: string, b: NumberBounds): string {
  const lo = b.min !== undefined ? `${b.exclusiveMin ? '>' : '>='} ${b.min}` : '';
  const hi = b.max !== undefined ? `${b.exclusiveMax ? '<' : '<='} ${b.max}` : '';
  if (lo && hi) return `${kind} ${lo} and ${hi}`;
  if (lo || hi) return `${kind} ${lo || hi}`;
  return kind;
}

function inBounds(v: number, b: NumberBounds): boolean {
  if (b.min !== undefined && (b.exclusiveMin ? v <= b.min : v < b.min)) return false;
  if (b.max !== undefined && (b.exclusiveMax ? v >= b.max : v > b.max)) return false;
  return true;
}

/** A finite number within bounds. Returns it, so checks can sit inside expressions. */
export function checkNumber(fn: string, param: string, v: unknown, b: NumberBounds = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !inBounds(v, b)) {
    fail(fn, param, v, describeBounds('a finite number', b));
  }
  return v;
}

/** An integer within bounds. */
export function checkInt(fn: string, param: string, v: unknown, b: NumberBounds = {}): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || !inBounds(v, b)) {
    fail(fn, param, v, describeBounds('an integer', b));
  }
  return v;
}

/** A positive integer (>= 1). */
export function checkPositiveInt(fn: string, param: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    fail(fn, param, v, 'a positive integer');
  return v;
}

/** A probability in [0, 1]. */
export function checkProbability(fn: string, param: string, v: unknown): number {
  return checkNumber(fn, param, v, { min: 0, max: 1 });
}

/** A boolean. */
export function checkBoolean(fn: string, param: string, v: unknown): boolean {
  if (typeof v !== 'boolean') fail(fn, param, v, 'true or false');
  return v;
}

/** One of a fixed set of strings; suggests the nearest one on a typo. */
export function checkOneOf<T extends string>(
  fn: string,
  param: string,
  v: unknown,
  choices: readonly T[],
): T {
  if (typeof v !== 'string' || !choices.includes(v as T)) {
    const hint =
      typeof v === 'string' && choices.length
        ? ` (did you mean "${nearestName(v, choices)}"?)`
        : '';
    fail(fn, param, v, `one of ${choices.map((c) => `"${c}"`).join(', ')}${hint}`);
  }
  return v as T;
}

/**
 * Reject unknown keys in an options object, suggesting the nearest known key.
 *
 * @example
 * checkOptions('createCrossbar', { rowz: 3 }, ['rows', 'cols']);
 * // CbramError E_OPTION: createCrossbar: unknown option "rowz" (did you mean "rows"?). Known options: rows, cols
 */
export function checkOptions(fn: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail(fn, 'options', options, 'an object');
  }
  for (const key of Object.keys(options as object)) {
    if (!known.includes(key)) {
      const hint = known.length ? ` (did you mean "${nearestName(key, known)}"?)` : '';
      throw new CbramError(
        'E_OPTION',
        `${fn}: unknown option "${key}"${hint}. Known options: ${known.join(', ')}`,
        { fn, param: key, value: (options as Record<string, unknown>)[key] },
      );
    }
  }
}

/** A typed or plain array of finite numbers, optionally of an exact length. */
export function checkFiniteArray(
  fn: string,
  param: string,
  v: unknown,
  length?: number,
): ArrayLike<number> {
  const ok = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  if (!ok)
    fail(
      fn,
      param,
      v,
      length === undefined ? 'an array of numbers' : `an array of ${length} numbers`,
    );
  const a = v as ArrayLike<number>;
  if (length !== undefined && a.length !== length) {
    fail(fn, `${param}.length`, a.length, `${length}`);
  }
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isFinite(x))
      fail(fn, `${param}[${i}]`, x, 'a finite number');
  }
  return a;
}
