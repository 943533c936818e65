import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createResponseStore, type ActionStatus, type ResponseAction } from '../respond/store.ts';
import { openDuckDbStore, type DuckDbFlowStore } from '../store/duckdb.ts';
import { blockedSection } from './blocked-section.ts';
import { renderHtml } from './html.ts';
import type { ReportData } from './model.ts';

const T0 = Date.UTC(2026, 10, 16);
const DAY = 86_400_000;
const WEEK = { fromMs: T0, toMs: T0 + 7 * DAY };

const action = (id: string, createdAt: number, status: ActionStatus): ResponseAction => ({
  id,
  createdAt,
  updatedAt: createdAt,
  findingId: `f-${id}`,
  findingType: 'UnauthorizedAccess:Host/SSHBruteForce',
  severity: 8,
  ip: '203.0.113.9',
  responder: 'nftables',
  policy: 'block-brute-force',
  mode: 'automatic',
  status,
  description: 'add 203.0.113.9 to the blocklist set',
  expiresAt: createdAt + DAY,
  durationSeconds: 86_400,
  undoState: null,
  error: null,
});

let dir = '';
let store: DuckDbFlowStore;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-report-blocked-'));
  store = await openDuckDbStore(dir);
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('what was blocked', () => {
  it('says no responder is configured when none has ever run', async () => {
    expect(await blockedSection(store, WEEK, 12)).toEqual({ configured: false, rejectedFlows: 12 });
  });

  it('counts the response actions of the period by status and lists them newest first', async () => {
    const responses = await createResponseStore(store.connection);
    const by = { event: 'created', by: 'test', detail: '' };
    await responses.save(action('a', T0 + DAY, 'applied'), by);
    await responses.save(action('b', T0 + 2 * DAY, 'applied'), by);
    await responses.save(action('c', T0 + 3 * DAY, 'dry-run'), by);
    await responses.save(action('old', T0 - DAY, 'applied'), by);
    const b = await blockedSection(store, WEEK, 0);
    expect(b.configured).toBe(true);
    if (!b.configured) return;
    expect(b.byStatus).toEqual([
      { status: 'applied', count: 2 },
      { status: 'dry-run', count: 1 },
    ]);
    expect(b.actions.map((a) => [a.at, a.status, a.target])).toEqual([
      [new Date(T0 + 3 * DAY).toISOString(), 'dry-run', '203.0.113.9'],
      [new Date(T0 + 2 * DAY).toISOString(), 'applied', '203.0.113.9'],
      [new Date(T0 + DAY).toISOString(), 'applied', '203.0.113.9'],
    ]);
  });

  it('renders the actions in the HTML report', () => {
    const data = {
      version: 1,
      generatedAt: new Date(T0).toISOString(),
      period: { from: new Date(T0).toISOString(), to: new Date(T0 + 7 * DAY).toISOString() },
      findings: {
        total: 0,
        active: 0,
        archived: 0,
        bySeverity: { low: 0, medium: 0, high: 0, critical: 0 },
        byType: [],
        timeline: { bucketSeconds: 86_400, buckets: [] },
        topTargets: [],
        topActors: [],
        notable: [],
        notableOmitted: 0,
      },
      blocked: {
        configured: true,
        rejectedFlows: 3,
        byStatus: [
          { status: 'applied', count: 1 },
          { status: 'dry-run', count: 2 },
        ],
        actions: [
          {
            at: new Date(T0).toISOString(),
            responder: 'nftables',
            target: '203.0.113.9',
            status: 'applied',
            findingType: 'Recon:Host/Portscan',
          },
        ],
      },
      posture: { current: null, previous: null, newIssues: [], resolved: [] },
      coverage: {
        flows: 0,
        bytes: 0,
        accepted: 0,
        rejected: 0,
        sources: [],
        gaps: [],
        quarantine: { total: 0, byReason: [] },
      },
      compliance: [],
    } satisfies ReportData;
    const html = renderHtml(data, 'en');
    expect(html).toContain(
      'Response actions in the period by status: <span class="mono">applied</span> <b>1</b>',
    );
    expect(html).toContain('<span class="mono">203.0.113.9</span>');
    expect(html).toMatch(/<div class="v">1<\/div><div class="k">Blocked<\/div>/);
    expect(renderHtml(data, 'ja')).toContain('期間内の対処（状態別）');
  });
});
