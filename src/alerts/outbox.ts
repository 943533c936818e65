// The outbox: what the alert router must not lose. Messages wait here until a sink accepts
// them (or they run out of attempts and become dead letters); findings held for a digest wait
// here until the digest is built; what each channel was told about each finding is kept here
// so deduplication survives restarts; and the decision and delivery logs are appended here.
// Implementations: memory-outbox.ts (tests) and duckdb-outbox.ts (the data directory).

import type { Notified } from './decide.ts';
import type { AlertMessage, FindingSummary } from './message.ts';

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

export interface OutboxEntry {
  id: string;
  channel: string;
  message: AlertMessage;
  status: OutboxStatus;
  attempts: number;
  /** Milliseconds (injected clock). */
  nextAttemptAt: number;
  createdAt: number;
  updatedAt: number;
  lastError: string | null;
}

export interface HeldFinding {
  channel: string;
  at: number;
  finding: FindingSummary;
}

export interface DeliveryRecord {
  at: number;
  entryId: string;
  channel: string;
  attempt: number;
  ok: boolean;
  /** What failed; null when delivered. */
  error: string | null;
  /** For a failure: 'retry' (when), or 'dead' (no more attempts). */
  outcome: 'delivered' | 'retry' | 'dead';
}

export interface DecisionRecord {
  at: number;
  /** Null when no route matched the finding (or it was archived): no channel was considered. */
  channel: string | null;
  findingId: string;
  type: string;
  severity: number;
  action: 'send' | 'hold' | 'skip';
  reason: string;
}

export interface OutboxQuery {
  status?: OutboxStatus;
  channel?: string;
  limit?: number;
}

export interface Outbox {
  /** Runs `fn` with its writes in one transaction (one commit for a finding's decisions). */
  batch<T>(fn: () => Promise<T>): Promise<T>;
  enqueue(e: OutboxEntry): Promise<void>;
  /** Pending entries with nextAttemptAt <= now, oldest first, leaving out the given channels. */
  due(now: number, limit: number, excludeChannels?: readonly string[]): Promise<OutboxEntry[]>;
  update(e: OutboxEntry): Promise<void>;
  /** Newest first. */
  list(q?: OutboxQuery): Promise<OutboxEntry[]>;
  hold(h: HeldFinding): Promise<void>;
  /** The channel's held findings, oldest first. */
  held(channel: string): Promise<HeldFinding[]>;
  /** Channels with held findings and the time the oldest was held. */
  heldChannels(): Promise<{ channel: string; first: number }[]>;
  /** In one step: enqueue the digest and drop the channel's findings held at or before `upTo`. */
  flushDigest(channel: string, upTo: number, digest: OutboxEntry): Promise<void>;
  getNotified(channel: string, findingId: string): Promise<Notified | null>;
  putNotified(n: Notified): Promise<void>;
  logDecision(d: DecisionRecord): Promise<void>;
  /** Newest first. */
  decisions(limit?: number): Promise<DecisionRecord[]>;
  logDelivery(d: DeliveryRecord): Promise<void>;
  /** Newest first. */
  deliveries(limit?: number): Promise<DeliveryRecord[]>;
}

export const DEFAULT_LIST_LIMIT = 1000;
