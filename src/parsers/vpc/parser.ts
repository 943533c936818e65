// The VPC Flow Logs parser: a streaming byte scanner that writes straight into FlowBatch typed
// arrays. No readline, no split, no object per record: lines are found with indexOf, tokens by
// scanning for spaces, numbers and IPv4 addresses are read from bytes, and repeated strings are
// interned. Malformed lines become Rejections; NODATA/SKIPDATA rows become CoverageGaps.

import {
  ACTION_ACCEPT,
  ACTION_REJECT,
  DEFAULT_BATCH_CAPACITY,
  DIRECTION_EGRESS,
  DIRECTION_INGRESS,
  FLOW_INT_EXTRAS,
  FLOW_TEXT_EXTRAS,
  type CoverageGap,
  type FlowBatch,
} from '../../core/flow.ts';
import { canonicalIpv6 } from '../../core/ip.ts';
import { MAX_REJECTED_TEXT, type ParseOutput, type Rejection } from '../../core/records.ts';
import {
  ascii,
  BAD,
  bytesEqual,
  isDash,
  MAYBE_V6,
  MISSING,
  readIpv4,
  readUint,
  skipToken,
  tokenEnd,
} from './bytes.ts';
import { DEFAULT_VPC_FORMAT, headerLayout, layoutOf, parseVpcFormat, type VpcLayout } from './fields.ts';
import { readV2Row } from './fast-v2.ts';
import { batchFactory, type BatchFactory } from './empty-batch.ts';
import { Interner, MEMOS } from './intern.ts';
import * as layouts from './layout.ts';
import { compileLayout, sameLayout, type CompiledLayout } from './layout.ts';

export interface VpcParserOptions {
  /** File name for rejections. */
  file?: string;
  /** The flow log format (`${version} ${account-id} ...` or plain names), used when there is no header. */
  format?: string;
  /** A ready layout (wins over `format`); Parquet passes its column names this way. */
  layout?: VpcLayout;
  /** Look for a header line (first line, and any rejected line). Default true. */
  detectHeader?: boolean;
  /** Value of the `source` column. Default `vpc`. */
  source?: string;
  batchCapacity?: number;
  /** Start time (Unix seconds) for rows whose format has no `start` or whose `start` is `-`. */
  fallbackStart?: number;
  /**
   * Read default-format lines with the straight-line reader of fast-v2.ts (default true). False
   * runs every line through the generic loop; the tests compare the two.
   */
  fastPath?: boolean;
}

/** Per-line context for records that arrive one by one (CloudWatch Logs events). */
export interface VpcLineContext {
  /** The event timestamp, used when the record has no start time. */
  fallbackStart?: number;
  /** From the log stream name; used when the format has no `interface-id`. */
  interfaceId?: string;
}

// Opcodes copied into module constants: V8 folds these in the row switch, not namespace reads.
const {
  OP_SRC_IP,
  OP_DST_IP,
  OP_SRC_PORT,
  OP_DST_PORT,
  OP_PROTOCOL,
  OP_PACKETS,
  OP_BYTES,
  OP_START,
  OP_END,
  OP_ACTION,
  OP_LOG_STATUS,
  OP_TCP_FLAGS,
  OP_DIRECTION,
  OP_TEXT,
  OP_ADDRESS_TEXT,
  OP_INT,
} = layouts;
const MAX_LINE_BYTES = 1 << 20;
const STATUS_NONE = 0;
const STATUS_OK = 1;
const STATUS_NODATA = 2;
const STATUS_SKIPDATA = 3;

const W_ACCEPT = ascii('ACCEPT');
const W_REJECT = ascii('REJECT');
const W_OK = ascii('OK');
const W_NODATA = ascii('NODATA');
const W_SKIPDATA = ascii('SKIPDATA');
const W_INGRESS = ascii('ingress');
const W_EGRESS = ascii('egress');

