// Where decoded flows go: a scratch batch reused across packets; each decode call hands out
// right-sized copies so that callers own their batches and the hot path allocates little.

import { createFlowBatch, clearFlowBatch, type FlowBatch } from '../../core/flow.ts';

export interface RowWriter {
  /** Full scratch batches copied out during the current call. */
  batches: FlowBatch[];
  scratch: FlowBatch;
  /** Data records skipped because they carry no address. */
  withoutAddress: number;
  /** Rows whose counts were scaled by a sampling interval. */
  sampledRows: number;
}

export function createRowWriter(capacity: number): RowWriter {
  return { batches: [], scratch: createFlowBatch(capacity), withoutAddress: 0, sampledRows: 0 };
}

/** Claims the next row of the scratch batch, flushing it first when full. */
export function nextRow(w: RowWriter): { batch: FlowBatch; row: number } {
  if (w.scratch.length === w.scratch.capacity) flushRows(w);
  const row = w.scratch.length++;
  return { batch: w.scratch, row };
}

/** Moves the scratch rows into an exact-size batch in `w.batches` and clears the scratch. */
export function flushRows(w: RowWriter): void {
  const src = w.scratch;
  const n = src.length;
  if (n === 0) return;
  if (n === src.capacity) {
    // A full batch is handed out as it is; a fresh one takes its place.
    w.batches.push(src);
    w.scratch = createFlowBatch(src.capacity);
    return;
  }
  const dst = createFlowBatch(n);
  dst.start.set(src.start.subarray(0, n));
  dst.end.set(src.end.subarray(0, n));
  dst.srcIp4.set(src.srcIp4.subarray(0, n));
  dst.dstIp4.set(src.dstIp4.subarray(0, n));
  dst.srcPort.set(src.srcPort.subarray(0, n));
  dst.dstPort.set(src.dstPort.subarray(0, n));
  dst.proto.set(src.proto.subarray(0, n));
  dst.packets.set(src.packets.subarray(0, n));
  dst.bytes.set(src.bytes.subarray(0, n));
  dst.action.set(src.action.subarray(0, n));
  dst.tcpFlags.set(src.tcpFlags.subarray(0, n));
  dst.direction.set(src.direction.subarray(0, n));
  for (let i = 0; i < n; i++) {
    dst.srcIp6[i] = src.srcIp6[i] ?? null;
    dst.dstIp6[i] = src.dstIp6[i] ?? null;
    dst.resource[i] = src.resource[i] ?? null;
    dst.source[i] = src.source[i] ?? null;
  }
  dst.length = n;
  w.batches.push(dst);
  clearFlowBatch(src);
}

/** Hands out only the batches that filled up; the scratch keeps its rows. */
export function takeFullBatches(w: RowWriter): FlowBatch[] {
  if (w.batches.length === 0) return [];
  const out = w.batches;
  w.batches = [];
  return out;
}

/** Hands out every row decoded so far and starts a new batch. */
export function takeBatches(w: RowWriter): FlowBatch[] {
  flushRows(w);
  const out = w.batches;
  w.batches = [];
  return out;
}
