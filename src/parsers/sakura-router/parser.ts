// Sakura VPC/VPN router firewall log lines. Their format is not documented (SAKURA.md §2), so
// this parser is tolerant and says what it guessed: a line is read as a netfilter LOG line when
// it has one (the router is Linux-based, so that is the likeliest shape), else as loose
// key=value pairs naming source and destination; every event carries `fields.inferred` listing
// the parts that were guessed. Lines it cannot place are quarantined (reason `unknown-format`)
// and counted, so that real samples can be collected and added as test cases.

import { formatIpv4, parseIp } from '../../core/ip.ts';
import type { LogEvent } from '../../core/records.ts';
import { prefixActionMapper } from '../iptables/actions.ts';
import { parseNetfilter } from '../iptables/packet.ts';
import { parseSyslog, type SyslogTimeOptions } from '../syslog/header.ts';
import { EventLineParser } from '../event-line-parser.ts';
import { rejection } from '../syslog/lines.ts';

export interface SakuraRouterParserOptions extends Partial<SyslogTimeOptions> {
  /**
   * Year reference for RFC 3164 lines (Unix ms): the file's modification time for files, the
   * receive time for live input. Required: parsers never read the wall clock themselves.
   */
  referenceMs: number;
  file?: string;
  maxLineBytes?: number;
}

const OUTCOMES = ['unknown', 'allowed', 'blocked'] as const;
const KEYS = {
  src: ['src', 'source', 'srcip', 'src_ip', 'sourceip'],
  dst: ['dst', 'destination', 'dstip', 'dst_ip', 'destinationip'],
  sport: ['spt', 'sport', 'srcport', 'src_port', 'sourceport'],
  dport: ['dpt', 'dport', 'dstport', 'dst_port', 'destinationport'],
  proto: ['proto', 'protocol'],
  action: ['action', 'act', 'verdict'],
};

export class SakuraRouterParser extends EventLineParser {
  private readonly time: SyslogTimeOptions;
  private readonly actionOf = prefixActionMapper();
  /** Lines quarantined because no known shape matched. */
  unknown = 0;

  constructor(options: SakuraRouterParserOptions) {
    super(options.file, options.maxLineBytes);
    this.time = {
      referenceMs: options.referenceMs,
      utcOffsetMinutes: options.utcOffsetMinutes ?? 540,
    };
  }

  /** For the syslog receiver: one message from a router; returns false when it was quarantined. */
  message(
    text: string,
    host: string | null,
    time: number,
    inferred: string[],
    origin: { file: string; line: number },
  ): boolean {
    const nf = parseNetfilter(text);
    if (nf.ok) {
      const p = nf.value;
      const action = this.actionOf(p.prefix);
      this.push_(
        time,
        host,
        text,
        OUTCOMES[action],
        ipText(p.src),
        p.srcPort,
        ipText(p.dst),
        p.dstPort,
        p.proto,
        [...inferred, 'format:netfilter', 'outcome:from-prefix'],
      );
      return true;
    }
    const kv = new Map<string, string>();
    for (const m of text.matchAll(/([A-Za-z_]+)[=:]"?([^\s",]+)"?/g)) kv.set(m[1]!.toLowerCase(), m[2]!);
    const pick = (names: string[]): string | null => {
      for (const n of names) {
        const v = kv.get(n);
        if (v !== undefined) return v;
      }
      return null;
    };
    const src = parseIp(pick(KEYS.src) ?? '');
    const dst = parseIp(pick(KEYS.dst) ?? '');
    if (src === null || dst === null) {
      this.unknown++;
      this.out.rejections.push(rejection(origin.file, origin.line, 'unknown-format', text));
      return false;
    }
    const num = (v: string | null): number | null => (v !== null && /^\d{1,5}$/.test(v) ? Number(v) : null);
    const act = (pick(KEYS.action) ?? '').toLowerCase();
    const outcome = /deny|drop|block|reject/.test(act)
      ? 'blocked'
      : /allow|accept|pass|permit/.test(act)
        ? 'allowed'
        : 'unknown';
    const protoText = (pick(KEYS.proto) ?? '').toLowerCase();
    const proto = ({ tcp: 6, udp: 17, icmp: 1 } as Record<string, number>)[protoText] ?? num(protoText);
    this.push_(
      time,
      host,
      text,
      outcome,
      ipText(src),
      num(pick(KEYS.sport)),
      ipText(dst),
      num(pick(KEYS.dport)),
      proto,
      [...inferred, 'format:key-value'],
    );
    return true;
  }

  private push_(
    time: number,
    host: string | null,
    text: string,
    outcome: string,
    src: string,
    sport: number | null,
    dst: string,
    dport: number | null,
    proto: number | null,
    inferred: string[],
  ): void {
    const fields: LogEvent['fields'] = { inferred: inferred.join(',') };
    if (proto !== null && proto >= 0) fields.proto = proto;
    this.out.events.push({
      time,
      kind: 'firewall',
      outcome,
      src_ip: src,
      src_port: sport !== null && sport >= 0 ? sport : null,
      dst_ip: dst,
      dst_port: dport !== null && dport >= 0 ? dport : null,
      user: null,
      message: text,
      source: 'sakura-router',
      host,
      fields,
    });
  }

  protected line(text: string, line: number): void {
    if (text.trim() === '') return;
    const h = parseSyslog(text, this.time);
    const origin = { file: this.file, line };
    if (h.ok && h.value.time !== null) {
      const inferred = h.value.format === 'rfc3164' ? ['time:year-and-zone'] : [];
      this.message(h.value.message, h.value.host, h.value.time, inferred, origin);
      return;
    }
    this.message(text, null, this.time.referenceMs / 1000, ['time:receive-time'], origin);
  }
}

function ipText(a: { v4: number; v6: string | null }): string {
  return a.v6 ?? formatIpv4(a.v4);
}
