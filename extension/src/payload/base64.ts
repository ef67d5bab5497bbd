/**
 * Base64 to bytes, for the kernel's encoded arrays. Accepts what RFC 4648 and the browser's
 * forgiving-base64 accept: padding (`=`, one or two, at the end) or none, and ASCII whitespace
 * anywhere (line breaks from a tool that wraps long lines). The byte count must be exactly the
 * one the array's shape needs; it is known before decoding, so the output is allocated once, at
 * a size already checked against the budget and against the length of the text.
 */
import { fmt } from './budget';
import { PayloadError } from './error';

/** 6-bit value of each character code, −1 for characters that are not base64. */
const VALUES = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  .split('')
  .forEach((c, i) => (VALUES[c.charCodeAt(0)] = i));

/** Tab, line feed, form feed, carriage return, space. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

function charName(s: string, i: number): string {
  const c = s.charCodeAt(i);
  return c >= 0x21 && c < 0x7f ? `"${s[i]}"` : `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Decode `data` (at `path`, for messages) into exactly `nbytes` bytes, or throw a
 * {@link PayloadError} saying what is wrong; `what` names the values the bytes hold, e.g.
 * `24 float32 values`.
 *
 * @example
 * decodeBase64('AQ I=\n', 'a.data', 2, '2 uint8 values'); // Uint8Array [1, 2]
 */
export function decodeBase64(data: string, path: string, nbytes: number, what: string): Uint8Array {
  // Too short to hold the bytes even without whitespace and padding: refuse before allocating,
  // so the output is never larger than three quarters of the text that came in.
  const least = Math.ceil((4 * nbytes) / 3);
  if (data.length < least)
    throw new PayloadError(
      `${path}: ${fmt(data.length)} base64 characters do not hold ${what} (${fmt(nbytes)} bytes need at least ${fmt(least)})`,
    );
  const out = new Uint8Array(nbytes);
  let chars = 0; // base64 characters, padding and whitespace not counted
  let pad = 0;
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (isSpace(c)) continue;
    if (c === 0x3d) {
      pad++;
      continue;
    }
    const v = c < 128 ? VALUES[c]! : -1;
    if (v < 0)
      throw new PayloadError(
        `${path}: character ${charName(data, i)} at position ${fmt(i)} is not base64 (A–Z, a–z, 0–9, +, /, = padding)`,
      );
    if (pad > 0)
      throw new PayloadError(
        `${path}: padding "=" before position ${fmt(i)}; it may only end the data`,
      );
    chars++;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (o < nbytes) out[o] = (acc >> bits) & 0xff;
      o++;
    }
  }
  if (pad > 2 || (pad > 0 && (chars + pad) % 4 !== 0))
    throw new PayloadError(
      `${path}: ${pad} padding characters after ${fmt(chars)} base64 characters; padding fills the last group of 4`,
    );
  if (chars % 4 === 1)
    throw new PayloadError(
      `${path}: ${fmt(chars)} base64 characters is not a whole number of bytes`,
    );
  if (o !== nbytes)
    throw new PayloadError(
      `${path}: ${fmt(chars)} base64 characters do not hold ${what} (${fmt(nbytes)} bytes; they hold ${fmt(o)})`,
    );
  return out;
}
