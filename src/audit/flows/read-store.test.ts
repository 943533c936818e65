// The data-directory reader against a real store written by src/store.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACTION_ACCEPT,
  ACTION_REJECT,
  DIRECTION_EGRESS,
  DIRECTION_INGRESS,
  createFlowBatch,
} from '../../core/flow.ts';
import { parseIpv4 } from '../../core/ip.ts';
import { openDuckDbStore } from '../../store/duckdb.ts';
import { STORE_FILE, isDataDir, readStoreTraffic } from './read-store.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-audit-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T = (iso: string): number => Date.parse(`${iso}Z`) / 1000;

async function makeStore(): Promise<void> {
  const rows: [string, string, number, string, number, number, number][] = [
    ['2026-11-19T10:00:00', '203.0.113.7', 51000, '10.0.1.5', 22, ACTION_ACCEPT, DIRECTION_INGRESS],
    ['2026-11-19T11:00:00', '203.0.113.7', 51001, '10.0.1.5', 22, ACTION_ACCEPT, DIRECTION_INGRESS],
    ['2026-11-20T10:00:00', '198.51.100.1', 443, '10.0.1.5', 50000, ACTION_ACCEPT, DIRECTION_INGRESS],
    ['2026-11-20T10:00:00', '10.0.1.5', 50000, '198.51.100.1', 443, ACTION_ACCEPT, DIRECTION_EGRESS],
    ['2026-09-01T10:00:00', '192.0.2.1', 40000, '10.0.1.5', 5432, ACTION_REJECT, DIRECTION_INGRESS],
  ];
  const b = createFlowBatch(16);
  for (const [i, [time, src, sport, dst, dport, action, direction]] of rows.entries()) {
    b.start[i] = T(time);
    b.srcIp4[i] = parseIpv4(src);
    b.dstIp4[i] = parseIpv4(dst);
    b.srcPort[i] = sport;
    b.dstPort[i] = dport;
    b.proto[i] = 6;
    b.action[i] = action;
    b.direction[i] = direction;
    b.source[i] = 'vpc:test';
  }
  b.length = rows.length;
  const store = await openDuckDbStore(dir);
  await store.appendFlows(b);
  await store.appendGaps([
    {
      kind: 'skipdata',
      start: T('2026-11-18T00:00:00'),
      end: T('2026-11-18T01:00:00'),
      resource: 'eni-1',
      source: 'vpc:test',
      detail: {},
    },
  ]);
  await store.close();
}

describe('readStoreTraffic', () => {
  it('groups flows in the window, marks replies, skips egress and reads gaps', async () => {
    await makeStore();
    expect(isDataDir(dir)).toBe(true);
    const t = await readStoreTraffic(dir, 30);
    expect(t.window.end).toBe(T('2026-11-20T10:00:00'));
    const groups = t.groups.map((g) => [g.srcIp, g.dstIp, g.dstPort, g.action, g.reply, g.count]).sort();
    expect(groups).toEqual([
      ['198.51.100.1', '10.0.1.5', 50000, 'accept', true, 1],
      ['203.0.113.7', '10.0.1.5', 22, 'accept', false, 2],
    ]);
    expect(t.gaps.map((g) => [g.kind, g.end - g.start])).toEqual([['skipdata', 3600]]);
    expect(t.daysWithData).toBe(2);
  });
  it('fails with a store error when the file is not a database', async () => {
    await writeFile(path.join(dir, STORE_FILE), 'not a database');
    await expect(readStoreTraffic(dir, 30)).rejects.toThrow(/cannot open the store/);
  });
});
