/**
 * The kernel: the Jupyter protocol on ZeroMQ, around the cell runner.
 *
 * Channels: shell (requests, answered one at a time in arrival order), control (interrupt,
 * shutdown, kernel_info; answered at once, even while a cell runs), stdin (input), IOPub
 * (outputs and status) and the heartbeat (on its own thread). Every incoming message is checked
 * (HMAC-SHA256, replay) before it is parsed; sockets bind only the endpoints the connection file
 * names.
 *
 * Execution, per request: status busy → execute_input → streams, displays → execute_result or
 * error → execute_reply → status idle. Pending live-display updates are flushed before the reply.
 * After an error with `stop_on_error` (the default), execute requests that had already arrived
 * are answered `aborted`, as ipykernel does; a request sent after the error reply always runs.
 *
 * Robustness (docs/reliability-kernel.md): every failed execution publishes an `error` output,
 * also when the failure is in showing the value (a Proxy, a throwing getter, a cyclic bundle) or
 * in the kernel itself; the wire format uses built-ins captured at startup; `process.exit` and
 * `process.abort` throw inside cells instead of ending the kernel; after each cell, a heap above
 * 85% of its limit is reported on stderr. `onCell` tells a supervisor (./supervisor.ts) which
 * request is running, so that it can answer it if the process dies.
 *
 * Interrupts (SIGINT, or interrupt_request): synchronous code stops at once (tslab runs cells
 * with `breakOnSigint`). For asynchronous code, the cell's AbortSignal fires; a cell that took the
 * signal (e.g. `trainLive`) gets `interruptGrace` ms to stop at a consistent point, others have
 * their pending await rejected at once. Either way the cell ends with an `Interrupted` error, and
 * queued executions are aborted.
 */
import { randomUUID } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import type { Publisher, Router } from 'zeromq';
import { CbramError } from '../src/core/errors';
import type { MimeBundle } from '../src/display/protocol';
import { CommManager, type Comm, type CommTarget } from './comms';
import { render } from './display/bundle';
import { History, type HistoryRequest } from './history';
import { textOfHtml } from './notebook';
import { setHost, type DisplayContent, type KernelHost, type OutputParent } from './host';
import { replacedBuiltins, withOriginals } from './builtins';
import { guardProcessExit } from './guard';
import { endpoint, type ConnectionInfo } from './protocol/connection';
import { startHeartbeat, type Heartbeat } from './protocol/heartbeat';
import { createMessage, type Content, type Message, type Sender } from './protocol/messages';
import { Outbox } from './protocol/outbox';
import { ReplayGuard, createSigner, decode, encode, type Signer } from './protocol/wire';
import { createRunner, type CellRunner, type RunOutcome } from './runner';
import { StreamCapture, kernelLog, type StreamName } from './streams';
import { CellRegistry, formatError, safeText, type ErrorContent } from './traceback';
import { versions } from './version';

/** Options for {@link startKernel}. */
export interface KernelOptions {
  connection: ConnectionInfo;
  /** Directory cells resolve imports from; the process changes into it (default: stay). */
  cwd?: string;
  /** Milliseconds a cell that took the interrupt signal gets to stop before its await is rejected (default 10,000). */
  interruptGrace?: number;
  /** Where the kernel logs (default: the real stderr). */
  log?: (message: string) => void;
  /** Install SIGINT/SIGTERM and uncaught-error handlers, and disable process.exit (default true). */
  processHandlers?: boolean;
  /** Told when an execute request starts and ends, and before a requested shutdown. */
  onCell?: (event: CellEvent) => void;
}

/** What {@link KernelOptions.onCell} is told. */
export type CellEvent =
  | {
      type: 'busy';
      /** The kernel's session id (for the headers of messages a supervisor sends). */
      session: string;
      /** ZeroMQ routing identities of the request, base64. */
      identities: string[];
      header: Message['header'];
      executionCount: number;
      silent: boolean;
    }
  | { type: 'idle' }
  | { type: 'shutdown' };

