// The matcher detection calls for every flow: which threat or Tor list holds an address, and
// whether a trusted list does. All loaded lists go into one CIDR index, so a lookup is one binary
// search (IPv4) or a few hash probes (IPv6), whatever the number of lists. Trusted lists win: an
// address inside any trusted CIDR never matches, even when a threat list holds a narrower CIDR.

import { parseIpv4, parseIpv6Groups } from '../core/ip.ts';
import type { IntelKind, IntelLookup, IntelMatch } from '../engine/lookups.ts';
import { buildCidrIndex, CidrInput, type CidrIndex } from './cidr-index.ts';

/** What a list is for: a threat/Tor/mining kind the detectors match, or `trusted`. */
export type ListKind = IntelKind | 'trusted';
export const LIST_KINDS: readonly ListKind[] = ['threat', 'trusted', 'tor-exit', 'tor-relay', 'mining-pool'];

export interface IntelListInput {
  name: string;
  kind: ListKind;
  /** IPs or CIDRs as text (see entry.ts for the canonical form); any iterable, so a loader can stream lines. */
  entries: Iterable<string>;
}

/** A match: the list of the most specific matching entry, that entry, and every list holding the address. */
export interface IntelListMatch extends IntelMatch {
  /** The matching entry as CIDR text, e.g. `198.51.100.0/24` or `203.0.113.9/32`. */
  entry: string;
  /** Every non-trusted list that contains the address (the named `list` first). */
  lists: string[];
}

export interface IntelIndex extends IntelLookup {
  match(v4: number, v6: string | null): IntelListMatch | null;
  /** The name of a trusted list containing the address, or null. */
  trustedBy(v4: number, v6: string | null): string | null;
  readonly lists: readonly { name: string; kind: ListKind }[];
  readonly entriesV4: number;
  readonly entriesV6: number;
  /** Approximate bytes held by the index. */
  readonly bytes: number;
}

interface SetInfo {
  trusted: string | null;
  lists: string[];
}

/** Parses `a.b.c.d/n` or `x::/n` into the index's input, returning false for anything else. */
function pushEntry(input: CidrInput, text: string, group: number): boolean {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const v4 = parseIpv4(addr);
  if (v4 >= 0) {
    const bits = slash < 0 ? 32 : Number(text.slice(slash + 1));
    if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
    input.addV4(v4, bits, group);
    return true;
  }
  const groups = parseIpv6Groups(addr);
  if (groups === null) return false;
  const bits = slash < 0 ? 128 : Number(text.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > 128) return false;
  input.addV6(groups, bits, group);
  return true;
}

/** Builds the index in its own scope, so that the matcher's closures do not keep the input alive. */
function indexLists(lists: readonly IntelListInput[]): CidrIndex {
  const input = new CidrInput();
  lists.forEach((l, group) => {
    for (const e of l.entries) pushEntry(input, e, group);
  });
  return buildCidrIndex(input);
}

export function buildIntelLookup(lists: readonly IntelListInput[]): IntelIndex {
  const index = indexLists(lists);
  const meta = lists.map((l) => ({ name: l.name, kind: l.kind }));
  const infos: (SetInfo | undefined)[] = new Array(index.setCount);
  const infoOf = (set: number): SetInfo => {
    let info = infos[set];
    if (info === undefined) {
      const groups = index.setGroups(set);
      const trusted = groups.find((g) => meta[g]!.kind === 'trusted');
      info = {
        trusted: trusted === undefined ? null : meta[trusted]!.name,
        lists: groups.filter((g) => meta[g]!.kind !== 'trusted').map((g) => meta[g]!.name),
      };
      infos[set] = info;
    }
    return info;
  };
  // Callers often ask isTrusted then match for the same address: remember the last answer.
  let lastV4 = -1;
  let lastV6: string | null = null;
  let lastEntry = -1;
  const find = (v4: number, v6: string | null): number => {
    if (v4 === lastV4 && v6 === lastV6) return lastEntry;
    lastV4 = v4;
    lastV6 = v6;
    lastEntry = v6 === null ? index.findV4(v4) : index.findV6(v6);
    return lastEntry;
  };

  return {
    match(v4, v6) {
      const entry = find(v4, v6);
      if (entry < 0) return null;
      const info = infoOf(index.chainSet(entry));
      if (info.trusted !== null || info.lists.length === 0) return null;
      // No trusted list in the chain, so the innermost entry belongs to threat-side lists only.
      const top = meta[index.ownGroups(entry)[0]!]!;
      const kind = top.kind as IntelKind;
      return {
        list: top.name,
        kind,
        entry: index.cidrText(entry),
        lists: [top.name, ...info.lists.filter((n) => n !== top.name)],
      };
    },
    isTrusted(v4, v6) {
      const entry = find(v4, v6);
      return entry >= 0 && infoOf(index.chainSet(entry)).trusted !== null;
    },
    trustedBy(v4, v6) {
      const entry = find(v4, v6);
      return entry < 0 ? null : infoOf(index.chainSet(entry)).trusted;
    },
    lists: meta,
    entriesV4: index.sizeV4,
    entriesV6: index.sizeV6,
    bytes: index.bytes,
  };
}
