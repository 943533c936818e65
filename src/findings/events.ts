// The findings stage's announcements: every accepted signal's finding, after it was stored, with
// its outcome (new, updated, repeat). The alert router and the API's live stream subscribe here;
// a listener that throws or rejects is logged by its owner and never stops the stage.

import type { Finding } from './finding.ts';
import type { SignalOutcome } from './stage.ts';

export type FindingListener = (finding: Finding, outcome: SignalOutcome) => void | Promise<void>;

export interface FindingEvents {
  /** Adds a listener; the returned function removes it. */
  subscribe(listener: FindingListener): () => void;
  /** Calls every listener in subscription order and waits for them. */
  publish(finding: Finding, outcome: SignalOutcome): Promise<void>;
  readonly listenerCount: number;
}

export function createFindingEvents(onListenerError?: (error: unknown) => void): FindingEvents {
  const listeners = new Set<FindingListener>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async publish(finding, outcome) {
      for (const l of [...listeners]) {
        try {
          await l(finding, outcome);
        } catch (e) {
          onListenerError?.(e);
        }
      }
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}
