// One list entry: an IP or CIDR in any spelling, normalised to canonical CIDR text so lists can
// be deduplicated, stored and reloaded cheaply. Bare addresses become /32 or /128.

import { formatIpv4, formatIpv6Groups, parseIpv4, parseIpv6Groups } from '../core/ip.ts';
import { MAX_REJECTED_TEXT, type Rejection } from '../core/records.ts';
import { v4Mask } from './cidr-index.ts';

/**
 * Prefixes shorter than these cover a large part of the internet: in a threat list they are
 * almost always a typo (`1.2.3.4/3`), and in a trusted list they would silence everything.
 */
export const MIN_PREFIX_V4 = 8;
export const MIN_PREFIX_V6 = 16;

/** Lines longer than this are rejected without being parsed (hostile or binary input). */
export const MAX_LINE_LENGTH = 4096;

export type EntryResult = { ok: true; cidr: string; family: 4 | 6 } | { ok: false; reason: string };

/** Normalises `198.51.100.7`, `198.51.100.0/24`, `2001:DB8::/32`... to canonical CIDR text. */
export function normaliseEntry(raw: string): EntryResult {
  const text = raw.trim();
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bitsText = slash < 0 ? null : text.slice(slash + 1);
  if (bitsText !== null && !/^\d{1,3}$/.test(bitsText)) return { ok: false, reason: 'bad-prefix' };
  const v4 = parseIpv4(addr);
  if (v4 >= 0) {
    const bits = bitsText === null ? 32 : Number(bitsText);
    if (bits > 32) return { ok: false, reason: 'bad-prefix' };
    if (bits < MIN_PREFIX_V4) return { ok: false, reason: 'prefix-too-broad' };
    return { ok: true, cidr: `${formatIpv4((v4 & v4Mask(bits)) >>> 0)}/${bits}`, family: 4 };
  }
  const groups = addr.includes(':') ? parseIpv6Groups(addr) : null;
  if (groups === null) return { ok: false, reason: 'bad-ip' };
  const bits = bitsText === null ? 128 : Number(bitsText);
  if (bits > 128) return { ok: false, reason: 'bad-prefix' };
  if (bits < MIN_PREFIX_V6) return { ok: false, reason: 'prefix-too-broad' };
  let left = bits;
  const masked = groups.map((g) => {
    const take = Math.max(0, Math.min(16, left));
    left -= take;
    return take === 0 ? 0 : g & ((0xffff << (16 - take)) & 0xffff);
  });
  return { ok: true, cidr: `${formatIpv6Groups(masked)}/${bits}`, family: 6 };
}

export type ListFormat = 'txt' | 'csv' | 'stix' | 'drop' | 'tor';
export const LIST_FORMATS: readonly ListFormat[] = ['txt', 'csv', 'stix', 'drop', 'tor'];

/** What a list parser produced: distinct normalised entries and everything it did not take. */
export interface ParsedList {
  format: ListFormat;
  entries: string[];
  v4: number;
  v6: number;
  rejections: Rejection[];
  /** Entries seen more than once in this file (kept once). */
  duplicates: number;
  /** Records deliberately not taken, by reason (revoked or expired indicators, non-IP indicators...). */
  skipped: Record<string, number>;
}

/** Collects entries, rejections and skips while a parser walks a file. */
export class ListCollector {
  private readonly seen = new Set<string>();
  private readonly file: string;
  private v4 = 0;
  private v6 = 0;
  readonly rejections: Rejection[] = [];
  duplicates = 0;
  readonly skipped: Record<string, number> = {};

  constructor(file: string) {
    this.file = file;
  }

  /** Adds an IP/CIDR text; on failure records a rejection with `reasonPrefix` context. */
  add(value: string, line: number, lineText: string): boolean {
    const r = normaliseEntry(value);
    if (!r.ok) {
      this.reject(line, r.reason, lineText);
      return false;
    }
    if (this.seen.has(r.cidr)) {
      this.duplicates++;
      return true;
    }
    this.seen.add(r.cidr);
    if (r.family === 4) this.v4++;
    else this.v6++;
    return true;
  }

  reject(line: number, reason: string, text: string): void {
    this.rejections.push({ file: this.file, line, reason, text: text.slice(0, MAX_REJECTED_TEXT) });
  }

  skip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }

  result(format: ListFormat): ParsedList {
    return {
      format,
      entries: [...this.seen],
      v4: this.v4,
      v6: this.v6,
      rejections: this.rejections,
      duplicates: this.duplicates,
      skipped: this.skipped,
    };
  }
}

/** Splits text into lines (LF or CRLF), calling back with 1-based numbers; overlong lines are rejected. */
export function eachLine(
  text: string,
  collector: ListCollector,
  onLine: (line: string, lineNo: number) => void,
): void {
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    if (line.length > MAX_LINE_LENGTH) collector.reject(lineNo, 'line-too-long', line);
    else onLine(line, lineNo);
    start = end + 1;
  }
}

/** Removes `#` and `;` comments (whole-line or trailing) and surrounding blanks. */
export function stripComment(line: string): string {
  let cut = line.length;
  const hash = line.indexOf('#');
  if (hash >= 0) cut = hash;
  const semi = line.indexOf(';');
  if (semi >= 0 && semi < cut) cut = semi;
  return line.slice(0, cut).trim();
}
