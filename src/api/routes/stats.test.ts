// The traffic statistics over real HTTP on a server whose store holds a few known flows: filters,
// automatic bucket size, rejected traffic, a host's peers, and the bounded range.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchOf } from '../../engine/test-flows.ts';
import { startTestServer, type TestServer } from '../test-server.ts';

let t: TestServer;
const T0 = Date.parse('2026-11-20T10:00:00Z') / 1000;
const RANGE = 'from=2026-11-20T00:00:00Z&to=2026-11-21T00:00:00Z';

beforeAll(async () => {
  t = await startTestServer();
  await t.server.deps.flows.appendFlows(
    batchOf([
      { t: T0, src: '198.51.100.7', dst: '10.0.0.1', sport: 40000, dport: 22, bytes: 500, action: 'reject' },
      {
        t: T0 + 1,
        src: '198.51.100.7',
        dst: '10.0.0.1',
        sport: 40001,
        dport: 22,
        bytes: 700,
        action: 'reject',
      },
      {
        t: T0 + 2,
        src: '198.51.100.7',
        dst: '10.0.0.1',
        sport: 40002,
        dport: 23,
        bytes: 60,
        action: 'reject',
      },
      { t: T0 + 400, src: '192.0.2.1', dst: '10.0.0.2', sport: 40003, dport: 443, bytes: 100 },
      { t: T0 + 401, src: '10.0.0.1', dst: '192.0.2.1', sport: 443, dport: 50000, bytes: 9000 },
      {
        t: T0 + 3600,
        src: '10.0.0.2',
        dst: '10.0.0.1',
        sport: 40004,
        dport: 5432,
        bytes: 300,
        resource: 'eni-2',
      },
    ]),
  );
  await t.server.deps.flows.flush();
});

afterAll(async () => {
  await t?.close();
});

describe('stats routes', () => {
  it('time series: automatic bucket size over the range, rejects counted, filters applied', async () => {
    const all = await t.call('GET', `/api/v1/stats/timeseries?${RANGE}`, 'viewer');
    expect(all.status).toBe(200);
    expect(all.body['bucketSeconds']).toBe(900); // 24 h / 120 = 720 s -> 15 min
    const points = all.body['points'] as { bucket: string; flows: number; rejects: number; bytes: number }[];
    expect(points.map((p) => [p.bucket, p.flows, p.rejects])).toEqual([
      ['2026-11-20T10:00:00.000Z', 5, 3],
      ['2026-11-20T11:00:00.000Z', 1, 0],
    ]);
    const hour = await t.call(
      'GET',
      '/api/v1/stats/timeseries?from=2026-11-20T09:50:00Z&to=2026-11-20T10:50:00Z&port=22',
      'viewer',
    );
    expect(hour.body['bucketSeconds']).toBe(60);
    expect((hour.body['points'] as { flows: number }[]).map((p) => p.flows)).toEqual([2]);
    const eni2 = await t.call('GET', `/api/v1/stats/timeseries?${RANGE}&resource=eni-2`, 'viewer');
    expect((eni2.body['points'] as { bytes: number }[]).map((p) => p.bytes)).toEqual([300]);
  });

  it('top talkers and top ports take the same filters', async () => {
    const talkers = await t.call('GET', `/api/v1/stats/top-talkers?${RANGE}&ip=10.0.0.2`, 'viewer');
    expect(talkers.body['items']).toEqual([
      { src_ip: '10.0.0.2', bytes: 300, flows: 1 },
      { src_ip: '192.0.2.1', bytes: 100, flows: 1 },
    ]);
    const ports = await t.call('GET', `/api/v1/stats/top-ports?${RANGE}&action=accept&limit=2`, 'viewer');
    expect(ports.body['items']).toEqual([
      { proto: 6, dst_port: 443, flows: 1, bytes: 100 },
      { proto: 6, dst_port: 5432, flows: 1, bytes: 300 },
    ]);
  });

  it('rejected traffic grouped by source, destination and port', async () => {
    const r = await t.call('GET', `/api/v1/stats/rejected?${RANGE}`, 'viewer');
    expect(r.body['totalFlows']).toBe(3);
    expect(r.body['items']).toEqual([
      {
        src_ip: '198.51.100.7',
        dst_ip: '10.0.0.1',
        dst_port: 22,
        proto: 6,
        flows: 2,
        bytes: 1200,
        lastSeen: '2026-11-20T10:00:01.000Z',
      },
      {
        src_ip: '198.51.100.7',
        dst_ip: '10.0.0.1',
        dst_port: 23,
        proto: 6,
        flows: 1,
        bytes: 60,
        lastSeen: '2026-11-20T10:00:02.000Z',
      },
    ]);
  });

  it('a host’s peers: nodes and directed edges, heaviest first, bounded', async () => {
    const r = await t.call('GET', `/api/v1/stats/peers?${RANGE}&ip=10.0.0.1`, 'viewer');
    expect(r.status).toBe(200);
    expect(r.body['edges']).toEqual([
      { source: '10.0.0.1', target: '192.0.2.1', flows: 1, bytes: 9000, ports: [50000] },
      { source: '198.51.100.7', target: '10.0.0.1', flows: 3, bytes: 1260, ports: [22, 23] },
      { source: '10.0.0.2', target: '10.0.0.1', flows: 1, bytes: 300, ports: [5432] },
    ]);
    const nodes = r.body['nodes'] as { ip: string; center: boolean; flows: number }[];
    expect(nodes.find((n) => n.center)).toMatchObject({ ip: '10.0.0.1', flows: 5 });
    expect(nodes).toHaveLength(4);
    expect(r.body['truncated']).toBe(false);
    const one = await t.call('GET', `/api/v1/stats/peers?${RANGE}&ip=10.0.0.1&limit=1`, 'viewer');
    expect(one.body['edges']).toHaveLength(1);
    expect(one.body['truncated']).toBe(true);
  });

  it('refuses unbounded or malformed ranges and addresses', async () => {
    const long = await t.call(
      'GET',
      '/api/v1/stats/timeseries?from=2026-01-01T00:00:00Z&to=2026-11-01T00:00:00Z',
      'viewer',
    );
    expect(long.status).toBe(400);
    expect(String(long.body['error'])).toContain('31 days');
    expect((await t.call('GET', '/api/v1/stats/peers', 'viewer')).status).toBe(400);
    const bad = await t.call('GET', `/api/v1/stats/peers?${RANGE}&ip=10.0.0.1';--`, 'viewer');
    expect(bad.status).toBe(400);
    expect(String(bad.body['error'])).toContain('not an IP address');
  });

  it('the OpenAPI document describes every dashboard route with its parameters', async () => {
    const doc = await t.call('GET', '/api/v1/openapi.json', 'viewer');
    const paths = doc.body['paths'] as Record<string, Record<string, { parameters?: { name: string }[] }>>;
    for (const p of [
      '/api/v1/stats/rejected',
      '/api/v1/stats/peers',
      '/api/v1/assets/{ip}',
      '/api/v1/intel/{name}',
      '/api/v1/alerts/channels',
      '/api/v1/alerts/channels/{name}/test',
      '/api/v1/alerts/dead-letters/requeue',
      '/api/v1/findings/{id}/records',
      '/api/v1/findings/{id}/related',
      '/api/v1/saved-queries/{id}',
      '/api/v1/stream',
    ])
      expect(Object.keys(paths), p).toContain(p);
    const peers = paths['/api/v1/stats/peers']?.['get']?.parameters?.map((x) => x.name);
    expect(peers).toEqual(expect.arrayContaining(['ip', 'from', 'to', 'port', 'action', 'limit']));
  });
});
