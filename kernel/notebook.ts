/**
 * The notebook API: what cells import from `cbram-lab/kernel`.
 *
 * Everything here works without Jupyter too: outside the kernel, displays print their text/plain.
 */
import { randomUUID } from 'node:crypto';
import type { MimeBundle } from '../src/display/protocol';
import type { Comm, CommTarget } from './comms';
import {
  FALLBACK_TYPES,
  normalizeBundle,
  render,
  type RenderOptions,
  type Rendered,
} from './display/bundle';
import { getHost, type OutputParent } from './host';
import { REAL_CLOCK, Throttle, type Clock } from './throttle';

function show(data: MimeBundle, metadata: Record<string, unknown> = {}): void {
  const host = getHost();
  if (host) host.publishDisplay({ data, metadata }, false);
  else process.stdout.write(`${String(data['text/plain'])}\n`);
}

/**
 * Show a value as a full MIME bundle (see the display protocol and the built-in renderers);
 * `options` go to the renderer that matches, e.g. `{ cycles: 4 }` for a device config.
 *
 * @example
 * display(PRESETS['cbram-subquantum'], { cycles: 3 }); // pulse-response curve
 * display(ledger); // energy bar chart
 */
export function display(value: unknown, options: RenderOptions = {}): void {
  const r = render(value, options);
  show(r.data, r.metadata);
}

/** The text of an HTML fragment, for its text/plain. */
export function textOfHtml(html: string): string {
  const t = html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return t.length > 500 ? `${t.slice(0, 497)}...` : t || '[HTML]';
}

/** Show HTML (with a text/plain version of its text). */
display.html = (html: string): void => show({ 'text/html': html, 'text/plain': textOfHtml(html) });

/** Show an SVG image. */
display.svg = (svg: string): void => show({ 'image/svg+xml': svg, 'text/plain': '[SVG image]' });

/** Show Markdown (its source is the text/plain). */
display.markdown = (md: string): void => show({ 'text/markdown': md, 'text/plain': md });

/** Show a PNG image from its bytes. */
display.png = (png: Uint8Array): void =>
  show({
    'image/png': Buffer.from(png).toString('base64'),
    'text/plain': `[PNG image, ${png.length} bytes]`,
  });

/** Show JSON (pretty-printed as text/plain). */
display.json = (value: unknown): void =>
  show({
    'application/json': value,
    'text/plain': JSON.stringify(value, null, 2) ?? String(value),
  });

/** Show a bundle as it is (text/plain is added when missing). */
display.bundle = (data: MimeBundle): void => show(normalizeBundle(data, data, 'display.bundle'));

/** Options for {@link live}. */
export interface LiveOptions extends RenderOptions {
  /** At most this many updates a second reach the front end (default 10). */
  maxRate?: number;
  /** Milliseconds between refreshes of the static fallback during updates (default 1000); the last update always has a fresh one. */
  fallbackInterval?: number;
  /**
   * Updates a second as a function of the ms since the display was made (overrides `maxRate`),
   * e.g. `(ms) => (ms < 2000 ? 4 : 1)` for a display that should look live from the start.
   */
  rate?: (sinceStart: number) => number;
  /** Custom rendering of the value (default: the display protocol and built-in renderers). */
  renderer?: (value: unknown, fallback: boolean) => Rendered;
  /** @internal Tests pass a fake clock. */
  clock?: Clock;
}

/**
 * A display that updates in place: every {@link LiveDisplay.update} becomes an
 * `update_display_data` on one display id, throttled to `maxRate` a second, and the latest state
 * is always delivered (after the interval, on {@link LiveDisplay.flush}, and before the cell's
 * reply). Rendering happens when an update is sent, so skipped updates cost nothing.
 */
export class LiveDisplay<T = unknown> {
  /** The Jupyter display id. */
  readonly displayId = randomUUID().replace(/-/g, '');
  /** Messages sent so far (the first display included). */
  sent = 0;
  private readonly parent: OutputParent;
  private readonly throttle: Throttle;
  private readonly clock: Clock;
  private readonly fallbackInterval: number;
  private lastFallback = -Infinity;
  private fallback: MimeBundle = {};
  private fallbackMeta: Record<string, unknown> = {};
  private stale = false;
  private untrack: (() => void) | null = null;
  private closed = false;

