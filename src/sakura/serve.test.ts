// `serve` with the Sakura integration on, against the API double: the inventory is synced at
// start, and a finding published by the findings stage blocks its attacker in a packet filter.

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
import { OPEN_FILTER_ID, fixtureZones } from './testdata/fixture.ts';

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
});
