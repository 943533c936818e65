// Decoding the records of one v9 FlowSet / IPFIX Set against its template. One loop reads the
// fields of a record into a reused scratch (no object per record); data records then become a
// flow row, options records update the domain's sampling and system-init time.

import { DIRECTION_EGRESS, DIRECTION_INGRESS, ACTION_ACCEPT, ACTION_REJECT } from '../../core/flow.ts';
import * as F from './fields.ts';
import type { Template } from './templates.ts';
import type { RowWriter } from './rows.ts';
import { nextRow } from './rows.ts';

/** What one message's header says about time and where its rows come from. */
export interface MessageContext {
  version: 9 | 10;
  /** Exporter address: the `resource` of every row. */
  resource: string;
  /** Header export time, Unix ms (v9/IPFIX carry whole seconds). */
  exportMs: number;
  /** v9 header sysUpTime (ms); NaN for IPFIX, which has none. */
  uptimeMs: number;
}

/** Per exporter + Source ID / Observation Domain state learnt from options records. */
export interface DomainState {
  /** Sampling interval for records naming no sampler (1 = unsampled). */
  samplingInterval: number;
  /** samplerId / selectorId -> interval. */
  samplers: Map<number, number>;
  /** IPFIX systemInitTimeMilliseconds, to place flowStart/EndSysUpTime; NaN when unknown. */
  systemInitMs: number;
}

export function createDomainState(): DomainState {
  return { samplingInterval: 1, samplers: new Map(), systemInitMs: NaN };
}

/** Bounded so that a hostile exporter cannot grow a sampler table without limit. */
const MAX_SAMPLERS_PER_DOMAIN = 1024;

interface Scratch {
  bytes: number;
  packets: number;
  bytesTotal: number;
  packetsTotal: number;
  initiatorBytes: number;
  initiatorPackets: number;
  proto: number;
  tcpFlags: number;
  srcPort: number;
  dstPort: number;
  src4: number;
  dst4: number;
  src6: string | null;
  dst6: string | null;
  hasAddress: boolean;
  direction: number;
  firstUptime: number;
  lastUptime: number;
  startMs: number;
  endMs: number;
  startDeltaUs: number;
  endDeltaUs: number;
  systemInitMs: number;
  durationMs: number;
  samplingInterval: number;
  samplingPacketInterval: number;
  samplingPacketSpace: number;
  samplerId: number;
  forwarding: number;
}

function newScratch(): Scratch {
  return {
    bytes: NaN,
    packets: NaN,
    bytesTotal: NaN,
    packetsTotal: NaN,
    initiatorBytes: NaN,
    initiatorPackets: NaN,
    proto: -1,
    tcpFlags: -1,
    srcPort: -1,
    dstPort: -1,
    src4: 0,
    dst4: 0,
    src6: null,
    dst6: null,
    hasAddress: false,
    direction: 0,
    firstUptime: NaN,
    lastUptime: NaN,
    startMs: NaN,
    endMs: NaN,
    startDeltaUs: NaN,
    endDeltaUs: NaN,
    systemInitMs: NaN,
    durationMs: NaN,
    samplingInterval: NaN,
    samplingPacketInterval: NaN,
    samplingPacketSpace: NaN,
    samplerId: -1,
    forwarding: -1,
  };
}

function resetScratch(s: Scratch): void {
  s.bytes = s.packets = s.bytesTotal = s.packetsTotal = s.initiatorBytes = s.initiatorPackets = NaN;
  s.proto = s.tcpFlags = s.srcPort = s.dstPort = -1;
  s.src4 = s.dst4 = 0;
  s.src6 = s.dst6 = null;
  s.hasAddress = false;
  s.direction = 0;
  s.firstUptime = s.lastUptime = s.startMs = s.endMs = NaN;
  s.startDeltaUs = s.endDeltaUs = s.systemInitMs = s.durationMs = NaN;
  s.samplingInterval = s.samplingPacketInterval = s.samplingPacketSpace = NaN;
  s.samplerId = -1;
  s.forwarding = -1;
}

const scratch = newScratch();

