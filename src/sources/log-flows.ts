// Flow records in formats other than VPC Flow Logs that file import recognises by their first
// lines: Zeek conn.log (TSV), nfdump CSV, and kernel firewall LOG lines (iptables/nftables, pf)
// in syslog files. Log files that hold events rather than flows (sshd, web access) are refused
// with a clear reason: the store keeps flows only so far.

import type { ParseOutput } from '../core/records.ts';
import { FirewallLogParser } from '../parsers/iptables/parser.ts';
import { NfdumpCsvParser } from '../parsers/nfdump/parser.ts';
import { sniffLogFormat } from '../parsers/syslog/sniff.ts';
import { ZeekConnParser } from '../parsers/zeek/parser.ts';

/** A streaming parser of one non-VPC flow format. */
export interface LineFlowParser {
  push(chunk: Buffer): ParseOutput;
  end(): ParseOutput;
  /** Physical lines read so far. */
  readonly lines: number;
}

export type LogFlowChoice =
  | { kind: 'flows'; format: string; parser: LineFlowParser }
  | { kind: 'events'; format: string }
  | { kind: 'none' };

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
      return { kind: 'flows', format, parser: new ZeekConnParser({ file }) };
    case 'nfdump-csv':
      return { kind: 'flows', format, parser: new NfdumpCsvParser({ file }) };
    case 'syslog-iptables':
    case 'syslog-pf':
      return { kind: 'flows', format, parser: new FirewallLogParser({ file, referenceMs }) };
    case 'syslog-sshd':
    case 'access':
      return { kind: 'events', format };
    default:
      return { kind: 'none' };
  }
}
