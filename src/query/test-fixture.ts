// Test support: an in-memory DuckDB with stand-ins for the store's relations (`flows`, `gaps`,
// `flow_records`, `vpc_flow_logs`, columns as in docs/data-model.md, plus the store's fast address
// columns src_ip4/dst_ip4/src_ip6/dst_ip6; gap rows carry only time, end, resource, source and
// account_id, as in src/store/schema.ts) filled with hand-written
// rows: IPv4 and IPv6, ingress and egress, rejects, NULL ports (ICMP), coverage-gap rows, and a
// few old rows for the date filters of the Athena examples.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import {
  ACTION_ACCEPT,
  ACTION_REJECT,
  createFlowBatch,
  DIRECTION_EGRESS,
  DIRECTION_INGRESS,
  FLOW_TEXT_EXTRAS,
  type CoverageGap,
  type FlowBatch,
} from '../core/flow.ts';
import { openDuckDbStore } from '../store/duckdb.ts';
import { parseIp } from '../core/ip.ts';
import { ATHENA_COMPAT_SQL } from './athena-compat.ts';
import type { SqlValue } from './compile.ts';
import { fixtureEvents } from './event-fixture.ts';

export const VPC_CIDR = '10.0.0.0/16';
export const HOST_A = '10.0.1.5'; // eni-aaa
export const HOST_B = '10.0.2.7'; // eni-bbb

export interface FixtureFlow {
  /** Seconds after the fixture's day start (or an absolute epoch when `absolute`). */
  at: number;
  absolute?: boolean;
  eni: string;
  src: string;
  dst: string;
  sport: number | null;
  dport: number | null;
  proto: number;
  packets: number;
  bytes: number;
  action: 'accept' | 'reject';
  direction: 'ingress' | 'egress';
}

export interface FixtureGap {
  at: number;
  eni: string;
  kind: 'nodata' | 'skipdata';
}

const f = (
  at: number,
  eni: string,
  src: string,
  dst: string,
  sport: number | null,
  dport: number | null,
  proto: number,
  packets: number,
  bytes: number,
  action: 'accept' | 'reject',
  direction: 'ingress' | 'egress',
): FixtureFlow => ({ at, eni, src, dst, sport, dport, proto, packets, bytes, action, direction });

export const FIXTURE_FLOWS: readonly FixtureFlow[] = [
  f(0, 'eni-aaa', HOST_A, '203.0.113.10', 40001, 443, 6, 10, 5000, 'accept', 'egress'),
  f(60, 'eni-aaa', HOST_A, '203.0.113.10', 40002, 22, 6, 6, 1200, 'accept', 'egress'),
  f(120, 'eni-aaa', HOST_A, '198.51.100.7', 40003, 3389, 6, 2, 120, 'reject', 'egress'),
  f(1800, 'eni-aaa', HOST_A, '198.51.100.7', 40004, 3389, 6, 2, 120, 'reject', 'egress'),
  f(180, 'eni-aaa', HOST_A, HOST_B, 40005, 5432, 6, 8, 800, 'accept', 'egress'),
  f(240, 'eni-aaa', HOST_A, '192.0.2.53', 40006, 53, 17, 3, 300, 'accept', 'egress'),
  f(300, 'eni-aaa', HOST_A, '198.51.100.7', 40007, 8080, 6, 30, 9000, 'accept', 'egress'),
  f(360, 'eni-bbb', HOST_B, '203.0.113.10', 40008, 443, 6, 20, 7000, 'accept', 'egress'),
  f(420, 'eni-bbb', HOST_B, '198.51.100.99', 40009, 25, 6, 1, 60, 'reject', 'egress'),
  f(480, 'eni-bbb', HOST_B, HOST_A, 40010, 22, 6, 1, 40, 'reject', 'egress'),
  f(540, 'eni-aaa', '192.0.2.200', HOST_A, 50001, 22, 6, 1, 40, 'reject', 'ingress'),
  f(600, 'eni-aaa', '192.0.2.201', HOST_A, 50002, 443, 6, 5, 500, 'accept', 'ingress'),
  f(660, 'eni-ccc', '2001:db8:1::5', '2606:4700::1111', 40011, 443, 6, 4, 4000, 'accept', 'egress'),
  f(700, 'eni-ccc', '2001:db8:2::9', '2001:db8:1::5', 40012, 22, 6, 1, 80, 'reject', 'ingress'),
  f(720, 'eni-aaa', HOST_A, '203.0.113.10', null, null, 1, 1, 84, 'accept', 'egress'),
  f(3700, 'eni-bbb', HOST_B, '203.0.113.10', 40013, 123, 17, 1, 76, 'accept', 'egress'),
  // A NAT gateway ENI forwarding a private host's traffic.
  f(3800, 'eni-nat', '10.0.3.9', '203.0.113.10', 40014, 443, 6, 9, 1000, 'accept', 'egress'),
  // Old rows: 30 days back (outside "last 7 days"), and April/May 2021 for the `day` filter.
  f(-30 * 86400, 'eni-old', '172.16.5.5', '203.0.113.10', 40015, 443, 6, 50, 50000, 'accept', 'egress'),
  {
    ...f(
      Date.UTC(2021, 3, 10, 12) / 1000,
      'eni-old',
      '172.16.5.6',
      '203.0.113.11',
      40016,
      80,
      6,
      1,
      100,
      'accept',
      'egress',
    ),
    absolute: true,
  },
  {
    ...f(
      Date.UTC(2021, 4, 2, 12) / 1000,
      'eni-old',
      '172.16.5.7',
      '203.0.113.12',
      40017,
      80,
      6,
      1,
      100,
      'accept',
      'egress',
    ),
    absolute: true,
  },
];

