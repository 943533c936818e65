import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { createListIntel, noAssets, type Asset, type AssetLookup } from '../engine/lookups.ts';
import { findingId, severityLabel, type Signal } from './finding.ts';
import { createMemoryFindingStore } from './memory-store.ts';
import { createFindingsStage } from './stage.ts';
import { testSignal } from './test-signal.ts';

const signal = testSignal;

const assets: AssetLookup = {
  lookup: (v4) => (v4 === 0x0a000005 ? { name: 'web1', tags: [], owner: null } : null),
};

describe('findings stage', () => {
  it('aggregates repeats: count of distinct windows, first/last seen, latest detail, max severity', async () => {
    const store = createMemoryFindingStore();
    const stage = createFindingsStage({ store, clock: manualClock(0), intel: createListIntel([]), assets });
    expect(
      await stage.accept(
        signal({ windowStart: 1300, firstSeen: 1310, lastSeen: 1400, observed: 50, severity: 3 }),
      ),
    ).toBe('new');
    expect(await stage.accept(signal())).toBe('updated');
    expect(await stage.accept(signal())).toBe('repeat');
    const [f] = await store.list();
    expect(f).toMatchObject({
      count: 2,
      severity: 3,
      firstSeen: '1970-01-01T00:16:50Z',
      lastSeen: '1970-01-01T00:23:20Z',
      resource: { name: 'web1' },
    });
    expect(f!.evidence.observed).toBe(50);
    expect(f!.id).toBe(findingId('Recon:Host/Portscan', '10.0.0.5', '203.0.113.9', 'vertical'));
  });

  it('groups actors into one finding per resource when the actor is not part of the identity', async () => {
    const store = createMemoryFindingStore();
    const stage = createFindingsStage({ store, clock: manualClock(0), intel: createListIntel([]), assets });
    const probe = (ip: string, windowStart: number): Signal =>
      signal({ actor: { ip, port: null }, windowStart, actorInIdentity: false, discriminator: 'port:22' });
    expect(await stage.accept(probe('198.51.100.1', 1000))).toBe('new');
    expect(await stage.accept(probe('198.51.100.2', 4600))).toBe('updated');
    const all = await store.list();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ count: 2, actor: { ip: '198.51.100.2' } });
    expect(all[0]!.id).toBe(findingId('Recon:Host/Portscan', '10.0.0.5', '*', 'port:22'));
  });

  it('names both hosts from the inventory, with tags, owner and zone, as the inventory is now', async () => {
    let web: Asset = { name: 'is1a-web-03', tags: ['role:web', 'zone:is1a'], owner: 'team-web' };
    const inventory: AssetLookup = {
      lookup: (v4) =>
        v4 === 0x0a000005 ? web : v4 === 0x0a000007 ? { name: 'jump', tags: [], owner: null } : null,
    };
    const store = createMemoryFindingStore();
    const stage = createFindingsStage({
      store,
      clock: manualClock(0),
      intel: createListIntel([]),
      assets: inventory,
    });
    await stage.accept(signal({ actor: { ip: '10.0.0.7', port: null } }));
    await stage.accept(signal({ windowStart: 1300 }));
    const [lateral, external] = (await store.list()).sort((a, b) => a.actor.ip.localeCompare(b.actor.ip));
    expect(lateral).toMatchObject({
      resource: { name: 'is1a-web-03', tags: ['role:web', 'zone:is1a'], owner: 'team-web', zone: 'is1a' },
      actor: { ip: '10.0.0.7', name: 'jump', tags: [], owner: null, zone: null },
    });
    expect(external!.actor).toEqual({ ip: '203.0.113.9', port: null });
    // A later sync retags the server: the next update carries the new tags.
    web = { name: 'is1a-web-03', tags: ['role:web', 'zone:is1a', 'pci'], owner: 'team-web' };
    await stage.accept(signal({ windowStart: 1600 }));
    expect((await store.get(external!.id))?.resource.tags).toContain('pci');
  });

  it('a new target is a new finding', async () => {
    const store = createMemoryFindingStore();
    const stage = createFindingsStage({
      store,
      clock: manualClock(0),
      intel: createListIntel([]),
      assets: noAssets,
    });
    await stage.accept(signal());
    await stage.accept(signal({ resource: { ip: '10.0.0.6', id: null } }));
    expect(await store.list()).toHaveLength(2);
  });

  it('drops signals about trusted addresses and archives new findings matched by a live rule', async () => {
    const store = createMemoryFindingStore();
    await store.putRule({ id: 'r1', filter: { type: 'Recon:*' }, reason: '', createdAt: 0, expiresAt: 500 });
    const clock = manualClock(100);
    const stage = createFindingsStage({
      store,
      clock,
      intel: createListIntel([], ['203.0.113.0/24']),
      assets: noAssets,
    });
    expect(await stage.accept(signal())).toBe('trusted');
    const stage2 = createFindingsStage({ store, clock, intel: createListIntel([]), assets: noAssets });
    await stage2.accept(signal());
    expect((await store.list())[0]).toMatchObject({ status: 'archived', archivedBy: 'suppression:r1' });
    clock.set(600); // the rule has expired
    const stage3 = createFindingsStage({ store, clock, intel: createListIntel([]), assets: noAssets });
    await stage3.accept(signal({ actor: { ip: '198.51.100.1', port: null } }));
    expect((await store.list({ status: 'active' })).length).toBe(1);
  });

  it('severity bands follow GuardDuty', () => {
    expect([1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(severityLabel)).toEqual([
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
      'critical',
      'critical',
    ]);
  });
});
