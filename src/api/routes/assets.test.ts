// GET /api/v1/assets/:ip over real HTTP: the inventory entry, the host's traffic of the last
// seven days and the findings naming it.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchOf } from '../../engine/test-flows.ts';
import { sampleFinding } from '../../findings/store-contract.ts';
import { startTestServer, TEST_NOW, type TestServer } from '../test-server.ts';

let t: TestServer;
const DAY = 86_400;
const NOW = TEST_NOW / 1000;

beforeAll(async () => {
  t = await startTestServer((_config, dataDir) => {
    writeFileSync(
      join(dataDir, 'inventory.yaml'),
      'assets:\n  - name: web-1\n    addresses: [10.0.0.1]\n    tags: [prod, web]\n    owner: team-web\n',
    );
  });
  await t.server.deps.flows.appendFlows(
    batchOf([
      { t: NOW - 8 * DAY, src: '10.0.0.1', dst: '192.0.2.9', sport: 1, dport: 443, bytes: 5000 }, // too old
      { t: NOW - 2 * DAY, src: '10.0.0.1', dst: '192.0.2.1', sport: 2, dport: 443, bytes: 100 },
      { t: NOW - DAY, src: '198.51.100.7', dst: '10.0.0.1', sport: 3, dport: 22, bytes: 40 },
      { t: NOW - DAY + 1, src: '198.51.100.7', dst: '10.0.0.1', sport: 4, dport: 22, bytes: 40 },
      { t: NOW - 100, src: '10.0.0.2', dst: '192.0.2.1', sport: 5, dport: 443, bytes: 7 },
    ]),
  );
  await t.server.deps.flows.flush();
  await t.server.deps.findings.put(sampleFinding({ id: 'a' }));
  await t.server.deps.findings.put(sampleFinding({ id: 'b', status: 'archived' }));
});

afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/assets/:ip', () => {
  it('gives the inventory entry, the week’s traffic and the findings', async () => {
    const r = await t.call('GET', '/api/v1/assets/10.0.0.1', 'viewer');
    expect(r.status).toBe(200);
    expect(r.body['asset']).toMatchObject({ name: 'web-1', tags: ['prod', 'web'], owner: 'team-web' });
    expect(r.body['traffic']).toMatchObject({
      flows: 3,
      bytes: 180,
      peers: 2,
      firstSeen: new Date((NOW - 2 * DAY) * 1000).toISOString(),
      lastSeen: new Date((NOW - DAY + 1) * 1000).toISOString(),
    });
    expect(r.body['findings']).toEqual({ active: 1, total: 2 });
    expect(r.body).not.toHaveProperty('baselines');
  });

  it('a host outside the inventory has a null asset; a bad address is a 400', async () => {
    const r = await t.call('GET', '/api/v1/assets/10.0.0.2', 'viewer');
    expect(r.body['asset']).toBeNull();
    expect(r.body['traffic']).toMatchObject({ flows: 1, peers: 1 });
    expect((await t.call('GET', '/api/v1/assets/not-an-ip', 'viewer')).status).toBe(400);
  });
});
