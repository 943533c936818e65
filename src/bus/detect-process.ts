// A detector worker as its own process, for `serve --role detect` and for tests that kill one:
// `node src/bus/detect-process.ts '<json options>'`. Prints one JSON line per shard change and
// `{"ready":true}` once it has taken part in the first lease round; SIGTERM closes it cleanly.

import { manualClock, systemClock } from '../core/clock.ts';
import { noAssets, noIntel } from '../engine/lookups.ts';
import { createPostgresFindingStore } from '../state/postgres/finding-store.ts';
import { busConfigSchema } from './config.ts';
import { connectBus } from './connect.ts';
import { startDetectWorker } from './worker.ts';

export interface DetectProcessOptions {
  bus: unknown;
  postgresUrl: string;
  detection?: unknown;
  /** Fixed clock (ms) so that findings' createdAt/updatedAt compare equal across runs (tests). */
  clockMs?: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as DetectProcessOptions;
const bus = await connectBus(busConfigSchema.parse(options.bus));
const findingStore = await createPostgresFindingStore({ url: options.postgresUrl });
const worker = await startDetectWorker({
  bus,
  findingStore,
  detection: options.detection,
  intel: noIntel,
  assets: noAssets,
  clock: options.clockMs === undefined ? systemClock : manualClock(options.clockMs),
  log: (message) => process.stdout.write(`${JSON.stringify({ log: message })}\n`),
});
process.stdout.write(`${JSON.stringify({ ready: true, name: worker.name })}\n`);
process.once('SIGTERM', () => {
  void (async () => {
    await worker.close();
    await findingStore.close();
    await bus.close();
    process.exit(0);
  })();
});
