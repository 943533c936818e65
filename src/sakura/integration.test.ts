import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFinding } from '../alerts/test-findings.ts';
import { manualClock } from '../core/clock.ts';
import type { LogEvent } from '../core/records.ts';
import { noAssets, noIntel } from '../engine/lookups.ts';
import { createFindingEvents } from '../findings/events.ts';
import { respondSchema } from '../respond/config.ts';
import { sakuraConfigSchema } from './config.ts';
import { SAKURA_INVENTORY_FILE } from './inventory.ts';
import { type SakuraIntegration, startSakuraIntegration } from './integration.ts';
import { DOUBLE_SECRET, DOUBLE_TOKEN, type SakuraDouble, startSakuraDouble } from './testdata/double.ts';
import { OPEN_FILTER_ID, OPEN_RULES, ROUTER_IDS, fixtureZones } from './testdata/fixture.ts';

let double: SakuraDouble | null = null;
let integration: SakuraIntegration | null = null;
afterEach(async () => {
  await integration?.stop();
  await double?.close();
  integration = null;
  double = null;
});

describe('startSakuraIntegration (serve wiring) against the double', () => {
  it('syncs, polls router logs into events, blocks on findings and lifts at expiry', async () => {
    double = await startSakuraDouble(fixtureZones());
    const d = double;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-sakura-int-'));
    const clock = manualClock(Date.UTC(2026, 10, 23, 12));
    const events = createFindingEvents();
    const db = await DuckDBInstance.create(':memory:');
    const got: LogEvent[] = [];
    const logs: string[] = [];
    integration = await startSakuraIntegration({
      config: {
        sakura: sakuraConfigSchema.parse({ enabled: true, zones: ['is1a'] }),
        respond: respondSchema.parse({
          responders: [
            { kind: 'sakura-packet-filter', name: 'pf', zone: 'is1a', packetFilterIds: [OPEN_FILTER_ID] },
          ],
          policies: [{ name: 'block', responders: ['pf'], mode: 'automatic', durationSeconds: 60 }],
        }),
      },
      dataDir: dir,
      clock,
      env: {
        SAKURA_ACCESS_TOKEN: DOUBLE_TOKEN,
        SAKURA_ACCESS_TOKEN_SECRET: DOUBLE_SECRET,
        SAKURA_API_ROOT_URL: d.rootUrl,
      },
      events,
      connect: () => db.connect(),
      assets: noAssets,
      intel: noIntel,
      onEvents: (e) => {
        got.push(...e);
        return Promise.resolve();
      },
      log: (_level, m) => logs.push(m),
    });
    await integration!.syncNow();
    expect(existsSync(path.join(dir, SAKURA_INVENTORY_FILE))).toBe(true);
    d.zones.get('is1a')!.status.set(ROUTER_IDS[0], {
      FirewallReceiveLogs: [
        'Nov 23 11:59:00 vpc kernel: [FW-DROP] SRC=203.0.113.5 DST=198.51.100.200 PROTO=TCP SPT=1 DPT=22',
      ],
    });
    await integration!.pollNow();
    await integration!.pollNow();
    expect(got.map((e) => e.src_ip)).toEqual(['203.0.113.5']);
    await events.publish(
      makeFinding({ id: 'f-1', severity: 8, actor: { ip: '203.0.113.5', port: null } }),
      'new',
    );
    const pf = (): string[] =>
      d.zones
        .get('is1a')!
        .packetFilters.find((f) => String(f.ID) === OPEN_FILTER_ID)!
        .Expression!.map((e) => e.SourceNetwork ?? '');
    expect(pf()[0]).toBe('203.0.113.5');
    clock.advance(61_000);
    await integration!.sweepNow();
    expect(pf()).toEqual(OPEN_RULES.map((r) => r.SourceNetwork));
    expect(logs.join('\n')).not.toContain(DOUBLE_SECRET);
  });

  it('is off when neither the Sakura API nor any policy is configured', async () => {
    const r = await startSakuraIntegration({
      config: { sakura: sakuraConfigSchema.parse({}), respond: respondSchema.parse({}) },
      dataDir: os.tmpdir(),
      clock: manualClock(0),
      env: {},
      events: createFindingEvents(),
      connect: () => Promise.reject(new Error('not used')),
      assets: noAssets,
      intel: noIntel,
      log: () => {},
    });
    expect(r).toBeNull();
  });
});