/** Reads one field of a fixed or already-resolved length into the scratch. */
function readField(s: Scratch, role: number, buf: Buffer, off: number, len: number): void {
  switch (role) {
    case F.ROLE_SKIP:
      return;
    case F.ROLE_SRC_IP4:
      if (len === 4) {
        s.src4 = buf.readUInt32BE(off);
        s.hasAddress = true;
      }
      return;
    case F.ROLE_DST_IP4:
      if (len === 4) {
        s.dst4 = buf.readUInt32BE(off);
        s.hasAddress = true;
      }
      return;
    case F.ROLE_SRC_IP6:
      if (len === 16) {
        s.src6 = F.readIpv6(buf, off);
        s.hasAddress = true;
      }
      return;
    case F.ROLE_DST_IP6:
      if (len === 16) {
        s.dst6 = F.readIpv6(buf, off);
        s.hasAddress = true;
      }
      return;
    case F.ROLE_START_NTP:
      if (len === 8) s.startMs = F.readNtpMillis(buf, off);
      return;
    case F.ROLE_END_NTP:
      if (len === 8) s.endMs = F.readNtpMillis(buf, off);
      return;
    case F.ROLE_FORWARDING_STATUS:
      // The status is the top two bits of the first byte whatever the encoded size (RFC 7270).
      if (len >= 1) s.forwarding = buf[off]! >>> 6;
      return;
    default:
      break;
  }
  if (len < 1 || len > 8) return;
  const v = F.readUnsigned(buf, off, len);
  switch (role) {
    case F.ROLE_BYTES:
      s.bytes = v;
      return;
    case F.ROLE_PACKETS:
      s.packets = v;
      return;
    case F.ROLE_BYTES_TOTAL:
      s.bytesTotal = v;
      return;
    case F.ROLE_PACKETS_TOTAL:
      s.packetsTotal = v;
      return;
    case F.ROLE_INITIATOR_BYTES:
      s.initiatorBytes = v;
      return;
    case F.ROLE_INITIATOR_PACKETS:
      s.initiatorPackets = v;
      return;
    case F.ROLE_PROTO:
      s.proto = v & 0xff;
      return;
    case F.ROLE_TCP_FLAGS:
      s.tcpFlags = v & 0xfff;
      return;
    case F.ROLE_SRC_PORT:
      s.srcPort = v & 0xffff;
      return;
    case F.ROLE_DST_PORT:
      s.dstPort = v & 0xffff;
      return;
    case F.ROLE_DIRECTION:
      s.direction = v === 0 ? DIRECTION_INGRESS : v === 1 ? DIRECTION_EGRESS : 0;
      return;
    case F.ROLE_FIRST_UPTIME:
      s.firstUptime = v;
      return;
    case F.ROLE_LAST_UPTIME:
      s.lastUptime = v;
      return;
    case F.ROLE_START_SECONDS:
      s.startMs = v * 1000;
      return;
    case F.ROLE_END_SECONDS:
      s.endMs = v * 1000;
      return;
    case F.ROLE_START_MILLIS:
      s.startMs = v;
      return;
    case F.ROLE_END_MILLIS:
      s.endMs = v;
      return;
    case F.ROLE_START_DELTA_MICROS:
      s.startDeltaUs = v;
      return;
    case F.ROLE_END_DELTA_MICROS:
      s.endDeltaUs = v;
      return;
    case F.ROLE_SYSTEM_INIT_MILLIS:
      s.systemInitMs = v;
      return;
    case F.ROLE_DURATION_MILLIS:
      s.durationMs = v;
      return;
    case F.ROLE_DURATION_MICROS:
      s.durationMs = v / 1000;
      return;
    case F.ROLE_SAMPLING_INTERVAL:
      s.samplingInterval = v;
      return;
    case F.ROLE_SAMPLING_PACKET_INTERVAL:
      s.samplingPacketInterval = v;
      return;
    case F.ROLE_SAMPLING_PACKET_SPACE:
      s.samplingPacketSpace = v;
      return;
    case F.ROLE_SAMPLER_ID:
      s.samplerId = v;
      return;
    default:
      return;
  }
}

/** The sampling interval a record states itself (1-in-N), or NaN. */
function statedInterval(s: Scratch): number {
  if (s.samplingInterval >= 1) return s.samplingInterval;
  if (s.samplingPacketInterval >= 1 && s.samplingPacketSpace >= 0) {
    // RFC 5477: select `interval` packets, then skip `space`.
    return (s.samplingPacketInterval + s.samplingPacketSpace) / s.samplingPacketInterval;
  }
  return NaN;
}

/** A v5/v9 sysUpTime-relative time as Unix ms; the uptime counter wraps at 2^32 ms (~49.7 days). */
export function uptimeToUnixMs(exportMs: number, uptimeMs: number, t: number): number {
  let d = uptimeMs - t;
  if (d > 0x80000000) d -= 0x100000000;
  else if (d < -0x80000000) d += 0x100000000;
  return exportMs - d;
}

function uptimeTime(ctx: MessageContext, domain: DomainState, s: Scratch, t: number): number {
  if (Number.isNaN(t)) return NaN;
  if (ctx.version === 9) return uptimeToUnixMs(ctx.exportMs, ctx.uptimeMs, t);
  const init = Number.isNaN(s.systemInitMs) ? domain.systemInitMs : s.systemInitMs;
  return Number.isNaN(init) ? NaN : init + t;
}

export type RecordsResult = { records: number; error: null } | { records: number; error: string };

