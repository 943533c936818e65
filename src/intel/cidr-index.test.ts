import { describe, expect, it } from 'vitest';
import { formatIpv6Groups, parseIpv6Groups } from '../core/ip.ts';
import { buildCidrIndex, CidrInput, ipv6Hex, v4Mask } from './cidr-index.ts';

interface Plain {
  v4: { base: number; bits: number; group: number }[];
  v6: { groups: number[]; bits: number; group: number }[];
}

function inputOf(plain: Plain): CidrInput {
  const input = new CidrInput();
  for (const e of plain.v4) input.addV4(e.base, e.bits, e.group);
  for (const e of plain.v6) input.addV6(e.groups, e.bits, e.group);
  return input;
}

/** A deterministic generator, so a failure can be replayed from its seed. */
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

function v6Contains(prefix: readonly number[], bits: number, addr: readonly number[]): boolean {
  let left = bits;
  for (let i = 0; i < 8 && left > 0; i++) {
    const take = Math.min(16, left);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((prefix[i] ?? 0) & mask) !== ((addr[i] ?? 0) & mask)) return false;
    left -= take;
  }
  return true;
}

describe('buildCidrIndex against a brute-force reference', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`IPv4, seed ${seed}`, () => {
      const r = rng(seed);
      // A narrow address space so that nesting, duplicates and adjacency are frequent.
      const space = 0x0a000000;
      const input: Plain = { v4: [], v6: [] };
      for (let i = 0; i < 400; i++) {
        const bits = 20 + Math.floor(r() * 13);
        const base = (space + Math.floor(r() * 0x4000)) >>> 0;
        input.v4.push({ base, bits, group: Math.floor(r() * 5) });
      }
      input.v4.push({ base: 0xffffff00, bits: 24, group: 1 }); // the top of the space
      input.v4.push({ base: 0, bits: 32, group: 2 });
      const index = buildCidrIndex(inputOf(input));
      const probes = [0, 1, 0xffffffff, 0xfffffeff, space - 1, space + 0x4000 + 4096];
      for (let i = 0; i < 4000; i++) probes.push((space + Math.floor(r() * 0x5000)) >>> 0);
      for (const a of probes) {
        const covering = input.v4.filter(
          (e) => (a & v4Mask(e.bits)) >>> 0 === (e.base & v4Mask(e.bits)) >>> 0,
        );
        const got = index.findV4(a);
        if (covering.length === 0) {
          expect(got, `address ${a}`).toBe(-1);
          continue;
        }
        const best = Math.max(...covering.map((e) => e.bits));
        const ownExpected = [...new Set(covering.filter((e) => e.bits === best).map((e) => e.group))].sort(
          (x, y) => x - y,
        );
        const chainExpected = [...new Set(covering.map((e) => e.group))].sort((x, y) => x - y);
        expect(got).toBeGreaterThanOrEqual(0);
        expect(index.cidrText(got).endsWith(`/${best}`)).toBe(true);
        expect(index.ownGroups(got)).toEqual(ownExpected);
        expect(index.setGroups(index.chainSet(got))).toEqual(chainExpected);
      }
    });

    it(`IPv6, seed ${seed}`, () => {
      const r = rng(seed + 100);
      const input: Plain = { v4: [], v6: [] };
      const randomAddr = (): number[] => [
        0x2001,
        0xdb8,
        Math.floor(r() * 4),
        Math.floor(r() * 4),
        0,
        0,
        0,
        Math.floor(r() * 8),
      ];
      for (let i = 0; i < 200; i++) {
        const bits = [30, 33, 47, 48, 63, 64, 126, 128][Math.floor(r() * 8)]!;
        input.v6.push({ groups: randomAddr(), bits, group: Math.floor(r() * 4) });
      }
      // One wide entry alone in its group, so every chain must reach it.
      input.v6.push({ groups: [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], bits: 29, group: 9 });
      const index = buildCidrIndex(inputOf(input));
      for (let i = 0; i < 2000; i++) {
        const a = randomAddr();
        const text = formatIpv6Groups(a);
        const covering = input.v6.filter((e) => v6Contains(e.groups, e.bits, a));
        const got = index.findV6(text);
        if (covering.length === 0) {
          expect(got).toBe(-1);
          continue;
        }
        const best = Math.max(...covering.map((e) => e.bits));
        expect(index.cidrText(got).endsWith(`/${best}`)).toBe(true);
        const chainExpected = [...new Set(covering.map((e) => e.group))].sort((x, y) => x - y);
        expect(index.setGroups(index.chainSet(got))).toEqual(chainExpected);
        // The entry text is the masked network of one covering CIDR.
        const [net] = index.cidrText(got).split('/');
        expect(v6Contains(parseIpv6Groups(net!)!, best, a)).toBe(true);
      }
    });
  }

  it('carries the groups of every enclosing IPv6 prefix', () => {
    const index = buildCidrIndex(
      inputOf({
        v4: [],
        v6: [
          { groups: parseIpv6Groups('2001:db8::')!, bits: 32, group: 0 },
          { groups: parseIpv6Groups('2001:db8:1::')!, bits: 48, group: 1 },
          { groups: parseIpv6Groups('2001:db8:1:2::')!, bits: 64, group: 2 },
        ],
      }),
    );
    const e = index.findV6('2001:db8:1:2::5');
    expect(index.cidrText(e)).toBe('2001:db8:1:2::/64');
    expect(index.setGroups(index.chainSet(e))).toEqual([0, 1, 2]);
  });

  it('handles more groups than fit in the packed sort key', () => {
    const plain: Plain = { v4: [], v6: [] };
    for (let g = 0; g < 40_000; g++) plain.v4.push({ base: (0x0a000000 + g * 4) >>> 0, bits: 30, group: g });
    plain.v4.push({ base: 0x0a000000, bits: 8, group: 39_999 });
    plain.v4.push({ base: 0x0a000008, bits: 30, group: 7 });
    const index = buildCidrIndex(inputOf(plain));
    const e = index.findV4(0x0a000009);
    expect(index.cidrText(e)).toBe('10.0.0.8/30');
    expect(index.ownGroups(e)).toEqual([2, 7]);
    expect(index.setGroups(index.chainSet(e))).toEqual([2, 7, 39_999]);
    expect(index.ownGroups(index.findV4(0x0a0f0000))).toEqual([39_999]);
  });

  it('is empty when built from nothing', () => {
    const index = buildCidrIndex(inputOf({ v4: [], v6: [] }));
    expect(index.findV4(0x01020304)).toBe(-1);
    expect(index.findV6('2001:db8::1')).toBe(-1);
  });

  it('masks host bits and formats entries canonically', () => {
    const index = buildCidrIndex(
      inputOf({
        v4: [{ base: 0xc6336405, bits: 24, group: 0 }],
        v6: [{ groups: parseIpv6Groups('2001:db8:0:0:1::5')!, bits: 64, group: 0 }],
      }),
    );
    expect(index.cidrText(index.findV4(0xc63364ff))).toBe('198.51.100.0/24');
    expect(index.cidrText(index.findV6('2001:db8::ffff'))).toBe('2001:db8::/64');
    expect(index.findV6('not an address')).toBe(-1);
  });
});

