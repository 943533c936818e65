// The firewall log input: syslog lines from the kernel's netfilter LOG target (iptables and
// nftables) and pf's `filterlog`, one flow row per logged packet (packets = 1, bytes = IP length,
// source `iptables` or `pf`, resource = the syslog host). Other lines of a kern.log (the kernel
// says many things) are counted as skipped, not rejected; a line that looks like a LOG line but
// does not parse is rejected with its reason.

import {
  ACTION_ACCEPT,
  ACTION_REJECT,
  ACTION_UNKNOWN,
  DIRECTION_EGRESS,
  DIRECTION_INGRESS,
  DIRECTION_UNKNOWN,
} from '../../core/flow.ts';
import type { ParseOutput } from '../../core/records.ts';
import { parseSyslog, type SyslogMessage, type SyslogTimeOptions } from '../syslog/header.ts';
import { LineFlowDriver } from '../line-flow-driver.ts';
import { rejection } from '../syslog/lines.ts';
import { prefixActionMapper, type PrefixActionsConfig } from './actions.ts';
import { setDst, setSrc } from './batch-writer.ts';
import { findNetfilterStart, parseNetfilter } from './packet.ts';
import { parsePfFilterlog } from './pf-filterlog.ts';

export interface FirewallLogParserOptions extends Partial<SyslogTimeOptions> {
  /**
   * Year reference for RFC 3164 lines (Unix ms): the file's modification time for files, the
   * receive time for live input. Required: parsers never read the wall clock themselves.
   */
  referenceMs: number;
  file?: string;
  /** Prefix -> verdict mapping (see actions.ts for the defaults). */
  actions?: Partial<PrefixActionsConfig>;
  batchCapacity?: number;
  maxLineBytes?: number;
}

/** Where a message came from, for rejections. */
export interface MessageOrigin {
  file: string;
  line: number;
  text: string;
}

