// The frame every line-based event parser shares (sshd, web access logs, Sakura routers): split
// the byte stream into bounded lines, hand each to the parser's `line`, and return what it
// produced, events and rejections, at each push and at the end. Flow parsers use
// LineFlowDriver (line-flow-driver.ts) instead.

import { emptyEventOutput, type EventOutput } from '../core/events.ts';
import { LineSplitter } from './syslog/lines.ts';

export abstract class EventLineParser {
  protected readonly file: string;
  private readonly splitter: LineSplitter;
  protected out: EventOutput = emptyEventOutput();

  constructor(file: string | undefined, maxLineBytes: number | undefined) {
    this.file = file ?? '<input>';
    this.splitter = new LineSplitter({ file: this.file, maxLineBytes });
  }

  /** Physical lines read so far. */
  get lines(): number {
    return this.splitter.lines;
  }

  push(chunk: Buffer): EventOutput {
    for (const l of this.splitter.push(chunk, this.out.rejections)) this.line(l.text, l.line);
    return this.drain();
  }

  end(): EventOutput {
    for (const l of this.splitter.end(this.out.rejections)) this.line(l.text, l.line);
    return this.drain();
  }

  /** What was produced since the last call (the syslog receiver feeds `message` and drains). */
  drain(): EventOutput {
    const out = this.out;
    this.out = emptyEventOutput();
    return out;
  }

  /** One line of the file, 1-based `line`. */
  protected abstract line(text: string, line: number): void;
}
