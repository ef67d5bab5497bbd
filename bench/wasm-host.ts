/** Loading the benchmark's own WebAssembly experiments (bench/wasm) on a memory the caller owns. */
import * as fs from 'node:fs';

export type Exports = Record<string, (...args: number[]) => number>;

/** A WebAssembly memory: its buffer is a SharedArrayBuffer when it is shared. */
export interface WasmMemory {
  buffer: ArrayBuffer;
}

/** The slice of the WebAssembly JS API used here (Node 20's types do not declare it). */
interface WasmApi {
  Module: { new (bytes: Uint8Array): object; imports(m: object): { name: string }[] };
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A memory of `pages` 64 KiB pages, shared between threads if asked. */
export function wasmMemory(pages: number, shared = false): WasmMemory {
  return new WA.Memory({ initial: pages, maximum: pages, shared });
}

/** Instantiate the module in `file` on `memory` (and the host's exp and log, if it imports them). */
export function instantiate(file: string, memory: WasmMemory): Exports {
  const module = new WA.Module(fs.readFileSync(file));
  const env: Record<string, unknown> = { memory, exp: Math.exp, log: Math.log, abort: () => {} };
  const imports: Record<string, unknown> = {};
  for (const i of WA.Module.imports(module)) imports[i.name] = env[i.name];
  return new WA.Instance(module, { env: imports }).exports as Exports;
}
