import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { parseIpv4 } from '../core/ip.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import { noAssets, noIntel, type AssetLookup } from './lookups.ts';
import { createNetScope } from './net-scope.ts';
import { createDetectionPipeline } from './pipeline.ts';
import { batchOf } from './test-flows.ts';

const SERVER = '198.51.100.13';
const assets: AssetLookup = {
  lookup: (v4) => (v4 === parseIpv4(SERVER) ? { name: 'is1a-web-03', tags: ['sakura'], owner: null } : null),
};

describe('network scope', () => {
  it('private ranges, configured ranges and inventory addresses are ours; external ranges win', () => {
    const scope = createNetScope(
      { internalCidrs: ['192.0.2.0/24'], externalCidrs: ['10.200.0.0/24'] },
      (v4) => v4 === parseIpv4(SERVER),
    );
    expect(scope.isInternal(parseIpv4('10.0.0.1'), null)).toBe(true);
    expect(scope.isInternal(parseIpv4('192.0.2.9'), null)).toBe(true);
    expect(scope.isInternal(parseIpv4(SERVER), null)).toBe(true);
    expect(scope.isInternal(parseIpv4('10.200.0.5'), null)).toBe(false);
    expect(scope.isInternal(parseIpv4('203.0.113.9'), null)).toBe(false);
  });

  it('a scan of a public server named in the inventory is a finding naming it', async () => {
    const flows = Array.from({ length: 20 }, (_, p) => ({
      t: 1_795_400_000 + p,
      src: '203.0.113.9',
      dst: SERVER,
      sport: 50000,
      dport: 1000 + p,
      action: 'reject' as const,
    }));
    const run = async (a: AssetLookup) => {
      const store = createMemoryFindingStore();
      const p = createDetectionPipeline({
        intel: noIntel,
        assets: a,
        findingStore: store,
        clock: manualClock(0),
      });
      await p.onFlows(batchOf(flows));
      await p.finish();
      return store.list();
    };
    expect(await run(noAssets)).toEqual([]);
    const found = await run(assets);
    expect(found.map((f) => [f.type, f.resource.ip, f.resource.name])).toEqual([
      ['Recon:Host/Portscan', SERVER, 'is1a-web-03'],
    ]);
  });
});
