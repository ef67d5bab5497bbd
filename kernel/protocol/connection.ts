/**
 * The connection file Jupyter writes for a kernel: where to bind and how to sign.
 */
import { readFileSync } from 'node:fs';

/** The fields of a connection file this kernel uses. */
export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

const PORTS = ['shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port'] as const;

/**
 * Check a parsed connection file; errors name the field and what is allowed.
 *
 * @example
 * const info = parseConnection(JSON.parse(text));
 */
export function parseConnection(raw: unknown, source = 'connection file'): ConnectionInfo {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new Error(`kernel: ${source} must hold a JSON object`);
  const c = raw as Record<string, unknown>;
  const transport = c.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc')
    throw new Error(
      `kernel: ${source}: transport must be "tcp" or "ipc", got ${String(transport)}`,
    );
  if (typeof c.ip !== 'string' || c.ip === '')
    throw new Error(`kernel: ${source}: ip must be a non-empty string`);
  for (const p of PORTS) {
    const v = c[p];
    if (!Number.isInteger(v) || (v as number) <= 0 || (v as number) > 65535)
      throw new Error(
        `kernel: ${source}: ${p} must be a port number 1-65535, got ${JSON.stringify(v)} (this kernel binds only the ports the file names)`,
      );
  }
  if (typeof c.key !== 'string') throw new Error(`kernel: ${source}: key must be a string`);
  const scheme = c.signature_scheme ?? 'hmac-sha256';
  if (scheme !== 'hmac-sha256')
    throw new Error(
      `kernel: ${source}: signature_scheme must be "hmac-sha256", got ${JSON.stringify(scheme)}`,
    );
  return {
    transport,
    ip: c.ip,
    shell_port: c.shell_port as number,
    iopub_port: c.iopub_port as number,
    stdin_port: c.stdin_port as number,
    control_port: c.control_port as number,
    hb_port: c.hb_port as number,
    key: c.key,
    signature_scheme: scheme,
  };
}

/** Read and check a connection file. */
export function readConnectionFile(path: string): ConnectionInfo {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`kernel: cannot read connection file ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`kernel: connection file ${path} is not JSON: ${(e as Error).message}`);
  }
  return parseConnection(raw, path);
}

/**
 * The ZeroMQ endpoint of one port: `tcp://ip:port`, or `ipc://ip-port` as Jupyter names IPC
 * sockets.
 */
export function endpoint(info: ConnectionInfo, port: number): string {
  return info.transport === 'tcp' ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}
