// Worker-thread entry of openFlowInputsInWorker (parallel-inputs.ts): runs openFlowInputs and
// posts each event to the main thread, batches encoded by batch-wire.ts with their buffers
// transferred. Credit-based back-pressure: at most `maxInFlight` events are posted and not yet
// acknowledged (taken by the consumer); beyond that the worker waits, so reading stops too.

import { parentPort, workerData } from 'node:worker_threads';
import { openFlowInputs } from '../sources/files.ts';
import { encodeError, encodeEvent } from './batch-wire.ts';
import type { MainToWorker, WorkerInit, WorkerToMain } from './parallel-inputs.ts';

async function run(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('parallel-inputs-worker.ts must run in a worker thread');
  const init = workerData as WorkerInit;
  let sent = 0;
  let acked = 0;
  let wake: (() => void) | null = null;
  port.on('message', (m: MainToWorker) => {
    if (m.acked > acked) acked = m.acked;
    wake?.();
    wake = null;
  });
  const post = (m: WorkerToMain, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  try {
    for await (const ev of openFlowInputs(init.paths, init.options)) {
      while (sent - acked >= init.maxInFlight) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      const transfer = new Set<ArrayBuffer>();
      const event = encodeEvent(ev, transfer);
      sent++;
      post({ kind: 'event', seq: sent, event }, [...transfer]);
    }
    post({ kind: 'done' });
  } catch (e) {
    post({ kind: 'error', error: encodeError(e) });
  }
  port.close();
}

await run();
