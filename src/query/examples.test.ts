// AWS's example queries (FORMATS.md §2.5 and §3) and the three outbound analyses, run against a
// real in-memory DuckDB holding the hand-written rows of test-fixture.ts. Expected answers come
// from the fixture rows through plain array code, never from the SQL under test.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePipeQuery } from './compile.ts';
import {
  FIXTURE_FLOWS,
  FIXTURE_GAPS,
  flowEpoch,
  HOST_A,
  FIXTURE_BACKENDS,
  type FixtureFlow,
  type FixtureStore,
} from './test-fixture.ts';

/** Rows as plain JSON-ish values (BigInt -> number) for comparisons. */
function plain(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
  );
}

function sumBy(
  rows: readonly FixtureFlow[],
  key: (r: FixtureFlow) => string,
  value: (r: FixtureFlow) => number,
) {
  const m = new Map<string, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + value(r));
  return m;
}

const inVpc = (ip: string): boolean => ip.startsWith('10.0.');

// The three outbound analyses of the issue, each as SQL over vpc_flow_logs and as a pipe query.
const OUTBOUND = [
  {
    name: 'outbound management traffic (dstport < 1024) from one interface address',
    sql: `SELECT dstaddr, dstport, count(*) AS flows, sum(bytes) AS bytes_sent
FROM vpc_flow_logs
WHERE srcaddr = '10.0.1.5' AND flow_direction = 'egress' AND dstport < 1024
GROUP BY dstaddr, dstport ORDER BY bytes_sent DESC, dstaddr, dstport`,
    pipe: `filter srcAddr = "10.0.1.5" and flowDirection = "egress" and dstPort < 1024
| stats count(*) as flows, sum(bytes) as bytesSent by dstAddr, dstPort
| sort bytesSent desc, dstAddr, dstPort`,
    want: () => {
      const rows = FIXTURE_FLOWS.filter(
        (r) => r.src === HOST_A && r.direction === 'egress' && r.dport !== null && r.dport < 1024,
      );
      const key = (r: FixtureFlow): string => `${r.dst}|${r.dport}`;
      const flows = sumBy(rows, key, () => 1);
      return [...sumBy(rows, key, (r) => r.bytes)]
        .sort((a, b) => b[1] - a[1])
        .map(([k, bytes]) => [...k.split('|').map((x, i) => (i === 1 ? Number(x) : x)), flows.get(k), bytes]);
    },
  },
  {
    name: 'external destinations receiving the most traffic from the VPC CIDR',
    sql: `SELECT dstaddr, sum(bytes) AS bytes_transferred
FROM vpc_flow_logs
WHERE srcaddr LIKE '10.0.%' AND dstaddr NOT LIKE '10.0.%'
GROUP BY dstaddr ORDER BY bytes_transferred DESC LIMIT 10`,
    pipe: `filter isIpv4InSubnet(srcAddr, "10.0.0.0/16") and not isIpv4InSubnet(dstAddr, "10.0.0.0/16")
| stats sum(bytes) as bytesTransferred by dstAddr
| sort bytesTransferred desc
| limit 10`,
    want: () => {
      const rows = FIXTURE_FLOWS.filter((r) => inVpc(r.src) && !inVpc(r.dst));
      return [
        ...sumBy(
          rows,
          (r) => r.dst,
          (r) => r.bytes,
        ),
      ].sort((a, b) => b[1] - a[1]);
    },
  },
  {
    name: 'rejected outbound traffic from the VPC CIDR',
    sql: `SELECT srcaddr, dstaddr, dstport, count(*) AS rejected_flows
FROM vpc_flow_logs
WHERE srcaddr LIKE '10.0.%' AND flow_direction = 'egress' AND action = 'REJECT'
GROUP BY srcaddr, dstaddr, dstport ORDER BY rejected_flows DESC, srcaddr, dstaddr, dstport`,
    pipe: `filter isIpv4InSubnet(srcAddr, "10.0.0.0/16") and flowDirection = "egress" and action = "REJECT"
| stats count(*) as rejectedFlows by srcAddr, dstAddr, dstPort
| sort rejectedFlows desc, srcAddr, dstAddr, dstPort`,
    want: () => {
      const rows = FIXTURE_FLOWS.filter(
        (r) => inVpc(r.src) && r.direction === 'egress' && r.action === 'reject',
      );
      return [
        ...sumBy(
          rows,
          (r) => `${r.src}|${r.dst}|${r.dport}`,
          () => 1,
        ),
      ]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([k, n]) => [...k.split('|').map((x, i) => (i === 2 ? Number(x) : x)), n]);
    },
  },
];

