// The agent's bounded on-disk buffer: each batch of lines is one gzip NDJSON file in
// `dir/spool/`, named by a sequence number, its format and a random batch id (sent as the
// `Idempotency-Key`, so a batch whose answer was lost is stored once however often it is
// resent), written (tmp + rename) before the followed file's position is saved, and deleted once
// the server answered 200. When the files exceed `maxBytes`, the oldest are dropped and counted:
// a server down for days costs the oldest lines, never the agent's disk.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface SpoolFile {
  file: string;
  format: string;
  seq: number;
  /** The batch's idempotency key; null for a file an older agent spooled without one. */
  id: string | null;
}

const NAME = /^(\d{12})-([a-z-]+)(?:\.([0-9a-f]{32}))?\.ndjson\.gz$/;

export class Spool {
  private readonly dir: string;
  private readonly maxBytes: number;
  private seq: number;
  /** Batches dropped because the buffer was full. */
  dropped = 0;

  constructor(dir: string, maxBytes: number) {
    this.dir = path.join(dir, 'spool');
    this.maxBytes = maxBytes;
    mkdirSync(this.dir, { recursive: true });
    this.seq = this.list().reduce((m, f) => Math.max(m, f.seq), 0);
  }

  /** Files waiting to be sent, oldest first. */
  list(): SpoolFile[] {
    const out: SpoolFile[] = [];
    for (const n of readdirSync(this.dir)) {
      const m = NAME.exec(n);
      if (m) out.push({ file: path.join(this.dir, n), format: m[2]!, seq: Number(m[1]), id: m[3] ?? null });
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  bytes(): number {
    let total = 0;
    for (const f of this.list()) {
      try {
        total += statSync(f.file).size;
      } catch {
        // sent meanwhile
      }
    }
    return total;
  }

  /** Writes one batch (durably enough for a log shipper: renamed into place), then enforces the bound. */
  add(format: string, lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.seq++;
    const body = gzipSync(lines.map((l) => JSON.stringify({ log: l })).join('\n') + '\n');
    const id = randomBytes(16).toString('hex');
    const name = `${String(this.seq).padStart(12, '0')}-${format}.${id}.ndjson.gz`;
    const tmp = path.join(this.dir, `.${name}.tmp`);
    writeFileSync(tmp, body);
    renameSync(tmp, path.join(this.dir, name));
    const files = this.list();
    let total = this.bytes();
    while (total > this.maxBytes && files.length > 1) {
      const oldest = files.shift()!;
      total -= statSync(oldest.file).size;
      rmSync(oldest.file, { force: true });
      this.dropped++;
    }
  }

  read(f: SpoolFile): Buffer {
    return readFileSync(f.file);
  }

  remove(f: SpoolFile): void {
    rmSync(f.file, { force: true });
  }
}
