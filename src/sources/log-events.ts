// Event log files for file import: sshd/auth logs, nginx/Apache access logs, Sakura router lines,
// and whole syslog files routed by program (firewall lines -> flows, sshd -> auth events, web
// servers -> http events). Each is wrapped in the LineFlowParser shape that file import drives,
// with the events in ParseOutput.events.

import type { EventOutput } from '../core/events.ts';
import type { ParseOutput } from '../core/records.ts';
import { AccessLogParser } from '../parsers/access/parser.ts';
import { SakuraRouterParser } from '../parsers/sakura-router/parser.ts';
import { SshdParser } from '../parsers/sshd/parser.ts';
import { SyslogRouter } from '../parsers/syslog/router.ts';
import { LineSplitter } from '../parsers/syslog/lines.ts';
import type { LineFlowParser } from './log-flows.ts';

/** The event formats file import reads. */
export const EVENT_FORMATS = ['sshd', 'access', 'sakura-router', 'syslog'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

export function isEventFormat(format: string): format is EventFormat {
  return (EVENT_FORMATS as readonly string[]).includes(format);
}

interface EventLineSource {
  push(chunk: Buffer): EventOutput;
  end(): EventOutput;
  readonly lines: number;
}

function withEvents(out: EventOutput): ParseOutput {
  return { batches: [], gaps: [], rejections: out.rejections, events: out.events };
}

/** An event parser in the shape file import drives. */
class EventFileParser implements LineFlowParser {
  private readonly inner: EventLineSource;
  constructor(inner: EventLineSource) {
    this.inner = inner;
  }
  get lines(): number {
    return this.inner.lines;
  }
  push(chunk: Buffer): ParseOutput {
    return withEvents(this.inner.push(chunk));
  }
  end(): ParseOutput {
    return withEvents(this.inner.end());
  }
}

/** A syslog file routed line by line, as the live syslog receiver routes datagrams. */
class SyslogFileParser implements LineFlowParser {
  private readonly file: string;
  private readonly referenceMs: number;
  private readonly splitter: LineSplitter;
  private readonly router = new SyslogRouter();

  constructor(file: string, referenceMs: number) {
    this.file = file;
    this.referenceMs = referenceMs;
    this.splitter = new LineSplitter({ file });
  }
  get lines(): number {
    return this.splitter.lines;
  }
  push(chunk: Buffer): ParseOutput {
    const rejections: ParseOutput['rejections'] = [];
    for (const l of this.splitter.push(chunk, rejections)) this.route(l.text, l.line);
    return this.take(rejections);
  }
  end(): ParseOutput {
    const rejections: ParseOutput['rejections'] = [];
    for (const l of this.splitter.end(rejections)) this.route(l.text, l.line);
    return this.take(rejections);
  }
  private route(text: string, line: number): void {
    if (text.trim() === '') return;
    this.router.message(text, this.referenceMs, { file: this.file, line });
  }
  private take(rejections: ParseOutput['rejections']): ParseOutput {
    const { flows, events } = this.router.drain();
    return {
      batches: flows.batches.filter((b) => b.length > 0),
      gaps: flows.gaps,
      rejections: [...rejections, ...flows.rejections, ...events.rejections],
      events: events.events,
    };
  }
}

/**
 * The parser of an event format. `referenceMs` dates syslog lines that carry no year (the file's
 * modification time; the receive time for standard input).
 */
export function eventFileParser(format: EventFormat, file: string, referenceMs: number): LineFlowParser {
  switch (format) {
    case 'sshd':
      return new EventFileParser(new SshdParser({ file, referenceMs }));
    case 'access':
      return new EventFileParser(new AccessLogParser({ file }));
    case 'sakura-router':
      return new EventFileParser(new SakuraRouterParser({ file, referenceMs }));
    case 'syslog':
      return new SyslogFileParser(file, referenceMs);
    default: {
      const never: never = format;
      throw new Error(`unknown event format ${String(never)}`);
    }
  }
}
