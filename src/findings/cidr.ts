// IP-or-CIDR matching for suppression rules and the engine's internal/external ranges. Small
// lists only (a handful of operator-written ranges); threat lists have their own index.

import { parseIpv4, parseIpv6Groups } from '../core/ip.ts';

export type Cidr = { family: 4; base: number; bits: number } | { family: 6; groups: number[]; bits: number };

/** Parses "10.0.0.0/8", "10.1.2.3", "2001:db8::/32" or "::1"; null when invalid. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text.trim() : text.slice(0, slash).trim();
  const bitsText = slash < 0 ? null : text.slice(slash + 1).trim();
  const v4 = parseIpv4(addr);
  if (v4 >= 0) {
    const bits = bitsText === null ? 32 : Number(bitsText);
    if (!Number.isInteger(bits) || bits < 0 || bits > 32) return null;
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return { family: 4, base: (v4 & mask) >>> 0, bits };
  }
  const groups = parseIpv6Groups(addr);
  if (!groups) return null;
  const bits = bitsText === null ? 128 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 128) return null;
  return { family: 6, groups, bits };
}

export function cidrContainsV4(c: Cidr, v4: number): boolean {
  if (c.family !== 4) return false;
  const mask = c.bits === 0 ? 0 : (0xffffffff << (32 - c.bits)) >>> 0;
  return (v4 & mask) >>> 0 === c.base;
}

export function cidrContainsV6(c: Cidr, groups: readonly number[]): boolean {
  if (c.family !== 6) return false;
  let bits = c.bits;
  for (let i = 0; i < 8 && bits > 0; i++) {
    const take = Math.min(16, bits);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((groups[i] ?? 0) & mask) !== ((c.groups[i] ?? 0) & mask)) return false;
    bits -= take;
  }
  return true;
}

/** True when the address text falls in the CIDR. */
export function cidrContainsText(c: Cidr, ip: string): boolean {
  const v4 = parseIpv4(ip);
  if (v4 >= 0) return cidrContainsV4(c, v4);
  const g = parseIpv6Groups(ip);
  return g !== null && cidrContainsV6(c, g);
}
