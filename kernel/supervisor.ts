/**
 * The kernel's supervisor: the process Jupyter starts. It runs the real kernel as a child with a
 * heap limit, and when the child dies while a cell runs, it answers that cell itself, so the user
 * sees why ("kernel died: out of memory") instead of a cell that never finishes.
 *
 * Why a second process: when V8's heap is full, V8 ends the process (a fatal error, not an
 * exception), and nothing in that process can report it. The supervisor:
 * - starts `node --max-old-space-size=<limit> main.js --kernel-child <connection file>`; the
 *   limit is `CBRAM_KERNEL_HEAP_MB`, else half the memory (physical or the cgroup limit, whichever
 *   is smaller), at least 256 MB and at most 16 GB: V8 then dies with its own clear error before
 *   the system's out-of-memory killer ends the process with SIGKILL and no word;
 * - hears from the child, over an IPC channel, which execute request is running (its routing
 *   identities and header, see KernelOptions.onCell) and when a shutdown was requested;
 * - forwards SIGINT and SIGTERM (the child has its own process group, so a signal to the group
 *   reaches it once); the child ends itself if the supervisor goes away (IPC disconnect, or its
 *   parent process id changes);
 * - passes the child's stderr through, keeping its tail to recognise V8's out-of-memory report.
 *
 * When the child ends without a requested shutdown while a cell runs, the supervisor binds the
 * IOPub and shell endpoints the child held, waits for the front end to reconnect, publishes an
 * `error` output (`KernelDied`) and `status: idle` for the cell, sends its `execute_reply`, and
 * exits with status 1; Jupyter's restarter then starts a fresh kernel (the cell's variables are
 * lost, which the message says). The supervisor never restarts the kernel itself, so Jupyter's
 * own view of the kernel (restarting, its restart limit) stays true.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CbramError } from '../src/core/errors';
import type { CellEvent } from './kernel';
import { endpoint, type ConnectionInfo } from './protocol/connection';
import { createMessage, type Message } from './protocol/messages';
import { createSigner, encode } from './protocol/wire';
import { kernelLog } from './streams';
import type { ErrorContent } from './traceback';

const MiB = 2 ** 20;

/** The environment variable that sets the kernel's heap limit, in MB. */
export const HEAP_ENV = 'CBRAM_KERNEL_HEAP_MB';

/** The argument that makes main.js run the kernel itself (the supervisor's child). */
export const CHILD_FLAG = '--kernel-child';

/**
 * The kernel's heap limit in MB: `CBRAM_KERNEL_HEAP_MB` if set (an integer from 64 to 1,048,576),
 * else half of `memoryBytes`, clamped to 256 MB – 16 GB.
 *
 * @example
 * heapLimitMb({}, 8 * 2 ** 30); // 4096
 * heapLimitMb({ CBRAM_KERNEL_HEAP_MB: '128' }, 8 * 2 ** 30); // 128
 */
export function heapLimitMb(
  env: Record<string, string | undefined> = process.env,
  memoryBytes = availableMemory(),
): number {
  const raw = env[HEAP_ENV];
  if (raw !== undefined && raw !== '') {
    const v = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(v) || v < 64 || v > 1_048_576)
      throw new CbramError(
        'E_ARG',
        `kernel: ${HEAP_ENV} must be an integer number of MB from 64 to 1048576, got "${raw}"`,
        { fn: 'kernel', param: HEAP_ENV, value: raw },
      );
    return v;
  }
  return Math.max(256, Math.min(16384, Math.floor(memoryBytes / MiB / 2)));
}

/** Physical memory, or the cgroup limit when smaller (containers). */
function availableMemory(): number {
  const total = os.totalmem();
  const constrained = (
    process as { constrainedMemory?: () => number | undefined }
  ).constrainedMemory?.();
  return constrained && constrained > 0 && constrained < total ? constrained : total;
}

/** V8's fatal heap report (printed to stderr before it aborts). */
const OOM =
  /JavaScript heap out of memory|Reached heap limit|Allocation failed - process out of memory/;

/**
 * Why a child process ended, in words for the user; `oom` when V8 reported its heap full.
 *
 * @example
 * describeDeath(null, 'SIGABRT', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 128);
 * // { oom: true, reason: 'out of memory: the JavaScript heap reached its limit of 128 MB' }
 */
export function describeDeath(
  code: number | null,
  signal: NodeJS.Signals | null,
  stderrTail: string,
  heapMb: number,
): { oom: boolean; reason: string } {
  if (OOM.test(stderrTail))
    return {
      oom: true,
      reason: `out of memory: the JavaScript heap reached its limit of ${heapMb} MB`,
    };
  if (signal === 'SIGKILL')
    return {
      oom: false,
      reason:
        'killed by SIGKILL (by the system when memory ran out, or by a kill command); typed arrays and buffers count toward the machine memory, not the heap limit',
    };
  if (signal) return { oom: false, reason: `ended by signal ${signal}` };
  return { oom: false, reason: `exited with code ${code ?? 0}` };
}

/** The error content the supervisor publishes for the cell that was running. */
export function deathError(death: { oom: boolean; reason: string }, heapMb: number): ErrorContent {
  const evalue = `kernel died: ${death.reason}`;
  const traceback = [
    `KernelDied: ${evalue}`,
    '',
    'The kernel process ended while this cell ran; every variable is lost. Jupyter restarts the',
    'kernel; run the cells you need again.',
  ];
  if (death.oom)
    traceback.push(
      `To give the kernel more memory, set ${HEAP_ENV} (now ${heapMb}) in the kernel's environment;`,
      'or work on smaller pieces, and release large values (x = undefined) when done with them.',
    );
  return { ename: 'KernelDied', evalue, traceback };
}