  /** @internal Use {@link live}. */
  constructor(
    public value: T,
    private readonly options: LiveOptions = {},
  ) {
    const maxRate = options.maxRate ?? 10;
    if (!(maxRate > 0)) throw new RangeError(`live: maxRate must be > 0, got ${maxRate}`);
    this.clock = options.clock ?? REAL_CLOCK;
    this.fallbackInterval = options.fallbackInterval ?? 1000;
    const rate = options.rate;
    this.throttle = new Throttle(
      () => this.send(true, false),
      rate ? (ms) => 1000 / Math.max(1e-3, rate(ms)) : 1000 / maxRate,
      this.clock,
    );
    const host = getHost();
    this.parent = host?.outputParent();
    this.untrack = host?.trackLive(() => this.flush()) ?? null;
    this.send(false, true);
    this.throttle.mark();
  }

  /** Set a new value (or keep the same, mutated object) and schedule an update. */
  update(value?: T): void {
    if (this.closed) throw new Error('live: update after close');
    if (arguments.length > 0) this.value = value as T;
    this.throttle.request();
  }

  /** Send a pending update now, with a fresh static fallback. */
  flush(): void {
    if (this.throttle.pending || this.stale) {
      this.throttle.cancel();
      this.send(true, true);
    }
  }

  /** Flush and stop tracking (updates after this throw). */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.untrack?.();
    this.untrack = null;
  }

  private send(update: boolean, final: boolean): void {
    const now = this.clock.now();
    const full = final || now - this.lastFallback >= this.fallbackInterval;
    const opts = { ...this.options, fallback: full };
    const r = this.options.renderer
      ? this.options.renderer(this.value, full)
      : render(this.value, opts);
    let data = r.data;
    let metadata = r.metadata;
    if (full) {
      this.lastFallback = now;
      this.fallback = {};
      this.fallbackMeta = {};
      for (const k of FALLBACK_TYPES) {
        if (k in data) this.fallback[k] = data[k];
        if (k in metadata) this.fallbackMeta[k] = metadata[k];
      }
      this.stale = false;
    } else {
      data = { ...this.fallback, ...data };
      metadata = { ...this.fallbackMeta, ...metadata };
      this.stale = true;
    }
    this.sent++;
    const host = getHost();
    if (host)
      host.publishDisplay(
        { data, metadata, transient: { display_id: this.displayId } },
        update,
        this.parent,
      );
    else if (final) process.stdout.write(`${String(data['text/plain'])}\n`);
  }
}

/**
 * Show `value` and keep its output updatable.
 *
 * @example
 * const view = live(xbar);
 * for (let k = 0; k < 500; k++) { xbar.pulseColumn(k, pulses); view.update(); }
 */
export function live<T>(value: T, options: LiveOptions = {}): LiveDisplay<T> {
  return new LiveDisplay(value, options);
}

/** Clear the cell's output (`wait`: when the next output arrives). */
export function clearOutput(wait = false): void {
  getHost()?.clearOutput(wait);
}

/**
 * An AbortSignal that fires when the user interrupts the running cell. Pass it to long work
 * (`trainer.train({ signal: interruptSignal() })`) so an interrupt stops it cleanly; the kernel
 * then waits for the cell to stop instead of abandoning it. Outside the kernel it never fires.
 */
export function interruptSignal(): AbortSignal {
  return getHost()?.interruptSignal() ?? new AbortController().signal;
}

/** Is this code running in the CBRAM Lab kernel? */
export function inKernel(): boolean {
  return getHost() !== null;
}

function needHost(fn: string) {
  const host = getHost();
  if (!host) throw new Error(`${fn}: only available inside the CBRAM Lab Jupyter kernel`);
  return host;
}

/**
 * Accept comms the front end opens on `target`.
 *
 * @example
 * registerCommTarget('echo', (comm) => comm.onMsg((m) => comm.send(m.data)));
 */
export function registerCommTarget(target: string, handler: CommTarget): void {
  needHost('registerCommTarget').registerCommTarget(target, handler);
}

/** Open a comm to the front end. */
export function openComm(target: string, data?: unknown, metadata?: Record<string, unknown>): Comm {
  return needHost('openComm').openComm(target, data, metadata);
}

/**
 * Ask the user for a line of text (the front end's input box).
 *
 * @example
 * const name = await input('device name? ');
 */
export function input(prompt = '', options: { password?: boolean } = {}): Promise<string> {
  return needHost('input').input(prompt, options.password === true);
}
