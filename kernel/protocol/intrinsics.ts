/**
 * Built-ins the kernel's own plumbing uses, captured when this module loads (before any cell
 * runs), so a cell that replaces them cannot break the kernel's wire format, signing or message
 * headers.
 *
 * Cells run in the kernel's realm: `JSON.stringify = () => '{'` or `Array.prototype.map = …` in a
 * cell changes the global object every later line of JavaScript sees, the kernel's included. The
 * functions here call the originals through a captured `Reflect.apply`, with argument lists built
 * as array literals (no iterator protocol, no `Function.prototype.call`), so they keep working.
 *
 * Covered: JSON (stringify, parse), Buffer (from, toString, equals), HMAC-SHA256 (createHmac and
 * the Hmac update/digest methods, timingSafeEqual), randomUUID and the ISO date of a header.
 * Anything else a cell replaces (Promise.prototype.then, Set iteration, …) is not covered; see
 * docs/reliability-kernel.md.
 */
import * as crypto from 'node:crypto';

const apply = Reflect.apply;
const jsonStringify = JSON.stringify;
const jsonParse = JSON.parse;
const bufferFrom = Buffer.from as (value: string, encoding: BufferEncoding) => Buffer;
const bufferToString = Buffer.prototype.toString;
const bufferEquals = Buffer.prototype.equals;
const createHmac = crypto.createHmac;
const hmacProto = Object.getPrototypeOf(createHmac('sha256', 'k')) as crypto.Hmac;
const hmacUpdate = hmacProto.update;
const hmacDigest = hmacProto.digest;
const timingSafeEqual = crypto.timingSafeEqual;
const randomUUID = crypto.randomUUID;
const DateCtor = Date;
const toISOString = Date.prototype.toISOString;

/** `JSON.stringify(value)` with the original built-in. */
export function stringifyJson(value: unknown): string | undefined {
  return apply(jsonStringify, JSON, [value]) as string | undefined;
}

/** `JSON.parse(text)` with the original built-in. */
export function parseJson(text: string): unknown {
  return apply(jsonParse, JSON, [text]);
}

/** `Buffer.from(text, 'utf8')` with the original built-in. */
export function utf8Bytes(text: string): Buffer {
  return apply(bufferFrom, Buffer, [text, 'utf8']) as Buffer;
}

/** `bytes.toString(encoding)` with the original built-in. */
export function bytesToString(bytes: Buffer, encoding: BufferEncoding = 'utf8'): string {
  return apply(bufferToString, bytes, [encoding]) as string;
}

/** `a.equals(b)` with the original built-in. */
export function bytesEqual(a: Buffer, b: Buffer): boolean {
  return apply(bufferEquals, a, [b]) as boolean;
}

/**
 * A key for {@link hmacHex}. A KeyObject, made once: given a string, Node's createHmac would call
 * the global `Buffer.from` on every message.
 */
export function hmacKey(key: string): crypto.KeyObject {
  return crypto.createSecretKey(utf8Bytes(key));
}

/** Hex HMAC-SHA256 of `parts` (in order) under `key`, with the original built-ins. */
export function hmacHex(key: crypto.KeyObject, parts: readonly (Buffer | string)[]): string {
  const h = apply(createHmac, crypto, ['sha256', key]) as crypto.Hmac;
  for (let i = 0; i < parts.length; i++) apply(hmacUpdate, h, [parts[i]]);
  return apply(hmacDigest, h, ['hex']) as string;
}

/** Constant-time comparison of equal-length buffers, with the original built-in. */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return apply(timingSafeEqual, crypto, [a, b]) as boolean;
}

/** A random UUID, with the original built-in. */
export function newUuid(): string {
  return apply(randomUUID, crypto, []) as string;
}

/** The current time as an ISO 8601 string, with the original built-ins. */
export function isoNow(): string {
  return apply(toISOString, new DateCtor(), []) as string;
}