/**
 * Decodes the records in buf[start, end) with `t`. Trailing bytes shorter than a record are
 * padding. Data records are written to `rows`; options records update `domain`.
 */
export function decodeRecords(
  buf: Buffer,
  start: number,
  end: number,
  t: Template,
  ctx: MessageContext,
  domain: DomainState,
  rows: RowWriter,
): RecordsResult {
  const s = scratch;
  const n = t.lengths.length;
  let off = start;
  let records = 0;
  // Each record consumes at least minRecordLength >= 1 bytes (zero-length templates are
  // rejected when defined), so the loop always advances.
  while (end - off >= t.minRecordLength) {
    resetScratch(s);
    for (let i = 0; i < n; i++) {
      let len = t.lengths[i]!;
      if (len === F.VARIABLE_LENGTH) {
        if (off >= end) return { records, error: 'record-truncated' };
        len = buf[off]!;
        off += 1;
        if (len === 255) {
          if (off + 2 > end) return { records, error: 'record-truncated' };
          len = buf.readUInt16BE(off);
          off += 2;
        }
      }
      if (off + len > end) return { records, error: 'record-truncated' };
      readField(s, t.roles[i]!, buf, off, len);
      off += len;
    }
    records++;
    if (t.kind === 'options') applyOptions(s, domain);
    else if (s.hasAddress) writeRow(s, ctx, domain, rows);
    else rows.withoutAddress++;
  }
  return { records, error: null };
}

function applyOptions(s: Scratch, domain: DomainState): void {
  if (!Number.isNaN(s.systemInitMs)) domain.systemInitMs = s.systemInitMs;
  const interval = statedInterval(s);
  if (Number.isNaN(interval)) return;
  if (s.samplerId >= 0) {
    if (domain.samplers.size >= MAX_SAMPLERS_PER_DOMAIN && !domain.samplers.has(s.samplerId)) return;
    domain.samplers.set(s.samplerId, interval);
  } else {
    domain.samplingInterval = interval;
  }
}

function firstNumber(a: number, b: number, c: number): number {
  return !Number.isNaN(a) ? a : !Number.isNaN(b) ? b : c;
}

function writeRow(s: Scratch, ctx: MessageContext, domain: DomainState, rows: RowWriter): void {
  const { batch, row } = nextRow(rows);
  if (s.src6 !== null) batch.srcIp6[row] = s.src6;
  else batch.srcIp4[row] = s.src4;
  if (s.dst6 !== null) batch.dstIp6[row] = s.dst6;
  else batch.dstIp4[row] = s.dst4;
  batch.srcPort[row] = s.srcPort;
  batch.dstPort[row] = s.dstPort;
  batch.proto[row] = s.proto;
  batch.tcpFlags[row] = s.tcpFlags;
  batch.direction[row] = s.direction;
  if (s.forwarding === 1) batch.action[row] = ACTION_ACCEPT;
  else if (s.forwarding === 2) batch.action[row] = ACTION_REJECT;

  let interval = statedInterval(s);
  if (Number.isNaN(interval)) {
    const bySampler = s.samplerId >= 0 ? domain.samplers.get(s.samplerId) : undefined;
    interval = bySampler ?? domain.samplingInterval;
  }
  if (!(interval >= 1)) interval = 1;
  if (interval !== 1) rows.sampledRows++;
  const packets = firstNumber(s.packets, s.packetsTotal, s.initiatorPackets);
  const bytes = firstNumber(s.bytes, s.bytesTotal, s.initiatorBytes);
  batch.packets[row] = packets * interval;
  batch.bytes[row] = bytes * interval;

  let startMs = s.startMs;
  let endMs = s.endMs;
  if (Number.isNaN(startMs)) startMs = uptimeTime(ctx, domain, s, s.firstUptime);
  if (Number.isNaN(endMs)) endMs = uptimeTime(ctx, domain, s, s.lastUptime);
  if (Number.isNaN(startMs) && !Number.isNaN(s.startDeltaUs)) startMs = ctx.exportMs - s.startDeltaUs / 1000;
  if (Number.isNaN(endMs) && !Number.isNaN(s.endDeltaUs)) endMs = ctx.exportMs - s.endDeltaUs / 1000;
  if (Number.isNaN(endMs) && !Number.isNaN(startMs) && !Number.isNaN(s.durationMs))
    endMs = startMs + s.durationMs;
  if (Number.isNaN(startMs) && !Number.isNaN(endMs) && !Number.isNaN(s.durationMs))
    startMs = endMs - s.durationMs;
  // A record with no usable time is placed at the export time; its end stays unknown.
  if (Number.isNaN(startMs)) startMs = Number.isNaN(endMs) ? ctx.exportMs : endMs;
  batch.start[row] = startMs / 1000;
  batch.end[row] = endMs / 1000;
  batch.resource[row] = ctx.resource;
  batch.source[row] = 'netflow';
}
