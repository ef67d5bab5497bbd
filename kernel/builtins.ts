/**
 * The original built-ins, put back while the kernel does its own synchronous work.
 *
 * Cells run in the kernel's realm, so `JSON.stringify = () => '{'` or
 * `Array.prototype.map = null` in a cell also changes what the kernel's TypeScript compiler, its
 * renderers and its wire format see; TypeScript alone calls JSON.stringify when it builds each
 * cell's program, so every later cell would fail. At load time (before any cell runs) this module
 * records the own properties of the standard built-ins and of the global names that refer to
 * them. {@link withOriginals} runs a function with every recorded property that a cell has since
 * changed put back, and then restores the cell's versions, so the cell keeps what it defined and
 * the kernel keeps working. The kernel uses it around compiling a cell, rendering its value,
 * formatting errors and publishing output. Code the kernel calls meanwhile (a value's display
 * method, a getter) sees the originals too.
 *
 * Limits: a property a cell made non-configurable and non-writable cannot be put back (it is
 * skipped); asynchronous kernel work that is not wrapped (promise callbacks inside ZeroMQ) sees
 * the cell's versions, which is why the wire format also uses ./protocol/intrinsics.ts.
 */

interface Recorded {
  target: object;
  key: PropertyKey;
  desc: PropertyDescriptor;
}

const getDesc = Reflect.getOwnPropertyDescriptor;
const define = Reflect.defineProperty;
const del = Reflect.deleteProperty;
const ownKeys = Reflect.ownKeys;
const apply = Reflect.apply;

/** Global names whose values are recorded (and whose own properties, for the objects). */
const GLOBALS = [
  'JSON',
  'Object',
  'Array',
  'String',
  'Number',
  'Boolean',
  'Symbol',
  'BigInt',
  'Function',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'Promise',
  'Reflect',
  'Math',
  'Date',
  'RegExp',
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ArrayBuffer',
  'Uint8Array',
  'Int32Array',
  'Float64Array',
  'DataView',
  'TextEncoder',
  'TextDecoder',
  'Buffer',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'encodeURIComponent',
  'decodeURIComponent',
  'setTimeout',
  'clearTimeout',
  'setImmediate',
  'clearImmediate',
  'queueMicrotask',
] as const;

function record(): Recorded[] {
  const out: Recorded[] = [];
  const g = globalThis as unknown as Record<string, unknown>;
  const objects: object[] = [];
  for (const name of GLOBALS) {
    // Read first: Node defines some globals lazily and replaces the getter on first access.
    const v = g[name];
    const desc = getDesc(globalThis, name);
    if (!desc) continue;
    out.push({ target: globalThis, key: name, desc });
    if ((typeof v === 'object' || typeof v === 'function') && v !== null) {
      objects.push(v);
      // Function.prototype is itself a function.
      const proto = (v as { prototype?: unknown }).prototype;
      if ((typeof proto === 'object' || typeof proto === 'function') && proto !== null)
        objects.push(proto);
    }
  }
  // The typed arrays' shared parent (%TypedArray%) and its prototype hold most of their methods.
  const typed = Object.getPrototypeOf(Uint8Array) as object;
  objects.push(typed, (typed as { prototype: object }).prototype);
  for (const target of objects) {
    for (const key of ownKeys(target)) {
      const desc = getDesc(target, key);
      if (desc && desc.configurable) out.push({ target, key, desc });
    }
  }
  return out;
}

const RECORDED = record();

function sameDescriptor(a: PropertyDescriptor | undefined, b: PropertyDescriptor): boolean {
  if (!a) return false;
  return a.value === b.value && a.get === b.get && a.set === b.set;
}

/**
 * Run `fn` with the original built-ins in place, then put back whatever the cells had set.
 * Synchronous work only: nothing else runs in between.
 *
 * @example
 * JSON.stringify = () => '{';
 * withOriginals(() => JSON.stringify({ a: 1 })); // '{"a":1}'
 * JSON.stringify({ a: 1 }); // '{'
 */
export function withOriginals<T>(fn: () => T): T {
  let changed: [Recorded, PropertyDescriptor | undefined][] | null = null;
  for (let i = 0; i < RECORDED.length; i++) {
    const r = RECORDED[i]!;
    const now = getDesc(r.target, r.key);
    if (sameDescriptor(now, r.desc)) continue;
    if (now && !now.configurable && !now.writable) continue;
    if (!define(r.target, r.key, r.desc)) continue;
    changed ??= [];
    changed[changed.length] = [r, now];
  }
  if (changed === null) return fn();
  try {
    return apply(fn, undefined, []) as T;
  } finally {
    for (let i = changed.length - 1; i >= 0; i--) {
      const [r, was] = changed[i]!;
      if (was) define(r.target, r.key, was);
      else del(r.target, r.key);
    }
  }
}

/** How a recorded property is named in messages, e.g. `JSON.stringify`. */
function nameOf(r: Recorded): string {
  const key = typeof r.key === 'symbol' ? `[${r.key.description ?? 'symbol'}]` : String(r.key);
  if (r.target === globalThis) return key;
  for (const name of GLOBALS) {
    const v = (globalThis as unknown as Record<string, unknown>)[name];
    if (v === r.target) return `${name}.${key}`;
    if ((v as { prototype?: unknown } | undefined)?.prototype === r.target)
      return `${name}.prototype.${key}`;
  }
  return `%TypedArray%.${key}`;
}

/**
 * The names of recorded built-ins that differ from their originals now, e.g. `JSON.stringify`.
 *
 * @example
 * JSON.parse = () => 1;
 * replacedBuiltins(); // ['JSON.parse']
 */
export function replacedBuiltins(): string[] {
  // Plain loops and index writes until the originals are back.
  const changed: Recorded[] = [];
  for (let i = 0; i < RECORDED.length; i++) {
    const r = RECORDED[i]!;
    if (!sameDescriptor(getDesc(r.target, r.key), r.desc)) changed[changed.length] = r;
  }
  return withOriginals(() => changed.map(nameOf));
}
