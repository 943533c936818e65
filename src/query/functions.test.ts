// Semantics of operators and functions, executed against the in-memory fixture store.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePipeQuery } from './compile.ts';
import {
  FIXTURE_FLOWS,
  FIXTURE_GAPS,
  flowEpoch,
  FIXTURE_BACKENDS,
  type FixtureStore,
} from './test-fixture.ts';

for (const backend of FIXTURE_BACKENDS) {
  describe(backend.name, () => {
    let store: FixtureStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(() => store.close());

    async function pipe(q: string): Promise<Record<string, unknown>[]> {
      const { sql, params } = compilePipeQuery(q);
      return (await store.rows(sql, params)).map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
      );
    }

    async function count(filter: string): Promise<number> {
      const rows = await pipe(`filter ${filter} | stats count(*) as n`);
      return rows[0]!['n'] as number;
    }

    /** Midnight UTC of the Monday on or before Unix time `t`. */
    const mondayOf = (t: number): Date => {
      const d = new Date(Math.floor(t / 86400) * 86400 * 1000);
      return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86400 * 1000);
    };
    const flowsWhere = (p: (r: (typeof FIXTURE_FLOWS)[number]) => boolean): number =>
      FIXTURE_FLOWS.filter(p).length;
    const gapsOn = (eni: string): number => FIXTURE_GAPS.filter((g) => g.eni === eni).length;

    describe('match operators', () => {
      it('like "s" is a substring match, not SQL LIKE', async () => {
        expect(await count('srcAddr like "%"')).toBe(0);
        expect(await count('srcAddr like "_0.0.1.5"')).toBe(0);
        // Gap rows (NODATA/SKIPDATA) carry their interface id, as in AWS's records.
        expect(await count('interfaceId like "aa"')).toBe(
          flowsWhere((r) => r.eni === 'eni-aaa') + gapsOn('eni-aaa'),
        );
        expect(await count('@logStream like "aa"')).toBe(
          flowsWhere((r) => r.eni === 'eni-aaa') + gapsOn('eni-aaa'),
        );
        expect(await count('srcAddr like "0.2.7"')).toBe(flowsWhere((r) => r.src.includes('0.2.7')));
        expect(await count('srcAddr not like "10."')).toBe(flowsWhere((r) => !r.src.includes('10.')));
      });

      it('like /re/ and =~ /re/ are unanchored regexes; (?i) makes them case-insensitive', async () => {
        const aaa = flowsWhere((r) => r.eni === 'eni-aaa') + gapsOn('eni-aaa');
        expect(await count('interfaceId =~ /aa/')).toBe(aaa);
        expect(await count('interfaceId like /^eni-a/')).toBe(aaa);
        expect(await count('interfaceId =~ /ENI-AAA/')).toBe(0);
        expect(await count('interfaceId =~ /(?i)ENI-AAA/')).toBe(aaa);
      });

      it('compares action, direction and log status in either case', async () => {
        const rejects = flowsWhere((r) => r.action === 'reject');
        expect(await count('action = "REJECT"')).toBe(rejects);
        expect(await count('action = "reject"')).toBe(rejects);
        expect(await count('action != "REJECT"')).toBe(FIXTURE_FLOWS.length - rejects);
        expect(await count('action in ["REJECT"]')).toBe(rejects);
        expect(await count('flowDirection = "egress"')).toBe(flowsWhere((r) => r.direction === 'egress'));
        expect(await count('`log-status` = "skipdata"')).toBe(
          FIXTURE_GAPS.filter((g) => g.kind === 'skipdata').length,
        );
        expect(await count('logStatus = "OK"')).toBe(FIXTURE_FLOWS.length);
      });

      it('in / not in lists, mixed types included', async () => {
        expect(await count('dstPort in [22, 3389]')).toBe(
          flowsWhere((r) => r.dport === 22 || r.dport === 3389),
        );
        expect(await count('dstPort in [22, "3389"]')).toBe(
          flowsWhere((r) => r.dport === 22 || r.dport === 3389),
        );
        // Literals of the other type never make DuckDB fail to convert a value.
        const port22 = flowsWhere((r) => r.dport === 22);
        expect(await count('dstPort = "22"')).toBe(port22);
        expect(await count('"22" = dstPort')).toBe(port22);
        expect(await count('dstPort = "ssh"')).toBe(0);
        expect(await count('dstPort in ["ssh", "22"]')).toBe(port22);
        expect(await count('srcAddr = 5')).toBe(0);
        expect(await count('srcAddr in [1, 2]')).toBe(0);
        // NULL ports (ICMP, gap rows) are neither in nor not in a list, as in SQL.
        expect(await count('dstPort not in [22, 3389]')).toBe(
          flowsWhere((r) => r.dport !== null && r.dport !== 22 && r.dport !== 3389),
        );
      });
    });

    describe('fields and time', () => {
      it('startTime is Unix seconds and @timestamp a timestamp', async () => {
        const second = FIXTURE_FLOWS[1]!;
        const t = flowEpoch(second, store.dayStart);
        const rows = await pipe(`filter startTime = ${t} | fields startTime, endTime, @timestamp, dstPort`);
        expect(rows).toEqual([
          { startTime: t, endTime: t + 50, '@timestamp': new Date(t * 1000), dstPort: second.dport },
        ]);
      });

      it('@message rebuilds the default-format line with - for missing values', async () => {
        const icmp = FIXTURE_FLOWS.find((r) => r.proto === 1)!;
        const t = flowEpoch(icmp, store.dayStart);
        const rows = await pipe('filter protocol = 1 | fields @message, @logStream');
        expect(rows).toEqual([
          {
            '@message': `5 123456789012 eni-aaa 10.0.1.5 203.0.113.10 - - 1 1 84 ${t} ${t + 50} ACCEPT OK`,
            '@logStream': 'eni-aaa',
          },
        ]);
        const gap = await pipe('filter logStatus = "NODATA" | fields @message');
        expect(gap[0]!['@message']).toMatch(/^- 123456789012 eni-bbb - - - - - - - \d+ \d+ - NODATA$/);
      });

      it('bin, datefloor, dateceil, fromMillis, toMillis', async () => {
        const t = flowEpoch(FIXTURE_FLOWS[3]!, store.dayStart); // 00:30:00
        const rows = await pipe(
          `filter startTime = ${t} | fields bin(1h) as b, datefloor(@timestamp, 15m) as f, dateceil(@timestamp, 1h) as c, ` +
            `dateceil(@timestamp, 30m) as same, toMillis(@timestamp) as ms, fromMillis(toMillis(@timestamp) + 1500) as later, ` +
            `datefloor(@timestamp, 0.75h) as q45, datefloor(@timestamp, 90s) as s90, datefloor(@timestamp, 7m) as m7, ` +
            `datefloor(@timestamp, 1w) as w, datefloor(@timestamp, 1mo) as mo`,
        );
        expect(rows).toEqual([
          {
            b: new Date(store.dayStart * 1000),
            f: new Date(t * 1000),
            c: new Date((store.dayStart + 3600) * 1000),
            same: new Date(t * 1000),
            ms: t * 1000,
            later: new Date(t * 1000 + 1500),
            q45: new Date(Math.floor(t / 2700) * 2700 * 1000),
            s90: new Date(Math.floor(t / 90) * 90 * 1000),
            m7: new Date(Math.floor(t / 420) * 420 * 1000),
            w: mondayOf(t),
            mo: new Date(Date.UTC(new Date(t * 1000).getUTCFullYear(), new Date(t * 1000).getUTCMonth(), 1)),
          },
        ]);
      });
    });

    describe('string, number and IP functions', () => {
      it('computes on one row', async () => {
        const rows = await pipe(
          'filter srcAddr = "10.0.3.9" | fields substr(interfaceId, 0, 3) as s0, substr(interfaceId, 4) as s4, ' +
            'concat(interfaceId, ":", dstPort) as c, strlen(srcAddr) as n, toupper(interfaceId) as u, tolower("AbC") as l, ' +
            'replace(srcAddr, ".", "-") as r, strcontains(srcAddr, "3.9") as has, trim("  x ") as t, ltrim("xxy", "x") as lt, ' +
            'isempty("") as e, isblank("  ") as bl, isempty(rejectReason) as enull, ispresent(rejectReason) as pr, ' +
            'abs(-2) as a, ceil(1.2) as ce, floor(1.8) as fl, greatest(1, 5, 3) as g, least(4, 2) as le, sqrt(16) as sq, ' +
            'coalesce(rejectReason, "none") as co, bytes / packets as avg, 2 ^ 10 as p, bytes % 7 as m',
        );
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          s0: 'eni',
          s4: 'nat',
          c: 'eni-nat:443',
          n: 8,
          u: 'ENI-NAT',
          l: 'abc',
          r: '10-0-3-9',
          has: true,
          t: 'x',
          lt: 'y',
          e: true,
          bl: true,
          enull: true,
          pr: false,
          a: 2,
          ce: 2,
          fl: 1,
          g: 5,
          le: 2,
          sq: 4,
          co: 'none',
          avg: 1000 / 9,
          p: 1024,
          m: 1000 % 7,
        });
        const log = await pipe('filter srcAddr = "10.0.3.9" | fields log(bytes) as ln');
        expect(log[0]!['ln']).toBeCloseTo(Math.log(1000), 10);
      });

      it('IP validity and subnets on real columns, IPv6 included', async () => {
        expect(await count('isValidIpV6(srcAddr)')).toBe(flowsWhere((r) => r.src.includes(':')));
        expect(await count('isValidIpV4(srcAddr)')).toBe(flowsWhere((r) => !r.src.includes(':')));
        expect(await count('isValidIp(dstAddr)')).toBe(FIXTURE_FLOWS.length);
        expect(await count('isIpv6InSubnet(dstAddr, "2001:db8:1::/48")')).toBe(1);
        expect(await count('isIpInSubnet(srcAddr, "2001:db8::/32")')).toBe(2);
        expect(await count('isIpInSubnet(srcAddr, "10.0.0.0/16")')).toBe(
          flowsWhere((r) => r.src.startsWith('10.0.')),
        );
        expect(await count('isIpv4InSubnet(srcAddr, "10.0.2.0/23")')).toBe(
          flowsWhere((r) => /^10\.0\.[23]\./.test(r.src)),
        );
      });
    });

    describe('stats, parse and dedup', () => {
      it('aggregates', async () => {
        const flows = FIXTURE_FLOWS;
        const rows = await pipe(
          'stats count(*) as all, count() as all2, count(dstPort) as withPort, count_distinct(dstAddr) as peers, ' +
            'sum(bytes) as b, min(bytes) as lo, max(bytes) as hi, avg(packets) as ap, pct(bytes, 50) as med, ' +
            'stddev(packets) as sd, earliest(srcAddr) as first, latest(srcAddr) as last',
        );
        const bytes = flows.map((r) => r.bytes).sort((a, b) => a - b);
        const mid = bytes.length / 2;
        const median = bytes.length % 2 ? bytes[Math.floor(mid)]! : (bytes[mid - 1]! + bytes[mid]!) / 2;
        const packets = flows.map((r) => r.packets);
        const mean = packets.reduce((a, b) => a + b, 0) / packets.length;
        const sd = Math.sqrt(packets.reduce((a, p) => a + (p - mean) ** 2, 0) / (packets.length - 1));
        const byTime = [...flows].sort((a, b) => flowEpoch(a, store.dayStart) - flowEpoch(b, store.dayStart));
        const all = flows.length + FIXTURE_GAPS.length;
        expect(rows[0]).toMatchObject({
          all,
          all2: all,
          withPort: flows.filter((r) => r.dport !== null).length,
          peers: new Set(flows.map((r) => r.dst)).size,
          b: bytes.reduce((a, b) => a + b, 0),
          lo: bytes[0],
          hi: bytes[bytes.length - 1],
          med: median,
          first: byTime[0]!.src,
          last: byTime[byTime.length - 1]!.src,
        });
        expect(rows[0]!['ap']).toBeCloseTo(mean, 9);
        expect(rows[0]!['sd']).toBeCloseTo(sd, 9);
      });

      it('stats after stats, and filter on an aggregate', async () => {
        const rows = await pipe(
          'filter ispresent(srcAddr) | stats count(*) as n by srcAddr | filter n >= 2 | stats count(*) as busy',
        );
        const per = new Map<string, number>();
        for (const r of FIXTURE_FLOWS) per.set(r.src, (per.get(r.src) ?? 0) + 1);
        expect(rows).toEqual([{ busy: [...per.values()].filter((n) => n >= 2).length }]);
      });

      it('parse with a glob and with a regex, on @message and on a field', async () => {
        const glob = await pipe(
          'parse @message "* * * * * * *" as v, acct, eni, src, dst, sport, rest | filter dst = "198.51.100.99" | fields eni, sport',
        );
        expect(glob).toEqual([{ eni: 'eni-bbb', sport: '40009' }]);
        const re = await pipe(
          'parse @logStream /eni-(?<kind>[a-z]+)/ | filter ispresent(kind) | stats count(*) as n by kind | sort kind',
        );
        const kinds = new Map<string, number>();
        for (const r of FIXTURE_FLOWS) kinds.set(r.eni.slice(4), (kinds.get(r.eni.slice(4)) ?? 0) + 1);
        for (const g of FIXTURE_GAPS) kinds.set(g.eni.slice(4), (kinds.get(g.eni.slice(4)) ?? 0) + 1);
        expect(re.map((r) => [r['kind'], r['n']])).toEqual(
          [...kinds].sort((a, b) => a[0].localeCompare(b[0])),
        );
      });

      it('dedup keeps the latest row per key and every row whose key is null', async () => {
        const rows = await pipe('fields @timestamp, srcAddr, logStatus | dedup srcAddr');
        const sources = new Set(FIXTURE_FLOWS.map((r) => r.src));
        expect(rows).toHaveLength(sources.size + FIXTURE_GAPS.length);
        expect(rows.filter((r) => r['srcAddr'] === null)).toHaveLength(FIXTURE_GAPS.length);
        const hostB = rows.find((r) => r['srcAddr'] === '10.0.2.7')!;
        const latestB = Math.max(
          ...FIXTURE_FLOWS.filter((r) => r.src === '10.0.2.7').map((r) => flowEpoch(r, store.dayStart)),
        );
        expect((hostB['@timestamp'] as Date).getTime()).toBe(latestB * 1000);
        // Default order is @timestamp desc.
        const times = rows.map((r) => (r['@timestamp'] as Date).getTime());
        expect(times).toEqual([...times].sort((a, b) => b - a));
      });

      it('dedup follows a prior sort and a following limit', async () => {
        const rows = await pipe(
          'fields srcAddr, bytes | filter ispresent(srcAddr) | sort bytes asc, srcAddr asc | dedup srcAddr | limit 3',
        );
        // Oracle: smallest flow per source, in (bytes, source) order, first three.
        const best = new Map<string, number>();
        for (const r of FIXTURE_FLOWS) best.set(r.src, Math.min(best.get(r.src) ?? Infinity, r.bytes));
        const want = [...best]
          .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, 3)
          .map(([srcAddr, bytes]) => ({ srcAddr, bytes }));
        expect(rows).toEqual(want);
      });

      it('applies the default limit of 10 000 and honours limit', async () => {
        expect(await pipe('fields srcAddr | limit 3')).toHaveLength(3);
        const { params } = compilePipeQuery('fields srcAddr');
        expect(params).toEqual([10000]);
      });
    });
  });
}
