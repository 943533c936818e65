// Developer measurement (not a test, not built): how long a high-severity finding takes from
// onFinding to a loopback webhook receiver with the DuckDB outbox, and how long 1 000 noisy
// findings take to route into digests. Run: node_modules/.bin/node src/alerts/bench-delivery.ts

import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../core/clock.ts';
import { parseAlertingConfig } from './config.ts';
import { createDuckDbOutbox } from './duckdb-outbox.ts';
import { createAlertRouter } from './router.ts';
import { makeFinding } from './test-findings.ts';
import { startHttpReceiver } from '../sinks/test-receivers.ts';

const arrived = new Map<string, number>();
const rx = await startHttpReceiver((r) => {
  const b = JSON.parse(r.body) as { finding?: { id: string } };
  if (b.finding) arrived.set(b.finding.id, performance.now());
  return undefined;
});
const dir = mkdtempSync(path.join(os.tmpdir(), 'h10-'));
const db = await DuckDBInstance.create(path.join(dir, 's.duckdb'));
const outbox = await createDuckDbOutbox(await db.connect());
const config = parseAlertingConfig({
  channels: [
    {
      name: 'hook',
      kind: 'webhook',
      url: rx.url,
      secret: 'x'.repeat(20),
      rateLimit: { max: 100000 },
      digest: { immediatePerType: 100000 },
    },
  ],
  routes: [{ channels: ['hook'] }],
});
const router = createAlertRouter({ config, outbox, clock: systemClock });
const lat: number[] = [];
for (let i = 0; i < 200; i++) {
  const t0 = performance.now();
  await router.onFinding(makeFinding({ id: `h${i}`, severity: 8 }), 'new');
  lat.push((arrived.get(`h${i}`) ?? NaN) - t0);
}
lat.sort((a, b) => a - b);
console.log(
  'high-severity onFinding -> webhook received (ms): p50',
  lat[100]?.toFixed(1),
  'p99',
  lat[198]?.toFixed(1),
  'max',
  lat[199]?.toFixed(1),
);

const config2 = parseAlertingConfig({
  channels: [
    { name: 'hook', kind: 'webhook', url: rx.url, secret: 'x'.repeat(20), digest: { immediatePerType: 0 } },
  ],
  routes: [{ channels: ['hook'] }],
});
const db2 = await DuckDBInstance.create(path.join(dir, 's2.duckdb'));
const outbox2 = await createDuckDbOutbox(await db2.connect());
const router2 = createAlertRouter({ config: config2, outbox: outbox2, clock: systemClock });
const t1 = performance.now();
for (let i = 0; i < 1000; i++) await router2.onFinding(makeFinding({ id: `n${i}` }), 'new');
console.log(
  '1000 noisy findings routed into the DuckDB outbox (held): ms',
  (performance.now() - t1).toFixed(0),
);
await router.close();
await router2.close();
db.closeSync();
db2.closeSync();
await rx.stop();
