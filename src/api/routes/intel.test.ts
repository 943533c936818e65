// Intel lists from the API over real HTTP: add from text (as `intel add`), list, remove; the
// permission to change them; bad lines reported.

import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v5SynProbes } from '../../parsers/netflow/encode.ts';
import { waitFor } from '../../sinks/test-receivers.ts';
import { startTestServer, type TestServer } from '../test-server.ts';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.close();
});

describe('intel list routes', () => {
  it('adds a list from its text, lists it, removes it', async () => {
    const added = await t.call('POST', '/api/v1/intel', 'analyst', {
      name: 'bad-hosts',
      content: '# a comment\n203.0.113.5\n198.51.100.0/24\nnot-an-address\n',
    });
    expect(added.status).toBe(201);
    expect(added.body['manifest']).toMatchObject({
      name: 'bad-hosts',
      kind: 'threat',
      entries: 2,
      rejected: 1,
    });
    expect(added.body['rejected']).toEqual([{ line: 4, reason: expect.any(String) as unknown }]);
    expect(added.body['restartNeeded']).toBe(false);
    const again = await t.call('POST', '/api/v1/intel', 'analyst', {
      name: 'bad-hosts',
      content: '192.0.2.1\n',
    });
    expect(again.status).toBe(400);
    expect(String(again.body['error'])).toContain('already exists');
    const list = await t.call('GET', '/api/v1/intel', 'viewer');
    expect((list.body['items'] as { name: string }[]).map((m) => m.name)).toEqual(['bad-hosts']);
    const audit = await t.call('GET', '/api/v1/audit?action=intel.', 'admin');
    expect((audit.body['items'] as { action: string; target: string }[])[0]).toMatchObject({
      action: 'intel.add',
      target: 'bad-hosts',
    });
    const removed = await t.call('DELETE', '/api/v1/intel/bad-hosts', 'analyst');
    expect(removed.status).toBe(200);
    expect((await t.call('GET', '/api/v1/intel', 'viewer')).body['items']).toEqual([]);
  });

  it('adds a trusted list; refuses viewers, bad names and unknown lists', async () => {
    const trusted = await t.call('POST', '/api/v1/intel', 'admin', {
      name: 'scanners',
      kind: 'trusted',
      content: '192.0.2.10\n',
    });
    expect(trusted.body['manifest']).toMatchObject({ kind: 'trusted', entries: 1 });
    expect((await t.call('POST', '/api/v1/intel', 'viewer', { name: 'x', content: '1.2.3.4' })).status).toBe(
      403,
    );
    expect(
      (await t.call('POST', '/api/v1/intel', 'admin', { name: '../x', content: '1.2.3.4' })).status,
    ).toBe(400);
    const unknown = await t.call('DELETE', '/api/v1/intel/nothing', 'admin');
    expect(unknown.status).toBe(400);
    expect(String(unknown.body['error'])).toContain("no list named 'nothing'");
  });

  it('a list added through the API is used by live detection at once', async () => {
    const live = await startTestServer((config) => {
      config.inputs.netflow.enabled = true;
      config.inputs.netflow.listen = [{ host: '127.0.0.1', port: 0 }];
    });
    const sock = createSocket('udp4');
    const send = (src: string, sequence: number): Promise<void> =>
      new Promise((resolve, reject) =>
        sock.send(
          v5SynProbes(src, '10.0.0.9', [443], live.clock.now(), sequence),
          live.server.live.netflow[0]?.port ?? 0,
          '127.0.0.1',
          (e) => (e ? reject(e) : resolve()),
        ),
      );
    const intelFindings = async (): Promise<{ actor: { ip: string }; intelList: string | null }[]> =>
      (await live.server.deps.findings.list({})).filter((f) => f.detector === 'threat-intel');
    try {
      await send('203.0.113.51', 1);
      await waitFor(() => (live.server.live.netflowCounters()?.receivedPackets ?? 0) === 1);
      await live.server.live.settle();
      expect(await intelFindings()).toEqual([]);
      const added = await live.call('POST', '/api/v1/intel', 'analyst', {
        name: 'fresh-list',
        content: '203.0.113.52\n',
      });
      expect(added.status).toBe(201);
      await send('203.0.113.52', 2);
      await waitFor(() => (live.server.live.netflowCounters()?.receivedPackets ?? 0) === 2);
      await live.server.live.settle();
      expect(await intelFindings()).toEqual([
        expect.objectContaining({
          actor: expect.objectContaining({ ip: '203.0.113.52' }),
          intelList: 'fresh-list',
        }),
      ]);
    } finally {
      sock.close();
      await live.close();
    }
  }, 60_000);
});
