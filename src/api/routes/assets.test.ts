// GET /api/v1/assets/:ip over real HTTP: the inventory entry, the host's traffic of the last
// seven days and the findings naming it.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPersistedProfiles } from '../../behavior/duckdb-profiles.ts';
import { BUCKET_SECONDS, commitBucket, createProfile, portKey } from '../../behavior/profile.ts';
import { createNetScope } from '../../engine/net-scope.ts';
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

describe('GET /api/v1/assets/:ip/baseline', () => {
  it('says nothing is learned before profiles are saved; a bad address is a 400', async () => {
    const r = await t.call('GET', '/api/v1/assets/10.0.0.9/baseline', 'viewer');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ip: '10.0.0.9', learned: false });
    expect((await t.call('GET', '/api/v1/assets/nope/baseline', 'viewer')).status).toBe(400);
  });

  it('reads the persisted profile: ports, peers and bytes by hour of day', async () => {
    const conn = await t.server.deps.connect();
    const saved = await openPersistedProfiles(conn, {
      scope: createNetScope({ internalCidrs: [], externalCidrs: [] }),
      seconds: 0,
      maxRows: 0,
    });
    const day = Math.floor(NOW / 86_400) * 86_400 - 86_400;
    const p = createProfile('10.0.0.9', day);
    p.last = day + 7200;
    p.flows = 42;
    p.served.add(portKey(6, 443)).add(portKey(6, 22));
    p.used.add(portKey(17, 53));
    p.peers.add(1).add(2).add(3);
    // Hour 2 (UTC): six 10-minute buckets of 1 000 bytes each = 6 000 bytes an hour.
    for (let i = 0; i < 6; i++) commitBucket(p, day + 7200 + i * BUCKET_SECONDS, 1000);
    saved.book.add(p);
    await saved.save();
    const r = await t.call('GET', '/api/v1/assets/10.0.0.9/baseline', 'viewer');
    expect(r.body).toMatchObject({
      ip: '10.0.0.9',
      learned: true,
      since: new Date(day * 1000).toISOString(),
      flows: 42,
      servedPorts: ['tcp/22', 'tcp/443'],
      usedPorts: ['udp/53'],
      peers: 3,
      peersFull: false,
    });
    const hourly = r.body['hourlyBytes'] as number[];
    expect(hourly).toHaveLength(24);
    expect(hourly[2]).toBe(6000);
    expect(hourly[3]).toBe(0);
    expect((r.body['hourlyBuckets'] as number[])[2]).toBe(6);
    expect((await t.call('GET', '/api/v1/assets/10.0.0.9/baseline', null)).status).toBe(401);
  });
});
