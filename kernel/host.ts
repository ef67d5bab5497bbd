/**
 * The link between notebook code and the running kernel.
 *
 * Cells import the notebook API (`cbram-lab/kernel`), which may be another copy of this package
 * than the one running the kernel (a user's project has its own). The kernel therefore registers
 * itself under a global registered symbol, and the API looks it up at call time. Outside a
 * kernel there is no host, and the API falls back to printing text.
 */
import type { MimeBundle } from '../src/display/protocol';
import type { Comm, CommTarget } from './comms';

/** display_data / update_display_data content. */
export interface DisplayContent {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient?: { display_id: string };
}

/** Which request an output belongs to (opaque to the notebook API). */
export type OutputParent = unknown;

/** What the kernel offers notebook code. Version 1. */
export interface KernelHost {
  readonly version: 1;
  /** The request outputs currently go to (the running cell, or the last one). */
  outputParent(): OutputParent;
  /** Publish a display (update: true → update_display_data). */
  publishDisplay(content: DisplayContent, update: boolean, parent?: OutputParent): void;
  /** Publish clear_output. */
  clearOutput(wait: boolean): void;
  /**
   * An AbortSignal that fires when the user interrupts the running cell. Asking for it tells
   * the kernel the cell stops cooperatively, so an interrupt waits for it to stop cleanly.
   */
  interruptSignal(): AbortSignal;
  /** Register a pending-update flush the kernel runs before a cell's reply; returns an unregister. */
  trackLive(flush: () => void): () => void;
  registerCommTarget(target: string, handler: CommTarget): void;
  openComm(target: string, data?: unknown, metadata?: Record<string, unknown>): Comm;
  /** Ask the front end for a line of input (stdin channel). */
  input(prompt: string, password: boolean): Promise<string>;
}

const HOST_KEY = Symbol.for('cbram.kernel.host');

/** The running kernel, or null outside one. */
export function getHost(): KernelHost | null {
  const h = (globalThis as Record<symbol, unknown>)[HOST_KEY] as KernelHost | undefined;
  return h && h.version === 1 ? h : null;
}

/** @internal Set by the kernel at start and cleared at shutdown. */
export function setHost(host: KernelHost | null): void {
  (globalThis as Record<symbol, unknown>)[HOST_KEY] = host ?? undefined;
}
