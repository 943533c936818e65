// FlowBatch rows, coverage gaps and log events as VALUES tuples for ClickHouse, with the same
// missing-value rules as the DuckDB appender (flow-chunks.ts): negative ints, NaN counts and
// unstorable times become NULL; IPv4 columns are NULL on IPv6 rows.

import { FLOW_INT_EXTRAS, FLOW_TEXT_EXTRAS, type CoverageGap, type FlowBatch } from '../../core/flow.ts';
import type { LogEvent } from '../../core/records.ts';
import { validTime } from '../flow-chunks.ts';
import { sqlLiteral } from './literal.ts';

const TWO_63 = 2 ** 63;

/** Epoch seconds as a Decimal64(6) literal, rounded to the microsecond like the DuckDB store. */
export function secondsLiteral(s: number): string {
  if (!validTime(s)) return 'NULL';
  let whole = Math.floor(s);
  let micros = Math.round((s - whole) * 1e6);
  if (micros === 1_000_000) {
    whole += 1;
    micros = 0;
  }
  return `${whole}.${String(micros).padStart(6, '0')}`;
}

const intOrNull = (x: number): string => (x >= 0 ? String(x) : 'NULL');
const countOrNull = (x: number): string =>
  x >= 0 && x < TWO_63
    ? x <= Number.MAX_SAFE_INTEGER
      ? String(Math.trunc(x))
      : BigInt(Math.trunc(x)).toString()
    : 'NULL';
const text = (s: string | null | undefined): string => (s == null ? 'NULL' : sqlLiteral(s));

/** Rows [0, b.length) of a batch as `(...)` tuples in FLOW_COLUMNS order (schema.ts). */
export function flowTuples(b: FlowBatch): string[] {
  const out: string[] = [];
  for (let i = 0; i < b.length; i++) {
    const srcV6 = b.srcIp6[i] ?? null;
    const dstV6 = b.dstIp6[i] ?? null;
    const parts = [
      secondsLiteral(b.start[i]!),
      secondsLiteral(b.end[i]!),
      srcV6 === null ? String(b.srcIp4[i]!) : 'NULL',
      dstV6 === null ? String(b.dstIp4[i]!) : 'NULL',
      text(srcV6),
      text(dstV6),
      intOrNull(b.srcPort[i]!),
      intOrNull(b.dstPort[i]!),
      intOrNull(b.proto[i]!),
      countOrNull(b.packets[i]!),
      countOrNull(b.bytes[i]!),
      String(b.action[i]!),
      intOrNull(b.tcpFlags[i]!),
      String(b.direction[i]!),
      text(b.resource[i]),
      text(b.source[i]),
    ];
    for (const name of FLOW_INT_EXTRAS) parts.push(intOrNull(b.ints[name][i]!));
    for (const name of FLOW_TEXT_EXTRAS) parts.push(text(b.text[name][i]));
    out.push(`(${parts.join(',')})`);
  }
  return out;
}

/** A gap as a tuple in GAP_COLUMNS order. */
export function gapTuple(g: CoverageGap): string {
  const account = g.detail['account_id'] ?? g.detail['accountId'];
  return `(${[
    sqlLiteral(g.kind),
    secondsLiteral(g.start),
    secondsLiteral(g.end),
    text(g.resource),
    text(g.source),
    text(account === undefined ? null : String(account)),
    sqlLiteral(JSON.stringify(g.detail)),
  ].join(',')})`;
}

const port = (v: number | null): string =>
  v === null || !Number.isInteger(v) || v < 0 || v > 65_535 ? 'NULL' : String(v);

/** An event as a tuple in EVENT_COLUMNS order. */
export function eventTuple(e: LogEvent): string {
  return `(${[
    secondsLiteral(e.time),
    sqlLiteral(e.kind),
    text(e.outcome),
    text(e.src_ip),
    port(e.src_port),
    text(e.dst_ip),
    port(e.dst_port),
    text(e.user),
    text(e.message),
    text(e.source),
    text(e.host),
    sqlLiteral(JSON.stringify(e.fields)),
  ].join(',')})`;
}
