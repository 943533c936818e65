// Zeek conn.log -> flow rows, in either of Zeek's ASCII writer forms, detected per line: TSV with
// its `#separator`/`#fields`/`#types` header (or the bare column-name row of `tsv=T`), and JSON
// lines (unset fields omitted). One row per connection, src = originator, dst = responder, with
// the originator's packets and IP bytes; the responder's counts, conn_state, history, service
// and uid go to `text.extra` (our flow model is one direction per row, like VPC).

import { DIRECTION_EGRESS, DIRECTION_INGRESS } from '../../core/flow.ts';
import { parseIp } from '../../core/ip.ts';
import type { ParseOutput } from '../../core/records.ts';
import { setDst, setSrc } from '../iptables/batch-writer.ts';
import { LineFlowDriver } from '../line-flow-driver.ts';
import { rejection } from '../syslog/lines.ts';

export interface ZeekParserOptions {
  file?: string;
  /** Seconds added to every `ts` (for captures logged with relative times). Default 0. */
  tsOffset?: number;
  /** Resource for rows without a `_node_name` column (the sensor). Default null. */
  resource?: string;
  batchCapacity?: number;
  maxLineBytes?: number;
}

/** Zeek's default conn.log columns, used for TSV rows that come with no header. */
export const DEFAULT_CONN_FIELDS = [
  'ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration',
  'orig_bytes', 'resp_bytes', 'conn_state', 'local_orig', 'local_resp', 'missed_bytes', 'history',
  'orig_pkts', 'orig_ip_bytes', 'resp_pkts', 'resp_ip_bytes', 'tunnel_parents',
]; // prettier-ignore

const PROTOS: Record<string, number> = { icmp: 1, tcp: 6, udp: 17, icmp6: 58, sctp: 132 };
// Originator history letters -> VPC tcp-flags bits (S SYN, H SYN+ACK, A ACK, D data=PSH|ACK, F FIN, R RST).
const HISTORY_BITS: Record<string, number> = { S: 2, H: 18, A: 16, D: 24, F: 1, R: 4 };

type Value = string | number | boolean | null;

export class ZeekConnParser {
  private readonly file: string;
  private readonly tsOffset: number;
  private readonly resource: string | null;
  private readonly io: LineFlowDriver;
  private readonly onLine = (text: string, line: number): void => this.line(text, line);
  private separator = '\t';
  private unset = '-';
  private empty = '(empty)';
  private fields: string[] = DEFAULT_CONN_FIELDS;
  private index = new Map<string, number>(DEFAULT_CONN_FIELDS.map((f, i) => [f, i]));
  rows = 0;

