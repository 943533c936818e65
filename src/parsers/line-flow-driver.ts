// The streaming frame every line-oriented flow parser shares (nfdump CSV, Zeek conn.log, kernel
// firewall LOG lines): split bytes into bounded lines, hand each to the parser, collect its rows
// in batches and its rejections, and hand both out on push/end/drain.

import { DEFAULT_BATCH_CAPACITY } from '../core/flow.ts';
import type { ParseOutput, Rejection } from '../core/records.ts';
import { BatchWriter } from './iptables/batch-writer.ts';
import { LineSplitter } from './syslog/lines.ts';

export interface LineFlowDriverOptions {
  file: string;
  batchCapacity?: number | undefined;
  maxLineBytes?: number | undefined;
}

export type OnLine = (text: string, line: number) => void;

export class LineFlowDriver {
  readonly writer: BatchWriter;
  private readonly splitter: LineSplitter;
  private rejections: Rejection[] = [];

  constructor(options: LineFlowDriverOptions) {
    this.splitter = new LineSplitter({ file: options.file, maxLineBytes: options.maxLineBytes });
    this.writer = new BatchWriter(options.batchCapacity ?? DEFAULT_BATCH_CAPACITY);
  }

  /** Physical lines read so far. */
  get lines(): number {
    return this.splitter.lines;
  }

  push(chunk: Buffer, onLine: OnLine): ParseOutput {
    for (const l of this.splitter.push(chunk, this.rejections)) onLine(l.text, l.line);
    return this.drain(false);
  }

  end(onLine: OnLine): ParseOutput {
    for (const l of this.splitter.end(this.rejections)) onLine(l.text, l.line);
    return this.drain(true);
  }

  /** Full batches (all batches when `all`) and the rejections since the last drain. */
  drain(all = true): ParseOutput {
    const out: ParseOutput = { batches: this.writer.take(all), gaps: [], rejections: this.rejections };
    this.rejections = [];
    return out;
  }

  reject(r: Rejection): void {
    this.rejections.push(r);
  }
}