for (const backend of FIXTURE_BACKENDS) {
  describe(backend.name, () => {
    let store: FixtureStore;
    beforeAll(async () => {
      store = await backend.open();
    });
    afterAll(() => store.close());

    async function pipe(q: string): Promise<Record<string, unknown>[]> {
      const { sql, params } = compilePipeQuery(q);
      return store.rows(sql, params);
    }

    describe('Logs Insights VPC examples (FORMATS.md §2.5)', () => {
      it('top talkers by packets', async () => {
        const rows = plain(
          await pipe(
            'stats sum(packets) as packetsTransferred by srcAddr, dstAddr | sort packetsTransferred desc | limit 15',
          ),
        );
        const want = [
          ...sumBy(
            FIXTURE_FLOWS,
            (r) => `${r.src} ${r.dst}`,
            (r) => r.packets,
          ),
        ].sort((a, b) => b[1] - a[1]);
        expect(rows).toHaveLength(15);
        expect(rows.map((r) => r['packetsTransferred'])).toEqual(want.slice(0, 15).map(([, v]) => v));
        expect(rows[0]).toEqual({ srcAddr: '172.16.5.5', dstAddr: '203.0.113.10', packetsTransferred: 50 });
        expect(rows[1]).toEqual({ srcAddr: HOST_A, dstAddr: '198.51.100.7', packetsTransferred: 34 });
      });

      it('bytes from a /24 by destination', async () => {
        const rows = plain(
          await pipe(
            'filter isIpv4InSubnet(srcAddr, "192.0.2.0/24") | stats sum(bytes) as bytesTransferred by dstAddr | sort bytesTransferred desc | limit 15',
          ),
        );
        // 192.0.2.200 -> 40 bytes and 192.0.2.201 -> 500 bytes, both to HOST_A; 192.0.2.53 is a destination only.
        expect(rows).toEqual([{ dstAddr: HOST_A, bytesTransferred: 540 }]);
      });

      it('UDP flows by source', async () => {
        const rows = plain(await pipe('filter protocol=17 | stats count(*) by srcAddr'));
        const want = [
          ...sumBy(
            FIXTURE_FLOWS.filter((r) => r.proto === 17),
            (r) => r.src,
            () => 1,
          ),
        ];
        expect(rows.map((r) => [r['srcAddr'], r['count(*)']]).sort()).toEqual(want.sort());
        expect(want).toHaveLength(2);
      });

      it('SKIPDATA rows per hour', async () => {
        const rows = plain(
          await pipe('filter logStatus="SKIPDATA" | stats count(*) by bin(1h) as t | sort t'),
        );
        const hours = sumBy(
          FIXTURE_GAPS.filter((g) => g.kind === 'skipdata') as never[],
          (g: { at: number }) => String(Math.floor((store.dayStart + g.at) / 3600) * 3600),
          () => 1,
        );
        expect(rows.map((r) => [String((r['t'] as Date).getTime() / 1000), r['count(*)']])).toEqual([
          ...hours,
        ]);
        expect(rows).toHaveLength(2);
      });

      it('NAT gateway top talkers: placeholders as written, then with real prefixes', async () => {
        const asWritten = await pipe(
          "filter (dstAddr like 'x.x.x.x' and srcAddr like 'y.y.') | stats sum(bytes) as bytesTransferred by srcAddr, dstAddr | sort bytesTransferred desc | limit 10",
        );
        expect(asWritten).toEqual([]);
        const rows = plain(
          await pipe(
            "filter (dstAddr like '203.0.113.10' and srcAddr like '10.0.') | stats sum(bytes) as bytesTransferred by srcAddr, dstAddr | sort bytesTransferred desc | limit 10",
          ),
        );
        const want = sumBy(
          FIXTURE_FLOWS.filter((r) => r.dst.includes('203.0.113.10') && r.src.includes('10.0.')),
          (r) => r.src,
          (r) => r.bytes,
        );
        expect(rows.map((r) => [r['srcAddr'], r['bytesTransferred']])).toEqual(
          [...want].sort((a, b) => b[1] - a[1]),
        );
      });
    });

    describe('Athena examples (FORMATS.md §3) against vpc_flow_logs', () => {
      it('rejected TCP with day_of_week(date)', async () => {
        const rows = plain(
          await store.rows(
            "SELECT day_of_week(date) AS day, date, interface_id, srcaddr, action, protocol FROM vpc_flow_logs WHERE action='REJECT' AND protocol=6 LIMIT 100;",
          ),
        );
        const want = FIXTURE_FLOWS.filter((r) => r.action === 'reject' && r.proto === 6);
        expect(rows.map((r) => r['srcaddr']).sort()).toEqual(want.map((r) => r.src).sort());
        for (const r of rows) {
          const date = r['date'] as Date;
          expect(r['day']).toBe(((date.getUTCDay() + 6) % 7) + 1); // ISO: Monday 1 ... Sunday 7
          expect(r['action']).toBe('REJECT');
        }
      });

      it('HTTPS packets by destination over the last 7 days', async () => {
        const rows = plain(
          await store.rows(
            "SELECT SUM(packets) AS packetcount, dstaddr FROM vpc_flow_logs WHERE dstport=443 AND date > current_date - interval '7' day GROUP BY dstaddr ORDER BY packetcount DESC LIMIT 10;",
          ),
        );
        const recent = FIXTURE_FLOWS.filter(
          (r) => r.dport === 443 && flowEpoch(r, store.dayStart) >= store.dayStart,
        );
        const want = [
          ...sumBy(
            recent,
            (r) => r.dst,
            (r) => r.packets,
          ),
        ].sort((a, b) => b[1] - a[1]);
        expect(rows.map((r) => [r['dstaddr'], r['packetcount']])).toEqual(want);
        // The 30-day-old 50-packet flow to 203.0.113.10 is outside the window.
        expect(rows.find((r) => r['dstaddr'] === '203.0.113.10')?.['packetcount']).toBe(10 + 20 + 9);
      });

      it('start/end as ISO 8601 for April 2021 (table name adapted from test_table_vpclogs)', async (ctx) => {
        // AWS's partition-projection table has a `day` column (yyyy/MM/dd). Skipped, not failed,
        // where vpc_flow_logs has no such column yet: docs/query.md asks the store for it.
        const columns = await store.rows(`SELECT column_name FROM (DESCRIBE vpc_flow_logs)`);
        if (!columns.some((c) => c['column_name'] === 'day')) ctx.skip('vpc_flow_logs has no `day` column');
        const rows = await store.rows(
          `SELECT interface_id, srcaddr, to_iso8601(from_unixtime(start)) AS start_time, to_iso8601(from_unixtime("end")) AS end_time
  FROM vpc_flow_logs WHERE day >= '2021/04/01' AND day < '2021/04/30';`,
        );
        expect(rows).toEqual([
          {
            interface_id: 'eni-old',
            srcaddr: '172.16.5.6',
            start_time: '2021-04-10T12:00:00.000Z',
            end_time: '2021-04-10T12:00:50.000Z',
          },
        ]);
      });
    });

    describe('outbound analyses: SQL and pipe query agree with the fixture', () => {
      for (const a of OUTBOUND) {
        it(a.name, async () => {
          const want = a.want();
          expect(want.length).toBeGreaterThan(1);
          const viaSql = plain(await store.rows(a.sql)).map((r) => Object.values(r));
          const viaPipe = plain(await pipe(a.pipe)).map((r) => Object.values(r));
          expect(viaSql).toEqual(want);
          expect(viaPipe).toEqual(want);
        });
      }

      it('the answers are the ones worked out by hand', async () => {
        const mgmt = plain(await pipe(OUTBOUND[0]!.pipe));
        expect(mgmt).toEqual([
          { dstAddr: '203.0.113.10', dstPort: 443, flows: 1, bytesSent: 5000 },
          { dstAddr: '203.0.113.10', dstPort: 22, flows: 1, bytesSent: 1200 },
          { dstAddr: '192.0.2.53', dstPort: 53, flows: 1, bytesSent: 300 },
        ]);
        const external = plain(await pipe(OUTBOUND[1]!.pipe));
        expect(external[0]).toEqual({
          dstAddr: '203.0.113.10',
          bytesTransferred: 5000 + 1200 + 7000 + 84 + 76 + 1000,
        });
        const rejected = plain(await pipe(OUTBOUND[2]!.pipe));
        expect(rejected[0]).toEqual({
          srcAddr: HOST_A,
          dstAddr: '198.51.100.7',
          dstPort: 3389,
          rejectedFlows: 2,
        });
        expect(rejected).toHaveLength(3);
      });
    });
  });
}