/** Heap use above this fraction of the limit after a cell is reported on stderr. */
const HEAP_WARNING = 0.85;

interface Execution {
  msg: Message;
  controller: AbortController;
  cooperative: boolean;
  interrupted: boolean;
  hardTimer: NodeJS.Timeout | null;
}

type Sockets = { shell: Router; control: Router; stdin: Router; iopub: Publisher };
type Outboxes = { shell: Outbox; control: Outbox; stdin: Outbox; iopub: Outbox };

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Jupyter positions are in code points; JavaScript strings index UTF-16 units. */
function toUtf16(code: string, codePoints: number): number {
  let units = 0;
  let cps = 0;
  for (const ch of code) {
    if (cps >= codePoints) break;
    units += ch.length;
    cps++;
  }
  return units;
}

function toCodePoints(code: string, units: number): number {
  return [...code.slice(0, Math.max(0, units))].length;
}

/** A running kernel. Create with {@link startKernel}. */
export class Kernel {
  readonly session = randomUUID();
  /** Resolves when the kernel has shut down. */
  readonly stopped: Promise<void>;
  private readonly me: Sender;
  private readonly signer: Signer;
  private readonly guard = new ReplayGuard();
  private readonly log: (message: string) => void;
  private readonly interruptGrace: number;
  private readonly cwd: string;
  private sockets!: Sockets;
  private out!: Outboxes;
  private hb: Heartbeat | null = null;
  private runnerReady!: Promise<CellRunner>;
  private runner: CellRunner | null = null;
  private readonly shellQueue: Message[] = [];
  private wake: (() => void) | null = null;
  private readonly aborting = new Set<string>();
  private executionCount = 0;
  private seq = 0;
  private current: Execution | null = null;
  private outputParent: Message | null = null;
  private readonly streams: StreamCapture;
  private readonly history = new History();
  private readonly comms: CommManager;
  private readonly liveFlushes = new Set<() => void>();
  private pendingInput: { resolve: (s: string) => void; reject: (e: Error) => void } | null = null;
  private closing = false;
  private resolveStopped!: () => void;
  private readonly processListeners: [string, (...a: never[]) => void][] = [];
  private restoreExit: (() => void) | null = null;
  /** Built-ins already reported as replaced by a cell. */
  private replaced = new Set<string>();

