/**
 * Ordered sending on one ZeroMQ socket.
 *
 * zeromq.js allows one pending send per socket and throws "busy" for a second. An outbox sends at
 * once when it can (so output leaves even while a cell blocks the event loop) and otherwise
 * queues, draining in order as each pending send completes.
 */

/** The part of a zeromq socket an outbox needs. */
export interface FrameSink {
  send(frames: Buffer[]): Promise<void>;
}

/** An ordered, never-throwing sender. */
export class Outbox {
  private readonly queue: Buffer[][] = [];
  private pending: Promise<void> | null = null;
  private draining = false;

  constructor(
    private readonly sink: FrameSink,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Send `frames` after everything sent before. */
  send(frames: Buffer[]): void {
    if (this.queue.length > 0 || this.draining) {
      this.queue.push(frames);
      return;
    }
    if (!this.attempt(frames)) this.queue.push(frames);
  }

  /** Resolves when everything sent so far has left. */
  async flushed(): Promise<void> {
    while (this.queue.length > 0 || this.pending) await (this.pending ?? nextTurn());
  }

  /** Try to hand frames to the socket; false if it is busy with an earlier send. */
  private attempt(frames: Buffer[]): boolean {
    let p: Promise<void>;
    try {
      p = this.sink.send(frames);
    } catch (e) {
      if (isBusy(e)) {
        this.drainAfter(this.pending ?? Promise.resolve());
        return false;
      }
      this.onError(e);
      return true;
    }
    const tracked: Promise<void> = p.then(
      () => {
        if (this.pending === tracked) this.pending = null;
      },
      (e: unknown) => {
        if (this.pending === tracked) this.pending = null;
        this.onError(e);
      },
    );
    this.pending = tracked;
    return true;
  }

  private drainAfter(p: Promise<void>): void {
    if (this.draining) return;
    this.draining = true;
    void p.then(async () => {
      while (this.queue.length > 0) {
        const frames = this.queue[0]!;
        if (this.attempt(frames)) {
          this.queue.shift();
          // Let the send complete before the next one: a resolved promise means the frames left.
          if (this.pending) await this.pending;
        } else {
          await (this.pending ?? nextTurn());
        }
      }
      this.draining = false;
    });
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function isBusy(e: unknown): boolean {
  return (
    e instanceof Error && ((e as { code?: string }).code === 'EBUSY' || /busy/i.test(e.message))
  );
}
