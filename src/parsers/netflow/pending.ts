// Data sets that arrive before their template. They are copied and held, bounded in count, bytes
// and age, and decoded when the template comes; whatever falls out of the bounds is counted.

import type { MessageContext } from './record.ts';

export interface PendingSet {
  templateKey: string;
  domainKey: string;
  ctx: MessageContext;
  body: Buffer;
  receivedAtMs: number;
}

export interface PendingOptions {
  maxSets: number;
  maxBytes: number;
  ttlMs: number;
}

export interface PendingBuffer {
  add(set: PendingSet): void;
  /** Removes and returns the held sets for a template, oldest first. */
  take(templateKey: string): PendingSet[];
  /** Drops sets older than the TTL. */
  expire(nowMs: number): void;
  readonly size: number;
  readonly bytes: number;
  /** Sets dropped unread (too old, or pushed out by newer ones). */
  readonly dropped: number;
}

export function createPendingBuffer(options: PendingOptions): PendingBuffer {
  let sets: PendingSet[] = [];
  let bytes = 0;
  let dropped = 0;
  const dropOldest = (): void => {
    const old = sets.shift();
    if (old === undefined) return;
    bytes -= old.body.length;
    dropped++;
  };
  return {
    add(set) {
      if (set.body.length > options.maxBytes || options.maxSets === 0) {
        dropped++;
        return;
      }
      while (sets.length >= options.maxSets || bytes + set.body.length > options.maxBytes) dropOldest();
      sets.push(set);
      bytes += set.body.length;
    },
    take(templateKey) {
      if (sets.length === 0) return [];
      const hit: PendingSet[] = [];
      const keep: PendingSet[] = [];
      for (const s of sets) (s.templateKey === templateKey ? hit : keep).push(s);
      if (hit.length === 0) return hit;
      sets = keep;
      for (const s of hit) bytes -= s.body.length;
      return hit;
    },
    expire(nowMs) {
      while (sets.length > 0 && nowMs - sets[0]!.receivedAtMs > options.ttlMs) dropOldest();
    },
    get size() {
      return sets.length;
    },
    get bytes() {
      return bytes;
    },
    get dropped() {
      return dropped;
    },
  };
}
