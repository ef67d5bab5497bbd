/**
 * A small Jupyter client, enough to drive a kernel from tests and benchmarks: launch a kernel
 * process on fresh ports, send signed requests, and wait for replies and IOPub messages by
 * parent id (never by sleeping).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Dealer, Request, Subscriber } from 'zeromq';
import { endpoint, type ConnectionInfo } from './protocol/connection';
import { createMessage, type Content, type Message, type Sender } from './protocol/messages';
import { createSigner, decode, encode, type Signer } from './protocol/wire';

/** Five free TCP ports on 127.0.0.1. */
export async function freePorts(n = 5): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** A fresh connection on localhost with a random key. */
export async function newConnection(): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  return {
    transport: 'tcp',
    ip: '127.0.0.1',
    shell_port: shell!,
    iopub_port: iopub!,
    stdin_port: stdin!,
    control_port: control!,
    hb_port: hb!,
    key: randomBytes(16).toString('hex'),
    signature_scheme: 'hmac-sha256',
  };
}

/** Rejects after `ms` with a message saying what was awaited. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)),
        ms,
      );
    }),
  ]);
}

interface Waiter {
  test: (m: Message) => boolean;
  resolve: (m: Message) => void;
}

/** Options of an execute_request. */
export interface ExecuteOptions {
  stopOnError?: boolean;
  silent?: boolean;
  storeHistory?: boolean;
  allowStdin?: boolean;
  userExpressions?: Record<string, string>;
  timeoutMs?: number;
}

/** The result of {@link KernelClient.execute}. */
export interface Execution {
  msgId: string;
  reply: Message;
  /** IOPub messages with this request as parent, except status messages, in arrival order. */
  outputs: Message[];
}

/** A connected client. */
export class KernelClient {
  readonly session = randomUUID();
  private readonly me: Sender = { session: this.session, username: 'test' };
  private readonly signer: Signer;
  private readonly shell: Dealer;
  private readonly control: Dealer;
  private readonly stdin: Dealer;
  private readonly iopub: Subscriber;
  private readonly replies = new Map<string, (m: Message) => void>();
  private readonly earlyReplies = new Map<string, Message>();
  /** Every IOPub message received, in order. */
  readonly iopubLog: Message[] = [];
  private waiters: Waiter[] = [];
  private stdinHandler: ((m: Message) => void) | null = null;
  private closed = false;

  constructor(readonly connection: ConnectionInfo) {
    this.signer = createSigner(connection.key);
    const routingId = `client-${this.session.slice(0, 8)}`;
    this.shell = new Dealer({ routingId, linger: 0 });
    this.stdin = new Dealer({ routingId, linger: 0 });
    this.control = new Dealer({ linger: 0 });
    this.iopub = new Subscriber({ linger: 0 });
    const c = connection;
    this.shell.connect(endpoint(c, c.shell_port));
    this.control.connect(endpoint(c, c.control_port));
    this.stdin.connect(endpoint(c, c.stdin_port));
    this.iopub.connect(endpoint(c, c.iopub_port));
    this.iopub.subscribe();
    void this.readReplies(this.shell);
    void this.readReplies(this.control);
    void this.readStdin();
    void this.readIopub();
  }

  private async readReplies(sock: Dealer): Promise<void> {
    try {
      for await (const frames of sock) {
        const d = decode(frames, this.signer);
        if (!d.ok) continue;
        const parent = (d.message.parent_header as { msg_id?: string }).msg_id ?? '';
        const r = this.replies.get(parent);
        if (r) {
          this.replies.delete(parent);
          r(d.message);
        } else this.earlyReplies.set(parent, d.message);
      }
    } catch {
      // closed
    }
  }

  private async readStdin(): Promise<void> {
    try {
      for await (const frames of this.stdin) {
        const d = decode(frames, this.signer);
        if (d.ok) this.stdinHandler?.(d.message);
      }
    } catch {
      // closed
    }
  }

