// VPC flow-log text for the generator and the eval harness: a writer for v2 / v5 lines, and a
// minimal reader (header-driven, space-separated) used only by tests and `npm run eval` until
// they switch to the real parser in src/parsers/vpc. It is not the product's parser: it skips
// malformed lines instead of quarantining them.

import {
  ACTION_ACCEPT,
  ACTION_REJECT,
  ACTION_UNKNOWN,
  DIRECTION_EGRESS,
  DIRECTION_INGRESS,
  DIRECTION_UNKNOWN,
  createFlowBatch,
  type CoverageGap,
  type FlowBatch,
} from '../core/flow.ts';
import { canonicalIpv6, formatIpv4, parseIpv4 } from '../core/ip.ts';

export const V2_FIELDS = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;

export const V5_FIELDS = [
  ...V2_FIELDS,
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'flow-direction',
] as const;

/** One generated flow, before it becomes text. */
export interface GenFlow {
  iface: string;
  src: number;
  dst: number;
  sport: number;
  dport: number;
  proto: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  action: 'ACCEPT' | 'REJECT';
  tcpFlags: number;
  /** Relative to the interface. */
  direction: 'ingress' | 'egress';
}

export function formatVpcLine(f: GenFlow, version: 2 | 5, account = '123456789012'): string {
  const v2 = [
    version,
    account,
    f.iface,
    formatIpv4(f.src),
    formatIpv4(f.dst),
    f.sport,
    f.dport,
    f.proto,
    f.packets,
    f.bytes,
    f.start,
    f.end,
    f.action,
    'OK',
  ].join(' ');
  if (version === 2) return v2;
  const n = f.iface.slice(4);
  return `${v2} vpc-0gen00000001 subnet-0gen0000001 i-${n} ${f.tcpFlags} IPv4 ${formatIpv4(f.src)} ${formatIpv4(f.dst)} ${f.direction}`;
}

export function formatNoData(
  iface: string,
  start: number,
  end: number,
  version: 2 | 5,
  status: 'NODATA' | 'SKIPDATA',
): string {
  const base = `${version} 123456789012 ${iface} - - - - - - - ${start} ${end} - ${status}`;
  return version === 2 ? base : `${base} - - - - - - - -`;
}

export interface ReadResult {
  batches: FlowBatch[];
  gaps: CoverageGap[];
  skipped: number;
}

const num = (s: string | undefined): number => (s === undefined || s === '-' ? -1 : Number(s));

/** Reads VPC text (first line a header of field names, or v2 default order). */
export function readVpcText(text: string, source = 'vpc'): ReadResult {
  const lines = text.split('\n');
  let fields: string[] = [...V2_FIELDS];
  let startLine = 0;
  if (lines[0]?.startsWith('version')) {
    fields = lines[0].trim().split(/\s+/);
    startLine = 1;
  }
  const idx = (name: string): number => fields.indexOf(name);
  const at = {
    iface: idx('interface-id'),
    src: idx('srcaddr'),
    dst: idx('dstaddr'),
    sport: idx('srcport'),
    dport: idx('dstport'),
    proto: idx('protocol'),
    packets: idx('packets'),
    bytes: idx('bytes'),
    start: idx('start'),
    end: idx('end'),
    action: idx('action'),
    status: idx('log-status'),
    flags: idx('tcp-flags'),
    dir: idx('flow-direction'),
  };
  const batches: FlowBatch[] = [];
  const gaps: CoverageGap[] = [];
  let b = createFlowBatch();
  let skipped = 0;
  for (let li = startLine; li < lines.length; li++) {
    const line = lines[li]!.trim();
    if (line === '') continue;
    const p = line.split(' ');
    const status = p[at.status];
    if (status === 'NODATA' || status === 'SKIPDATA') {
      gaps.push({
        kind: status === 'NODATA' ? 'nodata' : 'skipdata',
        start: num(p[at.start]),
        end: num(p[at.end]),
        resource: p[at.iface] ?? null,
        source,
        detail: {},
      });
      continue;
    }
    const s = p[at.src] ?? '';
    const d = p[at.dst] ?? '';
    const s4 = parseIpv4(s);
    const d4 = parseIpv4(d);
    const s6 = s4 >= 0 ? null : canonicalIpv6(s);
    const d6 = d4 >= 0 ? null : canonicalIpv6(d);
    if ((s4 < 0 && s6 === null) || (d4 < 0 && d6 === null)) {
      skipped++;
      continue;
    }
    const i = b.length;
    b.srcIp4[i] = s4 >= 0 ? s4 : 0;
    b.dstIp4[i] = d4 >= 0 ? d4 : 0;
    b.srcIp6[i] = s6;
    b.dstIp6[i] = d6;
    b.srcPort[i] = num(p[at.sport]);
    b.dstPort[i] = num(p[at.dport]);
    b.proto[i] = num(p[at.proto]);
    b.packets[i] = Number(p[at.packets]);
    b.bytes[i] = Number(p[at.bytes]);
    b.start[i] = Number(p[at.start]);
    b.end[i] = Number(p[at.end]);
    const a = p[at.action];
    b.action[i] = a === 'ACCEPT' ? ACTION_ACCEPT : a === 'REJECT' ? ACTION_REJECT : ACTION_UNKNOWN;
    b.tcpFlags[i] = at.flags >= 0 ? num(p[at.flags]) : -1;
    const dir = at.dir >= 0 ? p[at.dir] : undefined;
    b.direction[i] =
      dir === 'ingress' ? DIRECTION_INGRESS : dir === 'egress' ? DIRECTION_EGRESS : DIRECTION_UNKNOWN;
    b.resource[i] = p[at.iface] ?? null;
    b.text.interface_id[i] = p[at.iface] ?? null;
    b.source[i] = source;
    b.length++;
    if (b.length === b.capacity) {
      batches.push(b);
      b = createFlowBatch();
    }
  }
  if (b.length > 0) batches.push(b);
  return { batches, gaps, skipped };
}
