// openFlowInputs with the reading, gunzip and parsing in a worker thread, so that parsing runs on
// one core while the main thread stores and detects on the other. Same events in the same order,
// same rejections, same errors (a missing path is the same UserError with its hint) as
// openFlowInputs; batches arrive through batch-wire.ts. At most `maxInFlight` events are ahead of
// the consumer: the worker waits for acknowledgements, so memory stays bounded whatever the input.
// Standard input (`-`) stays on the main thread.

import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { openFlowInputs, type FlowInputOptions, type InputEvent } from '../sources/files.ts';
import { decodeError, decodeEvent, type WireError, type WireEvent } from './batch-wire.ts';

export const DEFAULT_MAX_IN_FLIGHT = 8;

/** `workerData` of the worker. */
export interface WorkerInit {
  paths: string[];
  options: FlowInputOptions;
  maxInFlight: number;
}

export type WorkerToMain =
  { kind: 'event'; seq: number; event: WireEvent } | { kind: 'error'; error: WireError } | { kind: 'done' };

/** Acknowledges every event up to `acked` (1-based sequence numbers). */
export interface MainToWorker {
  acked: number;
}

export interface WorkerInputTuning {
  /** Events the worker may post before the consumer has taken them. Default 8. */
  maxInFlight?: number;
  /** Called as each event arrives from the worker: its sequence number and how many the consumer had taken. */
  onReceive?: (seq: number, taken: number) => void;
}

type Arrival = WorkerToMain | { kind: 'crash'; error: unknown } | { kind: 'exit'; code: number };

// The worker file sits beside this one, with the same extension: .ts from source, .js from dist/.
const here = fileURLToPath(import.meta.url);
const workerUrl = new URL(`./parallel-inputs-worker${extname(here)}`, import.meta.url);

export async function* openFlowInputsInWorker(
  paths: readonly string[],
  options: FlowInputOptions = {},
  tuning: WorkerInputTuning = {},
): AsyncGenerator<InputEvent> {
  if (paths.includes('-')) {
    yield* openFlowInputs(paths, options);
    return;
  }
  const init: WorkerInit = {
    paths: [...paths],
    options: { ...options },
    maxInFlight: Math.max(1, tuning.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT),
  };
  const worker = new Worker(workerUrl, { workerData: init });
  const queue: Arrival[] = [];
  let wake: (() => void) | null = null;
  const arrive = (a: Arrival): void => {
    queue.push(a);
    wake?.();
    wake = null;
  };
  let taken = 0;
  worker.on('message', (m: WorkerToMain) => {
    if (m.kind === 'event') tuning.onReceive?.(m.seq, taken);
    arrive(m);
  });
  worker.on('error', (error) => arrive({ kind: 'crash', error }));
  worker.on('exit', (code) => arrive({ kind: 'exit', code }));
  try {
    for (;;) {
      while (queue.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
      const a = queue.shift()!;
      switch (a.kind) {
        case 'event':
          taken = a.seq;
          // Acknowledge before handing it over: the worker parses the next chunk meanwhile.
          worker.postMessage({ acked: taken } satisfies MainToWorker);
          yield decodeEvent(a.event);
          break;
        case 'done':
          return;
        case 'error':
          throw decodeError(a.error);
        case 'crash':
          throw a.error;
        case 'exit':
          throw new Error(`the parse worker stopped (exit code ${a.code}) before the end of the input`);
        default: {
          const never: never = a;
          throw new Error(`unknown worker message ${JSON.stringify(never)}`);
        }
      }
    }
  } finally {
    await worker.terminate();
  }
}
