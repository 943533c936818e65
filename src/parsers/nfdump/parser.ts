// nfdump CSV (`nfdump -r FILE -o csv`) -> flow rows. Columns are read by the header row's names
// (ts, te, sa, da, sp, dp, pr, flg, ipkt, ibyt, ...), so older and newer nfdump layouts both
// work; the trailing `Summary` block of older versions ends the data. Times are nfdump's local
// wall-clock text without a zone: give `utcOffsetMinutes` when the collector did not run in UTC.

import { parseIp } from '../../core/ip.ts';
import type { ParseOutput } from '../../core/records.ts';
import { setDst, setSrc } from '../iptables/batch-writer.ts';
import { LineFlowDriver } from '../line-flow-driver.ts';
import { rejection } from '../syslog/lines.ts';

export interface NfdumpCsvParserOptions {
  file?: string;
  utcOffsetMinutes?: number;
  /** Resource for every row (the exporter). Default: the `ra` (router address) column. */
  resource?: string;
  batchCapacity?: number;
  maxLineBytes?: number;
}

const PROTOS: Record<string, number> = {
  ICMP: 1,
  IGMP: 2,
  TCP: 6,
  UDP: 17,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMP6: 58,
  SCTP: 132,
};
const TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

export class NfdumpCsvParser {
  private readonly file: string;
  private readonly offsetMs: number;
  private readonly resource: string | null;
  private readonly io: LineFlowDriver;
  private readonly onLine = (text: string, line: number): void => this.line(text, line);
  private col = new Map<string, number>();
  private width = 0;
  private done = false;
  rows = 0;

  constructor(options: NfdumpCsvParserOptions = {}) {
    this.file = options.file ?? '<input>';
    this.offsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;
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
    if (text.trim() === '' || this.done) return;
    if (text.startsWith('Summary')) {
      this.done = true;
      return;
    }
    const f = text.split(',');
    if (f[0] === 'ts') {
      this.col = new Map(f.map((name, i) => [name.trim(), i]));
      this.width = f.length;
      return;
    }
    if (this.width === 0) return this.reject(line, 'no-header', text);
    if (f.length !== this.width) return this.reject(line, 'field-count', text);
    const get = (name: string): string => (f[this.col.get(name) ?? -1] ?? '').trim();
    const start = this.time(get('ts'));
    const end = this.time(get('te'));
    if (Number.isNaN(start)) return this.reject(line, 'bad-time:ts', text);
    const src = parseIp(get('sa'));
    const dst = parseIp(get('da'));
    if (src === null) return this.reject(line, 'bad-ip:sa', text);
    if (dst === null) return this.reject(line, 'bad-ip:da', text);
    const prText = get('pr').toUpperCase();
    const proto = PROTOS[prText] ?? (/^\d{1,3}$/.test(prText) ? Number(prText) : -1);
    const packets = Number(get('ipkt'));
    const bytes = Number(get('ibyt'));
    if (!Number.isFinite(packets) || !Number.isFinite(bytes))
      return this.reject(line, 'bad-number:ipkt/ibyt', text);
    const { b, i } = this.io.writer.row();
    b.start[i] = start;
    b.end[i] = end;
    setSrc(b, i, src);
    setDst(b, i, dst);
    const icmp = proto === 1 || proto === 58;
    b.srcPort[i] = icmp ? -1 : port(get('sp'));
    b.dstPort[i] = icmp ? -1 : port(get('dp'));
    b.proto[i] = proto;
    b.packets[i] = packets;
    b.bytes[i] = bytes;
    if (proto === 6) b.tcpFlags[i] = flags(get('flg'));
    b.resource[i] = this.resource ?? (get('ra') || null);
    b.source[i] = 'nfdump';
    this.io.writer.commit();
    this.rows++;
  }

  private time(text: string): number {
    const m = TIME.exec(text);
    if (!m) return NaN;
    const ms = Date.UTC(
      Number(m[1]),
      Number(m[2]) - 1,
      Number(m[3]),
      Number(m[4]),
      Number(m[5]),
      Number(m[6]),
    );
    return (ms - this.offsetMs) / 1000 + (m[7] === undefined ? 0 : Number(`0${m[7]}`));
  }

  private reject(line: number, reason: string, text: string): void {
    this.io.reject(rejection(this.file, line, reason, text));
  }
}

function port(text: string): number {
  // nfdump writes ICMP type.code as "3.3" in dp; ports are plain integers otherwise.
  return /^\d{1,5}$/.test(text) && Number(text) <= 65535 ? Number(text) : -1;
}

/** `........` style flags (CEUAPRSF, or UAPRSF in older versions): a letter is a set bit, from FIN upwards. */
function flags(text: string): number {
  let v = 0;
  for (let i = 0; i < text.length; i++) if (text[text.length - 1 - i] !== '.') v |= 1 << i;
  return v;
}
