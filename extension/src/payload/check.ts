/**
 * Checks on untrusted JSON with readable messages: every failure names the field's path, what
 * was found and what is allowed, e.g. `map.rows: expected an integer from 1 to 65536, got 1e9`.
 */

/** A payload that cannot be drawn; the message is plain text for the error panel. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

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

  /** An integer in [min, max]. */
  int(key: string, min: number, max: number): number {
    const v = this.value[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      fail(this.at(key), `an integer from ${min} to ${max}`, v);
    return v;
  }

  /** An array of finite numbers, at most `maxLength` long. */
  numbers(key: string, maxLength: number): number[] {
    return numberArray(this.value[key], this.at(key), maxLength, false) as number[];
  }

  /** An array of finite numbers or nulls (null marks a missing value). */
  numbersOrNull(key: string, maxLength: number): (number | null)[] {
    return numberArray(this.value[key], this.at(key), maxLength, true);
  }

  /** An array of strings, at most `maxLength` long. */
  strings(key: string, maxLength: number): string[] {
    const v = this.value[key];
    if (!Array.isArray(v) || v.length > maxLength)
      fail(this.at(key), `an array of at most ${maxLength} strings`, v);
    v.forEach((s, i) => {
      if (typeof s !== 'string') fail(`${this.at(key)}[${i}]`, 'a string', s);
    });
    return v as string[];
  }

  /** An array of objects, each wrapped as a reader. */
  objects(key: string, maxLength: number): Reader[] {
    const v = this.value[key];
    if (!Array.isArray(v) || v.length > maxLength)
      fail(this.at(key), `an array of at most ${maxLength} objects`, v);
    return v.map((o, i) => Reader.of(o, `${this.at(key)}[${i}]`));
  }

  /** A [lo, hi] pair of finite numbers with lo < hi. */
  range(key: string): [number, number] {
    const r = this.numbers(key, 2);
    if (r.length !== 2 || !(r[0]! < r[1]!))
      fail(this.at(key), 'a range [lo, hi] with lo < hi', this.value[key]);
    return [r[0]!, r[1]!];
  }
}

function numberArray(
  v: unknown,
  path: string,
  maxLength: number,
  nullable: boolean,
): (number | null)[] {
  if (!Array.isArray(v) || v.length > maxLength)
    fail(path, `an array of at most ${maxLength.toLocaleString('en-US')} numbers`, v);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (nullable && x === null) continue;
    if (typeof x !== 'number' || !Number.isFinite(x))
      fail(`${path}[${i}]`, nullable ? 'a finite number or null' : 'a finite number', x);
  }
  return v as (number | null)[];
}
