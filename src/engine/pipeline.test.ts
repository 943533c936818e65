import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import type { FlowBatch } from '../core/flow.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import type { FindingStore } from '../findings/store.ts';
import { createDetectionPipeline } from './pipeline.ts';
import { createListIntel, noAssets, noIntel, type IntelLookup } from './lookups.ts';
import { batchOf, type TestFlow } from './test-flows.ts';

const T0 = 1_795_400_000;

/** A vertical scan of 30 ports from an internet address, 2 minutes in. */
function scan(src = '203.0.113.9', t = T0 + 120): TestFlow[] {
  return Array.from({ length: 30 }, (_, p) => ({
    t: t + p,
    src,
    dst: '10.0.1.5',
    sport: 51000,
    dport: 1 + p,
    action: 'reject' as const,
  }));
}
function background(minutes: number): TestFlow[] {
  const out: TestFlow[] = [];
  for (let m = 0; m < minutes; m++)
    out.push({
      t: T0 + m * 60,
      src: '10.0.1.5',
      dst: '10.0.2.6',
      sport: 40000 + m,
      dport: 5432,
      packets: 20,
      bytes: 5000,
    });
  return out;
}

async function run(
  batches: FlowBatch[],
  store: FindingStore = createMemoryFindingStore(),
  intel: IntelLookup = noIntel,
  config: unknown = {},
) {
  const p = createDetectionPipeline({
    config,
    intel,
    assets: noAssets,
    findingStore: store,
    clock: manualClock(0),
  });
  for (const b of batches) await p.onFlows(b);
  const r = await p.finish();
  return { r, store, stats: p.stats(), findings: await store.list() };
}

describe('detection pipeline', () => {
  it('finds a scan and re-importing the same data updates, never duplicates', async () => {
    const store = createMemoryFindingStore();
    const first = await run([batchOf([...background(30), ...scan()])], store);
    expect(first.findings.map((f) => f.type)).toEqual(['Recon:Host/Portscan']);
    expect(first.r.findingsNew).toBe(1);
    const again = await run([batchOf([...background(30), ...scan()])], store);
    expect(again.r).toEqual({ findingsNew: 0, findingsUpdated: 1 });
    expect(again.findings).toHaveLength(1);
    expect(again.findings[0]!.count).toBe(1);
    const f = again.findings[0]!;
    expect(f.evidence.threshold).toBe(15);
    expect(f.evidence.observed).toBe(30);
    expect(f.evidence.sample.length).toBeGreaterThan(0);
    expect(f.evidence.query).toContain("src_ip = '203.0.113.9'");
  });

  it('gives the same findings whatever the order of batches within the lateness', async () => {
    const flows = [...background(40), ...scan(), ...scan('198.51.100.4', T0 + 900)];
    // 5-minute chunks, neighbours swapped and each reversed: out of order by < 10 min (lateness 15).
    const chunks = [0, 1, 2, 3, 4, 5, 6, 7].map((k) =>
      flows.filter((f) => Math.floor((f.t - T0) / 300) === k),
    );
    const a = await run(chunks.map(batchOf));
    const swapped = [1, 0, 3, 2, 5, 4, 7, 6].map((k) => [...chunks[k]!].reverse());
    const b = await run(swapped.map(batchOf));
    expect(b.stats.late).toBe(0);
    const key = (fs: typeof a.findings) =>
      fs.map((f) => `${f.id}/${f.count}/${f.firstSeen}/${f.lastSeen}`).sort();
    expect(key(a.findings)).toHaveLength(2);
    expect(key(b.findings)).toEqual(key(a.findings));
  });

  it('drops records later than the allowed lateness and counts them', async () => {
    const out = await run([batchOf(background(60)), batchOf(scan('203.0.113.9', T0 + 60))]);
    expect(out.findings).toEqual([]);
    expect(out.stats.late).toBe(30);
  });

  it('a trusted actor produces no finding, even when it is also on a threat list', async () => {
    const intel = createListIntel(
      [{ name: 'bad', kind: 'threat', entries: ['203.0.113.0/24'] }],
      ['203.0.113.9'],
    );
    const out = await run([batchOf([...background(30), ...scan()])], createMemoryFindingStore(), intel);
    expect(out.findings).toEqual([]);
  });

  it('rejects unknown detectors and bad thresholds with a hint', () => {
    const make = (config: unknown) => () =>
      createDetectionPipeline({
        config,
        intel: noIntel,
        assets: noAssets,
        findingStore: createMemoryFindingStore(),
        clock: manualClock(0),
      });
    expect(make({ detectors: { nope: {} } })).toThrow(/unknown detector "nope"/);
    expect(make({ detectors: { portscan: { verticalPorts: 'x' } } })).toThrow(/portscan/);
    expect(make({ scope: { externalCidrs: ['10.0.0.0/99'] } })).toThrow(/invalid CIDR/);
  });

  it('honours disabled detectors and configured thresholds', async () => {
    const flows = [...background(30), ...scan()];
    expect((await run([batchOf(flows)], undefined, noIntel, { disabled: ['portscan'] })).findings).toEqual(
      [],
    );
    expect(
      (await run([batchOf(flows)], undefined, noIntel, { detectors: { portscan: { verticalPorts: 40 } } }))
        .findings,
    ).toEqual([]);
  });
});
