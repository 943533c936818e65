// Evidence helpers shared by detectors: one record as sample text, and the SQL over the `flows`
// view that returns every record of the activity.

import { ACTION_NAMES, type FlowBatch } from '../core/flow.ts';
import { ipText } from '../core/ip.ts';

/** "2026-11-20T02:36:00Z eni-1 10.0.0.1:51234 -> 10.0.0.2:22 tcp accept 12p 1787B flags=19". */
export function sampleText(b: FlowBatch, i: number): string {
  const t = new Date(b.start[i]! * 1000).toISOString().replace('.000Z', 'Z');
  const proto =
    b.proto[i] === 6 ? 'tcp' : b.proto[i] === 17 ? 'udp' : b.proto[i] === 1 ? 'icmp' : `proto${b.proto[i]}`;
  const flags = b.tcpFlags[i]! >= 0 ? ` flags=${b.tcpFlags[i]}` : '';
  return `${t} ${b.resource[i] ?? '-'} ${ipText(b.srcIp4[i]!, b.srcIp6[i] ?? null)}:${b.srcPort[i]} -> ${ipText(
    b.dstIp4[i]!,
    b.dstIp6[i] ?? null,
  )}:${b.dstPort[i]} ${proto} ${ACTION_NAMES[b.action[i]!] ?? 'unknown'} ${b.packets[i]}p ${b.bytes[i]}B${flags}`;
}

export interface FlowQuery {
  srcIp?: string;
  dstIp?: string;
  dstPort?: number;
  proto?: number;
  from: number;
  to: number;
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export function flowsQuery(q: FlowQuery): string {
  const where: string[] = [];
  if (q.srcIp !== undefined) where.push(`src_ip = ${quote(q.srcIp)}`);
  if (q.dstIp !== undefined) where.push(`dst_ip = ${quote(q.dstIp)}`);
  if (q.dstPort !== undefined) where.push(`dst_port = ${q.dstPort}`);
  if (q.proto !== undefined) where.push(`proto = ${q.proto}`);
  where.push(`time >= to_timestamp(${q.from})`, `time < to_timestamp(${q.to})`);
  return `SELECT * FROM flows WHERE ${where.join(' AND ')} ORDER BY time`;
}

/** Adds a sample to a bounded list. */
export function pushSample(list: string[], b: FlowBatch, i: number, max = 20): void {
  if (list.length < max) list.push(sampleText(b, i));
}

export function protoName(p: number): string {
  return p === 6 ? 'tcp' : p === 17 ? 'udp' : p === 1 ? 'icmp' : p === 58 ? 'icmpv6' : `protocol ${p}`;
}
