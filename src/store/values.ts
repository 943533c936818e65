// Conversions between JS values and DuckDB values at the store's edges: parameters going in,
// result values coming out (JS-friendly for our own code, JSON-friendly for users).

import { DuckDBTimestampValue, type DuckDBValue } from '@duckdb/node-api';
import type { SqlValue } from './store.ts';

/** A bound parameter as DuckDB sees it. Dates become TIMESTAMP (microseconds, UTC). */
export function toDuckDbValue(v: SqlValue): DuckDBValue {
  return v instanceof Date ? new DuckDBTimestampValue(BigInt(v.getTime()) * 1000n) : v;
}

export function toDuckDbValues(params: readonly SqlValue[]): DuckDBValue[] {
  return params.map(toDuckDbValue);
}

/** For our own code: BigInt becomes a number when it is exactly representable; Dates stay Dates. */
export function jsFriendly(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(jsFriendly);
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = jsFriendly(x);
    return out;
  }
  return v;
}

/**
 * For users (JSON output): BigInt becomes a number when safe and a decimal string otherwise;
 * timestamps become ISO 8601 strings (DATE columns as YYYY-MM-DD); blobs become hex text.
 */
export function jsonFriendly(v: unknown, isDate = false): unknown {
  if (typeof v === 'bigint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v.toString();
  }
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return null;
    const iso = v.toISOString();
    return isDate ? iso.slice(0, 10) : iso;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? null : String(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map((x) => jsonFriendly(x));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = jsonFriendly(x);
    return out;
  }
  return v;
}
