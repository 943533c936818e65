import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIp } from '../core/ip.ts';
import { cidrContainsText, parseCidr } from '../findings/cidr.ts';
import { buildIntelLookup, type IntelListInput } from './lookup.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ip = (text: string): [number, string | null] => {
  const a = parseIp(text)!;
  return [a.v4, a.v6];
};

describe('buildIntelLookup', () => {
  const lists: IntelListInput[] = [
    { name: 'feodo', kind: 'threat', entries: ['198.51.100.0/24', '203.0.113.9/32', '2001:db8:bad::/48'] },
    { name: 'drop', kind: 'threat', entries: ['198.51.0.0/16'] },
    { name: 'tor', kind: 'tor-exit', entries: ['185.220.101.1/32'] },
    { name: 'office', kind: 'trusted', entries: ['198.51.100.128/25', '2001:db8:bad:1::/64'] },
  ];
  const intel = buildIntelLookup(lists);

  it('names the most specific entry, its list and every list holding the address', () => {
    expect(intel.match(...ip('198.51.100.7'))).toEqual({
      list: 'feodo',
      kind: 'threat',
      entry: '198.51.100.0/24',
      lists: ['feodo', 'drop'],
    });
    expect(intel.match(...ip('198.51.7.7'))).toEqual({
      list: 'drop',
      kind: 'threat',
      entry: '198.51.0.0/16',
      lists: ['drop'],
    });
    expect(intel.match(...ip('185.220.101.1'))).toMatchObject({ list: 'tor', kind: 'tor-exit' });
    expect(intel.match(...ip('2001:db8:bad:2::1'))).toMatchObject({
      list: 'feodo',
      entry: '2001:db8:bad::/48',
    });
    expect(intel.match(...ip('192.0.2.1'))).toBeNull();
    expect(intel.match(...ip('2001:db8::1'))).toBeNull();
  });

  it('lets a trusted range inside a threat range win', () => {
    expect(intel.isTrusted(...ip('198.51.100.200'))).toBe(true);
    expect(intel.trustedBy(...ip('198.51.100.200'))).toBe('office');
    expect(intel.match(...ip('198.51.100.200'))).toBeNull();
    expect(intel.match(...ip('2001:db8:bad:1::9'))).toBeNull();
    expect(intel.isTrusted(...ip('198.51.100.1'))).toBe(false);
  });

  it('lets a trusted range around a threat entry win too', () => {
    const i = buildIntelLookup([
      { name: 't', kind: 'threat', entries: ['10.1.2.3/32'] },
      { name: 'corp', kind: 'trusted', entries: ['10.0.0.0/8'] },
    ]);
    expect(i.match(...ip('10.1.2.3'))).toBeNull();
    expect(i.isTrusted(...ip('10.1.2.3'))).toBe(true);
  });

  it('agrees with a brute-force reference on random lists', () => {
    const r = rng(11);
    const names = ['a', 'b', 'c', 'd', 'e', 'trust'];
    const random: IntelListInput[] = names.map((name) => {
      const entries: string[] = [];
      for (let i = 0; i < 300; i++) {
        const bits = 16 + Math.floor(r() * 17);
        entries.push(`${formatIpv4((0xc0a80000 + Math.floor(r() * 0x30000)) >>> 0)}/${bits}`);
      }
      return { name, kind: name === 'trust' ? 'trusted' : 'threat', entries };
    });
    // normalise like the parsers do (host bits masked)
    const cidrs = random.map((l) => ({ ...l, parsed: [...l.entries].map((e) => parseCidr(e)!) }));
    const index = buildIntelLookup(random);
    for (let i = 0; i < 3000; i++) {
      const addr = formatIpv4((0xc0a00000 + Math.floor(r() * 0x100000)) >>> 0);
      const holding = cidrs.filter((l) => l.parsed.some((c) => cidrContainsText(c, addr)));
      const trusted = holding.some((l) => l.kind === 'trusted');
      const threat = holding.filter((l) => l.kind !== 'trusted').map((l) => l.name);
      const got = index.match(...ip(addr));
      expect(index.isTrusted(...ip(addr)), addr).toBe(trusted);
      if (trusted || threat.length === 0) {
        expect(got, addr).toBeNull();
        continue;
      }
      expect(got, addr).not.toBeNull();
      expect([...got!.lists].sort()).toEqual([...threat].sort());
      // The named entry contains the address and is as specific as any containing entry.
      const best = Math.max(
        ...cidrs.flatMap((l) =>
          l.kind === 'trusted' ? [] : l.parsed.filter((c) => cidrContainsText(c, addr)).map((c) => c.bits),
        ),
      );
      expect(got!.entry.endsWith(`/${best}`)).toBe(true);
      expect(cidrContainsText(parseCidr(got!.entry)!, addr)).toBe(true);
      expect(threat).toContain(got!.list);
    }
  });
});
