// A finding's contributing records (paged and CSV) and its related findings over real HTTP, and
// the suppression preview listing what a proposed rule would hide without creating it.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchOf } from '../../engine/test-flows.ts';
import { flowsQuery } from '../../engine/evidence.ts';
import { sampleFinding } from '../../findings/store-contract.ts';
import { startTestServer, type TestServer } from '../test-server.ts';

let t: TestServer;
const T0 = Date.parse('2026-11-20T10:00:00Z') / 1000;

beforeAll(async () => {
  t = await startTestServer();
  await t.server.deps.flows.appendFlows(
    batchOf(
      Array.from({ length: 25 }, (_, i) => ({
        t: T0 + i,
        src: '198.51.100.7',
        dst: '10.0.0.1',
        sport: 40_000 + i,
        dport: 22,
        bytes: 100 + i,
      })).concat([{ t: T0 + 5, src: '192.0.2.50', dst: '10.0.0.1', sport: 1, dport: 22, bytes: 1 }]),
    ),
  );
  await t.server.deps.flows.flush();
  const evidence = (query: string) => ({ threshold: 10, observed: 25, window: '1m', sample: [], query });
  const findings = t.server.deps.findings;
  await findings.put(
    sampleFinding({
      id: 'brute',
      type: 'UnauthorizedAccess:Host/SSHBruteForce',
      severity: 8,
      resource: { ip: '10.0.0.1', name: 'web1', id: 'eni-1' },
      actor: { ip: '198.51.100.7', port: null },
      lastSeen: '2026-11-20T10:00:24Z',
      evidence: evidence(
        flowsQuery({ srcIp: '198.51.100.7', dstIp: '10.0.0.1', dstPort: 22, from: T0, to: T0 + 60 }),
      ),
    }),
  );
  await findings.put(
    sampleFinding({
      id: 'same-actor',
      actor: { ip: '198.51.100.7', port: null },
      resource: { ip: '10.0.0.9', name: null, id: null },
    }),
  );
  await findings.put(
    sampleFinding({ id: 'same-resource', severity: 2, actor: { ip: '192.0.2.50', port: null } }),
  );
  await findings.put(
    sampleFinding({
      id: 'unrelated',
      resource: { ip: '10.9.9.9', name: null, id: null },
      actor: { ip: '192.0.2.99', port: null },
    }),
  );
  await findings.put(sampleFinding({ id: 'sneaky', evidence: evidence('SELECT * FROM auth_users') }));
  await findings.flush();
});

afterAll(async () => {
  await t?.close();
});

describe('finding detail routes', () => {
  it('pages through the contributing records in time order', async () => {
    const first = await t.call('GET', '/api/v1/findings/brute/records?limit=10', 'viewer');
    expect(first.status).toBe(200);
    const names = (first.body['columns'] as { name: string }[]).map((c) => c.name);
    expect(names).toContain('src_ip');
    const port = names.indexOf('src_port');
    const rows = first.body['rows'] as unknown[][];
    expect(rows.map((r) => r[port])).toEqual(Array.from({ length: 10 }, (_, i) => 40_000 + i));
    expect(first.body['hasMore']).toBe(true);
    const last = await t.call('GET', '/api/v1/findings/brute/records?limit=10&offset=20', 'viewer');
    expect((last.body['rows'] as unknown[][]).map((r) => r[port])).toEqual([
      40_020, 40_021, 40_022, 40_023, 40_024,
    ]);
    expect(last.body['hasMore']).toBe(false);
  });

  it('exports the records as CSV', async () => {
    const r = await t.call('GET', '/api/v1/findings/brute/records?format=csv', 'viewer');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    expect(r.headers.get('content-disposition')).toContain('finding-brute-records.csv');
    const lines = r.text.trimEnd().split('\r\n');
    expect(lines[0]).toContain('src_ip');
    expect(lines).toHaveLength(26);
    expect(lines[1]).toContain('198.51.100.7');
  });

  it('404 for an unknown finding or an evidence query naming access-control tables', async () => {
    expect((await t.call('GET', '/api/v1/findings/nope/records', 'viewer')).status).toBe(404);
    expect((await t.call('GET', '/api/v1/findings/sneaky/records', 'admin')).status).toBe(404);
  });

  it('related findings share the actor or the resource address', async () => {
    const r = await t.call('GET', '/api/v1/findings/brute/related', 'viewer');
    expect(r.status).toBe(200);
    const ids = (r.body['items'] as { id: string }[]).map((f) => f.id).sort();
    expect(ids).toEqual(['same-actor', 'same-resource', 'sneaky']);
    expect((await t.call('GET', '/api/v1/findings/nope/related', 'viewer')).status).toBe(404);
  });

  it('suppression preview says how many and which findings a rule would hide, and creates nothing', async () => {
    const r = await t.call('POST', '/api/v1/suppressions/preview', 'viewer', {
      filter: { resourceIp: '10.0.0.1/32' },
    });
    expect(r.status).toBe(200);
    expect(r.body['wouldArchive']).toBe(3);
    const sample = r.body['sample'] as { id: string; severity: number }[];
    expect(sample.map((f) => f.id)).toEqual(['brute', 'sneaky', 'same-resource']);
    expect((await t.call('GET', '/api/v1/suppressions', 'viewer')).body['items']).toEqual([]);
    const bad = await t.call('POST', '/api/v1/suppressions/preview', 'viewer', { filter: { actorIp: 'x' } });
    expect(bad.status).toBe(400);
  });
});
