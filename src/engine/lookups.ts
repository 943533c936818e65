// What detection needs from threat intelligence and the asset inventory. The intel and assets
// modules implement these; tests use the tiny in-memory versions below.

import { parseIp } from '../core/ip.ts';
import { cidrContainsText, parseCidr } from '../findings/cidr.ts';

export type IntelKind = 'threat' | 'tor-exit' | 'tor-relay' | 'mining-pool';

export interface IntelMatch {
  /** Name of the list that matched (operator-given or the file name). */
  list: string;
  kind: IntelKind;
}

export interface IntelLookup {
  /** The first threat list containing the address, or null. Trusted lists are not consulted. */
  match(v4: number, v6: string | null): IntelMatch | null;
  /** True when the address is on a trusted list (trusted wins over every threat list). */
  isTrusted(v4: number, v6: string | null): boolean;
}

export interface Asset {
  name: string;
  tags: string[];
  owner: string | null;
}

export interface AssetLookup {
  /** The asset for an IP (and optionally the interface id that observed it), or null. */
  lookup(v4: number, v6: string | null, interfaceId: string | null): Asset | null;
}

export const noIntel: IntelLookup = { match: () => null, isTrusted: () => false };
export const noAssets: AssetLookup = { lookup: () => null };

/** A small list-backed IntelLookup for tests and the eval harness: entries are IPs or CIDRs. */
export function createListIntel(
  lists: readonly { name: string; kind: IntelKind; entries: readonly string[] }[],
  trusted: readonly string[] = [],
): IntelLookup {
  const parsed = lists.map((l) => ({
    ...l,
    cidrs: l.entries.map((e) => parseCidr(e)).filter((c) => c !== null),
  }));
  const trustedCidrs = trusted.map((e) => parseCidr(e)).filter((c) => c !== null);
  const text = (v4: number, v6: string | null): string =>
    v6 ?? `${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.${v4 & 255}`;
  return {
    match(v4, v6) {
      const ip = text(v4, v6);
      for (const l of parsed)
        if (l.cidrs.some((c) => cidrContainsText(c, ip))) return { list: l.name, kind: l.kind };
      return null;
    },
    isTrusted(v4, v6) {
      const ip = text(v4, v6);
      return trustedCidrs.some((c) => cidrContainsText(c, ip));
    },
  };
}

/** True when the IP text is on a trusted list. */
export function isTrustedText(intel: IntelLookup, ip: string): boolean {
  const a = parseIp(ip);
  return a !== null && intel.isTrusted(a.v4, a.v6);
}
