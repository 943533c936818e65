// NetFlow v9 export packets and IPFIX messages: a header, then FlowSets / Sets walked by their
// length fields (the v9 `count` is not trusted). Templates are learnt, data sets are decoded or
// held until their template arrives. Every loop advances by at least 4 bytes or stops.

import {
  buildTemplate,
  domainKey,
  templateKey,
  type FieldSpec,
  type Template,
  type TemplateCache,
} from './templates.ts';
import { createDomainState, decodeRecords, type DomainState, type MessageContext } from './record.ts';
import type { PendingBuffer } from './pending.ts';
import type { RowWriter } from './rows.ts';
import type { ExporterAddress } from './templates.ts';

export const V9_HEADER_BYTES = 20;
export const IPFIX_HEADER_BYTES = 16;
const SET_HEADER_BYTES = 4;

/** Shared decoder state a message reads and updates. */
export interface MessageDeps {
  templates: TemplateCache;
  pending: PendingBuffer;
  domains: Map<string, DomainState>;
  maxDomains: number;
  rows: RowWriter;
  counters: MessageCounters;
}

export interface MessageCounters {
  templatesDefined: number;
  templateWithdrawalsIgnored: number;
  optionsRecords: number;
  reservedSetsSkipped: number;
  pendingDecoded: number;
  zeroPaddedPackets: number;
}

export interface MessageResult {
  /** Header fields for sequence tracking. */
  sequence: number;
  domain: number;
  domainKey: string;
  exportMs: number;
  /** Data records (data and options) in this message, or -1 if some could not be counted. */
  dataRecords: number;
  /** Bytes the message occupies (IPFIX: its length field; v9: the whole datagram). */
  length: number;
  /** Template and options template records in this message. */
  templateRecords: number;
  /** Problems found: each becomes one Rejection. Good sets before and after are still decoded. */
  problems: string[];
}

export type MessageOutcome = { ok: true; result: MessageResult } | { ok: false; reason: string };

export function decodeMessage(
  buf: Buffer,
  exporter: ExporterAddress,
  receivedAtMs: number,
  deps: MessageDeps,
): MessageOutcome {
  const version = buf.readUInt16BE(0);
  const ipfix = version === 10;
  const headerBytes = ipfix ? IPFIX_HEADER_BYTES : V9_HEADER_BYTES;
  if (buf.length < headerBytes) return { ok: false, reason: 'truncated-header' };
  let end = buf.length;
  let ctx: MessageContext;
  let sequence: number;
  let domain: number;
  if (ipfix) {
    const length = buf.readUInt16BE(2);
    if (length < IPFIX_HEADER_BYTES || length > buf.length) return { ok: false, reason: 'ipfix-length' };
    end = length;
    ctx = { version: 10, resource: exporter.address, exportMs: buf.readUInt32BE(4) * 1000, uptimeMs: NaN };
    sequence = buf.readUInt32BE(8);
    domain = buf.readUInt32BE(12);
  } else {
    ctx = {
      version: 9,
      resource: exporter.address,
      exportMs: buf.readUInt32BE(8) * 1000,
      uptimeMs: buf.readUInt32BE(4),
    };
    sequence = buf.readUInt32BE(12);
    domain = buf.readUInt32BE(16);
  }
  const dKey = domainKey(exporter, domain);
  const state = domainState(deps, dKey);
  const result: MessageResult = {
    sequence,
    domain,
    domainKey: dKey,
    exportMs: ctx.exportMs,
    dataRecords: 0,
    length: end,
    templateRecords: 0,
    problems: [],
  };

  let off = headerBytes;
  while (end - off >= SET_HEADER_BYTES) {
    const setId = buf.readUInt16BE(off);
    const setLength = buf.readUInt16BE(off + 2);
    if (setLength < SET_HEADER_BYTES || off + setLength > end) {
      // Some exporters send a packet larger than its FlowSets, zero-filled (Palo Alto 8.1).
      if (!ipfix && allZero(buf, off, end)) deps.counters.zeroPaddedPackets++;
      else result.problems.push(setLength < SET_HEADER_BYTES ? 'set-length-short' : 'set-length-overrun');
      break;
    }
    const bodyStart = off + SET_HEADER_BYTES;
    const bodyEnd = off + setLength;
    off = bodyEnd;
    const kind = setKind(setId, ipfix);
    switch (kind) {
      case 'template':
      case 'options-template': {
        const problem = readTemplates(
          buf,
          bodyStart,
          bodyEnd,
          kind,
          ipfix,
          dKey,
          receivedAtMs,
          deps,
          state,
          result,
        );
        if (problem !== null) result.problems.push(problem);
        break;
      }
      case 'data': {
        const key = templateKey(dKey, setId);
        const t = deps.templates.get(key, receivedAtMs);
        if (t === undefined) {
          deps.pending.add({
            templateKey: key,
            domainKey: dKey,
            ctx,
            body: Buffer.from(buf.subarray(bodyStart, bodyEnd)),
            receivedAtMs,
          });
          result.dataRecords = -1;
          break;
        }
        const r = decodeRecords(buf, bodyStart, bodyEnd, t, ctx, state, deps.rows);
        if (t.kind === 'options') deps.counters.optionsRecords += r.records;
        if (result.dataRecords >= 0) result.dataRecords += r.records;
        if (r.error !== null) result.problems.push(r.error);
        break;
      }
      case 'reserved':
        deps.counters.reservedSetsSkipped++;
        break;
      default: {
        const never: never = kind;
        return never;
      }
    }
  }
  if (end - off > 0 && end - off < SET_HEADER_BYTES && !allZero(buf, off, end)) {
    result.problems.push('trailing-bytes');
  }
  return { ok: true, result };
}