  private async readIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) {
        const d = decode(frames, this.signer);
        if (!d.ok) continue;
        this.iopubLog.push(d.message);
        this.waiters = this.waiters.filter((w) => {
          if (!w.test(d.message)) return true;
          w.resolve(d.message);
          return false;
        });
      }
    } catch {
      // closed
    }
  }

  /** Build a signed request without sending it. */
  message(type: string, content: Content = {}): Message {
    return createMessage(this.me, type, content, null) as Message;
  }

  /** Send raw frames on a channel (for malformed-message tests). */
  async sendFrames(channel: 'shell' | 'control', frames: Buffer[]): Promise<void> {
    await (channel === 'shell' ? this.shell : this.control).send(frames);
  }

  /** Send a message; resolves with its reply. */
  async request(channel: 'shell' | 'control', msg: Message, timeoutMs = 30_000): Promise<Message> {
    const id = msg.header.msg_id;
    const reply = new Promise<Message>((resolve) => {
      const early = this.earlyReplies.get(id);
      if (early) {
        this.earlyReplies.delete(id);
        resolve(early);
      } else this.replies.set(id, resolve);
    });
    await (channel === 'shell' ? this.shell : this.control).send(encode(msg, this.signer));
    return withTimeout(reply, timeoutMs, `the reply to ${msg.header.msg_type}`);
  }

  /** Send a request and return its id and a promise of the reply. */
  async send(channel: 'shell' | 'control', type: string, content: Content = {}) {
    const msg = this.message(type, content);
    const reply = this.request(channel, msg);
    return { msgId: msg.header.msg_id, reply };
  }

  /** The first IOPub message (already received or arriving) that passes `test`. */
  waitForIopub(
    test: (m: Message) => boolean,
    timeoutMs = 30_000,
    what = 'an IOPub message',
  ): Promise<Message> {
    const seen = this.iopubLog.find(test);
    if (seen) return Promise.resolve(seen);
    return withTimeout(
      new Promise<Message>((resolve) => this.waiters.push({ test, resolve })),
      timeoutMs,
      what,
    );
  }

  /** Messages on IOPub whose parent is `msgId`. */
  iopubFor(msgId: string): Message[] {
    return this.iopubLog.filter((m) => (m.parent_header as { msg_id?: string }).msg_id === msgId);
  }

  /** Resolves when `msgId`'s status goes idle. */
  idle(msgId: string, timeoutMs = 30_000): Promise<Message> {
    return this.waitForIopub(
      (m) =>
        m.header.msg_type === 'status' &&
        m.content.execution_state === 'idle' &&
        (m.parent_header as { msg_id?: string }).msg_id === msgId,
      timeoutMs,
      `status idle of ${msgId}`,
    );
  }

  /**
   * Wait until the kernel answers kernel_info and its IOPub reaches this client (a subscriber
   * misses messages published before it is connected).
   */
  async ready(timeoutMs = 30_000): Promise<Message> {
    const t0 = Date.now();
    for (;;) {
      const msg = this.message('kernel_info_request');
      const reply = await this.request('shell', msg, timeoutMs);
      try {
        await this.idle(msg.header.msg_id, 500);
        return reply;
      } catch (e) {
        if (Date.now() - t0 > timeoutMs) throw e;
      }
    }
  }

  /** Run code; resolves when both the reply and the idle status have arrived. */
  async execute(code: string, options: ExecuteOptions = {}): Promise<Execution> {
    const started = await this.executeStart(code, options);
    return started.done;
  }

  /** Send an execute_request; `done` resolves like {@link KernelClient.execute}. */
  async executeStart(
    code: string,
    options: ExecuteOptions = {},
  ): Promise<{ msgId: string; done: Promise<Execution> }> {
    const msg = this.message('execute_request', {
      code,
      silent: options.silent ?? false,
      store_history: options.storeHistory ?? true,
      user_expressions: options.userExpressions ?? {},
      allow_stdin: options.allowStdin ?? false,
      stop_on_error: options.stopOnError ?? true,
    });
    const id = msg.header.msg_id;
    const timeout = options.timeoutMs ?? 60_000;
    const reply = this.request('shell', msg, timeout);
    const idle = this.idle(id, timeout);
    const done = Promise.all([reply, idle]).then(([r]) => ({
      msgId: id,
      reply: r,
      outputs: this.iopubFor(id).filter((m) => m.header.msg_type !== 'status'),
    }));
    done.catch(() => undefined);
    return { msgId: id, done };
  }

  /** Answer input_requests with `answer(prompt)`. */
  onInput(answer: (prompt: string) => string): void {
    this.stdinHandler = (m) => {
      if (m.header.msg_type !== 'input_request') return;
      const reply = createMessage(
        this.me,
        'input_reply',
        { value: answer(String(m.content.prompt)) },
        null,
      );
      reply.parent_header = m.header;
      void this.stdin.send(encode(reply, this.signer));
    };
  }

  /** Heartbeat round trip, ms. */
  async ping(timeoutMs = 5000): Promise<number> {
    const hb = new Request({ linger: 0 });
    hb.connect(endpoint(this.connection, this.connection.hb_port));
    const t0 = performance.now();
    try {
      await hb.send('ping');
      await withTimeout(hb.receive(), timeoutMs, 'a heartbeat echo');
      return performance.now() - t0;
    } finally {
      hb.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) s.close();
  }
}

