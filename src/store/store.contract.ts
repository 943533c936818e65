// The contract every FlowStore backend passes: call runFlowStoreContract from the backend's test
// file with a function that opens the backend over a data directory. The suite reads through
// the user-facing views (`flows`, `gaps`, `flow_records`, `vpc_flow_logs`) and `events` with plain SQL that
// DuckDB and ClickHouse both accept, and reads exported Parquet back with an in-memory DuckDB.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACTION_ACCEPT,
  ACTION_REJECT,
  DIRECTION_EGRESS,
  DIRECTION_INGRESS,
  createFlowBatch,
  type CoverageGap,
  type FlowBatch,
  type FlowIntExtra,
  type FlowTextExtra,
} from '../core/flow.ts';
import { parseIp } from '../core/ip.ts';
import type { LogEvent } from '../core/records.ts';
import type { FlowStore, OpenFlowStore } from './store.ts';

/** One test flow; omitted fields are missing. */
export interface TestFlow {
  time: number;
  end?: number;
  src: string;
  dst: string;
  srcPort?: number;
  dstPort?: number;
  proto?: number;
  packets?: number;
  bytes?: number;
  action?: number;
  tcpFlags?: number;
  direction?: number;
  resource?: string;
  source?: string;
  text?: Partial<Record<FlowTextExtra, string>>;
  ints?: Partial<Record<FlowIntExtra, number>>;
}

export function batchOf(flows: readonly TestFlow[]): FlowBatch {
  const b = createFlowBatch(Math.max(1, flows.length));
  flows.forEach((f, i) => {
    const src = parseIp(f.src);
    const dst = parseIp(f.dst);
    if (!src || !dst) throw new Error(`bad test address ${f.src} / ${f.dst}`);
    b.start[i] = f.time;
    b.end[i] = f.end ?? NaN;
    b.srcIp4[i] = src.v4;
    b.srcIp6[i] = src.v6;
    b.dstIp4[i] = dst.v4;
    b.dstIp6[i] = dst.v6;
    b.srcPort[i] = f.srcPort ?? -1;
    b.dstPort[i] = f.dstPort ?? -1;
    b.proto[i] = f.proto ?? -1;
    b.packets[i] = f.packets ?? NaN;
    b.bytes[i] = f.bytes ?? NaN;
    b.action[i] = f.action ?? 0;
    b.tcpFlags[i] = f.tcpFlags ?? -1;
    b.direction[i] = f.direction ?? 0;
    b.resource[i] = f.resource ?? null;
    b.source[i] = f.source ?? null;
    for (const [k, v] of Object.entries(f.text ?? {})) b.text[k as FlowTextExtra][i] = v;
    for (const [k, v] of Object.entries(f.ints ?? {})) b.ints[k as FlowIntExtra][i] = v;
  });
  b.length = flows.length;
  return b;
}

const DAY = 86_400;
/** 2026-11-20T00:00:00Z */
const T0 = 1_795_132_800;
const iso = (s: number): string => new Date(s * 1000).toISOString();

const V4_FLOW: TestFlow = {
  time: T0 + 10,
  end: T0 + 70,
  src: '10.0.2.11',
  dst: '203.0.113.9',
  srcPort: 49152,
  dstPort: 443,
  proto: 6,
  packets: 12,
  bytes: 6_000_000_000, // above 2^32: the 64-bit path
  action: ACTION_ACCEPT,
  tcpFlags: 19,
  direction: DIRECTION_EGRESS,
  resource: 'eni-0a1b2c3d',
  source: 'vpc',
  text: { account_id: '123456789012', interface_id: 'eni-0a1b2c3d', vpc_id: 'vpc-1', reject_reason: '' },
  ints: { version: 5, traffic_path: 1 },
};

const V6_FLOW: TestFlow = {
  time: T0 + 20.5,
  src: '2001:db8::1',
  dst: 'fe80::1:2',
  dstPort: 22,
  proto: 6,
  action: ACTION_REJECT,
  direction: DIRECTION_INGRESS,
  resource: 'host-a',
  source: 'netflow:10.0.0.1',
  text: { extra: '{"k":"v"}' },
};

/** A flow with every optional field missing. */
const BARE_FLOW: TestFlow = { time: T0 + 30, src: '192.0.2.1', dst: '192.0.2.2' };

const SSH_EVENT: LogEvent = {
  time: T0 + 5.25,
  kind: 'auth',
  outcome: 'failure',
  src_ip: '2001:db8::7',
  src_port: 52144,
  dst_ip: null,
  dst_port: 22,
  user: "o'brien",
  message: "Failed password for invalid user o'brien from 2001:db8::7 port 52144 ssh2",
  source: 'sshd',
  host: 'bastion-1',
  fields: { method: 'password', pid: 4242 },
};

