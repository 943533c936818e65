// GET /api/v1/stats/ingest over real HTTP: per-source flows, newest hour's rate, lag and gaps
// from the store, and the quarantine's rejected lines by input.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQuarantine } from '../../core/quarantine.ts';
import { batchOf } from '../../engine/test-flows.ts';
import { startTestServer, TEST_NOW, type TestServer } from '../test-server.ts';

let t: TestServer;
const NOW = TEST_NOW / 1000;

beforeAll(async () => {
  t = await startTestServer();
  const b = batchOf([
    { t: NOW - 7200, src: '10.0.0.1', dst: '192.0.2.1', sport: 1, dport: 443 },
    { t: NOW - 1200, src: '10.0.0.1', dst: '192.0.2.1', sport: 2, dport: 443 },
    { t: NOW - 600, src: '10.0.0.1', dst: '192.0.2.1', sport: 3, dport: 443 },
    { t: NOW - 86_400, src: '10.0.0.2', dst: '192.0.2.1', sport: 4, dport: 53 },
  ]);
  for (let i = 0; i < 3; i++) b.source[i] = 'vpc';
  b.source[3] = 'netflow';
  await t.server.deps.flows.appendFlows(b);
  await t.server.deps.flows.appendGaps([
    { kind: 'nodata', start: NOW - 5000, end: NOW - 4000, resource: 'eni-1', source: 'vpc', detail: {} },
    { kind: 'sequence', start: NOW - 50, end: NOW - 40, resource: null, source: 'syslog', detail: {} },
  ]);
  await t.server.deps.flows.flush();
  const q = openQuarantine(t.dataDir, TEST_NOW);
  q.add([
    { file: 'logs/a.log.gz', line: 3, reason: 'bad-ip:srcaddr', text: 'x' },
    { file: 'logs/a.log.gz', line: 4, reason: 'field-count', text: 'y' },
  ]);
  q.close();
});

afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/stats/ingest', () => {
  it('gives each source’s flows, newest-hour rate, lag and gaps, and the quarantine by input', async () => {
    const r = await t.call('GET', '/api/v1/stats/ingest', 'viewer');
    expect(r.status).toBe(200);
    expect(r.body['sources']).toEqual([
      {
        source: 'vpc',
        flows: 3,
        first: new Date((NOW - 7200) * 1000).toISOString(),
        last: new Date((NOW - 600) * 1000).toISOString(),
        lastHourFlows: 2,
        lagSeconds: 600,
        gaps: 1,
      },
      {
        source: 'netflow',
        flows: 1,
        first: new Date((NOW - 86_400) * 1000).toISOString(),
        last: new Date((NOW - 86_400) * 1000).toISOString(),
        lastHourFlows: 1,
        lagSeconds: 86_400,
        gaps: 0,
      },
      { source: 'syslog', flows: 0, first: null, last: null, lastHourFlows: 0, lagSeconds: null, gaps: 1 },
    ]);
    expect(r.body['quarantine']).toMatchObject({
      total: 2,
      inputs: [{ input: 'logs/a.log.gz', lines: 2, byReason: { 'bad-ip': 1, 'field-count': 1 } }],
    });
  });

  it('needs stats:read', async () => {
    expect((await t.call('GET', '/api/v1/stats/ingest', null)).status).toBe(401);
  });
});
