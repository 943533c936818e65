// Appends flow rows one at a time and hands out full batches: shared by the line-based flow
// parsers (iptables, pf, Zeek, nfdump), which are slower per row than the VPC byte scanner and
// do not need its column tricks.

import { createFlowBatch, DEFAULT_BATCH_CAPACITY, type FlowBatch } from '../../core/flow.ts';
import type { IpAddress } from '../../core/ip.ts';

export class BatchWriter {
  private readonly capacity: number;
  private batch: FlowBatch;
  private full: FlowBatch[] = [];

  constructor(capacity = DEFAULT_BATCH_CAPACITY) {
    this.capacity = capacity;
    this.batch = createFlowBatch(capacity);
  }

  /** The batch to write the next row into, and that row's index; call `commit()` after writing. */
  row(): { b: FlowBatch; i: number } {
    if (this.batch.length === this.capacity) {
      this.full.push(this.batch);
      this.batch = createFlowBatch(this.capacity);
    }
    return { b: this.batch, i: this.batch.length };
  }

  commit(): void {
    this.batch.length++;
  }

  /** Full batches since the last call; with `all`, the partial one too. */
  take(all = false): FlowBatch[] {
    if (all && this.batch.length > 0) {
      this.full.push(this.batch);
      this.batch = createFlowBatch(this.capacity);
    }
    const out = this.full;
    this.full = [];
    return out;
  }
}

export function setSrc(b: FlowBatch, i: number, ip: IpAddress): void {
  b.srcIp4[i] = ip.v4;
  b.srcIp6[i] = ip.v6;
}

export function setDst(b: FlowBatch, i: number, ip: IpAddress): void {
  b.dstIp4[i] = ip.v4;
  b.dstIp6[i] = ip.v6;
}