/** An event with every optional field missing. */
const BARE_EVENT: LogEvent = {
  time: T0 + 40,
  kind: 'firewall',
  outcome: 'blocked',
  src_ip: null,
  src_port: null,
  dst_ip: null,
  dst_port: null,
  user: null,
  message: '',
  source: 'iptables',
  host: null,
  fields: {},
};

async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const r = await conn.runAndReadAll(`SELECT * FROM read_parquet('${path.replaceAll("'", "''")}')`);
    return r.getRowObjectsJS();
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

export function runFlowStoreContract(name: string, open: OpenFlowStore): void {
  describe(`FlowStore contract: ${name}`, () => {
    let dir = '';
    let store: FlowStore | null = null;
    const openStore = async (options?: { readOnly?: boolean }): Promise<FlowStore> => {
      store = await open(join(dir, 'data'), options);
      return store;
    };
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'sakura-store-'));
    });
    afterEach(async () => {
      await store?.close();
      store = null;
      rmSync(dir, { recursive: true, force: true });
    });

    it('reads back exact values: IPv4, IPv6, NULLs, 64-bit counts, extras', async () => {
      const s = await openStore();
      await s.appendFlows(batchOf([V4_FLOW, V6_FLOW, BARE_FLOW]));
      await s.flush();
      const rows = await s.all('SELECT * FROM flows ORDER BY time');
      expect(rows).toHaveLength(3);
      expect(rows[0]).toMatchObject({
        time: new Date(iso(T0 + 10)),
        end: new Date(iso(T0 + 70)),
        src_ip: '10.0.2.11',
        dst_ip: '203.0.113.9',
        src_port: 49152,
        dst_port: 443,
        proto: 6,
        packets: 12,
        bytes: 6_000_000_000,
        action: 'accept',
        tcp_flags: 19,
        direction: 'egress',
        resource: 'eni-0a1b2c3d',
        source: 'vpc',
        version: 5,
        account_id: '123456789012',
        interface_id: 'eni-0a1b2c3d',
        vpc_id: 'vpc-1',
        reject_reason: '',
        traffic_path: 1,
        subnet_id: null,
        encryption_status: null,
        extra: null,
      });
      expect(rows[1]).toMatchObject({
        time: new Date(iso(T0 + 20.5)),
        end: null,
        src_ip: '2001:db8::1',
        dst_ip: 'fe80::1:2',
        src_port: null,
        dst_port: 22,
        action: 'reject',
        direction: 'ingress',
        source: 'netflow:10.0.0.1',
        extra: '{"k":"v"}',
        vpc_id: null,
        version: null,
      });
      expect(rows[2]).toMatchObject({
        src_ip: '192.0.2.1',
        dst_ip: '192.0.2.2',
        src_port: null,
        dst_port: null,
        proto: null,
        packets: null,
        bytes: null,
        action: 'unknown',
        tcp_flags: null,
        direction: 'unknown',
        resource: null,
        source: null,
        account_id: null,
      });
    });

    it('keeps every row and value across chunk boundaries and mixed columns', async () => {
      const s = await openStore();
      const flows: TestFlow[] = [];
      for (let i = 0; i < 5000; i++) {
        flows.push({
          time: T0 + i,
          src: i % 3 === 0 ? `2001:db8::${(i + 1).toString(16)}` : `10.0.${i >> 8}.${i & 255}`,
          dst: '10.9.9.9',
          dstPort: i,
          bytes: i * 1000,
          // uniform in the first 2048 rows, varied after: constant and flat vectors in one column
          resource: i < 2048 ? 'eni-a' : `eni-${i % 7}`,
          ...(i >= 4096 ? { source: 'vpc' } : {}),
          text: i >= 3000 && i % 2 === 0 ? { subnet_id: `subnet-${i}` } : {},
        });
      }
      await s.appendFlows(batchOf(flows));
      await s.appendFlows(batchOf([BARE_FLOW]));
      await s.flush();
      const [agg] = await s.all(
        `SELECT count(*) AS n, sum(dst_port) AS ports, sum(bytes) AS bytes,
           count(source) AS with_source, count(subnet_id) AS with_subnet,
           count(CASE WHEN src_ip LIKE '2001:db8::%' THEN 1 END) AS v6
         FROM flows WHERE time >= ?`,
        [new Date(T0 * 1000)],
      );
      expect(agg).toEqual({
        n: 5001,
        ports: (4999 * 5000) / 2,
        bytes: ((4999 * 5000) / 2) * 1000,
        with_source: 904,
        with_subnet: 1000,
        v6: 1667,
      });
      const picks = await s.all(
        'SELECT dst_port, src_ip, resource, source, subnet_id FROM flows WHERE dst_port IN (0, 2047, 2048, 3001, 3002, 4999) ORDER BY dst_port',
      );
      expect(picks).toEqual([
        { dst_port: 0, src_ip: '2001:db8::1', resource: 'eni-a', source: null, subnet_id: null },
        { dst_port: 2047, src_ip: '10.0.7.255', resource: 'eni-a', source: null, subnet_id: null },
        { dst_port: 2048, src_ip: '10.0.8.0', resource: `eni-${2048 % 7}`, source: null, subnet_id: null },
        { dst_port: 3001, src_ip: '10.0.11.185', resource: `eni-${3001 % 7}`, source: null, subnet_id: null },
        {
          dst_port: 3002,
          src_ip: '10.0.11.186',
          resource: `eni-${3002 % 7}`,
          source: null,
          subnet_id: 'subnet-3002',
        },
        {
          dst_port: 4999,
          src_ip: '10.0.19.135',
          resource: `eni-${4999 % 7}`,
          source: 'vpc',
          subnet_id: null,
        },
      ]);
    });

    it('refuses a batch with an unstorable start time whole, and stays usable', async () => {
      const s = await openStore();
      await s.appendFlows(batchOf([V4_FLOW]));
      await expect(s.appendFlows(batchOf([BARE_FLOW, { ...BARE_FLOW, time: NaN }]))).rejects.toThrow(/row 1/);
      await expect(s.appendFlows(batchOf([{ ...BARE_FLOW, time: 1e13 }]))).rejects.toThrow(/row 0/);
      await s.appendFlows(batchOf([{ ...BARE_FLOW, bytes: 2 ** 64, packets: 2 ** 53, end: Infinity }]));
      await s.flush();
      expect(await s.all('SELECT src_ip, bytes, packets, "end" FROM flows ORDER BY time')).toEqual([
        { src_ip: '10.0.2.11', bytes: 6_000_000_000, packets: 12, end: new Date(iso(T0 + 70)) },
        { src_ip: '192.0.2.1', bytes: null, packets: 2n ** 53n, end: null },
      ]);
    });

    it('keeps every row of appends that were not awaited one by one', async () => {
      const s = await openStore();
      await Promise.all([
        s.appendFlows(batchOf([V4_FLOW])),
        s.appendFlows(batchOf([V6_FLOW])),
        s.appendGaps([
          { kind: 'nodata', start: T0, end: T0 + 60, resource: null, source: 'vpc', detail: {} },
        ]),
        s.appendGaps([
          { kind: 'skipdata', start: T0, end: T0 + 60, resource: null, source: 'vpc', detail: {} },
        ]),
      ]);
      await s.flush();
      expect(await s.all('SELECT count(*) AS n FROM flows')).toEqual([{ n: 2 }]);
      expect(await s.all('SELECT count(*) AS n FROM gaps')).toEqual([{ n: 2 }]);
    });

    it('stores coverage gaps apart from flows and shows them in flow_records and vpc_flow_logs', async () => {
      const s = await openStore();
      const gap: CoverageGap = {
        kind: 'nodata',
        start: T0 + 60,
        end: T0 + 120,
        resource: 'eni-0a1b2c3d',
        source: 'vpc',
        detail: { account_id: '123456789012' },
      };
      await s.appendFlows(batchOf([V4_FLOW]));
      await s.appendGaps([gap, { ...gap, kind: 'skipdata', start: T0 + 180, end: T0 + 240 }]);
      await s.flush();
      expect(await s.all('SELECT count(*) AS n FROM flows')).toEqual([{ n: 1 }]);
      const gaps = await s.all(
        'SELECT kind, start, "end", resource, source, account_id, detail FROM gaps ORDER BY start',
      );
      expect(gaps[0]).toEqual({
        kind: 'nodata',
        start: new Date(iso(T0 + 60)),
        end: new Date(iso(T0 + 120)),
        resource: 'eni-0a1b2c3d',
        source: 'vpc',
        account_id: '123456789012',
        detail: '{"account_id":"123456789012"}',
      });
      const records = await s.all(
        'SELECT log_status, time, src_ip, account_id FROM flow_records ORDER BY time',
      );
      expect(records).toEqual([
        { log_status: 'OK', time: new Date(iso(T0 + 10)), src_ip: '10.0.2.11', account_id: '123456789012' },
        { log_status: 'NODATA', time: new Date(iso(T0 + 60)), src_ip: null, account_id: '123456789012' },
        { log_status: 'SKIPDATA', time: new Date(iso(T0 + 180)), src_ip: null, account_id: '123456789012' },
      ]);
      const vpc = await s.all(
        `SELECT log_status, action, srcaddr, dstport, start, "end", interface_id, flow_direction, date
         FROM vpc_flow_logs ORDER BY start`,
      );
      expect(vpc).toEqual([
        {
          log_status: 'OK',
          action: 'ACCEPT',
          srcaddr: '10.0.2.11',
          dstport: 443,
          start: T0 + 10,
          end: T0 + 70,
          interface_id: 'eni-0a1b2c3d',
          flow_direction: 'egress',
          date: new Date(iso(T0)),
        },
        expect.objectContaining({ log_status: 'NODATA', action: null, srcaddr: null, start: T0 + 60 }),
        expect.objectContaining({ log_status: 'SKIPDATA', start: T0 + 180, interface_id: 'eni-0a1b2c3d' }),
      ]);
    });

    it('stores log events in `events` with exact values, NULLs and the fields as JSON text', async () => {
      const s = await openStore();
      await s.appendEvents([]);
      await s.appendEvents([BARE_EVENT, SSH_EVENT]);
      await s.flush();
      const rows = await s.all(
        `SELECT time, kind, outcome, src_ip, src_port, dst_ip, dst_port, user, message, source, host, fields
         FROM events ORDER BY time`,
      );
      expect(rows).toEqual([
        {
          time: new Date(iso(T0 + 5.25)),
          kind: 'auth',
          outcome: 'failure',
          src_ip: '2001:db8::7',
          src_port: 52144,
          dst_ip: null,
          dst_port: 22,
          user: "o'brien",
          message: SSH_EVENT.message,
          source: 'sshd',
          host: 'bastion-1',
          fields: '{"method":"password","pid":4242}',
        },
        {
          time: new Date(iso(T0 + 40)),
          kind: 'firewall',
          outcome: 'blocked',
          src_ip: null,
          src_port: null,
          dst_ip: null,
          dst_port: null,
          user: null,
          message: '',
          source: 'iptables',
          host: null,
          fields: '{}',
        },
      ]);
      const byUser = await s.all('SELECT count(*) AS n FROM events WHERE user = ? AND kind = ?', [
        "o'brien",
        'auth',
      ]);
      expect(byUser).toEqual([{ n: 1 }]);
      expect(await s.all('SELECT count(*) AS n FROM flows')).toEqual([{ n: 0 }]);
    });

    it('refuses events with an unstorable time whole, and keeps the others', async () => {
      const s = await openStore();
      await s.appendEvents([SSH_EVENT]);
      await expect(s.appendEvents([BARE_EVENT, { ...BARE_EVENT, time: NaN }])).rejects.toThrow(/event 1/);
      await Promise.all([s.appendEvents([BARE_EVENT]), s.appendFlows(batchOf([V4_FLOW]))]);
      await s.flush();
      expect(await s.all('SELECT kind FROM events ORDER BY time')).toEqual([
        { kind: 'auth' },
        { kind: 'firewall' },
      ]);
    });

    it('retains events by age with the flows, and keeps them across a reopen', async () => {
      const s = await openStore();
      await s.appendEvents([SSH_EVENT, { ...BARE_EVENT, time: T0 + 3 * DAY }]);
      await s.close();
      store = null;
      const again = await openStore();
      expect(await again.stats()).toMatchObject({ eventRows: 2, flowRows: 0 });
      const r = await again.retain({ maxAgeDays: 1 }, (T0 + 3 * DAY + 60) * 1000);
      expect(r).toMatchObject({ eventRowsDeleted: 1, flowRowsDeleted: 0 });
      expect(await again.all('SELECT kind FROM events')).toEqual([{ kind: 'firewall' }]);
    });

    it('reports stats', async () => {
      const s = await openStore();
      expect(await s.stats()).toMatchObject({ flowRows: 0, gapRows: 0, firstTime: null, lastTime: null });
      await s.appendFlows(batchOf([V6_FLOW, V4_FLOW, BARE_FLOW]));
      await s.appendGaps([
        { kind: 'sequence', start: T0, end: T0 + 1, resource: null, source: 'netflow', detail: {} },
      ]);
      await s.flush();
      const st = await s.stats();
      expect(st).toMatchObject({
        flowRows: 3,
        gapRows: 1,
        firstTime: new Date(iso(T0 + 10)),
        lastTime: new Date(iso(T0 + 30)),
      });
      expect(st.bytesOnDisk).toBeGreaterThan(0);
    });

    it('retains by age: drops flows and gaps that started before the cut-off', async () => {
      const s = await openStore();
      const days = [0, 1, 2, 3].map((d) => ({ ...BARE_FLOW, time: T0 + d * DAY + 3600 }));
      await s.appendFlows(batchOf(days));
      await s.appendGaps([
        { kind: 'nodata', start: T0 + 3600, end: T0 + 7200, resource: null, source: 'vpc', detail: {} },
        {
          kind: 'nodata',
          start: T0 + 3 * DAY,
          end: T0 + 3 * DAY + 60,
          resource: null,
          source: 'vpc',
          detail: {},
        },
      ]);
      await s.flush();
      const now = (T0 + 3 * DAY + 7200) * 1000;
      const r = await s.retain({ maxAgeDays: 2 }, now);
      expect(r).toMatchObject({
        flowRowsDeleted: 2,
        gapRowsDeleted: 1,
        daysDropped: [],
        withinMaxBytes: true,
      });
      const left = await s.all('SELECT time FROM flows ORDER BY time');
      expect(left.map((x) => x['time'])).toEqual([
        new Date(iso(T0 + 2 * DAY + 3600)),
        new Date(iso(T0 + 3 * DAY + 3600)),
      ]);
      expect(await s.all('SELECT count(*) AS n FROM gaps')).toEqual([{ n: 1 }]);
    });

    it('retains by size: drops whole days, oldest first, never the newest', async () => {
      const s = await openStore();
      for (let d = 0; d < 3; d++) {
        await s.appendFlows(
          batchOf([
            { ...V4_FLOW, time: T0 + d * DAY },
            { ...V6_FLOW, time: T0 + d * DAY + 1 },
          ]),
        );
      }
      await s.flush();
      const r = await s.retain({ maxBytes: 1 }, (T0 + 3 * DAY) * 1000);
      expect(r.daysDropped).toEqual(['2026-11-20', '2026-11-21']);
      expect(r.flowRowsDeleted).toBe(4);
      expect(r.withinMaxBytes).toBe(false);
      expect(await s.all('SELECT count(*) AS n, min(time) AS t FROM flows')).toEqual([
        { n: 2, t: new Date(iso(T0 + 2 * DAY)) },
      ]);
      const roomy = await s.retain({ maxBytes: 1e12 }, (T0 + 3 * DAY) * 1000);
      expect(roomy).toMatchObject({ daysDropped: [], flowRowsDeleted: 0, withinMaxBytes: true });
    });

    it('exports date-partitioned Parquet that reads back with the flows columns, in time order', async () => {
      const s = await openStore();
      await s.appendFlows(
        batchOf([{ ...V4_FLOW, time: T0 + DAY + 5 }, V6_FLOW, V4_FLOW, { ...BARE_FLOW, time: T0 + 2 * DAY }]),
      );
      await s.flush();
      const out = join(dir, 'lake');
      const r = await s.exportParquet(out, { to: new Date((T0 + 2 * DAY) * 1000) });
      expect(r.rows).toBe(3);
      expect(r.files.map((f) => [f.date, f.rows])).toEqual([
        ['2026-11-20', 2],
        ['2026-11-21', 1],
      ]);
      expect(r.files[0]?.path).toBe(join(out, 'date=2026-11-20', 'flows.parquet'));
      const day1 = await readParquet(r.files[0]!.path);
      expect(day1.map((x) => x['src_ip'])).toEqual(['10.0.2.11', '2001:db8::1']);
      expect(day1[0]).toMatchObject({
        bytes: 6_000_000_000n,
        dst_port: 443,
        action: 'accept',
        vpc_id: 'vpc-1',
      });
      expect(Object.keys(day1[0] ?? {})).toContain('extra');
      expect(Object.keys(day1[0] ?? {})).not.toContain('src_ip4');
      const all = await s.exportParquet(join(dir, 'lake2'));
      expect(all.rows).toBe(4);
    });

    it('persists across close and reopen; a read-only open refuses writes', async () => {
      const s = await openStore();
      await s.appendFlows(batchOf([V4_FLOW, V6_FLOW]));
      await s.close();
      store = null;
      const ro = await openStore({ readOnly: true });
      expect(await ro.all('SELECT src_ip FROM flows ORDER BY time')).toEqual([
        { src_ip: '10.0.2.11' },
        { src_ip: '2001:db8::1' },
      ]);
      await expect(ro.appendFlows(batchOf([BARE_FLOW]))).rejects.toThrow(/read-only/);
      await expect(ro.appendEvents([BARE_EVENT])).rejects.toThrow(/read-only/);
    });
  });
}