export class VpcParser {
  private readonly file: string;
  private readonly source: string;
  private readonly batches: BatchFactory;
  private readonly detectHeader: boolean;
  private readonly fastPath: boolean;
  private layout: CompiledLayout;
  private batch: FlowBatch;
  private textArrays: ((string | null)[] | null)[] = [];
  private intArrays: (Int32Array | null)[] = [];
  private readonly strings = new Interner();
  private readonly addresses = new Interner((raw) => canonicalIpv6(raw));
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private overlong = false;
  private lineNo = 0;
  private sawContent = false;
  private fallbackStart: number | undefined;
  private contextInterface: string | null = null;
  private out: ParseOutput = { batches: [], gaps: [], rejections: [] };

  constructor(options: VpcParserOptions = {}) {
    this.file = options.file ?? '<input>';
    this.source = options.source ?? 'vpc';
    this.batches = batchFactory(options.batchCapacity ?? DEFAULT_BATCH_CAPACITY);
    this.detectHeader = options.detectHeader ?? true;
    this.fastPath = options.fastPath ?? true;
    this.fallbackStart = options.fallbackStart;
    const layout =
      options.layout ??
      (options.format !== undefined ? parseVpcFormat(options.format) : layoutOf(DEFAULT_VPC_FORMAT));
    this.layout = compileLayout(layout);
    this.batch = this.batches.create(this.layout.textWrites);
    this.bindColumns();
  }

  /** Physical lines seen so far, header and blank lines included. */
  get lines(): number {
    return this.lineNo;
  }

  /** The layout in use (changes when a header line is found). */
  get currentLayout(): VpcLayout {
    return this.layout.layout;
  }

