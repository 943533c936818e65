// The bus message: a slice of a FlowBatch (about 100 rows), coverage gaps and log events, or the
// end-of-input marker, in one binary payload. Layout: u32 header length, the JSON header (row
// count, string columns as dictionary + codes, gaps, events), padding to 8 bytes, then the numeric
// columns' bytes in NUMERIC_COLUMNS order (widest first, so every column stays aligned).

import { FLOW_INT_EXTRAS, FLOW_TEXT_EXTRAS, type CoverageGap, type FlowBatch } from '../core/flow.ts';
import type { LogEvent } from '../core/records.ts';

export type BusMessage =
  | { kind: 'records'; flows: FlowBatch | null; gaps: CoverageGap[]; events: LogEvent[] }
  /** No more input: workers close every window (an import's end; live nodes never send it). */
  | { kind: 'end' };

type Numeric = Float64Array | Uint32Array | Int32Array | Int16Array | Uint8Array;
type Ctor = { new (buffer: ArrayBuffer, offset: number, length: number): Numeric; BYTES_PER_ELEMENT: number };

/** A numeric column by its FlowBatch field (`ints.NAME` for the integer extras). */
const NUMERIC_COLUMNS: readonly { name: string; get: (b: FlowBatch) => Numeric; ctor: Ctor }[] = [
  { name: 'start', get: (b) => b.start, ctor: Float64Array },
  { name: 'end', get: (b) => b.end, ctor: Float64Array },
  { name: 'packets', get: (b) => b.packets, ctor: Float64Array },
  { name: 'bytes', get: (b) => b.bytes, ctor: Float64Array },
  { name: 'srcIp4', get: (b) => b.srcIp4, ctor: Uint32Array },
  { name: 'dstIp4', get: (b) => b.dstIp4, ctor: Uint32Array },
  { name: 'srcPort', get: (b) => b.srcPort, ctor: Int32Array },
  { name: 'dstPort', get: (b) => b.dstPort, ctor: Int32Array },
  ...FLOW_INT_EXTRAS.map((name) => ({
    name: `ints.${name}`,
    get: (b: FlowBatch) => b.ints[name],
    ctor: Int32Array as Ctor,
  })),
  { name: 'proto', get: (b) => b.proto, ctor: Int16Array },
  { name: 'tcpFlags', get: (b) => b.tcpFlags, ctor: Int16Array },
  { name: 'action', get: (b) => b.action, ctor: Uint8Array },
  { name: 'direction', get: (b) => b.direction, ctor: Uint8Array },
];

const STRING_COLUMNS: readonly { name: string; get: (b: FlowBatch) => (string | null)[] }[] = [
  { name: 'srcIp6', get: (b) => b.srcIp6 },
  { name: 'dstIp6', get: (b) => b.dstIp6 },
  { name: 'resource', get: (b) => b.resource },
  { name: 'source', get: (b) => b.source },
  ...FLOW_TEXT_EXTRAS.map((name) => ({ name: `text.${name}`, get: (b: FlowBatch) => b.text[name] })),
];

/** A string column: dictionary and one code per row (-1 = null); absent when all null. */
type WireStrings = [string[], number[]];

interface Header {
  kind: BusMessage['kind'];
  rows: number;
  strings: Record<string, WireStrings>;
  gaps: CoverageGap[];
  events: LogEvent[];
}

function encodeStrings(col: readonly (string | null)[], from: number, n: number): WireStrings | null {
  const dict: string[] = [];
  const codes = new Map<string, number>();
  const index: number[] = new Array<number>(n).fill(-1);
  let any = false;
  for (let i = 0; i < n; i++) {
    const v = col[from + i] ?? null;
    if (v === null) continue;
    any = true;
    let c = codes.get(v);
    if (c === undefined) {
      c = dict.length;
      dict.push(v);
      codes.set(v, c);
    }
    index[i] = c;
  }
  return any ? [dict, index] : null;
}

