/**
 * Seeded, splittable pseudo-random numbers.
 *
 * Generator: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 47:36, 2021), 128 bits of state held in four int32 fields so the hot path stays in
 * small integers. Normals: the ziggurat method with 128 layers (Marsaglia & Tsang, J. Stat. Softw.
 * 5(8), 2000).
 *
 * Named streams: `rng.stream('d2d')` derives an independent generator from the root seed and the
 * name alone, never from how far the parent has advanced. Adding a new noise source therefore
 * never shifts the numbers another source sees.
 */
import { checkBudget, checkInt, checkNumber, fail } from './validate';

/** Serialisable generator state (for checkpoints). */
export interface RngState {
  /** The four 32-bit state words. */
  s: [number, number, number, number];
  /** The derivation key (root seed and stream path), used to derive child streams. */
  key: number;
  /** Human-readable stream path, e.g. `"42/d2d"`. */
  path: string;
}

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a hash of a string to 32 bits. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const TWO_M32 = 2 ** -32;

// Ziggurat tables (128 layers), computed once at load from the method's defining constants.
const ZIG_R = 3.442619855899;
const ZIG_V = 9.91256303526217e-3;
const KN = new Uint32Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
(() => {
  const m1 = 2147483648;
  let dn = ZIG_R;
  let tn = dn;
  const q = ZIG_V / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * m1);
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIG_V / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
})();

/**
 * @internal Copy the ziggurat tables into `kn`, `wn`, `fn` (128 entries each) and return the
 * tail start R, so a kernel elsewhere (the crossbar's WebAssembly pulse kernel) draws
 * bit-identical normals.
 */
export function copyZigguratTables(kn: Uint32Array, wn: Float64Array, fn: Float64Array): number {
  kn.set(KN);
  wn.set(WN);
  fn.set(FN);
  return ZIG_R;
}

