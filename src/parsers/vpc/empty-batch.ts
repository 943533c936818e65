// Fresh empty FlowBatches by copying a template: `slice()` of an all-missing column is a memory
// copy, about twice as fast as createFlowBatch's `fill` (measured: 400 batches of 8 192 rows in
// ~100 ms instead of ~220 ms), which matters at millions of rows per second.

import { createFlowBatch, FLOW_INT_EXTRAS, FLOW_TEXT_EXTRAS, type FlowBatch } from '../../core/flow.ts';

export function emptyBatchFactory(capacity: number): () => FlowBatch {
  const t = createFlowBatch(capacity);
  return () => {
    const text = {} as FlowBatch['text'];
    for (const name of FLOW_TEXT_EXTRAS) text[name] = t.text[name].slice();
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
  };
}
