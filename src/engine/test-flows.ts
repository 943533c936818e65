// Test helper: builds FlowBatches from short descriptions. Used by the engine and detector tests.

import { ACTION_ACCEPT, ACTION_REJECT, createFlowBatch, type FlowBatch } from '../core/flow.ts';
import { parseIpv4 } from '../core/ip.ts';

export interface TestFlow {
  t: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto?: number;
  packets?: number;
  bytes?: number;
  action?: 'accept' | 'reject';
  flags?: number;
  resource?: string;
  end?: number;
}

export function batchOf(flows: readonly TestFlow[]): FlowBatch {
  const b = createFlowBatch(Math.max(1, flows.length));
  flows.forEach((f, i) => {
    b.start[i] = f.t;
    b.end[i] = f.end ?? f.t + 1;
    b.srcIp4[i] = parseIpv4(f.src);
    b.dstIp4[i] = parseIpv4(f.dst);
    b.srcPort[i] = f.sport;
    b.dstPort[i] = f.dport;
    b.proto[i] = f.proto ?? 6;
    b.packets[i] = f.packets ?? 1;
    b.bytes[i] = f.bytes ?? 44;
    b.action[i] = f.action === 'reject' ? ACTION_REJECT : ACTION_ACCEPT;
    b.tcpFlags[i] = f.flags ?? -1;
    b.resource[i] = f.resource ?? 'eni-1';
  });
  b.length = flows.length;
  return b;
}
