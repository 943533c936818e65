// Byte-level token readers for the VPC parser's hot loop. Each reads one space-terminated token
// starting at `start` (stopping at `end`, the end of the line) in a single pass, without creating
// strings, and leaves the index of the byte after the token in `tokenEnd`. Sentinels instead of
// exceptions keep the loop cheap.

/** The token is `-`: the field is not applicable or could not be computed (FORMATS.md §1.1). */
export const MISSING = -1;
/** The token is not a valid value for the field. */
export const BAD = -2;
/** The token is not dotted-quad IPv4 but has a colon, so it may be IPv6. */
export const MAYBE_V6 = -3;

const DASH = 45;
const SPACE = 32;

/** Where the last token read ended (the index of its terminating space, or the line end). */
export let tokenEnd = 0;

/** Index of the first space at or after `start`, or `end`. Also sets `tokenEnd`. */
export function skipToken(buf: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && buf[i] !== SPACE) i++;
  tokenEnd = i;
  return i;
}

/** Unsigned decimal of at most 15 digits (exact in a double), MISSING for `-`, else BAD. */
export function readUint(buf: Buffer, start: number, end: number): number {
  let v = 0;
  let i = start;
  // one unsigned compare per digit: (c - 48) >>> 0 > 9 for every non-digit
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d >>> 0 > 9) break;
    v = v * 10 + d;
  }
  tokenEnd = i;
  const n = i - start;
  if (i === end || buf[i] === SPACE) return n === 0 || n > 15 ? BAD : v;
  if (n === 0 && buf[i] === DASH && (i + 1 === end || buf[i + 1] === SPACE)) {
    tokenEnd = i + 1;
    return MISSING;
  }
  tokenEnd = skipToken(buf, i, end);
  return BAD;
}

/** Dotted-quad IPv4 as an unsigned 32-bit integer; MISSING for `-`, MAYBE_V6, or BAD. */
export function readIpv4(buf: Buffer, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  let i = start;
  for (; i < end; i++) {
    const c = buf[i]!;
    const d = c - 48;
    if (d >>> 0 <= 9) {
      if (digits > 0 && part === 0) return badToken(buf, start, end); // "01": octal in some tools
      part = part * 10 + d;
      digits++;
    } else if (c === 46) {
      if (digits === 0 || digits > 3 || part > 255 || dots === 3) return badToken(buf, start, end);
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      break;
    }
  }
  tokenEnd = i;
  if (i < end && buf[i] !== SPACE) {
    if (i === start && buf[i] === DASH && (i + 1 === end || buf[i + 1] === SPACE)) {
      tokenEnd = i + 1;
      return MISSING;
    }
    return badToken(buf, start, end);
  }
  if (digits === 0 || digits > 3 || part > 255 || dots !== 3) return BAD;
  return value * 256 + part;
}

/** Finds the token's end; MAYBE_V6 when it holds a colon (IPv6 text), else BAD. */
function badToken(buf: Buffer, start: number, end: number): number {
  let colon = false;
  let i = start;
  for (; i < end; i++) {
    const c = buf[i];
    if (c === SPACE) break;
    if (c === 58) colon = true;
  }
  tokenEnd = i;
  return colon ? MAYBE_V6 : BAD;
}

export function isDash(buf: Buffer, start: number, end: number): boolean {
  return end - start === 1 && buf[start] === DASH;
}

/** Whether buf[start, end) equals an ASCII word. */
export function bytesEqual(buf: Buffer, start: number, end: number, word: Uint8Array): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[start + i] !== word[i]) return false;
  return true;
}

export const ascii = (s: string): Uint8Array => Buffer.from(s, 'latin1');