  /** @internal Use {@link startKernel}. */
  constructor(private readonly options: KernelOptions) {
    this.me = { session: this.session, username: 'kernel' };
    this.signer = createSigner(options.connection.key, options.connection.signature_scheme);
    this.log = options.log ?? kernelLog;
    this.interruptGrace = options.interruptGrace ?? 10_000;
    this.cwd = options.cwd ?? process.cwd();
    this.streams = new StreamCapture((name, text) => this.publishStream(name, text));
    this.comms = new CommManager((type, content, metadata, buffers) =>
      this.publish(type, content, this.outputParent, metadata, buffers),
    );
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /** @internal Bind, start the readers, load the runner. */
  async start(): Promise<void> {
    const c = this.options.connection;
    // tslab's converter resolves from the process's working directory.
    if (this.options.cwd) process.chdir(this.options.cwd);
    if (!this.signer.enabled)
      this.log('warning: the connection file has an empty key, so messages are not authenticated');
    const zmq = await import('zeromq');
    const opts = { linger: 1000 };
    this.sockets = {
      shell: new zmq.Router(opts),
      control: new zmq.Router(opts),
      stdin: new zmq.Router(opts),
      iopub: new zmq.Publisher(opts),
    };
    const onSendError = (e: unknown) => this.log(`send failed: ${(e as Error).message ?? e}`);
    this.out = {
      shell: new Outbox(this.sockets.shell, onSendError),
      control: new Outbox(this.sockets.control, onSendError),
      stdin: new Outbox(this.sockets.stdin, onSendError),
      iopub: new Outbox(this.sockets.iopub, onSendError),
    };
    const [hb] = await Promise.all([
      startHeartbeat(endpoint(c, c.hb_port)),
      this.sockets.shell.bind(endpoint(c, c.shell_port)),
      this.sockets.control.bind(endpoint(c, c.control_port)),
      this.sockets.stdin.bind(endpoint(c, c.stdin_port)),
      this.sockets.iopub.bind(endpoint(c, c.iopub_port)),
    ]);
    this.hb = hb;
    void this.readLoop(this.sockets.shell, 'shell');
    void this.readLoop(this.sockets.control, 'control');
    void this.readLoop(this.sockets.stdin, 'stdin');
    this.publish('status', { execution_state: 'starting' }, null);
    this.streams.install();
    setHost(this.host());
    if (this.options.processHandlers !== false) {
      this.installProcessHandlers();
      this.restoreExit = guardProcessExit();
    }
    // Let requests that are already waiting (kernel_info) be read before TypeScript loads.
    this.runnerReady = nextTurn()
      .then(() => createRunner(this.cwd, (t) => this.streams.write('stderr', t)))
      .then(async (r) => {
        this.runner = r;
        await this.wireTslabDisplay();
        return r;
      });
    this.runnerReady.catch((e: unknown) => this.log(`cannot start TypeScript: ${String(e)}`));
    void this.shellLoop();
  }

  // ---- transport ----------------------------------------------------------------------------

  private async readLoop(sock: Router, channel: 'shell' | 'control' | 'stdin'): Promise<void> {
    try {
      for await (const frames of sock) {
        withOriginals(() => this.receive(frames, channel));
      }
    } catch (e) {
      if (!this.closing) this.log(`${channel} reader stopped: ${(e as Error).message ?? e}`);
    }
  }

  private receive(frames: Buffer[], channel: 'shell' | 'control' | 'stdin'): void {
    const d = decode(frames, this.signer, this.guard);
    if (!d.ok) {
      this.log(`rejected a ${channel} message: ${d.reason}`);
      return;
    }
    const msg = d.message;
    if (channel === 'shell') {
      this.shellQueue.push(msg);
      this.wake?.();
    } else if (channel === 'control') void this.dispatch(msg, 'control');
    else this.handleStdin(msg);
  }

  private send(channel: 'shell' | 'control' | 'stdin', msg: Message<unknown>): void {
    withOriginals(() => this.out[channel].send(encode(msg, this.signer)));
  }

  /** Publish on IOPub. */
  private publish(
    type: string,
    content: Content,
    parent: Message | null,
    metadata: Record<string, unknown> = {},
    buffers: Buffer[] = [],
  ): void {
    withOriginals(() => this.publishNow(type, content, parent, metadata, buffers));
  }

  private publishNow(
    type: string,
    content: Content,
    parent: Message | null,
    metadata: Record<string, unknown>,
    buffers: Buffer[],
  ): void {
    if (!this.out) return;
    if (type !== 'stream') this.streams.flush();
    const msg = createMessage(this.me, type, content, parent, metadata);
    msg.identities = [Buffer.from(`kernel.${this.session}.${type}`)];
    msg.buffers = buffers;
    let frames: Buffer[];
    try {
      frames = encode(msg, this.signer);
    } catch (e) {
      throw new CbramError(
        'E_ARG',
        `${type}: the output cannot be sent to the front end because its data is not JSON-safe (${safeText(
          e instanceof Error ? e.message : e,
        )}); display payloads must be plain data without cycles or BigInts`,
        { fn: type === 'execute_result' ? 'execute_result' : 'display', param: 'data' },
      );
    }
    this.out.iopub.send(frames);
  }

  private publishStream(name: StreamName, text: string): void {
    this.publish('stream', { name, text }, this.outputParent);
  }

  private publishStatus(state: 'busy' | 'idle', parent: Message): void {
    this.publish('status', { execution_state: state }, parent);
  }

  private reply(channel: 'shell' | 'control', request: Message, content: Content): void {
    const type = request.header.msg_type.replace(/_request$/, '_reply');
    this.send(channel, createMessage(this.me, type, content, request));
  }

  // ---- dispatch -----------------------------------------------------------------------------

  private async shellLoop(): Promise<void> {
    // The kernel's own synchronous steps run with the original built-ins (./builtins.ts): the
    // cell's code, which runs between them, may have replaced Array or String methods.
    while (!this.closing) {
      const msg = withOriginals(() => this.shellQueue.shift());
      if (!msg) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      await withOriginals(() => this.dispatch(msg, 'shell'));
    }
  }

  private async dispatch(msg: Message, channel: 'shell' | 'control'): Promise<void> {
    const type = msg.header.msg_type;
    // Control requests get no busy/idle: a front end would show the kernel idle while a cell runs.
    if (channel === 'shell') this.publishStatus('busy', msg);
    try {
      await this.handle(msg, channel);
    } catch (e) {
      // The last resort: execute() catches its own failures, so this is a kernel bug or a
      // failure in another request. The request still gets an answer and, for an execution, a
      // visible error.
      try {
        withOriginals(() => {
          const err = formatError(e, this.cells());
          this.log(`error handling ${type}: ${err.traceback.join('\n')}`);
          if (type === 'execute_request' && msg.content.silent !== true)
            this.publish('error', { ...err }, msg);
          if (type.endsWith('_request'))
            this.reply(channel, msg, {
              status: 'error',
              ...(type === 'execute_request' ? { execution_count: this.executionCount } : {}),
              ...err,
            });
        });
      } catch (e2) {
        this.log(`error answering ${type}: ${safeText(e2)}`);
      }
    } finally {
      if (channel === 'shell') {
        try {
          this.publishStatus('idle', msg);
        } catch (e3) {
          this.log(`cannot publish idle: ${safeText(e3)}`);
        }
      }
    }
  }

  private async handle(msg: Message, channel: 'shell' | 'control'): Promise<void> {
    const c = msg.content;
    switch (msg.header.msg_type) {
      case 'kernel_info_request':
        return this.reply(channel, msg, this.kernelInfo());
      case 'execute_request':
        return this.execute(msg, channel);
      case 'complete_request': {
        const runner = await this.runnerReady;
        const code = String(c.code ?? '');
        const pos = toUtf16(code, Number(c.cursor_pos ?? [...code].length));
        const r = runner.complete(code, pos);
        return this.reply(channel, msg, {
          status: 'ok',
          matches: r.matches,
          cursor_start: toCodePoints(code, r.start),
          cursor_end: toCodePoints(code, r.end),
          metadata: {},
        });
      }
      case 'inspect_request': {
        const runner = await this.runnerReady;
        const code = String(c.code ?? '');
        const text = runner.inspect(code, toUtf16(code, Number(c.cursor_pos ?? [...code].length)));
        return this.reply(channel, msg, {
          status: 'ok',
          found: text !== null,
          data: text !== null ? { 'text/plain': text } : {},
          metadata: {},
        });
      }
      case 'is_complete_request': {
        const runner = await this.runnerReady;
        const r = runner.isComplete(String(c.code ?? ''));
        return this.reply(
          channel,
          msg,
          r.complete ? { status: 'complete' } : { status: 'incomplete', indent: r.indent },
        );
      }
      case 'history_request':
        return this.reply(channel, msg, {
          status: 'ok',
          history: this.history.query(c as HistoryRequest),
        });
      case 'comm_info_request':
        return this.reply(channel, msg, {
          status: 'ok',
          comms: this.comms.info(typeof c.target_name === 'string' ? c.target_name : undefined),
        });
      case 'comm_open':
      case 'comm_msg':
      case 'comm_close':
        return this.handleComm(msg);
      case 'interrupt_request':
        this.interrupt();
        return this.reply(channel, msg, { status: 'ok' });
      case 'shutdown_request': {
        const restart = c.restart === true;
        this.options.onCell?.({ type: 'shutdown' });
        this.reply(channel, msg, { status: 'ok', restart });
        void this.shutdown();
        return;
      }
      case 'connect_request': {
        const k = this.options.connection;
        return this.reply(channel, msg, {
          status: 'ok',
          shell_port: k.shell_port,
          iopub_port: k.iopub_port,
          stdin_port: k.stdin_port,
          control_port: k.control_port,
          hb_port: k.hb_port,
        });
      }
      default:
        if (msg.header.msg_type.endsWith('_request'))
          return this.reply(channel, msg, {
            status: 'error',
            ename: 'UnknownMessageType',
            evalue: `the CBRAM Lab kernel does not handle ${msg.header.msg_type}`,
            traceback: [],
          });
        this.log(`ignored a ${msg.header.msg_type} message`);
    }
  }

  private kernelInfo(): Content {
    const v = versions();
    return {
      status: 'ok',
      protocol_version: '5.3',
      implementation: 'cbram-lab',
      implementation_version: v.kernel,
      language_info: {
        name: 'typescript',
        version: v.typescript,
        mimetype: 'text/typescript',
        file_extension: '.ts',
        codemirror_mode: { name: 'typescript', typescript: true },
        pygments_lexer: 'typescript',
        nbconvert_exporter: 'script',
      },
      banner: `CBRAM Lab kernel ${v.kernel}: TypeScript ${v.typescript} (tslab ${v.tslab}), Node.js ${process.version}`,
      debugger: false,
      help_links: [],
    };
  }

  // ---- execution ----------------------------------------------------------------------------

  private async execute(msg: Message, channel: 'shell' | 'control'): Promise<void> {
    const c = msg.content;
    if (this.aborting.delete(msg.header.msg_id)) {
      this.reply(channel, msg, { status: 'aborted', execution_count: this.executionCount });
      return;
    }
    const code = String(c.code ?? '');
    const silent = c.silent === true;
    const storeHistory = !silent && c.store_history !== false;
    if (storeHistory) this.executionCount++;
    const count = this.executionCount;
    this.outputParent = msg;
    if (!silent) this.publish('execute_input', { code, execution_count: count }, msg);
    if (storeHistory) this.history.add(count, code);
    const seq = ++this.seq;
    const label = storeHistory ? `Cell In[${count}]` : `Cell #${seq} (not in history)`;
    const ex: Execution = {
      msg,
      controller: new AbortController(),
      cooperative: false,
      interrupted: false,
      hardTimer: null,
    };
    this.options.onCell?.({
      type: 'busy',
      session: this.session,
      identities: msg.identities.map((b) => b.toString('base64')),
      header: msg.header,
      executionCount: count,
      silent,
    });
    try {
      await this.executeCell(msg, channel, ex, code, seq, label, count, silent, storeHistory);
    } finally {
      withOriginals(() => this.options.onCell?.({ type: 'idle' }));
    }
  }

  private async executeCell(
    msg: Message,
    channel: 'shell' | 'control',
    ex: Execution,
    code: string,
    seq: number,
    label: string,
    count: number,
    silent: boolean,
    storeHistory: boolean,
  ): Promise<void> {
    const c = msg.content;
    let outcome: RunOutcome;
    try {
      const runner = await this.runnerReady;
      this.current = ex;
      outcome = await runner.run(code, seq, label);
    } catch (e) {
      outcome = { status: 'error', error: formatError(e, this.cells()), interrupted: false };
    } finally {
      this.current = null;
      if (ex.hardTimer) clearTimeout(ex.hardTimer);
    }
    this.noteReplacedBuiltins();
    const error = withOriginals(() =>
      this.showOutcome(msg, ex, outcome, count, silent, storeHistory),
    );
    let userExpressions: Record<string, unknown> = {};
    if (!error) {
      try {
        userExpressions = await this.userExpressions(c.user_expressions);
      } catch (e) {
        this.streams.write('stderr', `user_expressions failed: ${safeText(e)}\n`);
      }
    }
    withOriginals(() => {
      this.warnIfHeapFull();
      this.streams.flush();
    });
    if (error && (c.stop_on_error !== false || ex.interrupted)) await this.abortQueued();
    withOriginals(() =>
      this.reply(
        channel,
        msg,
        error
          ? { status: 'error', execution_count: count, ...error }
          : {
              status: 'ok',
              execution_count: count,
              user_expressions: userExpressions,
              payload: [],
            },
      ),
    );
  }

  /** Publish the cell's result or error; returns the error content, if the cell failed. */
  private showOutcome(
    msg: Message,
    ex: Execution,
    outcome: RunOutcome,
    count: number,
    silent: boolean,
    storeHistory: boolean,
  ): ErrorContent | null {
    if (ex.interrupted)
      outcome = {
        status: 'error',
        interrupted: true,
        error: {
          ename: 'Interrupted',
          evalue: 'the cell was interrupted',
          traceback: [
            ex.cooperative
              ? 'Interrupted: the cell stopped at a consistent point; run it again to resume'
              : 'Interrupted: the cell was interrupted',
          ],
        },
      };
    this.flushLive();
    let error: ErrorContent | null = null;
    if (outcome.status === 'ok') {
      if (outcome.hasValue && !silent) {
        const r = this.renderSafely(outcome.value, "the cell's value");
        if (r.ok) {
          try {
            this.publish(
              'execute_result',
              { execution_count: count, data: r.data, metadata: r.metadata },
              msg,
            );
            if (storeHistory && typeof r.data['text/plain'] === 'string')
              this.history.setOutput(count, r.data['text/plain']);
          } catch (e) {
            error = formatError(e, this.cells());
          }
        } else error = r.error;
      }
    } else error = outcome.error;
    if (error && !silent) this.publish('error', { ...error }, msg);
    return error;
  }

  /** Mark execute requests that arrived before now (including ones still in ZeroMQ) as aborted. */
  private async abortQueued(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    await nextTurn();
    withOriginals(() => {
      for (const m of this.shellQueue)
        if (m.header.msg_type === 'execute_request') this.aborting.add(m.header.msg_id);
    });
  }

  private async userExpressions(raw: unknown): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    if (!raw || typeof raw !== 'object' || !this.runner) return out;
    const entries = withOriginals(() => Object.entries(raw as Record<string, unknown>));
    for (const [name, expr] of entries) {
      const r = await this.runner.run(
        String(expr),
        ++this.seq,
        `user_expressions[${JSON.stringify(name)}]`,
      );
      if (r.status === 'ok') {
        const shown = this.renderSafely(
          r.hasValue ? r.value : undefined,
          `user_expressions.${name}`,
        );
        out[name] = shown.ok
          ? { status: 'ok', data: shown.data, metadata: shown.metadata }
          : { status: 'error', ...shown.error };
      } else out[name] = { status: 'error', ...r.error };
    }
    return out;
  }

