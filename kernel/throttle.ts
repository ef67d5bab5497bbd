/**
 * Rate limiting for live displays: at most one send per interval, the first at once, and the
 * latest state always delivered (a trailing send, or a flush).
 */

/** The clock a throttle reads; tests pass a fake one. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock (performance.now and timers). */
export const REAL_CLOCK: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Calls `send` at most once per `interval` ms.
 *
 * @example
 * const t = new Throttle(() => publish(render()), 100);
 * for (let i = 0; i < 1000; i++) t.request(); // one send now, the rest coalesced
 * t.flush(); // the last state, at once
 */
export class Throttle {
  private last = -Infinity;
  private timer: unknown = null;
  private dirty = false;
  private readonly start: number;
  private readonly schedule: (sinceStart: number) => number;

  /**
   * `interval` is a number of ms, or a function of the ms since the throttle was made (so a
   * display can update often while it is new and less often later).
   */
  constructor(
    private readonly send: () => void,
    interval: number | ((sinceStart: number) => number),
    private readonly clock: Clock = REAL_CLOCK,
  ) {
    this.start = clock.now();
    this.schedule = typeof interval === 'number' ? () => interval : interval;
  }

  /** The current minimum time between sends, ms. */
  get interval(): number {
    return this.schedule(this.clock.now() - this.start);
  }

  /** Is an update waiting to be sent? */
  get pending(): boolean {
    return this.dirty;
  }

  /** Ask for a send: now if the interval has passed, else at the end of it. */
  request(): void {
    this.dirty = true;
    const now = this.clock.now();
    const interval = this.schedule(now - this.start);
    if (now - this.last >= interval) {
      // Also covers a timer that could not fire because the event loop was busy.
      this.fire();
      return;
    }
    if (this.timer === null)
      this.timer = this.clock.setTimeout(
        () => {
          this.timer = null;
          if (this.dirty) this.fire();
        },
        interval - (now - this.last),
      );
  }

  /** Start an interval now (after a send made outside the throttle). */
  mark(): void {
    this.last = this.clock.now();
  }

  /** Send a waiting update now. */
  flush(): void {
    if (this.dirty) this.fire();
  }

  /** Drop a waiting update. */
  cancel(): void {
    this.dirty = false;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.dirty = false;
    this.last = this.clock.now();
    this.send();
  }
}
