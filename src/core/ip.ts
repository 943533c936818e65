// IP address helpers shared by every parser, the store and the detectors.
//
// IPv4 addresses travel as unsigned 32-bit integers (cheap to compare, hash and store); IPv6
// addresses travel as their canonical RFC 5952 text. Both are first-class: every function here
// accepts either form.

/** Parses dotted-quad IPv4 text into an unsigned 32-bit integer, or returns -1. */
export function parseIpv4(text: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // leading zero ("01") is ambiguous (octal in some tools)
      part = part * 10 + (c - 48);
      digits++;
      if (part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + part;
}

/** Formats an unsigned 32-bit integer as dotted-quad text. */
export function formatIpv4(value: number): string {
  return `${(value >>> 24) & 255}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** Parses IPv6 text (any valid RFC 4291 spelling, optional zone dropped) into 8 16-bit groups, or null. */
export function parseIpv6Groups(input: string): number[] | null {
  let text = input;
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (text.length < 2 || text.length > 45) return null;
  // An embedded IPv4 tail (::ffff:1.2.3.4) is rewritten as two hex groups first.
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return null;
  if (text.indexOf('.', lastColon) >= 0) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 < 0) return null;
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const parseGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (g.length === 0 || g.length > 4 || !/^[0-9a-fA-F]+$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const doubleColon = text.indexOf('::');
  if (doubleColon < 0) {
    const all = parseGroups(text);
    return all && all.length === 8 ? all : null;
  }
  if (text.indexOf('::', doubleColon + 1) >= 0) return null;
  const head = parseGroups(text.slice(0, doubleColon));
  const back = parseGroups(text.slice(doubleColon + 2));
  if (!head || !back) return null;
  const missing = 8 - head.length - back.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...back];
}

/** Formats 8 groups as canonical RFC 5952 text (lower case, longest zero run compressed). */
export function formatIpv6Groups(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Canonical text of an IPv6 address, or null when the text is not one. */
export function canonicalIpv6(text: string): string | null {
  const groups = parseIpv6Groups(text);
  return groups ? formatIpv6Groups(groups) : null;
}

/** An address in either family. `v4` is the integer form for IPv4 (then `v6` is null). */
export interface IpAddress {
  v4: number;
  v6: string | null;
}

/** Parses any IP text; returns null when it is neither IPv4 nor IPv6. IPv4-mapped IPv6 stays IPv6. */
export function parseIp(text: string): IpAddress | null {
  const v4 = parseIpv4(text);
  if (v4 >= 0) return { v4, v6: null };
  const v6 = canonicalIpv6(text);
  return v6 === null ? null : { v4: 0, v6 };
}

/** Text of an address given in the columnar form used by flow batches. */
export function ipText(v4: number, v6: string | null): string {
  return v6 ?? formatIpv4(v4);
}

/** RFC 1918, loopback, link-local, CGNAT (100.64/10) and unspecified IPv4 ranges. */
export function isPrivateIpv4(v: number): boolean {
  const a = v >>> 24;
  const b = (v >>> 16) & 255;
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

/** Unique-local (fc00::/7), link-local (fe80::/10), loopback and unspecified IPv6. */
export function isPrivateIpv6(text: string): boolean {
  const t = text.toLowerCase();
  if (t === '::1' || t === '::') return true;
  if (t.startsWith('fc') || t.startsWith('fd')) return true;
  return /^fe[89ab]/.test(t);
}

/** True when the address is not routable on the public internet. */
export function isPrivateIp(v4: number, v6: string | null): boolean {
  return v6 === null ? isPrivateIpv4(v4) : isPrivateIpv6(v6);
}
