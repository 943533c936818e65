// For `npm run bench` (not a test, not built): how long a high-severity finding takes from
// onFinding to a loopback webhook receiver with the DuckDB outbox (200 findings), how long 1 000
// noisy findings take to route into digests, and, as the baseline, the plain loopback POST.

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

export interface DeliveryBench {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** 1 000 findings of one type routed into the outbox (held for a digest). */
  noisyMs: number;
  /** Median plain POST to the same receiver. */
  postMs: number;
}

export async function benchAlertDelivery(): Promise<DeliveryBench> {
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
  const noisyMs = performance.now() - t1;
  await router.close();
  await router2.close();
  db.closeSync();
  db2.closeSync();
  // Baseline: the same loopback POST to the receiver without the router and outbox.
  const posts: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await fetch(rx.url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    posts.push(performance.now() - t);
  }
  posts.sort((a, b) => a - b);
  await rx.stop();
  return { p50Ms: lat[100]!, p99Ms: lat[198]!, maxMs: lat[199]!, noisyMs, postMs: posts[25]! };
}