  constructor(options: ZeekParserOptions = {}) {
    this.file = options.file ?? '<input>';
    this.tsOffset = options.tsOffset ?? 0;
    this.resource = options.resource ?? null;
    this.io = new LineFlowDriver({
      file: this.file,
      batchCapacity: options.batchCapacity,
      maxLineBytes: options.maxLineBytes,
    });
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

  private line(text: string, line: number): void {
    if (text.trim() === '') return;
    if (text.startsWith('#')) {
      this.directive(text);
      return;
    }
    if (text.startsWith('{')) {
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch {
        this.reject(line, 'bad-json', text);
        return;
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
        this.reject(line, 'bad-json', text);
        return;
      }
      const rec = obj as Record<string, unknown>;
      this.row((k) => jsonValue(rec[k]), line, text);
      return;
    }
    const cols = text.split(this.separator);
    if (cols[0] === 'ts' && cols.includes('id.orig_h')) {
      this.setFields(cols); // tsv=T: a bare column-name row instead of #fields
      return;
    }
    if (cols.length !== this.fields.length) {
      this.reject(line, 'field-count', text);
      return;
    }
    this.row(
      (k) => {
        const i = this.index.get(k);
        if (i === undefined) return null;
        const v = cols[i]!;
        if (v === this.unset) return null;
        if (v === this.empty) return '';
        return v.includes('\\x') ? unescape(v) : v;
      },
      line,
      text,
    );
  }

  private directive(text: string): void {
    const sp = text.search(/[\t ]/);
    if (sp < 0) return;
    const name = text.slice(1, sp);
    const value = text.slice(sp + 1);
    switch (name) {
      case 'separator':
        this.separator = unescape(value.trim());
        break;
      case 'unset_field':
        this.unset = value;
        break;
      case 'empty_field':
        this.empty = value;
        break;
      case 'fields':
        this.setFields(value.split(this.separator));
        break;
      default:
        break; // #path, #open, #close, #types, #set_separator: nothing to do for conn rows
    }
  }

  private setFields(fields: string[]): void {
    this.fields = fields;
    this.index = new Map(fields.map((f, i) => [f, i]));
  }

  private row(get: (k: string) => Value, line: number, text: string): void {
    const ts = num(get('ts'));
    const src = parseIp(String(get('id.orig_h') ?? ''));
    const dst = parseIp(String(get('id.resp_h') ?? ''));
    if (Number.isNaN(ts)) return this.reject(line, 'bad-time:ts', text);
    if (src === null) return this.reject(line, 'bad-ip:id.orig_h', text);
    if (dst === null) return this.reject(line, 'bad-ip:id.resp_h', text);
    const protoName = String(get('proto') ?? '').toLowerCase();
    const proto = PROTOS[protoName] ?? -1;
    const sport = num(get('id.orig_p'));
    const dport = num(get('id.resp_p'));
    const duration = num(get('duration'));
    const history = get('history');
    const { b, i } = this.io.writer.row();
    b.start[i] = ts + this.tsOffset;
    b.end[i] = Number.isNaN(duration) ? NaN : ts + this.tsOffset + duration;
    setSrc(b, i, src);
    setDst(b, i, dst);
    // For ICMP Zeek logs type and code in the port columns: keep them in extra, not as ports.
    const icmp = proto === 1 || proto === 58;
    b.srcPort[i] = icmp || Number.isNaN(sport) ? -1 : sport;
    b.dstPort[i] = icmp || Number.isNaN(dport) ? -1 : dport;
    b.proto[i] = proto;
    b.packets[i] = num(get('orig_pkts'));
    const ipBytes = num(get('orig_ip_bytes'));
    b.bytes[i] = Number.isNaN(ipBytes) ? num(get('orig_bytes')) : ipBytes;
    if (proto === 6 && typeof history === 'string') {
      let flags = 0;
      for (const c of history) flags |= HISTORY_BITS[c] ?? 0;
      b.tcpFlags[i] = flags;
    }
    const lo = get('local_orig');
    const lr = get('local_resp');
    if ((lo === true || lo === 'T') && !(lr === true || lr === 'T')) b.direction[i] = DIRECTION_EGRESS;
    else if ((lr === true || lr === 'T') && !(lo === true || lo === 'T')) b.direction[i] = DIRECTION_INGRESS;
    b.resource[i] = (get('_node_name') as string | null) ?? this.resource;
    b.source[i] = 'zeek';
    const extra: Record<string, Value> = {};
    for (const k of [
      'uid',
      'conn_state',
      'history',
      'service',
      'orig_bytes',
      'resp_bytes',
      'resp_pkts',
      'resp_ip_bytes',
    ]) {
      const v = get(k);
      if (v !== null) extra[k] = typeof v === 'string' && /^\d+$/.test(v) && k !== 'uid' ? Number(v) : v;
    }
    if (icmp) {
      if (!Number.isNaN(sport)) extra.icmp_type = sport;
      if (!Number.isNaN(dport)) extra.icmp_code = dport;
    }
    b.text.extra[i] = JSON.stringify(extra);
    this.io.writer.commit();
    this.rows++;
  }

  private reject(line: number, reason: string, text: string): void {
    this.io.reject(rejection(this.file, line, reason, text));
  }
}

function jsonValue(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** A number from a Zeek value: epoch/interval/count text, a JSON number, or an ISO 8601 time. */
function num(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v === '') return NaN;
  if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? NaN : ms / 1000;
  }
  return NaN;
}

/** Zeek writes separators and non-printables as `\xHH`. */
function unescape(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}