  /**
   * Render a value; a failure (a Proxy whose traps throw, a throwing getter or display method,
   * a bundle that is not JSON-safe) becomes DisplayError content naming what failed.
   */
  private renderSafely(
    value: unknown,
    what: string,
  ):
    | { ok: true; data: MimeBundle; metadata: Record<string, unknown> }
    | { ok: false; error: ErrorContent } {
    try {
      const r = withOriginals(() => render(value));
      return { ok: true, data: r.data, metadata: r.metadata };
    } catch (e) {
      const cause = withOriginals(() => formatError(e, this.cells()));
      const evalue = `${what} could not be shown: ${cause.ename}: ${cause.evalue}`;
      return {
        ok: false,
        error: {
          ename: 'DisplayError',
          evalue,
          traceback: [`DisplayError: ${evalue}`, '', 'Caused by:', ...cause.traceback],
        },
      };
    }
  }

  /** Say on stderr which built-ins the cell replaced (see ./builtins.ts). */
  private noteReplacedBuiltins(): void {
    const now = replacedBuiltins();
    withOriginals(() => this.noteReplaced(now));
  }

  private noteReplaced(now: string[]): void {
    const fresh = now.filter((n) => !this.replaced.has(n));
    this.replaced = new Set(now);
    if (fresh.length === 0) return;
    const list =
      fresh.length > 5
        ? `${fresh.slice(0, 5).join(', ')} and ${fresh.length - 5} more`
        : fresh.join(', ');
    this.streams.write(
      'stderr',
      `note: this cell replaced ${list}; your code sees the new version, while the kernel keeps using the originals for its own work\n`,
    );
  }