export const FIXTURE_GAPS: readonly FixtureGap[] = [
  { at: 30, eni: 'eni-aaa', kind: 'skipdata' },
  { at: 3600, eni: 'eni-bbb', kind: 'nodata' },
  { at: 3660, eni: 'eni-bbb', kind: 'skipdata' },
];

/** Midnight UTC of yesterday: recent enough for Athena's `current_date - interval '7' day`. */
export function fixtureDayStart(now: Date = new Date()): number {
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) / 1000 - 86400;
}

export function flowEpoch(row: FixtureFlow, dayStart: number): number {
  return row.absolute ? row.at : dayStart + row.at;
}

const TS = (p: string): string => `make_timestamp(CAST(${p} AS BIGINT) * 1000000)`;

export interface FixtureStore {
  dayStart: number;
  rows(sql: string, params?: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function openFixtureStore(): Promise<FixtureStore> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const dayStart = fixtureDayStart();
  const textColumns = FLOW_TEXT_EXTRAS.map((c) => `${c} VARCHAR`).join(', ');
  await connection.run(
    `CREATE TABLE flows (time TIMESTAMP, "end" TIMESTAMP, src_ip VARCHAR, dst_ip VARCHAR, src_port INTEGER,
      dst_port INTEGER, proto INTEGER, packets BIGINT, bytes BIGINT, action VARCHAR, tcp_flags INTEGER,
      direction VARCHAR, resource VARCHAR, source VARCHAR, version INTEGER, traffic_path INTEGER,
      encryption_status INTEGER, ${textColumns},
      src_ip4 UINTEGER, dst_ip4 UINTEGER, src_ip6 VARCHAR, dst_ip6 VARCHAR)`,
  );
  for (const r of FIXTURE_FLOWS) {
    const t = flowEpoch(r, dayStart);
    const src = parseIp(r.src)!;
    const dst = parseIp(r.dst)!;
    await connection.run(
      `INSERT INTO flows (time, "end", src_ip, dst_ip, src_port, dst_port, proto, packets, bytes, action, tcp_flags,
        direction, resource, source, version, account_id, interface_id, vpc_id, ip_type, region,
        src_ip4, dst_ip4, src_ip6, dst_ip6)
       VALUES (${TS('$1')}, ${TS('$2')}, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'vpc', 5, '123456789012', $13,
        'vpc-1', $14, 'ap-northeast-1', $15, $16, $17, $18)`,
      [
        t,
        t + 50,
        r.src,
        r.dst,
        r.sport,
        r.dport,
        r.proto,
        r.packets,
        r.bytes,
        r.action,
        r.proto === 6 ? 2 : null,
        r.direction,
        r.eni,
        src.v6 === null ? 'IPv4' : 'IPv6',
        src.v6 === null ? src.v4 : null,
        dst.v6 === null ? dst.v4 : null,
        src.v6,
        dst.v6,
      ] as DuckDBValue[],
    );
  }
  await connection.run(
    `CREATE TABLE gaps (kind VARCHAR, start TIMESTAMP, "end" TIMESTAMP, resource VARCHAR, source VARCHAR, account_id VARCHAR, detail VARCHAR)`,
  );
  for (const g of FIXTURE_GAPS) {
    await connection.run(
      `INSERT INTO gaps VALUES ($1, ${TS('$2')}, ${TS('$3')}, $4, 'vpc', '123456789012', NULL)`,
      [g.kind, dayStart + g.at, dayStart + g.at + 60, g.eni],
    );
  }
  await connection.run(
    `CREATE VIEW flow_records AS
       SELECT *, 'OK' AS log_status FROM flows
       UNION ALL BY NAME
       SELECT start AS time, "end", resource, source, account_id, resource AS interface_id, upper(kind) AS log_status
       FROM gaps WHERE kind IN ('nodata', 'skipdata')`,
  );
  const ecs = FLOW_TEXT_EXTRAS.filter((c) => c.startsWith('ecs_')).join(', ');
  await connection.run(
    `CREATE VIEW vpc_flow_logs AS SELECT version, account_id,
       coalesce(interface_id, CASE WHEN log_status <> 'OK' THEN resource END) AS interface_id, src_ip AS srcaddr, dst_ip AS dstaddr,
       src_port AS srcport, dst_port AS dstport, proto AS protocol, packets, bytes,
       CAST(floor(epoch(time)) AS BIGINT) AS start, CAST(floor(epoch("end")) AS BIGINT) AS "end",
       CASE action WHEN 'accept' THEN 'ACCEPT' WHEN 'reject' THEN 'REJECT' END AS action, log_status, vpc_id,
       subnet_id, instance_id, tcp_flags, ip_type AS type, pkt_src_ip AS pkt_srcaddr, pkt_dst_ip AS pkt_dstaddr,
       region, az_id, sublocation_type, sublocation_id, pkt_src_aws_service, pkt_dst_aws_service,
       direction AS flow_direction, traffic_path, ${ecs}, reject_reason,
       CAST(time AS DATE) AS "date", strftime(time, '%Y/%m/%d') AS "day"
     FROM flow_records`,
  );
  for (const sql of ATHENA_COMPAT_SQL) await connection.run(sql);
  return {
    dayStart,
    async rows(sql, params = []) {
      const reader = await connection.runAndReadAll(sql, params as DuckDBValue[]);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    },
    close() {
      connection.closeSync();
      instance.closeSync();
      return Promise.resolve();
    },
  };
}

/** The fixture rows as one FlowBatch, the way a parser hands them to the store. */
export function fixtureBatch(dayStart: number): FlowBatch {
  const b = createFlowBatch(FIXTURE_FLOWS.length);
  FIXTURE_FLOWS.forEach((r, i) => {
    const t = flowEpoch(r, dayStart);
    const src = parseIp(r.src)!;
    const dst = parseIp(r.dst)!;
    b.start[i] = t;
    b.end[i] = t + 50;
    b.srcIp4[i] = src.v4;
    b.srcIp6[i] = src.v6;
    b.dstIp4[i] = dst.v4;
    b.dstIp6[i] = dst.v6;
    b.srcPort[i] = r.sport ?? -1;
    b.dstPort[i] = r.dport ?? -1;
    b.proto[i] = r.proto;
    b.packets[i] = r.packets;
    b.bytes[i] = r.bytes;
    b.action[i] = r.action === 'accept' ? ACTION_ACCEPT : ACTION_REJECT;
    b.tcpFlags[i] = r.proto === 6 ? 2 : -1;
    b.direction[i] = r.direction === 'ingress' ? DIRECTION_INGRESS : DIRECTION_EGRESS;
    b.resource[i] = r.eni;
    b.source[i] = 'vpc';
    b.ints.version[i] = 5;
    b.text.account_id[i] = '123456789012';
    b.text.interface_id[i] = r.eni;
    b.text.vpc_id[i] = 'vpc-1';
    b.text.ip_type[i] = src.v6 === null ? 'IPv4' : 'IPv6';
    b.text.region[i] = 'ap-northeast-1';
  });
  b.length = FIXTURE_FLOWS.length;
  return b;
}

export function fixtureGaps(dayStart: number): CoverageGap[] {
  return FIXTURE_GAPS.map((g) => ({
    kind: g.kind,
    start: dayStart + g.at,
    end: dayStart + g.at + 60,
    resource: g.eni,
    source: 'vpc',
    detail: { account_id: '123456789012' },
  }));
}

/** The same rows written through the real DuckDB flow store (src/store) into a temporary data dir. */
export async function openRealFixtureStore(): Promise<FixtureStore> {
  const dir = mkdtempSync(join(tmpdir(), 'sakura-query-'));
  const dayStart = fixtureDayStart();
  const store = await openDuckDbStore(dir);
  await store.appendFlows(fixtureBatch(dayStart));
  await store.appendGaps(fixtureGaps(dayStart));
  await store.appendEvents(fixtureEvents(dayStart));
  await store.flush();
  for (const sql of ATHENA_COMPAT_SQL) await store.all(sql);
  return {
    dayStart,
    rows: (sql, params = []) => store.all(sql, params),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every place the fixture can live; shared tests run against each (contract-suite style). */
export const FIXTURE_BACKENDS: readonly { name: string; open: () => Promise<FixtureStore> }[] = [
  { name: 'stand-in views', open: openFixtureStore },
  { name: 'the DuckDB flow store (src/store)', open: openRealFixtureStore },
];