/** The request that was running, as the child reported it. */
type Running = Extract<CellEvent, { type: 'busy' }>;

/** Options for {@link supervise}. */
export interface SuperviseOptions {
  connection: ConnectionInfo;
  connectionFile: string;
  /** The script the child runs (main.js). */
  main: string;
  env?: Record<string, string | undefined>;
  /** Milliseconds to wait for the front end to reconnect after a death (default 10,000). */
  reconnectTimeout?: number;
}

/**
 * Run the kernel as a supervised child until it ends; resolves with the exit status for this
 * process (the child's, or 1 after reporting a death).
 *
 * @example
 * process.exitCode = await supervise({ connection, connectionFile, main: __filename });
 */
export async function supervise(o: SuperviseOptions): Promise<number> {
  const env = o.env ?? process.env;
  const heapMb = heapLimitMb(env);
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, o.main, CHILD_FLAG, o.connectionFile],
    {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: env as NodeJS.ProcessEnv,
      // Its own process group: a signal sent to the kernel's group reaches it once, forwarded.
      detached: process.platform !== 'win32',
    },
  );
  let tail = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-8192);
  });
  let running: Running | null = null;
  let shutdownRequested = false;
  child.on('message', (m: CellEvent) => {
    if (m.type === 'busy') running = m;
    else if (m.type === 'idle') running = null;
    else if (m.type === 'shutdown') shutdownRequested = true;
  });
  const forward = (signal: NodeJS.Signals) => () => {
    if (signal === 'SIGTERM') shutdownRequested = true;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const [code, signal] = await exited(child);
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);
  // Let the last stderr chunk (V8's report) arrive; a process the cell started may hold the pipe.
  if (!child.stderr!.readableEnded)
    await Promise.race([
      new Promise<void>((resolve) => child.stderr!.once('end', () => resolve())),
      delay(500),
    ]);
  const cell = running as Running | null;
  if (shutdownRequested || (code === 0 && !cell)) return code ?? 0;
  const death = describeDeath(code, signal, tail, heapMb);
  kernelLog(`the kernel process died (${death.reason})`);
  if (cell) {
    try {
      await answerCell(o.connection, cell, deathError(death, heapMb), o.reconnectTimeout ?? 10_000);
    } catch (e) {
      kernelLog(`could not tell the front end: ${(e as Error).message}`);
    }
  }
  return 1;
}

function exited(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Bind the dead child's IOPub and shell endpoints and answer `cell`: an `error` output and
 * `status: idle` on IOPub once a subscriber has reconnected, then the `execute_reply`.
 */
async function answerCell(
  c: ConnectionInfo,
  cell: Running,
  error: ErrorContent,
  timeoutMs: number,
): Promise<void> {
  const zmq = await import('zeromq');
  const signer = createSigner(c.key, c.signature_scheme);
  const me = { session: cell.session, username: 'kernel' };
  const request: Message = {
    identities: cell.identities.map((b) => Buffer.from(b, 'base64')),
    header: cell.header,
    parent_header: {},
    metadata: {},
    content: {},
    buffers: [],
  };
  const iopub = new zmq.XPublisher({ linger: 2000 });
  const shell = new zmq.Router({ linger: 2000, mandatory: true });
  try {
    await iopub.bind(endpoint(c, c.iopub_port));
    await shell.bind(endpoint(c, c.shell_port));
    const deadline = Date.now() + timeoutMs;
    // The front end's subscriber reconnects (ZeroMQ retries every 100 ms by default); its
    // subscription is the sign it will receive what is published now. Front ends with several
    // subscribers get a moment for the others.
    const subscribed = await Promise.race([
      iopub.receive().then(() => true),
      delay(timeoutMs).then(() => false),
    ]);
    if (!subscribed) kernelLog('no IOPub subscriber reconnected; publishing anyway');
    else await delay(300);
    const publish = async (type: string, content: Record<string, unknown>) => {
      const m = createMessage(me, type, content, request);
      m.identities = [Buffer.from(`kernel.${cell.session}.${type}`)];
      await iopub.send(encode(m, signer));
    };
    if (!cell.silent) await publish('error', { ...error });
    await publish('status', { execution_state: 'idle' });
    const reply = createMessage(
      me,
      'execute_reply',
      { status: 'error', execution_count: cell.executionCount, ...error },
      request,
    );
    const frames = encode(reply, signer);
    // The shell peer may still be reconnecting: a mandatory router refuses until it is back.
    for (;;) {
      try {
        await shell.send(frames);
        break;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await delay(50);
      }
    }
    // Give ZeroMQ time to hand the frames to the peers before the sockets close.
    await delay(200);
  } finally {
    iopub.close();
    shell.close();
  }
}

/**
 * In the child: end the process when the supervisor is gone (its IPC channel closes, or the
 * parent process id changes, which a watcher thread checks every 50 ms even while a cell keeps
 * the main thread busy). Without it, a child in its own process group would outlive a supervisor
 * killed with SIGKILL and keep the kernel's ports.
 */
export function watchSupervisor(onGone: () => void): void {
  process.on('disconnect', onGone);
  const w = new Worker(
    `const ppid = process.ppid;
     setInterval(() => { if (process.ppid !== ppid) process.kill(process.pid, 'SIGKILL'); }, 50);`,
    { eval: true },
  );
  w.unref();
}