  /** Warn on stderr when the heap is nearly full, before V8 gives up (see the module comment). */
  private warnIfHeapFull(): void {
    const h = getHeapStatistics();
    if (h.used_heap_size <= HEAP_WARNING * h.heap_size_limit) return;
    const mb = (n: number) => Math.round(n / 2 ** 20);
    this.streams.write(
      'stderr',
      `warning: the kernel's heap holds ${mb(h.used_heap_size)} MB of its ${mb(h.heap_size_limit)} MB limit; ` +
        'release large values (x = undefined) or restart the kernel: when the heap is full the kernel dies ' +
        '(see CBRAM_KERNEL_HEAP_MB in docs/reliability-kernel.md)\n',
    );
  }

  private flushLive(): void {
    for (const f of [...this.liveFlushes]) {
      try {
        f();
      } catch (e) {
        this.streams.write('stderr', `live display update failed: ${(e as Error).message ?? e}\n`);
      }
    }
  }

  /** Interrupt the running cell (see the module comment). */
  interrupt(): void {
    const ex = this.current;
    if (!ex) return;
    if (!ex.interrupted) {
      ex.interrupted = true;
      ex.controller.abort(new Error('interrupted'));
      this.pendingInput?.reject(new Error('input: interrupted'));
      if (ex.cooperative) {
        ex.hardTimer = setTimeout(() => this.runner?.interrupt(), this.interruptGrace);
        ex.hardTimer.unref();
        return;
      }
    }
    this.runner?.interrupt();
  }

