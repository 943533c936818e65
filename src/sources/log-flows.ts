// Line formats other than VPC Flow Logs that file import recognises by their first lines (or
// reads as `--format` forces): flows from Zeek conn.log (TSV or JSON), nfdump CSV and kernel
// firewall LOG lines (iptables/nftables, pf); events from sshd/auth logs and web access logs;
// other syslog files routed line by line by program (log-events.ts).

import type { ParseOutput } from '../core/records.ts';
import { FirewallLogParser } from '../parsers/iptables/parser.ts';
import { NfdumpCsvParser } from '../parsers/nfdump/parser.ts';
import { sniffLogFormat } from '../parsers/syslog/sniff.ts';
import { ZeekConnParser } from '../parsers/zeek/parser.ts';
import { eventFileParser, EVENT_FORMATS, isEventFormat } from './log-events.ts';

/** A streaming parser of one non-VPC flow format. */
export interface LineFlowParser {
  push(chunk: Buffer): ParseOutput;
  end(): ParseOutput;
  /** Everything parsed so far, the partly filled batch included (follow mode stores it at once). */
  drain?(all: boolean): ParseOutput;
  /** Physical lines read so far. */
  readonly lines: number;
}

export type LogFlowChoice = { kind: 'parser'; format: string; parser: LineFlowParser } | { kind: 'none' };

/** Formats `--format` can force on line input (besides `vpc`). */
export const LINE_FORMATS = ['zeek', 'nfdump', 'iptables', ...EVENT_FORMATS] as const;

export function isLineFormat(format: string): boolean {
  return (LINE_FORMATS as readonly string[]).includes(format);
}

/** The parser of a forced line format (one of LINE_FORMATS); null for any other name. */
export function lineParserFor(format: string, file: string, referenceMs: number): LineFlowParser | null {
  if (isEventFormat(format)) return eventFileParser(format, file, referenceMs);
  switch (format) {
    case 'zeek':
      return new ZeekConnParser({ file });
    case 'nfdump':
      return new NfdumpCsvParser({ file });
    case 'iptables':
      return new FirewallLogParser({ file, referenceMs });
    default:
      return null;
  }
}

/** Lines considered when sniffing: the complete lines among the first bytes of the input. */
export function firstLines(head: Buffer, complete: boolean): string[] {
  const lines = head.toString('utf8').split('\n');
  if (!complete && lines.length > 1) lines.pop(); // the last one may be cut
  return lines.slice(0, 20);
}

/**
 * Chooses a parser from the first lines. `referenceMs` dates syslog lines that carry no year (the
 * file's modification time; the receive time for standard input).
 */
export function chooseLogFlowParser(
  lines: readonly string[],
  file: string,
  referenceMs: number,
): LogFlowChoice {
  const format = sniffLogFormat(lines);
  switch (format) {
    case 'zeek-tsv':
    case 'zeek-json':
      return { kind: 'parser', format, parser: new ZeekConnParser({ file }) };
    case 'nfdump-csv':
      return { kind: 'parser', format, parser: new NfdumpCsvParser({ file }) };
    case 'syslog-iptables':
    case 'syslog-pf':
      return { kind: 'parser', format, parser: new FirewallLogParser({ file, referenceMs }) };
    case 'syslog-sshd':
      return { kind: 'parser', format, parser: eventFileParser('sshd', file, referenceMs) };
    case 'access':
      return { kind: 'parser', format, parser: eventFileParser('access', file, referenceMs) };
    case 'syslog':
      return { kind: 'parser', format, parser: eventFileParser('syslog', file, referenceMs) };
    default:
      return { kind: 'none' };
  }
}