/**
 * A seeded generator. Create one with {@link createRng}; derive independent named streams with
 * {@link Rng.stream}.
 *
 * @example
 * const rng = createRng(42);
 * const d2d = rng.stream('d2d');
 * d2d.normal(); // the same number for seed 42, on every machine, every time
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** Derivation key for child streams. */
  readonly key: number;
  /** Stream path, e.g. `"42/train/spikes"`. */
  readonly path: string;

  /** @internal Use {@link createRng} or {@link Rng.stream}. */
  constructor(key: number, path: string) {
    this.key = key >>> 0;
    this.path = path;
    let h = this.key;
    h = mix32(h + 0x9e3779b9);
    this.s0 = h | 0;
    h = mix32(h + 0x9e3779b9);
    this.s1 = h | 0;
    h = mix32(h + 0x9e3779b9);
    this.s2 = h | 0;
    h = mix32(h + 0x9e3779b9);
    this.s3 = h | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** An independent generator derived from this one's key and `name` (not from its position). */
  stream(name: string): Rng {
    if (typeof name !== 'string' || name.length === 0)
      fail('Rng.stream', 'name', name, 'a non-empty string');
    return new Rng(mix32(this.key ^ mix32(hashString(name))), `${this.path}/${name}`);
  }

  /** Next uniform 32-bit unsigned integer. */
  uint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const x = Math.imul(s1, 5);
    const r = Math.imul((x << 7) | (x >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return r >>> 0;
  }

  /** Uniform in [0, 1), 32-bit resolution. */
  float(): number {
    return this.uint32() * TWO_M32;
  }

  /** Uniform in (0, 1): never exactly 0 or 1, safe for logarithms. */
  floatOpen(): number {
    return (this.uint32() + 0.5) * TWO_M32;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Uniform integer in [0, n), for 1 <= n <= 2^32 (multiply-shift; bias below n/2^32). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** true with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** Standard exponential variate (mean 1). */
  exponential(): number {
    return -Math.log(this.floatOpen());
  }

  /** Standard normal variate (ziggurat). */
  normal(): number {
    let hz = this.uint32() | 0;
    let iz = hz & 127;
    if (Math.abs(hz) < KN[iz]!) return hz * WN[iz]!;
    for (;;) {
      let x = hz * WN[iz]!;
      if (iz === 0) {
        let y: number;
        do {
          x = -Math.log(this.floatOpen()) / ZIG_R;
          y = -Math.log(this.floatOpen());
        } while (y + y < x * x);
        return hz > 0 ? ZIG_R + x : -ZIG_R - x;
      }
      if (FN[iz]! + this.float() * (FN[iz - 1]! - FN[iz]!) < Math.exp(-0.5 * x * x)) return x;
      hz = this.uint32() | 0;
      iz = hz & 127;
      if (Math.abs(hz) < KN[iz]!) return hz * WN[iz]!;
    }
  }

  /** Fill `out` with standard normals; returns `out`. */
  fillNormal<T extends Float32Array | Float64Array>(out: T): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** Shuffle `a` in place (Fisher–Yates); returns `a`. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    checkInt('Rng.permutation', 'n', n, { min: 0, max: 2 ** 32 - 1 });
    checkBudget('Rng.permutation', 'n', n, 4, { unit: 'indices', hint: 'lower n' });
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** Snapshot of the full state (JSON-safe), for checkpoints. */
  getState(): RngState {
    return { s: [this.s0, this.s1, this.s2, this.s3], key: this.key, path: this.path };
  }

  /** Restore a state taken by {@link getState} from a generator on the same stream path. */
  setState(state: RngState): this {
    if (
      !state ||
      !Array.isArray(state.s) ||
      state.s.length !== 4 ||
      state.s.some((x) => !Number.isInteger(x))
    ) {
      fail('Rng.setState', 'state', state, 'an RngState from getState()', 'E_DATA');
    }
    if (state.path !== this.path)
      fail('Rng.setState', 'state.path', state.path, `"${this.path}"`, 'E_STATE');
    [this.s0, this.s1, this.s2, this.s3] = state.s.map((x) => x | 0) as [
      number,
      number,
      number,
      number,
    ];
    return this;
  }

  /**
   * @internal Write the four state words to `into[at..at+4)` without allocating (for kernels that
   * run the generator elsewhere, e.g. the crossbar's WebAssembly pulse kernel). Pair with
   * {@link Rng.importState}; use {@link Rng.getState} for checkpoints.
   */
  exportState(into: Int32Array, at = 0): void {
    into[at] = this.s0;
    into[at + 1] = this.s1;
    into[at + 2] = this.s2;
    into[at + 3] = this.s3;
  }

  /**
   * @internal Take the four state words from `from[at..at+4)`, as written by
   * {@link Rng.exportState} and advanced by a kernel running the same xoshiro128** (no checks).
   */
  importState(from: Int32Array, at = 0): void {
    this.s0 = from[at]!;
    this.s1 = from[at + 1]!;
    this.s2 = from[at + 2]!;
    this.s3 = from[at + 3]!;
  }

  /** An independent copy at the same position. */
  clone(): Rng {
    const r = new Rng(this.key, this.path);
    r.s0 = this.s0;
    r.s1 = this.s1;
    r.s2 = this.s2;
    r.s3 = this.s3;
    return r;
  }
}

/**
 * A root generator for `seed` (a non-negative safe integer).
 *
 * @example
 * const rng = createRng(7);
 * const spikes = rng.stream('spikes'), wta = rng.stream('wta');
 */
export function createRng(seed: number): Rng {
  checkNumber('createRng', 'seed', seed, { min: 0, max: Number.MAX_SAFE_INTEGER });
  checkInt('createRng', 'seed', seed, { min: 0 });
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  return new Rng(mix32(lo ^ mix32(hi + 0x6a09e667)), String(seed));
}

/** Accept a seed or an existing generator; returns a generator. */
export function toRng(fn: string, param: string, seedOrRng: number | Rng): Rng {
  if (seedOrRng instanceof Rng) return seedOrRng;
  if (typeof seedOrRng !== 'number' || !Number.isSafeInteger(seedOrRng) || seedOrRng < 0) {
    fail(fn, param, seedOrRng, 'a non-negative integer seed or an Rng from createRng()');
  }
  return createRng(seedOrRng);
}
