// The quarantine read back, for the dashboard's ingest health: rejected lines counted by input
// (the file or live source the record came from) and by reason family, with the newest rejection
// time. Bounded: the newest files first, at most `maxLines` lines read; `truncated` says so.

import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { reasonFamily } from './quarantine.ts';

export interface QuarantinedInput {
  input: string;
  lines: number;
  byReason: Record<string, number>;
  /** Newest `at` of this input's rejected lines (ISO 8601), when the lines carry one. */
  last: string | null;
}

export interface QuarantineReport {
  total: number;
  files: number;
  inputs: QuarantinedInput[];
  /** Lines that are not a quarantine record (a damaged file), counted apart. */
  unreadable: number;
  truncated: boolean;
}

export interface QuarantineLimits {
  maxFiles: number;
  maxLines: number;
}

const DEFAULT_LIMITS: QuarantineLimits = { maxFiles: 200, maxLines: 1_000_000 };

async function newestFirst(dir: string, max: number): Promise<{ files: string[]; more: boolean }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.ndjson'));
  } catch {
    return { files: [], more: false };
  }
  const withTime = await Promise.all(
    names.map(async (n) => {
      const file = path.join(dir, n);
      return { file, mtime: (await stat(file)).mtimeMs };
    }),
  );
  withTime.sort((a, b) => b.mtime - a.mtime || a.file.localeCompare(b.file));
  return { files: withTime.slice(0, max).map((f) => f.file), more: withTime.length > max };
}

/** Reads `DATA_DIR/quarantine/*.ndjson` (what openQuarantine writes). */
export async function readQuarantine(
  dataDir: string,
  limits: QuarantineLimits = DEFAULT_LIMITS,
): Promise<QuarantineReport> {
  const { files, more } = await newestFirst(path.join(dataDir, 'quarantine'), limits.maxFiles);
  const byInput = new Map<string, QuarantinedInput>();
  let total = 0;
  let unreadable = 0;
  let read = 0;
  let truncated = more;
  for (const file of files) {
    if (read >= limits.maxLines) {
      truncated = true;
      break;
    }
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === '') continue;
      if (read >= limits.maxLines) {
        truncated = true;
        lines.close();
        break;
      }
      read++;
      const r = record(line);
      if (r === null) {
        unreadable++;
        continue;
      }
      total++;
      const entry = byInput.get(r.file) ?? { input: r.file, lines: 0, byReason: {}, last: null };
      entry.lines++;
      const family = reasonFamily(r.reason);
      entry.byReason[family] = (entry.byReason[family] ?? 0) + 1;
      if (r.at !== null && (entry.last === null || r.at > entry.last)) entry.last = r.at;
      byInput.set(r.file, entry);
    }
  }
  const inputs = [...byInput.values()].sort((a, b) => b.lines - a.lines || a.input.localeCompare(b.input));
  return { total, files: files.length, inputs, unreadable, truncated };
}

function record(line: string): { file: string; reason: string; at: string | null } | null {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null) return null;
  const { file, reason, at } = o as Record<string, unknown>;
  if (typeof file !== 'string' || typeof reason !== 'string') return null;
  return { file, reason, at: typeof at === 'string' ? at : null };
}
