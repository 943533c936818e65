// The rules detector inside the real detection pipeline: rule findings go through the findings
// stage like any other; reload picks up new files and the enable state without a new pipeline;
// live mode reports a match before its window closes.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { createDetectionPipeline } from '../engine/pipeline.ts';
import { noAssets, noIntel } from '../engine/lookups.ts';
import { batchOf } from '../engine/test-flows.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import { writeRulesState } from '../rules/config.ts';
import { reloadLiveRules, rules } from './rules.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sakura-rules-det-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = 1_795_400_000;

const RULE = (id: string, port: number): string =>
  `title: port ${port} from outside\nid: ${id}\nlevel: high\nfindingType: Policy:Host/Port${port}\nlogsource: {category: flow}\ndetection:\n  sel: {dst_port: ${port}}\n  inside: {src_ip|cidr: 10.0.0.0/8}\n  condition: sel and not inside\n`;

function pipeline(rulesDir: string, early = false, stateFile: string | null = null) {
  const store = createMemoryFindingStore();
  const p = createDetectionPipeline({
    config: { detectors: { rules: { directories: [rulesDir], stateFile } } },
    detectors: [rules],
    intel: noIntel,
    assets: noAssets,
    findingStore: store,
    clock: manualClock(0),
    early,
  });
  return { p, store };
}

const flowTo = (port: number, t = T0) =>
  batchOf([{ t, src: '203.0.113.5', dst: '10.0.1.20', sport: 50000, dport: port }]);

describe('rules detector', () => {
  it('raises findings through the findings stage, one per rule, resource and actor', async () => {
    const d = mkdtempSync(path.join(dir, 'a-'));
    writeFileSync(path.join(d, 'r.yml'), RULE('pg-outside', 5432));
    const { p, store } = pipeline(d);
    await p.onFlows(flowTo(5432));
    await p.onFlows(flowTo(5432, T0 + 400));
    await p.onFlows(flowTo(22, T0 + 401));
    await p.finish();
    const found = await store.list();
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      type: 'Policy:Host/Port5432',
      severityLabel: 'high',
      resource: { ip: '10.0.1.20' },
      actor: { ip: '203.0.113.5' },
      role: 'target',
      detector: 'rules',
      count: 2,
    });
    expect(found[0]?.evidence.query).toContain('dst_port" = 5432');
  });

  it('reloads new rule files and the enable state without a new pipeline', async () => {
    const d = mkdtempSync(path.join(dir, 'b-'));
    const state = path.join(d, 'state.json');
    writeFileSync(path.join(d, 'r.yml'), RULE('pg-outside', 5432));
    const { p, store } = pipeline(d, false, state);
    writeFileSync(path.join(d, 'r2.yml'), RULE('redis-outside', 6379));
    writeRulesState(state, { enable: [], disable: ['pg-outside'] });
    const summaries = reloadLiveRules();
    expect(summaries.some((s) => s.rules === 2 && s.active === 1 && s.problems.length === 0)).toBe(true);
    await p.onFlows(flowTo(5432, T0 + 10));
    await p.onFlows(flowTo(6379, T0 + 11));
    await p.finish();
    expect((await store.list()).map((f) => f.type)).toEqual(['Policy:Host/Port6379']);
  });

  it('live mode: the finding is stored with the first matching record', async () => {
    const d = mkdtempSync(path.join(dir, 'c-'));
    writeFileSync(path.join(d, 'r.yml'), RULE('pg-outside', 5432));
    const { p, store } = pipeline(d, true);
    await p.onFlows(flowTo(5432));
    expect((await store.list()).map((f) => f.type)).toEqual(['Policy:Host/Port5432']);
    await p.finish();
    expect((await store.list())[0]?.count).toBe(1);
  });
});
