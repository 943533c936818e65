// Per-row facts computed once per batch for every detector: address keys, internal/external,
// reply side, and duplicates (one connection logged by several interfaces).

import { ACTION_REJECT, type FlowBatch } from '../core/flow.ts';
import type { FlowView } from './detector.ts';
import { hashKey, type AddressInterner } from './keys.ts';
import type { IntelLookup } from './lookups.ts';
import { createNumTable, type NumTable } from './num-table.ts';
import type { NetScope } from './net-scope.ts';

/** Ports above 1023 that are services, not ephemeral ports (a flow *from* them is a reply). */
export const DEFAULT_SERVICE_PORTS: readonly number[] = [
  1433, 1521, 2049, 2375, 2376, 3000, 3306, 3389, 5000, 5432, 5601, 5672, 5900, 5985, 5986, 6379, 6443, 8000,
  8080, 8081, 8443, 8888, 9000, 9090, 9092, 9100, 9200, 9300, 9418, 10250, 11211, 15672, 27017,
];

/** True when row i is the reply side of a connection: a service port answering an ephemeral one. */
export function isReplyRow(b: FlowBatch, i: number, servicePorts: ReadonlySet<number>): boolean {
  const sp = b.srcPort[i]!;
  const dp = b.dstPort[i]!;
  if (sp < 0 || dp < 0) return false;
  const flags = b.tcpFlags[i]!;
  // A TCP record with SYN but no ACK can only come from the side that opened the connection.
  if (b.proto[i] === 6 && flags >= 0 && (flags & 0x12) === 0x02) return false;
  if (b.action[i] === ACTION_REJECT && sp >= 1024 && dp < 1024) return false;
  if (sp < 1024 && dp >= 1024) return true;
  if (dp < 1024) return false;
  const sService = servicePorts.has(sp);
  const dService = servicePorts.has(dp);
  if (sService !== dService) return sService;
  return sp < dp && dp >= 32768 && sp < 32768;
}

export interface Annotator {
  annotate(b: FlowBatch, watermark: number): FlowView;
  /** Rows dropped as duplicates and as too late, since creation. */
  readonly duplicates: number;
  readonly late: number;
}

function stringHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function createAnnotator(
  scope: NetScope,
  intel: IntelLookup,
  interner: AddressInterner,
  servicePorts: ReadonlySet<number>,
  dedupeSeconds: number,
): Annotator {
  let cap = 0;
  let view: FlowView | null = null;
  // Two generations of "flow tuple -> interface hash", rotated every dedupeSeconds of event time.
  // Values are interface-name hashes + 1 (0 = absent).
  const newTable = (): NumTable => createNumTable(1, 8_000_000, 4096);
  let current = newTable();
  let previous = newTable();
  let generationStart = -Infinity;
  let lastResource: string | null = null;
  let lastResourceHash = 0;
  let duplicates = 0;
  let late = 0;

  return {
    annotate(b, watermark) {
      if (!view || cap < b.capacity) {
        cap = b.capacity;
        view = {
          batch: b,
          srcKey: new Float64Array(cap),
          dstKey: new Float64Array(cap),
          srcInternal: new Uint8Array(cap),
          dstInternal: new Uint8Array(cap),
          reply: new Uint8Array(cap),
          skip: new Uint8Array(cap),
          intel: new Array(cap).fill(null),
          trusted: new Uint8Array(cap),
        };
      }
      view.batch = b;
      for (let i = 0; i < b.length; i++) {
        const s6 = b.srcIp6[i] ?? null;
        const d6 = b.dstIp6[i] ?? null;
        const sk = interner.key(b.srcIp4[i]!, s6);
        const dk = interner.key(b.dstIp4[i]!, d6);
        view.srcKey[i] = sk;
        view.dstKey[i] = dk;
        view.srcInternal[i] = scope.isInternal(b.srcIp4[i]!, s6) ? 1 : 0;
        view.dstInternal[i] = scope.isInternal(b.dstIp4[i]!, d6) ? 1 : 0;
        view.reply[i] = isReplyRow(b, i, servicePorts) ? 1 : 0;
        const sIn = view.srcInternal[i] === 1;
        const dIn = view.dstInternal[i] === 1;
        // Only the outside endpoint is looked up (the findings stage also drops trusted insiders).
        if (sIn === dIn) {
          view.trusted[i] = 0;
          view.intel[i] = null;
        } else {
          const o4 = sIn ? b.dstIp4[i]! : b.srcIp4[i]!;
          const o6 = sIn ? d6 : s6;
          const trusted = intel.isTrusted(o4, o6);
          view.trusted[i] = trusted ? 1 : 0;
          view.intel[i] = trusted ? null : intel.match(o4, o6);
        }
        const t = b.start[i]!;
        if (t < watermark) {
          view.skip[i] = 1;
          late++;
          continue;
        }
        view.skip[i] = 0;
        const res = b.resource[i] ?? null;
        if (res === null) continue;
        if (res !== lastResource) {
          lastResource = res;
          lastResourceHash = stringHash(res);
        }
        if (t >= generationStart + dedupeSeconds) {
          previous = current;
          current = newTable();
          generationStart = Math.floor(t / dedupeSeconds) * dedupeSeconds;
        }
        const k = hashKey(hashKey(sk, dk, b.proto[i]!), b.srcPort[i]! * 65536 + b.dstPort[i]!);
        let row = current.find(k);
        let seen = row >= 0 ? current.get(row, 0) : 0;
        if (seen === 0) {
          const prev = previous.find(k);
          if (prev >= 0) seen = previous.get(prev, 0);
        }
        if (seen !== 0 && seen !== lastResourceHash + 1) {
          view.skip[i] = 1;
          duplicates++;
        } else if (seen === 0) {
          row = current.add(k);
          if (row >= 0) current.set(row, 0, lastResourceHash + 1);
        }
      }
      return view;
    },
    get duplicates() {
      return duplicates;
    },
    get late() {
      return late;
    },
  };
}