  // ---- comms and stdin ----------------------------------------------------------------------

  private handleComm(msg: Message): void {
    const m = { metadata: msg.metadata, buffers: msg.buffers };
    const before = this.outputParent;
    this.outputParent = msg;
    try {
      if (msg.header.msg_type === 'comm_open') this.comms.handleOpen(msg.content, m);
      else if (msg.header.msg_type === 'comm_msg') {
        if (!this.comms.handleMsg(msg.content, m))
          this.log(`comm_msg for unknown comm ${String(msg.content.comm_id)}`);
      } else this.comms.handleClose(msg.content, m);
    } finally {
      this.streams.flush();
      this.outputParent = before;
    }
  }

  private handleStdin(msg: Message): void {
    if (msg.header.msg_type !== 'input_reply' || !this.pendingInput) return;
    const p = this.pendingInput;
    this.pendingInput = null;
    p.resolve(String(msg.content.value ?? ''));
  }

  private input(prompt: string, password: boolean): Promise<string> {
    const ex = this.current;
    if (!ex) return Promise.reject(new Error('input: only while a cell runs'));
    if (ex.msg.content.allow_stdin !== true)
      return Promise.reject(
        new Error('input: this front end does not accept input (allow_stdin is false)'),
      );
    if (this.pendingInput) return Promise.reject(new Error('input: another input is pending'));
    this.streams.flush();
    const request = createMessage(this.me, 'input_request', { prompt, password }, ex.msg);
    return new Promise((resolve, reject) => {
      this.pendingInput = { resolve, reject };
      this.send('stdin', request);
    });
  }