const PROXMOX_TIME = /(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class FirewallLogParser {
  private readonly file: string;
  private readonly time: SyslogTimeOptions;
  private readonly io: LineFlowDriver;
  private readonly onLine = (text: string, line: number): void => this.line(text, line);
  private readonly actionOf: (prefix: string) => 0 | 1 | 2;
  /** Lines that were not firewall log lines (other kernel or daemon messages). */
  skipped = 0;
  /** Flow rows written. */
  rows = 0;

  constructor(options: FirewallLogParserOptions) {
    this.file = options.file ?? '<input>';
    this.time = {
      referenceMs: options.referenceMs,
      utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
      futureSlackDays: options.futureSlackDays ?? 7,
    };
    this.io = new LineFlowDriver({
      file: this.file,
      batchCapacity: options.batchCapacity,
      maxLineBytes: options.maxLineBytes,
    });
    this.actionOf = prefixActionMapper(options.actions);
  }

  push(chunk: Buffer): ParseOutput {
    return this.io.push(chunk, this.onLine);
  }

  end(): ParseOutput {
    return this.io.end(this.onLine);
  }

  /** Full batches (all when `all`) and the rejections collected since the last call. */
  drain(all = true): ParseOutput {
    return this.io.drain(all);
  }

  /** Physical lines read so far. */
  get lines(): number {
    return this.io.lines;
  }

  /** For the syslog receiver: one already-parsed syslog message (kernel or filterlog). */
  message(msg: SyslogMessage, origin: MessageOrigin, fallbackTime: number): void {
    const time = msg.time ?? fallbackTime;
    if (msg.program === 'filterlog') {
      this.pf(msg.message, time, msg.host, origin);
      return;
    }
    const r = parseNetfilter(msg.message);
    if (!r.ok) {
      if (r.reason === 'not-netfilter') this.skipped++;
      else this.reject(origin, r.reason);
      return;
    }
    const p = r.value;
    const { b, i } = this.io.writer.row();
    b.start[i] = time;
    b.end[i] = time;
    setSrc(b, i, p.src);
    setDst(b, i, p.dst);
    b.srcPort[i] = p.srcPort;
    b.dstPort[i] = p.dstPort;
    b.proto[i] = p.proto;
    b.packets[i] = 1;
    b.bytes[i] = p.length;
    b.tcpFlags[i] = p.tcpFlags;
    b.action[i] = this.actionOf(p.prefix);
    // Logged on input with no output device: addressed to this host. Forwarded packets have both.
    b.direction[i] =
      p.inIf !== '' && p.outIf === ''
        ? DIRECTION_INGRESS
        : p.outIf !== '' && p.inIf === ''
          ? DIRECTION_EGRESS
          : DIRECTION_UNKNOWN;
    b.resource[i] = msg.host;
    b.source[i] = 'iptables';
    const extra: Record<string, string | number> = { prefix: p.prefix, in: p.inIf, out: p.outIf };
    if (p.icmpType >= 0) extra.icmp_type = p.icmpType;
    if (p.icmpCode >= 0) extra.icmp_code = p.icmpCode;
    b.text.extra[i] = JSON.stringify(extra);
    this.io.writer.commit();
    this.rows++;
  }

  private pf(text: string, time: number, host: string | null, origin: MessageOrigin): void {
    const r = parsePfFilterlog(text);
    if (!r.ok) {
      this.reject(origin, `pf:${r.reason}`);
      return;
    }
    const p = r.value;
    const { b, i } = this.io.writer.row();
    b.start[i] = time;
    b.end[i] = time;
    setSrc(b, i, p.src);
    setDst(b, i, p.dst);
    b.srcPort[i] = p.srcPort;
    b.dstPort[i] = p.dstPort;
    b.proto[i] = p.proto;
    b.packets[i] = 1;
    b.bytes[i] = p.length;
    b.tcpFlags[i] = p.tcpFlags;
    b.action[i] = p.action === 'pass' ? ACTION_ACCEPT : p.action === 'block' ? ACTION_REJECT : ACTION_UNKNOWN;
    b.direction[i] =
      p.direction === 'in' ? DIRECTION_INGRESS : p.direction === 'out' ? DIRECTION_EGRESS : DIRECTION_UNKNOWN;
    b.resource[i] = host;
    b.source[i] = 'pf';
    b.text.extra[i] = JSON.stringify({ interface: p.iface, rule: p.rule });
    this.io.writer.commit();
    this.rows++;
  }

  private line(text: string, line: number): void {
    if (text.trim() === '') return;
    const origin = { file: this.file, line, text };
    const h = parseSyslog(text, this.time);
    if (h.ok && h.value.time !== null) {
      this.message(h.value, origin, h.value.time);
      return;
    }
    // No syslog header: Proxmox firewall logs (`0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200
    // policy DROP: IN=...`) and other collectors that put their own stamp before the LOG text.
    const at = findNetfilterStart(text);
    if (at < 0) {
      if (h.ok) this.skipped++;
      else this.reject(origin, h.reason);
      return;
    }
    const head = text.slice(0, at);
    const time = prefixTime(head);
    if (time === null) {
      this.reject(origin, 'no-time');
      return;
    }
    // Keep only the words after the stamp as the prefix (`policy DROP:`).
    const m = PROXMOX_TIME.exec(head);
    const prefix = m ? head.slice(m.index + m[0].length) : head.replace(/^\s*\d{9,10}(\.\d+)?\s/, '');
    const msg: SyslogMessage = {
      format: 'no-time',
      time,
      facility: null,
      severity: null,
      host: null,
      program: null,
      pid: null,
      msgid: null,
      structuredData: null,
      message: prefix + text.slice(at),
    };
    this.message(msg, origin, time);
  }

  private reject(origin: MessageOrigin, reason: string): void {
    this.io.reject(rejection(origin.file, origin.line, reason, origin.text));
  }
}

/** A timestamp in the text before `IN=`: an Apache-style date (Proxmox) or a Unix epoch (DShield). */
function prefixTime(head: string): number | null {
  const m = PROXMOX_TIME.exec(head);
  if (m) {
    const month = MONTHS.indexOf(m[2]!);
    if (month < 0) return null;
    const sign = m[7] === '-' ? -1 : 1;
    const offset = sign * (Number(m[8]) * 60 + Number(m[9]));
    return (
      (Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) -
        offset * 60_000) /
      1000
    );
  }
  const e = /^\s*(\d{9,10}(?:\.\d+)?)\s/.exec(head);
  return e ? Number(e[1]) : null;
}
