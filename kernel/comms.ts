/**
 * Comms: named, two-way message channels between kernel code and the front end (the JupyterLab
 * extension may use them to stream). Either side opens one; both send `comm_msg`; either closes.
 * A `comm_open` for a target nobody registered is answered with `comm_close`, as the protocol
 * asks, so the front end never holds a half-open comm.
 */
import { randomUUID } from 'node:crypto';

/** Data of one comm message. */
export interface CommMessage {
  data: unknown;
  metadata: Record<string, unknown>;
  buffers: Buffer[];
}

/** How a comm manager publishes on IOPub. */
export type CommPublish = (
  msgType: 'comm_open' | 'comm_msg' | 'comm_close',
  content: Record<string, unknown>,
  metadata?: Record<string, unknown>,
  buffers?: Buffer[],
) => void;

/** Called when the front end opens a comm on a target. */
export type CommTarget = (comm: Comm, open: CommMessage) => void;

/** One open comm. */
export class Comm {
  private msgHandlers: ((m: CommMessage) => void)[] = [];
  private closeHandlers: ((m: CommMessage) => void)[] = [];
  closed = false;

  constructor(
    readonly id: string,
    readonly target: string,
    private readonly manager: CommManager,
  ) {}

  /** Send data to the front end. */
  send(data: unknown = {}, metadata: Record<string, unknown> = {}, buffers: Buffer[] = []): void {
    if (this.closed) throw new Error(`comm ${this.id} (${this.target}): send after close`);
    this.manager.publish('comm_msg', { comm_id: this.id, data }, metadata, buffers);
  }

  /** Close from the kernel side. */
  close(data: unknown = {}): void {
    if (this.closed) return;
    this.manager.publish('comm_close', { comm_id: this.id, data });
    this.manager.forget(this.id);
    this.closed = true;
  }

  /** Handle messages from the front end. */
  onMsg(handler: (m: CommMessage) => void): this {
    this.msgHandlers.push(handler);
    return this;
  }

  /** Handle the front end closing the comm. */
  onClose(handler: (m: CommMessage) => void): this {
    this.closeHandlers.push(handler);
    return this;
  }

  /** @internal */
  deliver(m: CommMessage): void {
    for (const h of this.msgHandlers) h(m);
  }

  /** @internal */
  closedByPeer(m: CommMessage): void {
    this.closed = true;
    for (const h of this.closeHandlers) h(m);
  }
}

/** All comms of a kernel. */
export class CommManager {
  private readonly targets = new Map<string, CommTarget>();
  private readonly comms = new Map<string, Comm>();

  constructor(readonly publish: CommPublish) {}

  /** Accept front-end comms on `target`. */
  registerTarget(target: string, handler: CommTarget): void {
    this.targets.set(target, handler);
  }

  unregisterTarget(target: string): void {
    this.targets.delete(target);
  }

  /** Open a comm from the kernel side. */
  open(target: string, data: unknown = {}, metadata: Record<string, unknown> = {}): Comm {
    const comm = new Comm(randomUUID().replace(/-/g, ''), target, this);
    this.comms.set(comm.id, comm);
    this.publish('comm_open', { comm_id: comm.id, target_name: target, data }, metadata);
    return comm;
  }

  /** comm_info_reply's `comms`: id → target, optionally for one target. */
  info(target?: string): Record<string, { target_name: string }> {
    const out: Record<string, { target_name: string }> = {};
    for (const c of this.comms.values())
      if (!target || c.target === target) out[c.id] = { target_name: c.target };
    return out;
  }

  /** A front-end comm_open. */
  handleOpen(content: Record<string, unknown>, m: Omit<CommMessage, 'data'>): void {
    const id = String(content.comm_id ?? '');
    const target = String(content.target_name ?? '');
    const handler = this.targets.get(target);
    if (!id) return;
    if (!handler) {
      this.publish('comm_close', { comm_id: id, data: {} });
      return;
    }
    const comm = new Comm(id, target, this);
    this.comms.set(id, comm);
    try {
      handler(comm, { data: content.data ?? {}, ...m });
    } catch (e) {
      comm.close({ error: (e as Error).message ?? String(e) });
      throw e;
    }
  }

  /** A front-end comm_msg; false if the comm is unknown. */
  handleMsg(content: Record<string, unknown>, m: Omit<CommMessage, 'data'>): boolean {
    const comm = this.comms.get(String(content.comm_id ?? ''));
    if (!comm) return false;
    comm.deliver({ data: content.data ?? {}, ...m });
    return true;
  }

  /** A front-end comm_close. */
  handleClose(content: Record<string, unknown>, m: Omit<CommMessage, 'data'>): void {
    const id = String(content.comm_id ?? '');
    const comm = this.comms.get(id);
    if (!comm) return;
    this.comms.delete(id);
    comm.closedByPeer({ data: content.data ?? {}, ...m });
  }

  /** @internal */
  forget(id: string): void {
    this.comms.delete(id);
  }
}
