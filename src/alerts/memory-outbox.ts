// The in-memory Outbox for unit tests and `alert test`: the same contract as DuckDB, no disk.

import type { Notified } from './decide.ts';
import {
  DEFAULT_LIST_LIMIT,
  type DecisionRecord,
  type DeliveryRecord,
  type HeldFinding,
  type Outbox,
  type OutboxEntry,
} from './outbox.ts';

const copy = <T>(v: T): T => structuredClone(v);

export function createMemoryOutbox(): Outbox {
  const entries = new Map<string, OutboxEntry>();
  let heldList: HeldFinding[] = [];
  const notified = new Map<string, Notified>();
  const decisionLog: DecisionRecord[] = [];
  const deliveryLog: DeliveryRecord[] = [];
  const newestFirst = <T extends { at: number }>(xs: T[], limit: number): T[] =>
    xs
      .map((x, i) => ({ x, i }))
      .sort((a, b) => b.x.at - a.x.at || b.i - a.i)
      .slice(0, limit)
      .map(({ x }) => copy(x));

  return {
    batch: (fn) => fn(),
    async enqueue(e) {
      entries.set(e.id, copy(e));
    },
    async due(now, limit, excludeChannels = []) {
      return [...entries.values()]
        .filter(
          (e) => e.status === 'pending' && e.nextAttemptAt <= now && !excludeChannels.includes(e.channel),
        )
        .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
        .slice(0, limit)
        .map(copy);
    },
    async update(e) {
      entries.set(e.id, copy(e));
    },
    async list(q = {}) {
      return [...entries.values()]
        .filter(
          (e) =>
            (q.status === undefined || e.status === q.status) &&
            (q.channel === undefined || e.channel === q.channel),
        )
        .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id))
        .slice(0, q.limit ?? DEFAULT_LIST_LIMIT)
        .map(copy);
    },
    async hold(h) {
      heldList.push(copy(h));
    },
    async held(channel) {
      return heldList
        .filter((h) => h.channel === channel)
        .sort((a, b) => a.at - b.at)
        .map(copy);
    },
    async heldChannels() {
      const first = new Map<string, number>();
      for (const h of heldList) first.set(h.channel, Math.min(first.get(h.channel) ?? Infinity, h.at));
      return [...first]
        .map(([channel, at]) => ({ channel, first: at }))
        .sort((a, b) => a.channel.localeCompare(b.channel));
    },
    async flushDigest(channel, upTo, digest) {
      entries.set(digest.id, copy(digest));
      heldList = heldList.filter((h) => h.channel !== channel || h.at > upTo);
    },
    async getNotified(channel, findingId) {
      const n = notified.get(`${channel}\u0000${findingId}`);
      return n === undefined ? null : copy(n);
    },
    async putNotified(n) {
      notified.set(`${n.channel}\u0000${n.findingId}`, copy(n));
    },
    async logDecision(d) {
      decisionLog.push(copy(d));
    },
    async decisions(limit = DEFAULT_LIST_LIMIT) {
      return newestFirst(decisionLog, limit);
    },
    async logDelivery(d) {
      deliveryLog.push(copy(d));
    },
    async deliveries(limit = DEFAULT_LIST_LIMIT) {
      return newestFirst(deliveryLog, limit);
    },
  };
}