/** Encodes rows [from, from + n) of `flows` (or none) with gaps and events. */
export function encodeRecords(
  flows: FlowBatch | null,
  from: number,
  n: number,
  gaps: readonly CoverageGap[] = [],
  events: readonly LogEvent[] = [],
): Uint8Array {
  const rows = flows === null ? 0 : n;
  const strings: Record<string, WireStrings> = {};
  if (flows !== null) {
    for (const c of STRING_COLUMNS) {
      const s = encodeStrings(c.get(flows), from, rows);
      if (s !== null) strings[c.name] = s;
    }
  }
  const header: Header = { kind: 'records', rows, strings, gaps: [...gaps], events: [...events] };
  return pack(header, flows, from, rows);
}

export function encodeEnd(): Uint8Array {
  return pack({ kind: 'end', rows: 0, strings: {}, gaps: [], events: [] }, null, 0, 0);
}

function pack(header: Header, flows: FlowBatch | null, from: number, rows: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((4 + json.length) / 8) * 8;
  const bytes = NUMERIC_COLUMNS.reduce((sum, c) => sum + c.ctor.BYTES_PER_ELEMENT * rows, 0);
  const out = new Uint8Array(start + bytes);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let offset = start;
  if (flows !== null) {
    for (const c of NUMERIC_COLUMNS) {
      const a = c.get(flows);
      const size = c.ctor.BYTES_PER_ELEMENT;
      out.set(new Uint8Array(a.buffer, a.byteOffset + from * size, rows * size), offset);
      offset += rows * size;
    }
  }
  return out;
}

export function decodeMessage(data: Uint8Array): BusMessage {
  // One copy into a fresh, aligned buffer: the columns below are views on it.
  const buf = new Uint8Array(data.length);
  buf.set(data);
  const jsonLength = new DataView(buf.buffer).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(4, 4 + jsonLength))) as Header;
  if (header.kind === 'end') return { kind: 'end' };
  const rows = header.rows;
  const flows = rows > 0 ? decodeFlows(buf, Math.ceil((4 + jsonLength) / 8) * 8, rows, header.strings) : null;
  // JSON has no NaN: an unknown gap end travels as null.
  const gaps = header.gaps.map((g) => ({ ...g, end: g.end ?? NaN }));
  return { kind: 'records', flows, gaps, events: header.events };
}

/**
 * The message's rows as a FlowBatch whose numeric columns are views on `buf` (already a private
 * copy): no column is allocated, filled and then copied over. Workers decode every message once
 * per shard, and building the batch with createFlowBatch() was most of a decode (profiled).
 */
function decodeFlows(
  buf: Uint8Array<ArrayBuffer>,
  offset: number,
  rows: number,
  strings: Header['strings'],
): FlowBatch {
  const numeric = new Map<string, Numeric>();
  for (const c of NUMERIC_COLUMNS) {
    numeric.set(c.name, new c.ctor(buf.buffer, offset, rows));
    offset += rows * c.ctor.BYTES_PER_ELEMENT;
  }
  const text = new Map<string, (string | null)[]>();
  for (const c of STRING_COLUMNS) {
    const col = new Array<string | null>(rows).fill(null);
    const s = strings[c.name];
    if (s !== undefined) {
      const [dict, index] = s;
      for (let i = 0; i < rows; i++) {
        const code = index[i]!;
        if (code >= 0) col[i] = dict[code]!;
      }
    }
    text.set(c.name, col);
  }
  const num = <T extends Numeric>(name: string): T => numeric.get(name) as T;
  const str = (name: string): (string | null)[] => text.get(name)!;
  return {
    length: rows,
    capacity: rows,
    start: num('start'),
    end: num('end'),
    srcIp4: num('srcIp4'),
    dstIp4: num('dstIp4'),
    srcIp6: str('srcIp6'),
    dstIp6: str('dstIp6'),
    srcPort: num('srcPort'),
    dstPort: num('dstPort'),
    proto: num('proto'),
    packets: num('packets'),
    bytes: num('bytes'),
    action: num('action'),
    tcpFlags: num('tcpFlags'),
    direction: num('direction'),
    resource: str('resource'),
    source: str('source'),
    text: Object.fromEntries(FLOW_TEXT_EXTRAS.map((n) => [n, str(`text.${n}`)])) as FlowBatch['text'],
    ints: Object.fromEntries(FLOW_INT_EXTRAS.map((n) => [n, num(`ints.${n}`)])) as FlowBatch['ints'],
  };
}
