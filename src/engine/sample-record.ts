// A record kept as numbers for a sample that may never be shown: most keys a detector samples
// (the beacon detector's pairs) are never reported, and formatting the text of every one of them
// cost more than the rest of the detector. The text is made, by sampleText, when reported.

import { createFlowBatch, type FlowBatch } from '../core/flow.ts';
import { sampleText } from './evidence.ts';

export interface SampleRecord {
  start: number;
  resource: string | null;
  srcIp4: number;
  srcIp6: string | null;
  srcPort: number;
  dstIp4: number;
  dstIp6: string | null;
  dstPort: number;
  proto: number;
  action: number;
  packets: number;
  bytes: number;
  tcpFlags: number;
}

export function captureSample(b: FlowBatch, i: number): SampleRecord {
  return {
    start: b.start[i]!,
    resource: b.resource[i] ?? null,
    srcIp4: b.srcIp4[i]!,
    srcIp6: b.srcIp6[i] ?? null,
    srcPort: b.srcPort[i]!,
    dstIp4: b.dstIp4[i]!,
    dstIp6: b.dstIp6[i] ?? null,
    dstPort: b.dstPort[i]!,
    proto: b.proto[i]!,
    action: b.action[i]!,
    packets: b.packets[i]!,
    bytes: b.bytes[i]!,
    tcpFlags: b.tcpFlags[i]!,
  };
}

/** The sample's text, exactly as sampleText gives it for the record. */
export function sampleRecordText(r: SampleRecord): string {
  const b = createFlowBatch(1);
  b.start[0] = r.start;
  b.resource[0] = r.resource;
  b.srcIp4[0] = r.srcIp4;
  b.srcIp6[0] = r.srcIp6;
  b.srcPort[0] = r.srcPort;
  b.dstIp4[0] = r.dstIp4;
  b.dstIp6[0] = r.dstIp6;
  b.dstPort[0] = r.dstPort;
  b.proto[0] = r.proto;
  b.action[0] = r.action;
  b.packets[0] = r.packets;
  b.bytes[0] = r.bytes;
  b.tcpFlags[0] = r.tcpFlags;
  b.length = 1;
  return sampleText(b, 0);
}
