// Fresh empty FlowBatches for the VPC parser, made cheap because the parser makes one every 8 192
// rows. Columns are copied from a template (`slice()` of an all-missing column is a memory copy,
// about twice as fast as createFlowBatch's `fill`), and the text extras that the current layout
// never fills (25 of 27 for the default format) all point at one shared, frozen all-null array
// (core/null-columns.ts) instead of a fresh one each. Consumers only read parser batches; a write
// into such a column throws (frozen) rather than corrupting other batches.

import {
  createFlowBatch,
  FLOW_INT_EXTRAS,
  FLOW_TEXT_EXTRAS,
  type FlowBatch,
  type FlowTextExtra,
} from '../../core/flow.ts';
import { sharedNullColumn } from '../../core/null-columns.ts';

export interface BatchFactory {
  /** A new empty batch whose `needed` text columns are writable. */
  create(needed: ReadonlySet<FlowTextExtra>): FlowBatch;
  /** Makes a text column of `b` writable (after a layout change in the middle of a batch). */
  ensureWritable(b: FlowBatch, name: FlowTextExtra): void;
}

export function batchFactory(capacity: number): BatchFactory {
  const t = createFlowBatch(capacity);
  const shared = sharedNullColumn(capacity);
  return {
    create(needed) {
      const text = {} as FlowBatch['text'];
      for (const name of FLOW_TEXT_EXTRAS) text[name] = needed.has(name) ? t.text[name].slice() : shared;
      const ints = {} as FlowBatch['ints'];
      for (const name of FLOW_INT_EXTRAS) ints[name] = t.ints[name].slice();
      return {
        length: 0,
        capacity: t.capacity,
        start: t.start.slice(),
        end: t.end.slice(),
        srcIp4: t.srcIp4.slice(),
        dstIp4: t.dstIp4.slice(),
        srcIp6: t.srcIp6.slice(),
        dstIp6: t.dstIp6.slice(),
        srcPort: t.srcPort.slice(),
        dstPort: t.dstPort.slice(),
        proto: t.proto.slice(),
        packets: t.packets.slice(),
        bytes: t.bytes.slice(),
        action: t.action.slice(),
        tcpFlags: t.tcpFlags.slice(),
        direction: t.direction.slice(),
        resource: t.resource.slice(),
        source: t.source.slice(),
        text,
        ints,
      };
    },
    ensureWritable(b, name) {
      // `text` is typed readonly for consumers; the parser still owns this batch.
      if (b.text[name] === shared)
        (b.text as Record<FlowTextExtra, (string | null)[]>)[name] = t.text[name].slice();
    },
  };
}
