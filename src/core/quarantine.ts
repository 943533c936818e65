// Malformed input is never dropped silently: each rejected record is appended, with the file,
// line and reason, to an NDJSON file in the data directory, and counted by reason.

import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { MAX_REJECTED_TEXT, type Rejection } from './records.ts';

export interface QuarantineSummary {
  total: number;
  byReason: Map<string, number>;
  /** The file the rejected records were written to, when any were. */
  file: string | null;
}

export interface Quarantine {
  add(rejections: readonly Rejection[]): void;
  summary(): QuarantineSummary;
  close(): void;
}

/** The reason's family: `bad-ip:srcaddr` counts under `bad-ip`. */
export function reasonFamily(reason: string): string {
  const colon = reason.indexOf(':');
  return colon < 0 ? reason : reason.slice(0, colon);
}

/**
 * Opens (lazily, on the first rejection) `DATA_DIR/quarantine/<stamp>.ndjson`. One line per
 * rejected record: {"file","line","reason","text","at"}.
 */
export function openQuarantine(dataDir: string, stampMs: number): Quarantine {
  const dir = path.join(dataDir, 'quarantine');
  const stamp = new Date(stampMs).toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `ingest-${stamp}-${process.pid}.ndjson`);
  const byReason = new Map<string, number>();
  let total = 0;
  let fd: number | null = null;
  let pending: string[] = [];
  const at = new Date(stampMs).toISOString();
  const flushPending = (): void => {
    if (pending.length === 0) return;
    if (fd === null) {
      mkdirSync(dir, { recursive: true });
      fd = openSync(file, 'a', 0o600);
    }
    writeSync(fd, pending.join(''));
    pending = [];
  };
  return {
    add(rejections) {
      for (const r of rejections) {
        total++;
        const family = reasonFamily(r.reason);
        byReason.set(family, (byReason.get(family) ?? 0) + 1);
        const text = r.text.length > MAX_REJECTED_TEXT ? r.text.slice(0, MAX_REJECTED_TEXT) : r.text;
        pending.push(`${JSON.stringify({ file: r.file, line: r.line, reason: r.reason, text, at })}\n`);
      }
      if (pending.length >= 1000) flushPending();
    },
    summary() {
      flushPending();
      return { total, byReason: new Map(byReason), file: fd === null ? null : file };
    },
    close() {
      flushPending();
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