  /**
   * tslab's own `tslab.display.*` and `tslab.newDisplay()` write through a module-level hook of
   * tslab's protocol layer, which this kernel does not use; point the hook here and give those
   * single-type outputs a text/plain.
   */
  private async wireTslabDisplay(): Promise<void> {
    const jupyter = (await import('tslab/dist/jupyter')) as { lastWriteDisplayData: unknown };
    jupyter.lastWriteDisplayData = (content: DisplayContent, update: boolean) => {
      const data = { ...content.data };
      if (typeof data['text/plain'] !== 'string') {
        const [mime, value] = Object.entries(data)[0] ?? ['', ''];
        data['text/plain'] = mime === 'text/html' ? textOfHtml(String(value)) : `[${mime}]`;
      }
      this.publish(
        update ? 'update_display_data' : 'display_data',
        { data, metadata: content.metadata ?? {}, transient: content.transient ?? {} },
        this.outputParent,
      );
    };
  }

  // ---- the host the notebook API talks to ---------------------------------------------------

  private host(): KernelHost {
    return {
      version: 1,
      outputParent: (): OutputParent => this.outputParent,
      publishDisplay: (content: DisplayContent, update: boolean, parent?: OutputParent) =>
        this.publish(
          update ? 'update_display_data' : 'display_data',
          { data: content.data, metadata: content.metadata, transient: content.transient ?? {} },
          ((parent as Message | undefined) ?? this.outputParent) as Message | null,
        ),
      clearOutput: (wait: boolean) => this.publish('clear_output', { wait }, this.outputParent),
      interruptSignal: () => {
        const ex = this.current;
        if (!ex) return new AbortController().signal;
        ex.cooperative = true;
        return ex.controller.signal;
      },
      trackLive: (flush: () => void) => {
        this.liveFlushes.add(flush);
        return () => this.liveFlushes.delete(flush);
      },
      registerCommTarget: (target: string, handler: CommTarget) =>
        this.comms.registerTarget(target, handler),
      openComm: (target: string, data?: unknown, metadata?: Record<string, unknown>): Comm =>
        this.comms.open(target, data, metadata),
      input: (prompt: string, password: boolean) => this.input(prompt, password),
    };
  }