/** A kernel process started by {@link launchKernel}. */
export interface LaunchedKernel {
  /** The kernel's process (the supervisor, see kernel/supervisor.ts); a new one after restart(). */
  readonly process: ChildProcess;
  connection: ConnectionInfo;
  connectionFile: string;
  client: KernelClient;
  /** The kernel's stderr so far (across restarts). */
  stderr(): string;
  /** Resolves with the first stderr text matching `re` (e.g. a rejection log line). */
  waitForStderr(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code and signal of the current process. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Start the kernel again on the same connection file (as Jupyter's restarter does after the
   * process died, or after stop) and wait until it answers; the client stays connected.
   */
  restart(): Promise<void>;
  /** Shut down (shutdown_request, then SIGKILL if needed) and clean up. */
  stop(): Promise<void>;
}

/** Options for {@link launchKernel}. */
export interface LaunchOptions {
  /** The kernel's working directory: where cells resolve imports (default: a temp dir). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kernel entry script (default: this package's dist/kernel/main.js). */
  main?: string;
  /** Wait for kernel_info and IOPub (default true). */
  ready?: boolean;
}

/**
 * Start a kernel process on fresh ports and connect a client.
 *
 * @example
 * const k = await launchKernel({ cwd: projectDir });
 * const r = await k.client.execute('1 + 1');
 * await k.stop();
 */
export async function launchKernel(o: LaunchOptions = {}): Promise<LaunchedKernel> {
  const connection = await newConnection();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cbram-kernel-'));
  const connectionFile = path.join(dir, 'connection.json');
  fs.writeFileSync(connectionFile, JSON.stringify(connection));
  let stderr = '';
  const stderrWaiters: { re: RegExp; resolve: (s: string) => void }[] = [];
  let child!: ChildProcess;
  let exited!: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  const spawnProcess = () => {
    child = spawn(process.execPath, [o.main ?? path.join(__dirname, 'main.js'), connectionFile], {
      cwd: o.cwd ?? dir,
      env: o.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.resume();
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (t: string) => {
      stderr += t;
      for (const w of stderrWaiters.splice(0)) {
        const m = w.re.exec(stderr);
        if (m) w.resolve(m[0]);
        else stderrWaiters.push(w);
      }
    });
    const c = child;
    exited = new Promise((resolve) => c.once('exit', (code, signal) => resolve({ code, signal })));
  };
  spawnProcess();
  const client = new KernelClient(connection);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const waitReady = async () => {
    await Promise.race([
      client.ready(60_000),
      exited.then(() => {
        throw new Error(`kernel exited during start:\n${stderr}`);
      }),
    ]);
  };
  const launched: LaunchedKernel = {
    get process() {
      return child;
    },
    connection,
    connectionFile,
    client,
    stderr: () => stderr,
    waitForStderr(re, timeoutMs = 10_000) {
      const m = re.exec(stderr);
      if (m) return Promise.resolve(m[0]);
      return withTimeout(
        new Promise<string>((resolve) => stderrWaiters.push({ re, resolve })),
        timeoutMs,
        `kernel stderr matching ${re}`,
      );
    },
    exited: () => exited,
    async restart() {
      if (alive()) {
        child.kill('SIGKILL');
        await exited;
      }
      spawnProcess();
      await waitReady();
    },
    async stop() {
      if (alive()) {
        try {
          await client.request(
            'control',
            client.message('shutdown_request', { restart: false }),
            5000,
          );
          await withTimeout(exited, 5000, 'the kernel to exit');
        } catch {
          child.kill('SIGKILL');
          await exited;
        }
      }
      client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  if (o.ready !== false) {
    try {
      await waitReady();
    } catch (e) {
      await launched.stop();
      throw e;
    }
  }
  return launched;
}
