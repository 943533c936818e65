// NetFlow v5: a 24-byte header and 1-30 fixed 48-byte records. Times are sysUptime-relative;
// flow_sequence counts flows; the header's sampling_interval holds a 2-bit mode and a 14-bit
// interval.

import type { RowWriter } from './rows.ts';
import { nextRow } from './rows.ts';
import { uptimeToUnixMs } from './record.ts';

export const V5_HEADER_BYTES = 24;
export const V5_RECORD_BYTES = 48;
export const V5_MAX_RECORDS = 30;

export type V5Result =
  | { ok: true; count: number; sequence: number; engine: number; exportMs: number; sampled: boolean }
  | { ok: false; reason: string };

export function decodeV5(buf: Buffer, resource: string, rows: RowWriter): V5Result {
  if (buf.length < V5_HEADER_BYTES) return { ok: false, reason: 'truncated-header' };
  const count = buf.readUInt16BE(2);
  if (count === 0 || count > V5_MAX_RECORDS) return { ok: false, reason: 'v5-count' };
  if (buf.length < V5_HEADER_BYTES + count * V5_RECORD_BYTES) return { ok: false, reason: 'v5-length' };
  const uptimeMs = buf.readUInt32BE(4);
  const exportMs = buf.readUInt32BE(8) * 1000 + Math.floor(buf.readUInt32BE(12) / 1e6);
  const sequence = buf.readUInt32BE(16);
  const engine = buf.readUInt16BE(20); // engine_type, engine_id
  const interval = buf.readUInt16BE(22) & 0x3fff;
  const scale = interval > 1 ? interval : 1;

  for (let r = 0; r < count; r++) {
    const o = V5_HEADER_BYTES + r * V5_RECORD_BYTES;
    const { batch, row } = nextRow(rows);
    batch.srcIp4[row] = buf.readUInt32BE(o);
    batch.dstIp4[row] = buf.readUInt32BE(o + 4);
    batch.packets[row] = buf.readUInt32BE(o + 16) * scale;
    batch.bytes[row] = buf.readUInt32BE(o + 20) * scale;
    batch.start[row] = uptimeToUnixMs(exportMs, uptimeMs, buf.readUInt32BE(o + 24)) / 1000;
    batch.end[row] = uptimeToUnixMs(exportMs, uptimeMs, buf.readUInt32BE(o + 28)) / 1000;
    batch.srcPort[row] = buf.readUInt16BE(o + 32);
    batch.dstPort[row] = buf.readUInt16BE(o + 34);
    batch.tcpFlags[row] = buf[o + 37]!;
    batch.proto[row] = buf[o + 38]!;
    batch.resource[row] = resource;
    batch.source[row] = 'netflow';
  }
  if (scale > 1) rows.sampledRows += count;
  return { ok: true, count, sequence, engine, exportMs, sampled: scale > 1 };
}
