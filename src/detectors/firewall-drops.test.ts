import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATASETS } from '../../test/shared-datasets.ts';
import { manualClock } from '../core/clock.ts';
import type { LogEvent } from '../core/records.ts';
import { createDetectionPipeline } from '../engine/pipeline.ts';
import { noAssets, noIntel } from '../engine/lookups.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import { detectFiles } from './event-harness.ts';
import { detect, repeat, T0 } from './test-harness.ts';

const config = { detectors: { 'firewall-drops': { minDrops: 50 } } };
const drops = <T extends { detector: string }>(f: T[]): T[] =>
  f.filter((x) => x.detector === 'firewall-drops');

describe('firewall-drops detector', () => {
  it('reports a burst of rejected flows from one source to one host, not accepted ones or fewer drops', async () => {
    const flow = (k: number, action: 'accept' | 'reject') => ({
      t: T0 + k,
      src: '203.0.113.7',
      dst: '10.0.0.9',
      sport: 40000,
      dport: 23,
      action,
    });
    expect(
      drops(
        await detect(
          repeat(49, (k) => flow(k, 'reject')),
          config,
        ),
      ),
    ).toEqual([]);
    expect(
      drops(
        await detect(
          repeat(80, (k) => flow(k, 'accept')),
          config,
        ),
      ),
    ).toEqual([]);
    const [f, ...rest] = drops(
      await detect(
        repeat(50, (k) => flow(k, 'reject')),
        config,
      ),
    );
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      type: 'Recon:Host/FirewallDropBurst',
      severityLabel: 'low',
      actor: { ip: '203.0.113.7' },
      resource: { ip: '10.0.0.9' },
      evidence: { observed: 50, threshold: 50 },
    });
    expect(f!.evidence.query).toMatch(/action = 'reject'/);
  });

  it('counts blocked firewall events (Sakura router lines)', async () => {
    const store = createMemoryFindingStore();
    const p = createDetectionPipeline({
      config,
      intel: noIntel,
      assets: noAssets,
      findingStore: store,
      clock: manualClock(0),
    });
    const event = (k: number, outcome: string): LogEvent => ({
      time: T0 + k,
      kind: 'firewall',
      outcome,
      src_ip: '198.51.100.3',
      src_port: 5000,
      dst_ip: '203.0.113.20',
      dst_port: 3389,
      user: null,
      message: 'FW-DROP ...',
      source: 'sakura-router',
      host: 'vpc-router-1',
      fields: {},
    });
    for (let k = 0; k < 60; k++) await p.onEvent(event(k, k < 55 ? 'blocked' : 'allowed'));
    await p.finish();
    const [f] = drops(await store.list());
    expect(f).toMatchObject({ actor: { ip: '198.51.100.3' }, evidence: { observed: 55 } });
    expect(f!.evidence.query).toMatch(/FROM events WHERE kind = 'firewall'/);
  });
});

const KERN = path.join(SHARED_DATASETS, 'generated', 'ndr-lab.iptables-kern.log.gz');
describe.skipIf(!existsSync(KERN))('firewall-drops on the ndr-lab iptables log', () => {
  it('names the flooder; the scanners are port scans, not also drop bursts; nothing benign', async () => {
    const { findings } = await detectFiles([KERN]);
    expect(
      drops(findings)
        .map((f) => f.actor.ip)
        .sort(),
    ).toEqual(['10.200.0.7']);
    const scanners = new Set(findings.filter((f) => f.type === 'Recon:Host/Portscan').map((f) => f.actor.ip));
    expect(scanners.has('10.200.0.1') && scanners.has('10.200.0.50')).toBe(true);
  });
});
