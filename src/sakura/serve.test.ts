// `serve` with the Sakura integration on, against the API double: the inventory is synced at
// start, a scan of a Sakura server seen over live NetFlow becomes a finding that names the server,
// its tags and its zone, and a finding published by the findings stage blocks its attacker in a
// packet filter.

import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFinding } from '../alerts/test-findings.ts';
import { defaultConfig } from '../config/schema.ts';
import { manualClock } from '../core/clock.ts';
import { respondSchema } from '../respond/config.ts';
import { type RunningServer, startServer } from '../server/serve.ts';
import { waitFor } from '../sinks/test-receivers.ts';
import { SAKURA_INVENTORY_FILE } from './inventory.ts';
import { DOUBLE_SECRET, DOUBLE_TOKEN, type SakuraDouble, startSakuraDouble } from './testdata/double.ts';
import { OPEN_FILTER_ID, fixtureZones, webIp } from './testdata/fixture.ts';
import { v5SynProbes } from '../parsers/netflow/encode.ts';
import { runCaptured } from '../cli/run-captured.ts';

let double: SakuraDouble | null = null;
let server: RunningServer | null = null;
afterEach(async () => {
  await server?.close();
  await double?.close();
  server = null;
  double = null;
});

describe('serve with the Sakura integration', () => {
  it('syncs at start and blocks the attacker of a new finding in the packet filter', async () => {
    double = await startSakuraDouble(fixtureZones());
    const d = double;
    process.env.SAKURA_ACCESS_TOKEN = DOUBLE_TOKEN;
    process.env.SAKURA_ACCESS_TOKEN_SECRET = DOUBLE_SECRET;
    process.env.SAKURA_API_ROOT_URL = d.rootUrl;
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-sakura-serve-'));
    const config = defaultConfig();
    config.server.port = 0;
    config.sakura = { ...config.sakura, enabled: true, zones: ['is1a'] };
    config.respond = respondSchema.parse({
      responders: [
        { kind: 'sakura-packet-filter', name: 'pf', zone: 'is1a', packetFilterIds: [OPEN_FILTER_ID] },
      ],
      policies: [{ name: 'block', responders: ['pf'], mode: 'automatic' }],
    });
    server = await startServer({
      config,
      dataDir: dir,
      clock: manualClock(Date.UTC(2026, 10, 23)),
      version: 't',
      logStream: false,
    });
    await waitFor(() => existsSync(path.join(dir, SAKURA_INVENTORY_FILE)), 1000);
    expect(existsSync(path.join(dir, SAKURA_INVENTORY_FILE))).toBe(true);
    await server.deps.findingEvents.publish(
      makeFinding({ id: 'f-s', severity: 8, actor: { ip: '203.0.113.44', port: null } }),
      'new',
    );
    const rules = d.zones
      .get('is1a')!
      .packetFilters.find((f) => String(f.ID) === OPEN_FILTER_ID)!.Expression!;
    expect(rules[0]).toMatchObject({ SourceNetwork: '203.0.113.44', Action: 'deny' });
  }, 30_000);

  it('names the synced server, its tags and zone in a live finding', async () => {
    double = await startSakuraDouble(fixtureZones());
    process.env.SAKURA_ACCESS_TOKEN = DOUBLE_TOKEN;
    process.env.SAKURA_ACCESS_TOKEN_SECRET = DOUBLE_SECRET;
    process.env.SAKURA_API_ROOT_URL = double.rootUrl;
    const dir = mkdtempSync(path.join(tmpdir(), 'sg-sakura-names-'));
    const clock = manualClock(Date.UTC(2026, 10, 23, 12));
    const config = defaultConfig();
    config.server.port = 0;
    config.inputs.netflow.enabled = true;
    config.inputs.netflow.listen = [{ host: '127.0.0.1', port: 0 }];
    config.sakura = { ...config.sakura, enabled: true, zones: ['is1a'] };
    server = await startServer({ config, dataDir: dir, clock, version: 't', logStream: false });
    const s = server;
    // No inventory file at start: the first sync (queued behind the one started with serve) names it.
    await s.sakura!.syncNow();
    const sock = createSocket('udp4');
    try {
      const ports = Array.from({ length: 20 }, (_, i) => 3000 + i);
      await new Promise<void>((resolve, reject) =>
        sock.send(
          v5SynProbes('203.0.113.77', webIp(3), ports, clock.now()),
          s.live.netflow[0]?.port ?? 0,
          '127.0.0.1',
          (e) => (e ? reject(e) : resolve()),
        ),
      );
      await waitFor(() => (s.live.netflowCounters()?.receivedPackets ?? 0) === 1, 5000);
      await s.live.settle();
    } finally {
      sock.close();
    }
    const [finding] = await s.deps.findings.list({});
    expect(finding).toMatchObject({
      type: 'Recon:Host/Portscan',
      resource: { ip: webIp(3), name: 'is1a-web-03', zone: 'is1a' },
      actor: { ip: '203.0.113.77' },
    });
    expect(finding?.resource.tags).toEqual(expect.arrayContaining(['role:web', 'env:prod', 'zone:is1a']));
    expect(finding?.actor.name).toBeUndefined();
    // `sakura sync|poll` by hand while serve holds the store: the server runs them.
    const sync = await runCaptured(['--data-dir', dir, 'sakura', 'sync']);
    expect(sync.err).toBe('');
    expect(sync.out).toMatch(
      /^sync run by the server at http:\/\/127\.0\.0\.1:\d+:\nsynced \d+ servers, 1 routers/,
    );
    const poll = await runCaptured(['--data-dir', dir, 'sakura', 'poll']);
    expect(poll.out).toContain('vpc-is1a (is1a/');
  }, 30_000);
});