  /** Parses every complete line in `chunk`; a partial last line waits for the next chunk. */
  push(chunk: Buffer): ParseOutput {
    let pos = 0;
    const len = chunk.length;
    if (this.carry.length > 0 || this.overlong) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.appendCarry(chunk);
        return this.drain();
      }
      this.appendCarry(chunk.subarray(0, nl));
      this.finishCarry();
      pos = nl + 1;
    }
    while (pos < len) {
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) {
        this.appendCarry(chunk.subarray(pos));
        break;
      }
      this.line(chunk, pos, nl);
      pos = nl + 1;
    }
    return this.drain();
  }

  /** Parses the last line (if it had no newline) and returns everything still held. */
  end(): ParseOutput {
    if (this.carry.length > 0 || this.overlong) this.finishCarry();
    if (this.batch.length > 0) {
      this.out.batches.push(this.batch);
      this.batch = this.batches.create(this.layout.textWrites);
      this.bindColumns();
    }
    return this.drain();
  }

  /**
   * Ends after a read error: returns what is held like end() but drops a partial last line, which is
   * an artifact of the broken input, not a malformed record (the caller reports the error itself).
   */
  abort(): ParseOutput {
    this.carry = [];
    this.carryBytes = 0;
    this.overlong = false;
    return this.end();
  }

  /** Parses one record that arrived on its own (a CloudWatch Logs event); collect with drain(). */
  pushLine(text: string, context: VpcLineContext = {}): void {
    const saved = this.fallbackStart;
    if (context.fallbackStart !== undefined) this.fallbackStart = context.fallbackStart;
    this.contextInterface = context.interfaceId ?? null;
    const buf = Buffer.from(text, 'utf8');
    this.line(buf, 0, buf.length);
    this.fallbackStart = saved;
    this.contextInterface = null;
  }

  /** Everything produced since the last call: full batches, gaps and rejections. */
  drain(): ParseOutput {
    const out = this.out;
    this.out = { batches: [], gaps: [], rejections: [] };
    return out;
  }

  private appendCarry(part: Buffer): void {
    if (this.overlong) return;
    // Parts are joined once the line is complete: no quadratic copying when bytes trickle in.
    this.carry.push(Buffer.from(part));
    this.carryBytes += part.length;
    if (this.carryBytes > MAX_LINE_BYTES) {
      this.lineNo++;
      const head = Buffer.concat(this.carry).subarray(0, MAX_REJECTED_TEXT);
      this.reject('line-too-long', head, 0, head.length);
      this.carry = [];
      this.carryBytes = 0;
      this.overlong = true;
    }
  }

  private finishCarry(): void {
    const parts = this.carry;
    this.carry = [];
    this.carryBytes = 0;
    if (this.overlong) {
      this.overlong = false; // its line number was counted when it was rejected
      return;
    }
    const line = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    this.line(line, 0, line.length);
  }

  private line(buf: Buffer, s: number, e: number): void {
    this.lineNo++;
    while (e > s && (buf[e - 1] === 13 || buf[e - 1] === 32 || buf[e - 1] === 9)) e--;
    if (!this.sawContent) {
      if (e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
      if (s >= e) return;
      this.sawContent = true;
      if (this.detectHeader && this.tryHeader(buf, s, e)) return;
    }
    if (s >= e) return;
    if (e - s > MAX_LINE_BYTES) return this.reject('line-too-long', buf, s, e);
    this.row(buf, s, e);
  }

  /** Switches to the layout a header line names; true when the line was a header. */
  private tryHeader(buf: Buffer, s: number, e: number): boolean {
    const c = buf[s]!;
    if (c < 97 || c > 122) return false;
    const layout = headerLayout(buf.toString('latin1', s, e));
    if (layout === null) return false;
    if (!sameLayout(layout, this.layout.layout)) {
      this.layout = compileLayout(layout);
      this.bindColumns();
    }
    return true;
  }

  private bindColumns(): void {
    const b = this.batch;
    for (const name of this.layout.textWrites) this.batches.ensureWritable(b, name);
    this.textArrays = this.layout.textColumns.map((c) => (c === null ? null : b.text[c]));
    this.intArrays = this.layout.intColumns.map((c) => (c === null ? null : b.ints[c]));
  }

  private row(buf: Buffer, s: number, e: number): void {
    const b = this.batch;
    const r = b.length;
    const lay = this.layout;
    if (
      lay.defaultV2 &&
      this.fastPath &&
      readV2Row(buf, s, e, b, r, this.strings, b.text.account_id, b.text.interface_id)
    ) {
      return this.stored(b, r, b.text.interface_id[r] ?? null);
    }
    const ops = lay.ops;
    const n = ops.length;
    let status = STATUS_NONE;
    let haveSrc = false;
    let haveDst = false;
    let haveStart = false;
    let extra: string | null = null;
    let tgwAttachment: string | null = null;
    let p = s;
    for (let c = 0; c < n; c++) {
      if (p > e) return this.fail(r, 'field-count', buf, s, e);
      let q: number;
      switch (ops[c]) {
        case OP_SRC_IP:
        case OP_DST_IP: {
          const src = ops[c] === OP_SRC_IP;
          const v = readIpv4(buf, p, e);
          q = tokenEnd;
          if (v >= 0) {
            if (src) b.srcIp4[r] = v;
            else b.dstIp4[r] = v;
          } else if (v === MAYBE_V6) {
            const text = this.addresses.get(buf, p, q);
            if (text === null) return this.fail(r, `bad-ip:${lay.names[c]}`, buf, s, e);
            if (src) b.srcIp6[r] = text;
            else b.dstIp6[r] = text;
          } else if (v === BAD) {
            return this.fail(r, `bad-ip:${lay.names[c]}`, buf, s, e);
          } else {
            break; // `-`
          }
          if (src) haveSrc = true;
          else haveDst = true;
          break;
        }
        case OP_SRC_PORT:
        case OP_DST_PORT: {
          const v = readUint(buf, p, e);
          q = tokenEnd;
          if (v === BAD || v > 65535) return this.fail(r, `bad-number:${lay.names[c]}`, buf, s, e);
          if (ops[c] === OP_SRC_PORT) b.srcPort[r] = v;
          else b.dstPort[r] = v;
          break;
        }
        case OP_PROTOCOL: {
          const v = readUint(buf, p, e);
          q = tokenEnd;
          if (v === BAD || v > 255) return this.fail(r, `bad-number:${lay.names[c]}`, buf, s, e);
          b.proto[r] = v;
          break;
        }
        case OP_PACKETS:
        case OP_BYTES: {
          const v = readUint(buf, p, e);
          q = tokenEnd;
          if (v === BAD) return this.fail(r, `bad-number:${lay.names[c]}`, buf, s, e);
          if (v >= 0) (ops[c] === OP_PACKETS ? b.packets : b.bytes)[r] = v;
          break;
        }
        case OP_START:
        case OP_END: {
          const v = readUint(buf, p, e);
          q = tokenEnd;
          if (v === BAD) return this.fail(r, `bad-number:${lay.names[c]}`, buf, s, e);
          if (v < 0) break;
          if (ops[c] === OP_START) {
            b.start[r] = v;
            haveStart = true;
          } else {
            b.end[r] = v;
          }
          break;
        }
        case OP_ACTION:
          q = skipToken(buf, p, e);
          if (bytesEqual(buf, p, q, W_ACCEPT)) b.action[r] = ACTION_ACCEPT;
          else if (bytesEqual(buf, p, q, W_REJECT)) b.action[r] = ACTION_REJECT;
          else if (!isDash(buf, p, q)) return this.fail(r, `bad-value:${lay.names[c]}`, buf, s, e);
          break;
        case OP_LOG_STATUS:
          q = skipToken(buf, p, e);
          if (bytesEqual(buf, p, q, W_OK)) status = STATUS_OK;
          else if (bytesEqual(buf, p, q, W_NODATA)) status = STATUS_NODATA;
          else if (bytesEqual(buf, p, q, W_SKIPDATA)) status = STATUS_SKIPDATA;
          else if (!isDash(buf, p, q)) return this.fail(r, `bad-value:${lay.names[c]}`, buf, s, e);
          break;
        case OP_TCP_FLAGS: {
          const v = readUint(buf, p, e);
          q = tokenEnd;
          if (v === BAD || v > 32767) return this.fail(r, `bad-number:${lay.names[c]}`, buf, s, e);
          b.tcpFlags[r] = v;
          break;
        }
        case OP_DIRECTION:
          q = skipToken(buf, p, e);
          if (bytesEqual(buf, p, q, W_INGRESS)) b.direction[r] = DIRECTION_INGRESS;
          else if (bytesEqual(buf, p, q, W_EGRESS)) b.direction[r] = DIRECTION_EGRESS;
          else if (!isDash(buf, p, q)) return this.fail(r, `bad-value:${lay.names[c]}`, buf, s, e);
          break;
        case OP_TEXT: {
          if (buf[p] === 45 && (p + 1 === e || buf[p + 1] === 32)) {
            q = p + 1;
            break;
          }
          const text = this.strings.token(buf, p, e, c < MEMOS ? c : -1);
          q = this.strings.end;
          if (q === p) return this.fail(r, `empty-field:${lay.names[c]}`, buf, s, e);
          this.textArrays[c]![r] = text;
          break;
        }
        case OP_ADDRESS_TEXT: {
          const v = readIpv4(buf, p, e);
          q = tokenEnd;
          if (v === MISSING) break;
          const text =
            v === MAYBE_V6 ? this.addresses.get(buf, p, q) : v >= 0 ? this.strings.get(buf, p, q) : null;
          if (text === null) return this.fail(r, `bad-ip:${lay.names[c]}`, buf, s, e);
          this.textArrays[c]![r] = text;
          break;
        }
        case OP_INT: {
          const v = readUint(buf, p, e);
          q = tokenEnd;
          if (v === BAD || v > 0x7fffffff) return this.fail(r, `bad-number:${lay.names[c]}`, buf, s, e);
          this.intArrays[c]![r] = v;
          break;
        }
        default: {
          // OP_EXTRA: known fields without a column and unknown names, passed through by name.
          q = skipToken(buf, p, e);
          if (q === p) return this.fail(r, `empty-field:${lay.names[c]}`, buf, s, e);
          if (isDash(buf, p, q)) break;
          const value = this.strings.get(buf, p, q)!;
          if (c === lay.tgwAttachmentColumn) tgwAttachment = value;
          extra = `${extra === null ? '{' : `${extra},`}${lay.extraKeys[c]}${JSON.stringify(value)}`;
        }
      }
      p = q + 1;
    }
    if (p <= e) return this.fail(r, 'field-count', buf, s, e);
    if (!haveStart && this.fallbackStart !== undefined) {
      b.start[r] = this.fallbackStart;
      haveStart = true;
    }
    if (!haveStart) return this.fail(r, 'missing-field:start', buf, s, e);
    let iface = b.text.interface_id[r] ?? null;
    if (!lay.hasInterfaceId && this.contextInterface !== null) {
      iface = this.contextInterface;
      b.text.interface_id[r] = iface;
    }
    const resource = iface ?? b.text.instance_id[r] ?? tgwAttachment;
    if (status === STATUS_NODATA || status === STATUS_SKIPDATA) {
      return this.gap(r, status === STATUS_NODATA ? 'nodata' : 'skipdata', resource);
    }
    if (!haveSrc) return this.fail(r, 'missing-field:srcaddr', buf, s, e);
    if (!haveDst) return this.fail(r, 'missing-field:dstaddr', buf, s, e);
    if (extra !== null) b.text.extra[r] = `${extra}}`;
    this.stored(b, r, resource);
  }

  /** Completes row `r` (resource, source) and hands the batch on when it is full. */
  private stored(b: FlowBatch, r: number, resource: string | null): void {
    b.resource[r] = resource;
    b.source[r] = this.source;
    b.length = r + 1;
    if (b.length === b.capacity) {
      this.out.batches.push(b);
      this.batch = this.batches.create(this.layout.textWrites);
      this.bindColumns();
    }
  }

  private gap(r: number, kind: 'nodata' | 'skipdata', resource: string | null): void {
    const b = this.batch;
    const start = b.start[r]!;
    const end = b.end[r]!;
    const detail: Record<string, string | number> = {};
    const account = b.text.account_id[r];
    if (account != null) detail.account_id = account;
    const iface = b.text.interface_id[r];
    if (iface != null) detail.interface_id = iface;
    const version = b.ints.version[r]!;
    if (version >= 0) detail.version = version;
    const gap: CoverageGap = {
      kind,
      start,
      end: Number.isNaN(end) ? start : end,
      resource,
      source: this.source,
      detail,
    };
    this.out.gaps.push(gap);
    clearRow(b, r);
  }

  private fail(r: number, reason: string, buf: Buffer, s: number, e: number): void {
    clearRow(this.batch, r);
    if (this.detectHeader && this.tryHeader(buf, s, e)) return;
    // A wrong field count explains a bad value better than the value does (columns shifted).
    let fields = 1;
    for (let i = s; i < e; i++) if (buf[i] === 32) fields++;
    this.reject(fields === this.layout.ops.length ? reason : 'field-count', buf, s, e);
  }

  private reject(reason: string, buf: Buffer, s: number, e: number): void {
    const rejection: Rejection = {
      file: this.file,
      line: this.lineNo,
      reason,
      text: buf.toString('utf8', s, Math.min(e, s + MAX_REJECTED_TEXT)),
    };
    this.out.rejections.push(rejection);
  }
}

