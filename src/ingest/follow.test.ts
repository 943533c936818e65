import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import type { Quarantine } from '../core/quarantine.ts';
import type { Rejection } from '../core/records.ts';
import { FileFollower } from '../sources/follow.ts';
import { openDuckDbStore } from '../store/duckdb.ts';
import { followIngest, positionFile, type FollowCounts } from './follow.ts';

const line = (n: number): string =>
  `Nov 23 08:12:${String(n % 60).padStart(2, '0')} vm sshd[${1000 + n}]: Failed password for root from 203.0.113.${n % 250} port ${40000 + n} ssh2\n`;
const lines = (from: number, to: number): string =>
  Array.from({ length: to - from }, (_, k) => line(from + k)).join('');

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sg-follow-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('FileFollower', () => {
  it('reads complete lines only, and follows rotation (rest of the old file first) and truncation', () => {
    const log = path.join(dir, 'auth.log');
    writeFileSync(log, `${lines(0, 3)}partial`);
    const f = new FileFollower(log, null);
    expect(f.poll()?.bytes.toString()).toBe(lines(0, 3));
    expect(f.poll()).toBeNull();
    appendFileSync(log, ' line\n');
    expect(f.poll()?.bytes.toString()).toBe('partial line\n');
    appendFileSync(log, line(3));
    renameSync(log, `${log}.1`);
    writeFileSync(log, line(4));
    const a = f.poll();
    expect(a?.bytes.toString()).toBe(line(3));
    const b = f.poll();
    expect(b).toMatchObject({ rotated: 'rotated' });
    expect(b?.bytes.toString()).toBe(line(4));
    truncateSync(log, 0);
    appendFileSync(log, 'short\n');
    // Same inode, smaller than our offset: read again from the start.
    const c = f.poll();
    expect(c).toMatchObject({ rotated: 'truncated' });
    expect(c?.bytes.toString()).toBe('short\n');
    f.close();
  });
});

describe('followIngest', () => {
  async function run(log: string, until: (c: FollowCounts) => boolean): Promise<FollowCounts> {
    const store = await openDuckDbStore(path.join(dir, 'data'));
    const rejected: Rejection[] = [];
    const quarantine: Quarantine = {
      add: (r) => void rejected.push(...r),
      summary: () => ({ total: rejected.length, byReason: new Map(), file: null }),
      close: () => undefined,
    };
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), 10_000); // bounded
    try {
      return await followIngest(
        {
          store,
          pipeline: null,
          quarantine,
          clock: manualClock(Date.UTC(2026, 10, 23, 9)),
          dataDir: path.join(dir, 'data'),
        },
        log,
        { pollMs: 10, signal: stop.signal, onStored: (c) => void (until(c) && stop.abort()) },
      );
    } finally {
      clearTimeout(timer);
      await store.close();
    }
  }

  async function stored(): Promise<number> {
    const store = await openDuckDbStore(path.join(dir, 'data'));
    try {
      const [row] = await store.all('SELECT count(*) AS n FROM events');
      return Number(row?.['n']);
    } finally {
      await store.close();
    }
  }

  it('stores events, saves the position after the flush, and resumes there after a restart and a rotation', async () => {
    const log = path.join(dir, 'auth.log');
    writeFileSync(log, lines(0, 10));
    const first = await run(log, (c) => c.events >= 10);
    expect(first).toMatchObject({ events: 10, resumedFrom: null });
    const saved = JSON.parse(readFileSync(positionFile(path.join(dir, 'data'), log), 'utf8')) as {
      offset: number;
    };
    expect(saved.offset).toBe(Buffer.byteLength(lines(0, 10)));
    // While stopped: more lines, then logrotate moves the file away and starts a new one.
    appendFileSync(log, lines(10, 15));
    renameSync(log, `${log}.1`);
    writeFileSync(log, lines(15, 18));
    const second = await run(log, (c) => c.events >= 8);
    expect(second).toMatchObject({ events: 8, resumedFrom: { offset: saved.offset } });
    expect(await stored()).toBe(18);
  });
});
