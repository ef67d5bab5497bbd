/**
 * The wire format: a message as ZeroMQ frames, signed with HMAC-SHA256.
 *
 *   [identity…, '<IDS|MSG>', signature, header, parent_header, metadata, content, buffer…]
 *
 * The signature is the hex HMAC of the four JSON frames, keyed with the connection file's `key`.
 * A frame set is checked before any JSON in it is parsed: a missing delimiter, a missing or wrong
 * signature, or a signature seen before (a replay) rejects the message. An empty key turns
 * signing off, as in Jupyter.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Header, Message } from './messages';

/** Separates routing identities from the message. */
export const DELIMITER = Buffer.from('<IDS|MSG>');

/** Signs and checks frames. */
export interface Signer {
  /** Hex signature of the frames ('' when signing is off). */
  sign(frames: readonly (Buffer | string)[]): string;
  /** Is `signature` right for the frames? Constant-time. */
  verify(signature: Buffer, frames: readonly Buffer[]): boolean;
  /** False when the key is empty (no authentication). */
  readonly enabled: boolean;
}

/**
 * A signer for `key` and `scheme` (only 'hmac-sha256').
 *
 * @example
 * const s = createSigner('secret');
 * s.verify(Buffer.from(s.sign(['{}', '{}', '{}', '{}'])), ['{}', '{}', '{}', '{}'].map((x) => Buffer.from(x)));
 */
export function createSigner(key: string, scheme = 'hmac-sha256'): Signer {
  if (scheme !== 'hmac-sha256')
    throw new Error(
      `kernel: signature_scheme must be "hmac-sha256", got ${JSON.stringify(scheme)}`,
    );
  const enabled = key.length > 0;
  const sign = (frames: readonly (Buffer | string)[]): string => {
    if (!enabled) return '';
    const h = createHmac('sha256', key);
    for (const f of frames) h.update(f);
    return h.digest('hex');
  };
  return {
    enabled,
    sign,
    verify(signature, frames) {
      if (!enabled) return true;
      const want = Buffer.from(sign(frames), 'latin1');
      return signature.length === want.length && timingSafeEqual(signature, want);
    },
  };
}

/** Remembers recent signatures so that a captured message cannot be sent again. */
export class ReplayGuard {
  private readonly seen = new Set<string>();
  private readonly order: string[];
  private next = 0;

  /** Keep the last `size` signatures (default 65,536, as jupyter_client does). */
  constructor(size = 65536) {
    this.order = new Array<string>(size);
  }

  /** Record `signature`; false if it was already seen. */
  admit(signature: string): boolean {
    if (this.seen.has(signature)) return false;
    const old = this.order[this.next];
    if (old !== undefined) this.seen.delete(old);
    this.order[this.next] = signature;
    this.next = (this.next + 1) % this.order.length;
    this.seen.add(signature);
    return true;
  }
}

/** Why a frame set was refused. */
export type RejectReason =
  | 'no delimiter'
  | 'too few frames'
  | 'missing signature'
  | 'bad signature'
  | 'replayed signature'
  | 'malformed JSON';

/** The outcome of {@link decode}. */
export type Decoded = { ok: true; message: Message } | { ok: false; reason: RejectReason };

/**
 * Check and parse a frame set received on a ROUTER (or SUB) socket.
 *
 * @example
 * const d = decode(frames, signer, guard);
 * if (!d.ok) log(`rejected: ${d.reason}`);
 */
export function decode(frames: readonly Buffer[], signer: Signer, guard?: ReplayGuard): Decoded {
  let i = 0;
  while (i < frames.length && !frames[i]!.equals(DELIMITER)) i++;
  if (i === frames.length) return { ok: false, reason: 'no delimiter' };
  const signature = frames[i + 1];
  const parts = frames.slice(i + 2, i + 6);
  if (signature === undefined || parts.length < 4) return { ok: false, reason: 'too few frames' };
  if (signer.enabled) {
    if (signature.length === 0) return { ok: false, reason: 'missing signature' };
    if (!signer.verify(signature, parts)) return { ok: false, reason: 'bad signature' };
    if (guard && !guard.admit(signature.toString('latin1')))
      return { ok: false, reason: 'replayed signature' };
  }
  try {
    const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p.toString('utf8')));
    if (!isObject(header) || typeof header.msg_type !== 'string')
      return { ok: false, reason: 'malformed JSON' };
    return {
      ok: true,
      message: {
        identities: frames.slice(0, i),
        header: header as unknown as Header,
        parent_header: isObject(parent) ? (parent as unknown as Header) : {},
        metadata: isObject(metadata) ? metadata : {},
        content: isObject(content) ? content : {},
        buffers: frames.slice(i + 6),
      },
    };
  } catch {
    return { ok: false, reason: 'malformed JSON' };
  }
}

/**
 * Frames for `message`, signed. Non-finite numbers in the content become null (JSON has no NaN).
 *
 * @example
 * await socket.send(encode(reply, signer));
 */
export function encode(message: Message<unknown>, signer: Signer): Buffer[] {
  const parts = [
    JSON.stringify(message.header),
    JSON.stringify(message.parent_header),
    JSON.stringify(message.metadata),
    JSON.stringify(message.content) ?? '{}',
  ];
  return [
    ...message.identities,
    DELIMITER,
    Buffer.from(signer.sign(parts)),
    ...parts.map((p) => Buffer.from(p, 'utf8')),
    ...message.buffers,
  ];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
