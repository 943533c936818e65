import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATASETS } from '../../test/shared-datasets.ts';
import { manualClock } from '../core/clock.ts';
import type { LogEvent } from '../core/records.ts';
import { createDetectionPipeline } from '../engine/pipeline.ts';
import { noAssets, noIntel } from '../engine/lookups.ts';
import type { Finding } from '../findings/finding.ts';
import { createMemoryFindingStore } from '../findings/memory-store.ts';
import { detectFiles } from './event-harness.ts';
import { T0 } from './test-harness.ts';

function req(
  t: number,
  src: string,
  target: string,
  ua = 'Mozilla/5.0',
  extra: LogEvent['fields'] = {},
): LogEvent {
  return {
    time: t,
    kind: 'http',
    outcome: '200',
    src_ip: src,
    src_port: null,
    dst_ip: null,
    dst_port: null,
    user: null,
    message: `${src} GET ${target}`,
    source: 'access',
    host: 'web-1',
    fields: { status: 200, method: 'GET', path: target, user_agent: ua, ...extra },
  };
}

async function run(events: LogEvent[], config: unknown = {}): Promise<Finding[]> {
  const store = createMemoryFindingStore();
  const p = createDetectionPipeline({
    config,
    intel: noIntel,
    assets: noAssets,
    findingStore: store,
    clock: manualClock(0),
  });
  for (const e of events) await p.onEvent(e);
  await p.finish();
  return (await store.list()).filter((f) => f.detector === 'http-flood');
}

const A = '198.51.100.7';
/** The start of a 60 s window. */
const MINUTE = Math.floor(T0 / 60) * 60;
const times = (n: number, perSecond: number): number[] =>
  Array.from({ length: n }, (_, k) => T0 + Math.floor(k / perSecond));

describe('http-flood', () => {
  it('a crawl rate alone is low; below the bucket it is nothing; static files do not count', async () => {
    const fast = times(60, 20).map((t, k) => req(t, A, `/page/${k}`));
    const [f] = await run(fast);
    expect(f).toMatchObject({ severityLabel: 'low', actor: { ip: A }, resource: { ip: 'web-1' } });
    expect(f!.detail['categories']).toEqual(['crawl']);
    // 2 requests per second leak as fast as they pour.
    expect(await run(times(200, 2).map((t, k) => req(t, A, `/page/${k}`)))).toEqual([]);
    expect(await run(times(60, 20).map((t, k) => req(t, A, `/img/${k}.png`)))).toEqual([]);
  });

  it('cache bypass, random URIs and switching user agents are medium', async () => {
    const bust = times(40, 40).map((t, k) => req(t, A, `/?${String(1_000_000_000 + k * 7919)}`));
    const [b] = await run(bust, { detectors: { 'http-flood': { crawl: { capacity: 1000 } } } });
    expect(b).toMatchObject({ severityLabel: 'medium' });
    expect(b!.detail['categories']).toEqual(['cache-bust']);
    // The same query string repeated is one distinct value: no cache bypass.
    const same = times(40, 40).map((t) => req(t, A, '/?1234567890'));
    expect(await run(same, { detectors: { 'http-flood': { crawl: { capacity: 1000 } } } })).toEqual([]);

    const random = times(35, 35).map((t, k) => req(t, A, `/${String.fromCharCode(65 + (k % 26)).repeat(6)}`));
    const [r] = await run(random, { detectors: { 'http-flood': { crawl: { capacity: 1000 } } } });
    expect(r!.detail['categories']).toEqual(['random-uri']);

    const agents = times(12, 1).map((t, k) => req(t, A, '/', `bot-${k}`));
    const [u] = await run(agents);
    expect(u!.detail['categories']).toEqual(['switching-ua']);
    expect(await run(times(12, 1).map((t) => req(t, A, '/', 'one-agent')))).toEqual([]);
  });

  it('many sources to one path: one distributed finding, the busiest source named', async () => {
    const config = {
      detectors: { 'http-flood': { distributed: { minRequestsPerPath: 300, minSources: 30 } } },
    };
    const crowd = Array.from({ length: 400 }, (_, k) =>
      req(MINUTE + (k % 50), `203.0.113.${k % 40}`, '/api/search?q=x'),
    );
    const found = await run(crowd, config);
    expect(found).toHaveLength(1);
    expect(found[0]!.detail).toMatchObject({ path: '/api/search', sources: 40, requests: 400 });
    // Too few sources, or one source holding most of the requests: not distributed.
    const few = crowd.map((e, k) => ({ ...e, src_ip: `203.0.113.${k % 10}` }));
    expect(await run(few, config)).toEqual([]);
    const one = crowd.map((e, k) => ({ ...e, src_ip: k < 300 ? A : e.src_ip }));
    expect((await run(one, config)).map((f) => f.detail['categories'])).toEqual([['crawl']]);
  });

  it('ignores nginx error-log lines (the access log counts those requests)', async () => {
    const errors = times(60, 20).map((t, k) => req(t, A, `/p/${k}`, 'x', { log: 'error' }));
    expect(await run(errors)).toEqual([]);
  });
});

const HUB = path.join(SHARED_DATASETS, 'crowdsec-hub');
describe.skipIf(!existsSync(HUB))('http-flood on the CrowdSec hub test cases (shared datasets)', () => {
  // Expected attackers from each case's scenario.assert.
  const cases: [string, string[], string][] = [
    ['http-dos-bypass-cache', ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'], 'cache-bust'],
    ['http-dos-random-uri', ['127.0.0.1'], 'random-uri'],
    ['http-dos-switching-ua', ['1.2.3.4'], 'switching-ua'],
  ];
  it.each(cases)('%s gives the expected attacker', async (name, want, category) => {
    const { findings } = await detectFiles([path.join(HUB, name)]);
    const flood = findings.filter((f) => f.detector === 'http-flood');
    expect(flood.map((f) => f.actor.ip).sort()).toEqual(want);
    for (const f of flood) {
      expect(f.detail['categories']).toContain(category);
      expect(f.severityLabel).toBe('medium');
    }
  });
});

const APACHE = path.join(SHARED_DATASETS, 'elastic-apache', 'apache_logs.gz');
describe.skipIf(!existsSync(APACHE))('http-flood on 10 000 benign Apache lines', () => {
  it('finds no flood', async () => {
    const { findings } = await detectFiles([APACHE]);
    expect(findings.filter((f) => f.detector === 'http-flood')).toEqual([]);
  });
});
