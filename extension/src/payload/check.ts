/**
 * Checks on untrusted JSON with readable messages: every failure names the field's path, what
 * was found and what is allowed, e.g. `map.quantity: expected one of conductance, weight, got 3`.
 * Sizes are given as a limit of the renderer's budget (./budget.ts) or as a plain number for a
 * fixed structure (a [lo, hi] pair); past a budget limit, the message names the limit.
 */

import { BUDGET, fmt, overBudget, type Limit } from './budget';
import { PayloadError } from './error';

export { PayloadError };

/** A short, safe description of a value for messages (never the whole of a large value). */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

function fail(path: string, expected: string, got: unknown): never {
  throw new PayloadError(`${path}: expected ${expected}, got ${describe(got)}`);
}

/** A reader over one JSON object, with the path used in messages. */
export class Reader {
  constructor(
    readonly value: Record<string, unknown>,
    readonly path: string,
  ) {}

  /** Wrap `v` as an object reader (fails when `v` is not a plain object). */
  static of(v: unknown, path: string): Reader {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object', v);
    return new Reader(v as Record<string, unknown>, path);
  }

  private at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  raw(key: string): unknown {
    return this.value[key];
  }

  object(key: string): Reader {
    return Reader.of(this.value[key], this.at(key));
  }

  /** A nested object, or null when the field is null or absent. */
  optionalObject(key: string): Reader | null {
    return this.has(key) ? this.object(key) : null;
  }

  string(key: string, fallback?: string): string {
    const v = this.value[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string') fail(this.at(key), 'a string', v);
    return v;
  }

  /** One of `allowed` (strings). */
  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const v = this.value[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (!allowed.includes(v as T)) fail(this.at(key), `one of ${allowed.join(', ')}`, v);
    return v as T;
  }

  boolean(key: string, fallback?: boolean): boolean {
    const v = this.value[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') fail(this.at(key), 'true or false', v);
    return v;
  }

  /** A finite number. */
  number(key: string): number {
    const v = this.value[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(this.at(key), 'a finite number', v);
    return v;
  }

  /** An integer in [min, max]; `max` a number, or a budget limit (named when exceeded). */
  int(key: string, min: number, max: number | Limit): number {
    const v = this.value[key];
    const hi = typeof max === 'number' ? max : BUDGET[max];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      fail(this.at(key), `an integer from ${min} to ${hi}`, v);
    if (v > hi) {
      const expected = `expected an integer from ${min} to ${hi}, got ${describe(v)}`;
      if (typeof max !== 'number') overBudget(this.at(key), expected, max);
      fail(this.at(key), `an integer from ${min} to ${hi}`, v);
    }
    return v;
  }

  /** An array of finite numbers, at most `max` long. */
  numbers(key: string, max: number | Limit): number[] {
    return numberArray(this.value[key], this.at(key), max, false) as number[];
  }

  /** An array of finite numbers or nulls (null marks a missing value). */
  numbersOrNull(key: string, max: number | Limit): (number | null)[] {
    return numberArray(this.value[key], this.at(key), max, true);
  }

  /** An array of strings, at most `max` long. */
  strings(key: string, max: number | Limit): string[] {
    const v = checkLength(this.value[key], this.at(key), max, 'strings');
    // Index loops, not forEach or map: those skip the holes of a sparse array.
    for (let i = 0; i < v.length; i++)
      if (typeof v[i] !== 'string') fail(`${this.at(key)}[${i}]`, 'a string', v[i]);
    return v as string[];
  }

  /** An array of objects, at most `max` long, each wrapped as a reader. */
  objects(key: string, max: number | Limit): Reader[] {
    const v = checkLength(this.value[key], this.at(key), max, 'objects');
    return Array.from({ length: v.length }, (_, i) => Reader.of(v[i], `${this.at(key)}[${i}]`));
  }

  /** The length of the array at `key`, or 0 when it is not an array (checked when read). */
  lengthOf(key: string): number {
    const v = this.value[key];
    return Array.isArray(v) ? v.length : 0;
  }

  /** A [lo, hi] pair of finite numbers with lo < hi. */
  range(key: string): [number, number] {
    const r = this.numbers(key, 2);
    if (r.length !== 2 || !(r[0]! < r[1]!))
      fail(this.at(key), 'a range [lo, hi] with lo < hi', this.value[key]);
    return [r[0]!, r[1]!];
  }
}

/** `v` as an array of at most `max` items (`what`, for the message). */
function checkLength(v: unknown, path: string, max: number | Limit, what: string): unknown[] {
  if (typeof max === 'number') {
    if (!Array.isArray(v) || v.length > max)
      fail(path, `an array of at most ${fmt(max)} ${what}`, v);
    return v;
  }
  if (!Array.isArray(v)) fail(path, `an array of ${what}`, v);
  if (v.length > BUDGET[max]) overBudget(path, `${fmt(v.length)} ${what}`, max);
  return v;
}

function numberArray(
  v: unknown,
  path: string,
  max: number | Limit,
  nullable: boolean,
): (number | null)[] {
  const a = checkLength(v, path, max, 'numbers');
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (nullable && x === null) continue;
    if (typeof x !== 'number' || !Number.isFinite(x))
      fail(`${path}[${i}]`, nullable ? 'a finite number or null' : 'a finite number', x);
  }
  return a as (number | null)[];
}