describe('ipv6Hex', () => {
  const reference = (t: string): string | null => {
    const g = parseIpv6Groups(t);
    return g === null ? null : g.map((x) => x.toString(16).padStart(4, '0')).join('');
  };
  it('agrees with the general parser on valid and invalid spellings', () => {
    const r = rng(7);
    const samples = [
      '::',
      '::1',
      '1::',
      '1::2',
      'fe80::1%eth0',
      '::ffff:192.0.2.1',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7::',
    ];
    samples.push(
      ':',
      ':::',
      '1:::2',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
      'g::1',
      '1:',
      ':1',
      '',
      '1.2.3.4',
      '1:2:3:4:5:6:7',
    );
    for (let i = 0; i < 3000; i++) {
      const groups = Array.from({ length: 8 }, () => (r() < 0.4 ? 0 : Math.floor(r() * 65536)));
      const canonical = formatIpv6Groups(groups);
      samples.push(canonical, canonical.toUpperCase(), groups.map((g) => g.toString(16)).join(':'));
      // Random damage: a dropped or doubled character.
      const at = Math.floor(r() * canonical.length);
      samples.push(
        canonical.slice(0, at) + canonical.slice(at + 1),
        canonical.slice(0, at) + ':' + canonical.slice(at),
      );
    }
    for (const t of samples) expect(ipv6Hex(t), t).toBe(reference(t));
  });
});
