/**
 * stdout and stderr of cells, as Jupyter `stream` messages.
 *
 * The kernel replaces `process.stdout.write` and `process.stderr.write`. The first write after 50
 * ms of quiet is sent at once; later writes are coalesced (adjacent writes to the same stream
 * become one message) and sent on the next turn of the event loop, before any other output (so
 * order is kept), or at once when 64 KiB have piled up (so a long synchronous loop still
 * streams). The kernel's own log goes to the real stderr (fd 2).
 */
import { writeSync } from 'node:fs';

/** A stream name. */
export type StreamName = 'stdout' | 'stderr';

type Write = typeof process.stdout.write;

const FLUSH_BYTES = 64 * 1024;
const QUIET_MS = 50;

/** Captures the process's stdout and stderr. */
export class StreamCapture {
  private segments: { name: StreamName; text: string }[] = [];
  private bytes = 0;
  private scheduled = false;
  private lastFlush = -Infinity;
  private saved: { stdout: Write; stderr: Write } | null = null;
  private readonly decoder = new TextDecoder();

  /** `emit` sends one stream message. */
  constructor(private readonly emit: (name: StreamName, text: string) => void) {}

  /** Start capturing. */
  install(): void {
    if (this.saved) return;
    this.saved = { stdout: process.stdout.write, stderr: process.stderr.write };
    process.stdout.write = this.writer('stdout');
    process.stderr.write = this.writer('stderr');
  }

  /** Stop capturing (after a flush). */
  restore(): void {
    if (!this.saved) return;
    this.flush();
    process.stdout.write = this.saved.stdout;
    process.stderr.write = this.saved.stderr;
    this.saved = null;
  }

  /** Queue text on a stream. */
  write(name: StreamName, text: string): void {
    if (text === '') return;
    const last = this.segments[this.segments.length - 1];
    if (last && last.name === name) last.text += text;
    else this.segments.push({ name, text });
    this.bytes += text.length;
    const now = performance.now();
    // The first write after a quiet spell leaves at once (so a cell that then blocks the event
    // loop still shows it); later ones are coalesced.
    if (this.bytes >= FLUSH_BYTES || (!this.scheduled && now - this.lastFlush >= QUIET_MS))
      this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Send everything queued. */
  flush(): void {
    const segs = this.segments;
    if (segs.length === 0) return;
    this.lastFlush = performance.now();
    this.segments = [];
    this.bytes = 0;
    for (const s of segs) this.emit(s.name, s.text);
  }

  private writer(name: StreamName): Write {
    return ((chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const text =
        typeof chunk === 'string'
          ? chunk
          : chunk instanceof Uint8Array
            ? this.decoder.decode(chunk)
            : String(chunk);
      this.write(name, text);
      const cb = typeof encoding === 'function' ? encoding : callback;
      if (typeof cb === 'function') process.nextTick(cb as () => void);
      return true;
    }) as Write;
  }
}

/** Write a line to the kernel's real stderr, bypassing capture (for the Jupyter server's log). */
export function kernelLog(message: string): void {
  try {
    writeSync(2, `[cbram-lab kernel] ${message}\n`);
  } catch {
    // stderr closed: nothing to do.
  }
}
