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

/** A plain object (not null, not an array, not a typed array). */
export function checkObject(fn: string, param: string, v: unknown, allowed: string): object {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v))
    fail(fn, param, v, allowed);
  return v;
}

/** A function (a callback). */
export function checkFunction(fn: string, param: string, v: unknown, allowed = 'a function'): void {
  if (typeof v !== 'function') fail(fn, param, v, allowed);
}

/** A string, optionally non-empty. */
export function checkString(fn: string, param: string, v: unknown, nonEmpty = false): string {
  if (typeof v !== 'string' || (nonEmpty && v.length === 0))
    fail(fn, param, v, nonEmpty ? 'a non-empty string' : 'a string');
  return v;
}

/**
 * The default memory budget, bytes (1 GiB): the most one call may allocate from sizes the caller
 * chose (cells of a crossbar, rows of a pulse response, tiles of a plan, ...). The paper's whole
 * network needs about 4 MB; the budget only stops sizes that would exhaust the process.
 */
export const DEFAULT_MEMORY_BUDGET = 2 ** 30;

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kb: 2 ** 10,
  kib: 2 ** 10,
  m: 2 ** 20,
  mb: 2 ** 20,
  mib: 2 ** 20,
  g: 2 ** 30,
  gb: 2 ** 30,
  gib: 2 ** 30,
  t: 2 ** 40,
  tb: 2 ** 40,
  tib: 2 ** 40,
};

/**
 * Parse a byte size such as `"4GiB"`, `"512M"` or `"1073741824"` (binary prefixes). Returns NaN
 * when the text is not a size.
 */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? BYTE_UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
}

let budgetCache: { env: string | undefined; bytes: number } | null = null;

/**
 * The memory budget in bytes: {@link DEFAULT_MEMORY_BUDGET} (1 GiB), or the
 * `CBRAM_MEMORY_BUDGET` environment variable (e.g. `CBRAM_MEMORY_BUDGET=4GiB`) when it is set.
 *
 * @example
 * memoryBudget(); // 1073741824
 */
export function memoryBudget(): number {
  const env = typeof process === 'undefined' ? undefined : process.env.CBRAM_MEMORY_BUDGET;
  if (budgetCache !== null && budgetCache.env === env) return budgetCache.bytes;
  let bytes = DEFAULT_MEMORY_BUDGET;
  if (env !== undefined && env.trim() !== '') {
    bytes = parseByteSize(env);
    if (!(bytes >= 1 && bytes <= Number.MAX_SAFE_INTEGER))
      fail(
        'memoryBudget',
        'CBRAM_MEMORY_BUDGET',
        env,
        'a positive byte size such as "4GiB", "512MiB" or "1073741824"',
      );
  }
  budgetCache = { env, bytes };
  return bytes;
}

/** Bytes with a binary prefix, 3 significant digits: `8 GiB`, `1.5 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} B`;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let u = 0;
  let x = bytes;
  while (x >= 1024 && u < units.length - 1) {
    x /= 1024;
    u++;
  }
  const digits = u === 0 ? String(Math.round(x)) : String(Number(x.toPrecision(3)));
  return x >= 1024 ? `${bytes.toExponential(2)} B` : `${digits} ${units[u]}`;
}

/** A count for messages: `3,000` below a million, `2e9` above. */
function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) < 1e6) return n.toLocaleString('en-US');
  const [m, e] = n.toExponential(2).split('e');
  return `${Number(m)}e${Number(e)}`;
}

/** Options of {@link checkBudget}. */
export interface BudgetOptions {
  /** What one element is, for the message (default "values"). */
  unit?: string;
  /** How to fix it, e.g. "lower cycles or the pulses per train". */
  hint?: string;
}

/**
 * Refuse sizes whose product would allocate past the {@link memoryBudget}, before anything is
 * allocated. `elements` is the product of the caller's sizes (computed in double precision, so
 * products beyond 2^53 still compare correctly), `bytesPerElement` what each one costs.
 *
 * @example
 * checkBudget('pulseResponse', 'devices × cycles × (setPulses + resetPulses + 2)', 2e9, 28,
 *   { unit: 'rows', hint: 'lower cycles, devices or the pulses per train' });
 * // CbramError E_BUDGET: pulseResponse: devices × cycles × (setPulses + resetPulses + 2) = 2e9 rows
 * // (52.2 GiB) exceeds the memory budget of 3.83e7 rows (1 GiB); lower cycles, ...
 */
export function checkBudget(
  fn: string,
  what: string,
  elements: number,
  bytesPerElement: number,
  options: BudgetOptions = {},
): void {
  const budget = memoryBudget();
  const bytes = elements * bytesPerElement;
  if (bytes <= budget) return;
  const unit = options.unit ?? 'values';
  const cap = Math.floor(budget / bytesPerElement);
  throw new CbramError(
    'E_BUDGET',
    `${fn}: ${what} = ${formatCount(elements)} ${unit} (${formatBytes(bytes)}) exceeds the memory ` +
      `budget of ${formatCount(cap)} ${unit} (${formatBytes(budget)})` +
      `${options.hint ? `; ${options.hint}` : ''}` +
      ' (the budget is set by the CBRAM_MEMORY_BUDGET environment variable, e.g. "4GiB")',
    { fn, param: what, value: elements },
  );
}