  // ---- process ------------------------------------------------------------------------------

  private cells(): CellRegistry {
    return this.runner?.cells ?? new CellRegistry();
  }

  private installProcessHandlers(): void {
    const on = (event: string, fn: (...a: never[]) => void) => {
      process.on(event as 'SIGINT', fn as () => void);
      this.processListeners.push([event, fn]);
    };
    on('SIGINT', () => this.interrupt());
    on('SIGTERM', () => void this.shutdown());
    const uncaught = (e: unknown) => {
      const err = formatError(e, this.cells());
      this.streams.write('stderr', `Uncaught ${err.traceback.join('\n')}\n`);
    };
    on('uncaughtException', uncaught);
    on('unhandledRejection', uncaught);
  }

  /** Stop: close the sockets and the heartbeat, restore the process. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.closing) return this.stopped;
    this.closing = true;
    this.current?.controller.abort(new Error('shutdown'));
    this.wake?.();
    setHost(null);
    this.streams.restore();
    for (const [event, fn] of this.processListeners) process.off(event, fn as () => void);
    this.restoreExit?.();
    this.restoreExit = null;
    try {
      await this.hb?.stop();
      await Promise.all(Object.values(this.out).map((o) => o.flushed()));
    } finally {
      for (const s of Object.values(this.sockets)) s.close();
      this.runner?.close();
      this.resolveStopped();
    }
    return this.stopped;
  }
}

/**
 * Start a kernel on a connection: binds its five endpoints and begins loading TypeScript.
 *
 * @example
 * const kernel = await startKernel({ connection: readConnectionFile(process.argv[2]) });
 * await kernel.stopped;
 */
export async function startKernel(options: KernelOptions): Promise<Kernel> {
  const kernel = new Kernel(options);
  await kernel.start();
  return kernel;
}