type SetKind = 'template' | 'options-template' | 'data' | 'reserved';

function setKind(id: number, ipfix: boolean): SetKind {
  if (id >= 256) return 'data';
  if (ipfix) return id === 2 ? 'template' : id === 3 ? 'options-template' : 'reserved';
  return id === 0 ? 'template' : id === 1 ? 'options-template' : 'reserved';
}

export function allZero(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}

function domainState(deps: MessageDeps, key: string): DomainState {
  let s = deps.domains.get(key);
  if (s === undefined) {
    if (deps.domains.size >= deps.maxDomains) {
      const oldest = deps.domains.keys().next().value;
      if (oldest !== undefined) deps.domains.delete(oldest);
    }
    s = createDomainState();
    deps.domains.set(key, s);
  }
  return s;
}

/**
 * Reads the template records of one (options) template set. Returns a reason when the set is
 * malformed; templates read before the problem are kept.
 */
function readTemplates(
  buf: Buffer,
  start: number,
  end: number,
  kind: 'template' | 'options-template',
  ipfix: boolean,
  dKey: string,
  receivedAtMs: number,
  deps: MessageDeps,
  state: DomainState,
  result: MessageResult,
): string | null {
  let off = start;
  // A template record needs at least 4 bytes (id, count); fewer left over is padding.
  while (end - off >= 4) {
    const id = buf.readUInt16BE(off);
    if (id === 0 && allZero(buf, off, end)) return null; // padding
    if (id < 256) return 'template-id';
    let fieldCount: number;
    let scopeCount = 0;
    if (kind === 'template') {
      fieldCount = buf.readUInt16BE(off + 2);
      off += 4;
      if (fieldCount === 0) {
        // A withdrawal: meaningful over TCP/SCTP only; over UDP templates simply expire.
        if (!ipfix) return 'template-empty';
        deps.counters.templateWithdrawalsIgnored++;
        continue;
      }
    } else if (ipfix) {
      fieldCount = buf.readUInt16BE(off + 2);
      if (fieldCount === 0) {
        // A withdrawal is 4 bytes even in an options template set (RFC 7011 §8.1).
        off += 4;
        deps.counters.templateWithdrawalsIgnored++;
        continue;
      }
      if (end - off < 6) return 'template-truncated';
      scopeCount = buf.readUInt16BE(off + 4);
      off += 6;
      if (scopeCount === 0 || scopeCount > fieldCount) return 'options-scope-count';
    } else {
      // v9 options templates give the scope and option lengths in bytes, 4 bytes per field.
      if (end - off < 6) return 'template-truncated';
      const scopeBytes = buf.readUInt16BE(off + 2);
      const optionBytes = buf.readUInt16BE(off + 4);
      off += 6;
      if (scopeBytes % 4 !== 0 || optionBytes % 4 !== 0) return 'options-lengths';
      scopeCount = scopeBytes / 4;
      fieldCount = scopeCount + optionBytes / 4;
      if (fieldCount === 0) return 'template-empty';
    }
    const fields: FieldSpec[] = [];
    for (let i = 0; i < fieldCount; i++) {
      if (end - off < 4) return 'template-truncated';
      let ie = buf.readUInt16BE(off);
      const length = buf.readUInt16BE(off + 2);
      off += 4;
      let enterprise = 0;
      if (ipfix && ie & 0x8000) {
        if (end - off < 4) return 'template-truncated';
        ie &= 0x7fff;
        enterprise = buf.readUInt32BE(off);
        off += 4;
      }
      fields.push({ ie, enterprise, length });
    }
    const t = buildTemplate(
      kind === 'template' ? 'data' : 'options',
      id,
      fields,
      scopeCount,
      receivedAtMs,
      !ipfix,
    );
    // A record of zero bytes would never advance the data walk: refuse the template.
    if (t.minRecordLength === 0) return 'template-empty';
    const key = templateKey(dKey, id);
    deps.templates.set(key, t);
    deps.counters.templatesDefined++;
    result.templateRecords++;
    decodePending(key, t, deps, state, result);
    // v9 options template FlowSets are padded to 4 bytes after the record.
    if (!ipfix && kind === 'options-template' && end - off < 10) return null;
  }
  return null;
}

function decodePending(
  key: string,
  t: Template,
  deps: MessageDeps,
  state: DomainState,
  result: MessageResult,
): void {
  for (const p of deps.pending.take(key)) {
    const r = decodeRecords(
      p.body,
      0,
      p.body.length,
      t,
      p.ctx,
      deps.domains.get(p.domainKey) ?? state,
      deps.rows,
    );
    deps.counters.pendingDecoded++;
    if (t.kind === 'options') deps.counters.optionsRecords += r.records;
    if (r.error !== null) result.problems.push(r.error);
  }
}