/** Puts row `r` back to "missing" after a partial write. */
function clearRow(b: FlowBatch, r: number): void {
  b.start[r] = 0;
  b.end[r] = NaN;
  b.srcIp4[r] = 0;
  b.dstIp4[r] = 0;
  b.srcIp6[r] = null;
  b.dstIp6[r] = null;
  b.srcPort[r] = -1;
  b.dstPort[r] = -1;
  b.proto[r] = -1;
  b.packets[r] = NaN;
  b.bytes[r] = NaN;
  b.action[r] = 0;
  b.tcpFlags[r] = -1;
  b.direction[r] = 0;
  b.resource[r] = null;
  b.source[r] = null;
  for (const name of FLOW_TEXT_EXTRAS) {
    const col = b.text[name];
    if (col[r] !== null) col[r] = null; // columns the layout never fills are shared and frozen
  }
  for (const name of FLOW_INT_EXTRAS) b.ints[name][r] = -1;
}

/** Parses a whole buffer at once (tests, benchmarks): all batches, gaps and rejections. */
export function parseVpcBuffer(buf: Buffer, options: VpcParserOptions = {}): ParseOutput & { lines: number } {
  const parser = new VpcParser(options);
  const a = parser.push(buf);
  const b = parser.end();
  return {
    batches: [...a.batches, ...b.batches],
    gaps: [...a.gaps, ...b.gaps],
    rejections: [...a.rejections, ...b.rejections],
    lines: parser.lines,
  };
}
