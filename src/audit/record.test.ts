import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { createListIntel, noAssets } from '../engine/lookups.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import { openDuckDbStore } from '../store/duckdb.ts';
import { auditPaths, type AuditReport } from './audit.ts';
import { joinFlows } from './flows/join.ts';
import { POSTURE_SIGNAL_TYPE } from './flows/signals.ts';
import { latestPostureReport, recordPostureFindings, savePostureReport } from './record.ts';

const TESTDATA = path.resolve(import.meta.dirname, 'testdata');
const END = Date.UTC(2026, 10, 20) / 1000;
let dir = '';
let report: AuditReport;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-posture-record-'));
  const flows = path.join(dir, 'flows.log');
  const lines = Array.from(
    { length: 5 },
    (_, d) =>
      `2 1 eni-1 203.0.113.${10 + d} 10.0.1.5 51000 5432 6 10 800 ${END - d * 86400} ${END - d * 86400 + 60} ACCEPT OK`,
  );
  await writeFile(flows, `${lines.join('\n')}\n`);
  report = await auditPaths([path.join(TESTDATA, 'compose/case14.yml')], { baseDir: TESTDATA });
  await joinFlows(report, { from: [flows], windowDays: 30 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('recordPostureFindings', () => {
  it('stores one finding per reached host; recording again changes nothing', async () => {
    const store = createMemoryFindingStore();
    const deps = { store, clock: manualClock(0), intel: createListIntel([]), assets: noAssets };
    expect(await recordPostureFindings(report, deps)).toEqual({
      signals: 1,
      new: 1,
      updated: 0,
      repeat: 0,
      trusted: 0,
    });
    expect(await recordPostureFindings(report, deps)).toMatchObject({ new: 0, repeat: 1 });
    const all = await store.list();
    expect(all.map((f) => [f.type, f.resource.ip, f.count])).toEqual([[POSTURE_SIGNAL_TYPE, '10.0.1.5', 1]]);
  });

  it('a later window with another top source updates the same finding', async () => {
    const store = createMemoryFindingStore();
    const deps = { store, clock: manualClock(0), intel: createListIntel([]), assets: noAssets };
    await recordPostureFindings(report, deps);
    const later = path.join(dir, 'later.log');
    const t = END + 10 * 86400;
    const lines = Array.from(
      { length: 3 },
      (_, i) => `2 1 eni-1 198.51.100.77 10.0.1.5 5100${i} 5432 6 10 800 ${t + i} ${t + i + 60} ACCEPT OK`,
    );
    await writeFile(later, `${lines.join('\n')}\n`);
    const next = await auditPaths([path.join(TESTDATA, 'compose/case14.yml')], { baseDir: TESTDATA });
    await joinFlows(next, { from: [later], windowDays: 30 });
    expect(await recordPostureFindings(next, deps)).toMatchObject({ new: 0, updated: 1 });
    const all = await store.list();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ count: 2, actor: { ip: '198.51.100.77' } });
  });

  it('keeps trusted hosts silent and applies suppression rules', async () => {
    const trusted = createMemoryFindingStore();
    const c = await recordPostureFindings(report, {
      store: trusted,
      clock: manualClock(0),
      intel: createListIntel([], ['10.0.1.0/24']),
      assets: noAssets,
    });
    expect(c).toMatchObject({ signals: 1, new: 0, trusted: 1 });
    expect(await trusted.list()).toEqual([]);

    const suppressed = createMemoryFindingStore();
    await suppressed.putRule({
      id: 'r1',
      filter: { type: 'Policy:*', resourceIp: '10.0.1.5' },
      reason: 'lab database',
      createdAt: 0,
      expiresAt: null,
    });
    await recordPostureFindings(report, {
      store: suppressed,
      clock: manualClock(0),
      intel: createListIntel([]),
      assets: noAssets,
    });
    expect((await suppressed.list())[0]).toMatchObject({
      status: 'archived',
      archivedBy: 'suppression:r1',
    });
  });
});

describe('savePostureReport', () => {
  it('keeps the newest N reports and returns the latest', async () => {
    const data = path.join(dir, 'data');
    const store = await openDuckDbStore(data);
    try {
      const all = store.all.bind(store);
      expect(await latestPostureReport(all)).toBeNull();
      for (let i = 1; i <= 4; i++) await savePostureReport(store.connection, report, i * 1000, 2);
      const [n] = await store.all('SELECT count(*) AS n FROM posture_reports');
      expect(Number(n?.n)).toBe(2);
      const latest = await latestPostureReport(all);
      expect(latest?.recordedAt).toBe(new Date(4000).toISOString());
      expect((latest?.report as { traffic: { flows: number } }).traffic.flows).toBe(5);
    } finally {
      await store.close();
    }
  });
});
