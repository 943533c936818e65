import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAssets } from '../assets/load.ts';
import { parseIpv4 } from '../core/ip.ts';
import { createSakuraClient } from './client.ts';
import { buildSakuraInventory, fetchSnapshot, syncInventory, upstreamOf } from './inventory.ts';
import { DOUBLE_SECRET, DOUBLE_TOKEN, type SakuraDouble, startSakuraDouble } from './testdata/double.ts';
import { appIp, fixtureZones, webIp } from './testdata/fixture.ts';

let double: SakuraDouble | null = null;
afterEach(async () => {
  await double?.close();
  double = null;
});

async function client(): Promise<ReturnType<typeof createSakuraClient>> {
  double = await startSakuraDouble(fixtureZones());
  return createSakuraClient({
    settings: {
      accessToken: DOUBLE_TOKEN,
      accessTokenSecret: DOUBLE_SECRET,
      zones: ['is1a', 'tk1a'],
      apiRootUrl: double.rootUrl,
      origin: 'test',
    },
    rateLimitPerSecond: 1000,
    retryMax: 0,
    timeoutMs: 5000,
  });
}

describe('Sakura inventory sync', () => {
  it('derives the upstream kind as the official client does', () => {
    expect(upstreamOf({})).toBe('none');
    expect(upstreamOf({ Switch: { Scope: 'shared', Subnet: {} } })).toBe('shared');
    expect(upstreamOf({ Switch: { Scope: 'user', Subnet: null } })).toBe('switch');
    expect(upstreamOf({ Switch: { Scope: 'user', Subnet: { NetworkAddress: '198.51.100.0' } } })).toBe(
      'router',
    );
  });

  it('names every server address with its name, tags and zone through loadAssets', async () => {
    const c = await client();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-sakura-inv-'));
    const { report, file } = await syncInventory(c, dir, '2026-11-23T00:00:00Z', (ips) =>
      Promise.resolve(new Set(ips.filter((ip) => ip === appIp(21)))),
    );
    expect(report).toMatchObject({
      servers: 47,
      routers: 2,
      switches: 1,
      displayOnly: 32,
      seen: 1,
      skipped: [],
    });
    expect(await readFile(file, 'utf8')).toMatch(/^# Written by `sakura-guard sakura sync`/);
    const assets = await loadAssets(dir);
    const web = assets.byIp(parseIpv4(webIp(3)), null);
    expect(web).toMatchObject({ name: 'is1a-web-03' });
    expect(web?.tags).toEqual(expect.arrayContaining(['role:web', 'env:prod', 'sakura', 'zone:is1a']));
    expect(assets.byResource('1131000000031')?.name).toBe('is1a-web-03');
    expect(assets.byIp(parseIpv4('198.51.100.155'), null)).toMatchObject({ name: 'tk1a-web-05' });
    expect(assets.byIp(parseIpv4(appIp(20)), null)?.tags).toContain('sakura:ip-display-only');
    expect(assets.byIp(parseIpv4(appIp(21)), null)?.tags).toContain('sakura:ip-seen');
    expect(assets.byIp(parseIpv4('198.51.100.200'), null)).toMatchObject({ name: 'vpc-is1a' });
    expect(assets.byIp(parseIpv4('192.168.20.1'), null)).toMatchObject({ name: 'vpc-is1a' });
  });

  it("keeps the operator's own inventory on top of the synced one", async () => {
    const c = await client();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-sakura-inv-'));
    await syncInventory(c, dir, '2026-11-23T00:00:00Z');
    await writeFile(
      path.join(dir, 'inventory.yaml'),
      `assets:\n  - name: my-name\n    addresses: ['${webIp(3)}']\n    tags: [mine]\n`,
    );
    const assets = await loadAssets(dir);
    expect(assets.byIp(parseIpv4(webIp(3)), null)).toMatchObject({ name: 'my-name', tags: ['mine'] });
    expect(assets.byIp(parseIpv4(webIp(4)), null)).toMatchObject({ name: 'is1a-web-04' });
  });

  it('skips resources it cannot name and addresses that are not addresses, and counts them', async () => {
    const c = await client();
    const snap = await fetchSnapshot(c, 'is1a');
    snap.servers.push(
      { Name: 'no-id' },
      {
        ID: 9,
        Name: 'bad-ip',
        Interfaces: [{ ID: 91, IPAddress: 'nope', Switch: { Scope: 'shared', Subnet: {} } }],
      },
    );
    const { inventory, report } = buildSakuraInventory([snap]);
    expect(report.skipped).toEqual(['server without id or name in is1a']);
    expect(inventory.assets.find((a) => a.name === 'bad-ip')).toMatchObject({
      addresses: [],
      interfaces: ['91'],
    });
  });
});
