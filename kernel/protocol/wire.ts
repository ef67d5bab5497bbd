/**
 * The wire format: a message as ZeroMQ frames, signed with HMAC-SHA256.
 *
 *   [identity…, '<IDS|MSG>', signature, header, parent_header, metadata, content, buffer…]
 *
 * The signature is the hex HMAC of the four JSON frames, keyed with the connection file's `key`.
 * A frame set is checked before any JSON in it is parsed: a missing delimiter, a missing or wrong
 * signature, or a signature seen before (a replay) rejects the message. An empty key turns
 * signing off, as in Jupyter.
 *
 * Encoding, decoding and signing use built-ins captured at startup (./intrinsics.ts), so a cell
 * that replaces `JSON.stringify`, Buffer or Array methods cannot break them.
 */
import {
  bytesEqual,
  bytesToString,
  hmacHex,
  hmacKey,
  parseJson,
  sameBytes,
  stringifyJson,
  utf8Bytes,
} from './intrinsics';
import type { Header, Message } from './messages';

/** Separates routing identities from the message. */
export const DELIMITER = utf8Bytes('<IDS|MSG>');

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
  const secret = enabled ? hmacKey(key) : null;
  const sign = (frames: readonly (Buffer | string)[]): string => {
    if (!enabled) return '';
    return hmacHex(secret!, frames);
  };
  return {
    enabled,
    sign,
    verify(signature, frames) {
      if (!enabled) return true;
      const want = utf8Bytes(sign(frames));
      return signature.length === want.length && sameBytes(signature, want);
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
  while (i < frames.length && !bytesEqual(frames[i]!, DELIMITER)) i++;
  if (i === frames.length) return { ok: false, reason: 'no delimiter' };
  const signature = frames[i + 1];
  const parts = range(frames, i + 2, i + 6);
  if (signature === undefined || parts.length < 4) return { ok: false, reason: 'too few frames' };
  if (signer.enabled) {
    if (signature.length === 0) return { ok: false, reason: 'missing signature' };
    if (!signer.verify(signature, parts)) return { ok: false, reason: 'bad signature' };
    if (guard && !guard.admit(bytesToString(signature, 'latin1')))
      return { ok: false, reason: 'replayed signature' };
  }
  try {
    const header = parseJson(bytesToString(parts[0]!));
    const parent = parseJson(bytesToString(parts[1]!));
    const metadata = parseJson(bytesToString(parts[2]!));
    const content = parseJson(bytesToString(parts[3]!));
    if (!isObject(header) || typeof header.msg_type !== 'string')
      return { ok: false, reason: 'malformed JSON' };
    return {
      ok: true,
      message: {
        identities: range(frames, 0, i),
        header: header as unknown as Header,
        parent_header: isObject(parent) ? (parent as unknown as Header) : {},
        metadata: isObject(metadata) ? metadata : {},
        content: isObject(content) ? content : {},
        buffers: range(frames, i + 6, frames.length),
      },
    };
  } catch {
    return { ok: false, reason: 'malformed JSON' };
  }
}

/**
 * Frames for `message`, signed. Non-finite numbers in the content become null (JSON has no NaN).
 * Throws (TypeError from JSON) when the content is not JSON-safe: cyclic, or holding a BigInt.
 *
 * @example
 * await socket.send(encode(reply, signer));
 */
export function encode(message: Message<unknown>, signer: Signer): Buffer[] {
  const parts = [
    stringifyJson(message.header) ?? '{}',
    stringifyJson(message.parent_header) ?? '{}',
    stringifyJson(message.metadata) ?? '{}',
    stringifyJson(message.content) ?? '{}',
  ];
  // Plain loops and index writes: a cell may have replaced Array.prototype methods.
  const out: Buffer[] = [];
  const ids = message.identities;
  for (let k = 0; k < ids.length; k++) out[out.length] = ids[k]!;
  out[out.length] = DELIMITER;
  out[out.length] = utf8Bytes(signer.sign(parts));
  for (let k = 0; k < parts.length; k++) out[out.length] = utf8Bytes(parts[k]!);
  const bufs = message.buffers;
  for (let k = 0; k < bufs.length; k++) out[out.length] = bufs[k]!;
  return out;
}

/** `items.slice(from, to)` without Array.prototype. */
function range<T>(items: readonly T[], from: number, to: number): T[] {
  const out: T[] = [];
  for (let k = from; k < to && k < items.length; k++) out[out.length] = items[k]!;
  return out;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
