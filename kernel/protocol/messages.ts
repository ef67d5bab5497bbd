/**
 * Jupyter messages (protocol 5.3) as plain typed objects, and how the kernel makes new ones.
 * See https://jupyter-client.readthedocs.io/en/stable/messaging.html.
 */
import { isoNow, newUuid } from './intrinsics';

/** The protocol version this kernel speaks. */
export const PROTOCOL_VERSION = '5.3';

/** A message header. */
export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** JSON content of any message. */
export type Content = Record<string, unknown>;

/** A decoded message, with the ZeroMQ routing identities it came with. */
export interface Message<C = Content> {
  /** ZeroMQ routing prefix (ROUTER sockets) or topic (IOPub). */
  identities: Buffer[];
  header: Header;
  /** The header of the request this message answers, or `{}`. */
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  /** Extra binary frames after the content. */
  buffers: Buffer[];
}

/** The five channels of a kernel. */
export type Channel = 'shell' | 'control' | 'stdin' | 'iopub' | 'hb';

/** Who the kernel says it is in the headers it writes. */
export interface Sender {
  session: string;
  username: string;
}

/**
 * A new message. `parent` is the request being answered (its header becomes `parent_header` and
 * its identities route the reply), or null for a message nobody asked for.
 *
 * @example
 * const reply = createMessage(me, 'kernel_info_reply', { status: 'ok' }, request);
 */
export function createMessage<C extends Content>(
  from: Sender,
  msgType: string,
  content: C,
  parent: Message<unknown> | null,
  metadata: Record<string, unknown> = {},
): Message<C> {
  return {
    identities: parent ? parent.identities : [],
    header: {
      msg_id: newUuid(),
      session: from.session,
      username: from.username,
      date: isoNow(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: parent ? parent.header : {},
    metadata,
    content,
    buffers: [],
  };
}
