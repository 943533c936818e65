// Stored flows read back as FlowBatches, oldest first, for `serve` to rebuild detection state
// after a restart: the store is the checkpoint. Detector state lives in memory; replaying the
// last window's worth of stored records through a fresh pipeline gives it back, and since
// finding ids and window counts are idempotent, replayed signals update the findings they made
// before the restart instead of duplicating them. Reads the DuckDB physical table (embedded mode).

import { createFlowBatch, type FlowBatch } from '../core/flow.ts';
import type { FlowStore } from './store.ts';
import { FLOW_TABLE } from './schema.ts';

const COLUMNS = [
  'epoch(time) AS t',
  'epoch("end") AS e',
  'src_ip4',
  'dst_ip4',
  'src_ip6',
  'dst_ip6',
  'src_port',
  'dst_port',
  'proto',
  'packets',
  'bytes',
  'action_code',
  'tcp_flags',
  'direction_code',
  'resource',
  'source',
  'account_id',
  'interface_id',
].join(', ');

const num = (v: unknown, missing: number): number => (v === null || v === undefined ? missing : Number(v));
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export interface ReplayRange {
  /** Replay records whose time is at or after (newest stored time - seconds). */
  seconds: number;
  /** Most rows replayed (the newest ones win when the window holds more). */
  maxRows: number;
  pageRows?: number;
}

/** Batches of the stored flows in the range, oldest first; empty when the store has none. */
export async function* replayStoredFlows(store: FlowStore, range: ReplayRange): AsyncGenerator<FlowBatch> {
  const newest = (await store.all(`SELECT epoch(max(time)) AS t FROM ${FLOW_TABLE}`))[0];
  if (newest === undefined || newest['t'] === null || newest['t'] === undefined) return;
  let from = Number(newest['t']) - range.seconds;
  // Keep to maxRows: start later when the window holds more rows than that.
  const inRange = Number(
    (await store.all(`SELECT count(*) AS n FROM ${FLOW_TABLE} WHERE time >= to_timestamp(?)`, [from]))[0]?.[
      'n'
    ] ?? 0,
  );
  if (inRange > range.maxRows) {
    const cut = await store.all(
      `SELECT epoch(time) AS t FROM ${FLOW_TABLE} WHERE time >= to_timestamp(?) ORDER BY time DESC LIMIT 1 OFFSET ?`,
      [from, range.maxRows - 1],
    );
    from = Number(cut[0]?.['t'] ?? from);
  }
  const page = range.pageRows ?? 8192;
  // Keyset pages in (time, rowid) order: each page starts after the last row of the one before.
  let lastUs = BigInt(Math.floor(from * 1e6)) - 1n;
  let lastRow = -1;
  for (;;) {
    const rows = await store.all(
      `SELECT ${COLUMNS}, rowid AS r, epoch_us(time) AS us FROM ${FLOW_TABLE}
       WHERE time >= make_timestamp(CAST(? AS BIGINT)) AND (time > make_timestamp(CAST(? AS BIGINT)) OR rowid > ?)
       ORDER BY time, rowid LIMIT ?`,
      [lastUs, lastUs, lastRow, page],
    );
    if (rows.length === 0) return;
    const b = createFlowBatch(rows.length);
    rows.forEach((r, i) => {
      b.start[i] = Number(r['t']);
      b.end[i] = num(r['e'], NaN);
      b.srcIp4[i] = num(r['src_ip4'], 0);
      b.dstIp4[i] = num(r['dst_ip4'], 0);
      b.srcIp6[i] = text(r['src_ip6']);
      b.dstIp6[i] = text(r['dst_ip6']);
      b.srcPort[i] = num(r['src_port'], -1);
      b.dstPort[i] = num(r['dst_port'], -1);
      b.proto[i] = num(r['proto'], -1);
      b.packets[i] = num(r['packets'], NaN);
      b.bytes[i] = num(r['bytes'], NaN);
      b.action[i] = num(r['action_code'], 0);
      b.tcpFlags[i] = num(r['tcp_flags'], -1);
      b.direction[i] = num(r['direction_code'], 0);
      b.resource[i] = text(r['resource']);
      b.source[i] = text(r['source']);
      b.text.account_id[i] = text(r['account_id']);
      b.text.interface_id[i] = text(r['interface_id']);
    });
    b.length = rows.length;
    const last = rows[rows.length - 1]!;
    lastUs = BigInt(last['us'] as bigint | number);
    lastRow = Number(last['r']);
    yield b;
    if (rows.length < page) return;
  }
}
