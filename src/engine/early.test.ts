// Live mode's early emission: a finding appears with the record that crosses the threshold,
// and the stored result after the windows close is the one a batch import gives.

import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import type { FlowBatch } from '../core/flow.ts';
import type { Finding } from '../findings/finding.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import { generateVpc, vpcHeader } from '../generate/vpc-generator.ts';
import { parseVpcBuffer } from '../parsers/vpc/parser.ts';
import { createListIntel, noAssets, noIntel, type IntelLookup } from './lookups.ts';
import { createDetectionPipeline } from './pipeline.ts';
import { batchOf, type TestFlow } from './test-flows.ts';

const T0 = 1_795_400_000;

function pipeline(early: boolean, intel: IntelLookup = noIntel) {
  const store = createMemoryFindingStore();
  const p = createDetectionPipeline({
    intel,
    assets: noAssets,
    findingStore: store,
    clock: manualClock(0),
    early,
  });
  return { p, store };
}

const fingerprint = (fs: readonly Finding[]): string[] =>
  fs
    .map((f) =>
      [
        f.id,
        f.count,
        f.severity,
        f.role,
        f.firstSeen,
        f.lastSeen,
        f.evidence.observed,
        f.title,
        JSON.stringify(f.detail),
      ].join(' | '),
    )
    .sort();

describe('early emission (live mode)', () => {
  it('stores a brute-force, a scan and a threat-list contact before their windows close', async () => {
    const flows: TestFlow[] = [
      ...Array.from({ length: 8 }, (_, k) => ({
        t: T0 + k,
        src: '198.51.100.7',
        dst: '10.0.1.5',
        sport: 40000 + k,
        dport: 22,
        packets: 10,
      })),
      ...Array.from({ length: 15 }, (_, k) => ({
        t: T0 + 10 + k,
        src: '203.0.113.9',
        dst: '10.0.1.6',
        sport: 51000,
        dport: 1000 + k,
        action: 'reject' as const,
      })),
      { t: T0 + 30, src: '10.0.1.7', dst: '192.0.2.66', sport: 43000, dport: 443, packets: 5 },
    ];
    const intel = createListIntel([{ name: 'bad', kind: 'threat', entries: ['192.0.2.66'] }]);
    const live = pipeline(true, intel);
    await live.p.onFlows(batchOf(flows));
    expect((await live.store.list()).map((f) => f.type).sort()).toEqual([
      'Recon:Host/Portscan',
      'UnauthorizedAccess:Host/MaliciousIPCaller.Custom',
      'UnauthorizedAccess:Host/SSHBruteForce',
    ]);
    // Without early emission nothing is stored until the watermark closes the windows.
    const batch = pipeline(false, intel);
    await batch.p.onFlows(batchOf(flows));
    expect(await batch.store.list()).toEqual([]);
    await batch.p.finish();
    await live.p.finish();
    expect(fingerprint(await live.store.list())).toEqual(fingerprint(await batch.store.list()));
  });

  it('a below-threshold key emits nothing early', async () => {
    const live = pipeline(true);
    await live.p.onFlows(
      batchOf(
        Array.from({ length: 7 }, (_, k) => ({
          t: T0 + k,
          src: '198.51.100.7',
          dst: '10.0.1.5',
          sport: 40000 + k,
          dport: 22,
        })),
      ),
    );
    expect(await live.store.list()).toEqual([]);
  });

  it('gives the findings of a batch import on generated traffic with every attack', async () => {
    const g = generateVpc({ seed: 3, version: 5, hours: 2 });
    const intel = createListIntel(
      [
        { name: 'operator-threats', kind: 'threat', entries: g.threatList },
        { name: 'tor-nodes', kind: 'tor-relay', entries: g.torList },
      ],
      g.trusted,
    );
    const parsed = parseVpcBuffer(Buffer.from(`${vpcHeader(5)}\n${g.lines.join('\n')}`), { file: 'gen' });
    const run = async (early: boolean): Promise<Finding[]> => {
      const { p, store } = pipeline(early, intel);
      for (const b of parsed.batches as FlowBatch[]) await p.onFlows(b);
      await p.finish();
      return store.list();
    };
    const batch = await run(false);
    const live = await run(true);
    expect(batch.length).toBeGreaterThan(5);
    expect(fingerprint(live)).toEqual(fingerprint(batch));
  });
});
