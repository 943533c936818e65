// The alert router the findings stage calls: `onFinding(finding, outcome)` after each accepted
// signal, `tick()` every few seconds (digests and retries), `close()` at shutdown. It matches
// routes, asks `decide` per channel, records every decision, and delivers through the outbox:
// a message is stored before it is sent and marked delivered only after the sink accepted it,
// so a crash or a dead channel never loses an alert. Calls are serialised.

import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { errorMessage } from '../core/errors.ts';
import type { Finding } from '../findings/finding.ts';
import type { SignalOutcome } from '../findings/stage.ts';
import { createSink } from '../sinks/index.ts';
import { SinkError, type Sink } from '../sinks/sink.ts';
import { retryDelayMs } from './backoff.ts';
import type { AlertingConfig, ChannelConfig } from './config.ts';
import { decide, newThrottle, recordSend, type ChannelThrottle, type Decision } from './decide.ts';
import { buildDigest, messageFor, summarize, type AlertMessage } from './message.ts';
import type { DecisionRecord, Outbox, OutboxEntry } from './outbox.ts';
import { inQuietHours } from './quiet-hours.ts';
import { compileRoutes, matchChannels } from './route.ts';

export interface AlertRouterDeps {
  config: AlertingConfig;
  outbox: Outbox;
  clock: Clock;
  /** The resource's asset tags, for routes with `resourceTags`. */
  resourceTags?: (f: Finding) => readonly string[];
  /** Sinks by channel name; default: built from the channel configuration. */
  sinks?: ReadonlyMap<string, Sink>;
  /** [0, 1) for retry jitter; default Math.random. */
  random?: () => number;
  /** Entries delivered per tick at most (keeps one tick bounded). */
  batchSize?: number;
}

export interface TickResult {
  digests: number;
  delivered: number;
  retried: number;
  dead: number;
}

export interface AlertRouter {
  onFinding(finding: Finding, outcome: SignalOutcome): Promise<DecisionRecord[]>;
  tick(): Promise<TickResult>;
  close(): Promise<void>;
  /** Received findings, messages delivered, delivery errors, dead letters (Vector's counters). */
  readonly counts: { findings: number; delivered: number; errors: number; dead: number };
}

export function createAlertRouter(deps: AlertRouterDeps): AlertRouter {
  const { config, outbox, clock } = deps;
  const routes = compileRoutes(config.routes);
  const channels = new Map<string, ChannelConfig>(config.channels.map((c) => [c.name, c]));
  const sinks = new Map<string, Sink>(
    deps.sinks ?? config.channels.map((c) => [c.name, createSink(c, clock)]),
  );
  const throttles = new Map<string, ChannelThrottle>();
  /** A channel whose last attempt failed waits until then before any of its messages is tried. */
  const blockedUntil = new Map<string, number>();
  const random = deps.random ?? Math.random;
  const batchSize = deps.batchSize ?? 500;
  const counts = { findings: 0, delivered: 0, errors: 0, dead: 0 };
  const baseUrl = config.links.baseUrl;

  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const throttleOf = (name: string): ChannelThrottle => {
    let t = throttles.get(name);
    if (t === undefined) throttles.set(name, (t = newThrottle()));
    return t;
  };

  // Ids sort in creation order (the outbox delivers by createdAt, then id); the random part keeps
  // them unique across restarts.
  let sequence = 0;
  const newEntry = (channel: string, message: AlertMessage, now: number): OutboxEntry => ({
    id: `${String(now).padStart(15, '0')}-${String(sequence++ % 1e9).padStart(9, '0')}-${randomUUID().slice(0, 8)}`,
    channel,
    message,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
    lastError: null,
  });

  /** One attempt at an entry; true when the sink accepted it. */
  async function attempt(e: OutboxEntry, now: number, result: TickResult): Promise<boolean> {
    const sink = sinks.get(e.channel);
    const maxAttempts = config.delivery.maxAttempts;
    e.attempts++;
    e.updatedAt = now;
    let error: string | null = null;
    let retryable = true;
    if (sink === undefined) {
      error = `no channel named ${e.channel} in the configuration`;
      retryable = false;
    } else {
      try {
        await sink.send(e.message, e.id);
      } catch (err) {
        error = errorMessage(err);
        retryable = !(err instanceof SinkError) || err.retryable;
      }
    }
    if (error === null) {
      e.status = 'delivered';
      e.lastError = null;
      counts.delivered++;
      result.delivered++;
    } else if (retryable && e.attempts < maxAttempts) {
      e.lastError = error;
      e.nextAttemptAt = now + retryDelayMs(config.delivery, e.attempts, random);
      counts.errors++;
      result.retried++;
    } else {
      e.status = 'dead';
      e.lastError = error;
      counts.errors++;
      counts.dead++;
      result.dead++;
    }
    await outbox.update(e);
    await outbox.logDelivery({
      at: now,
      entryId: e.id,
      channel: e.channel,
      attempt: e.attempts,
      ok: error === null,
      error,
      outcome: e.status === 'delivered' ? 'delivered' : e.status === 'dead' ? 'dead' : 'retry',
    });
    return error === null;
  }

  /** Delivers due entries oldest first; a channel that fails waits for its back-off. */
  async function deliverDue(result: TickResult): Promise<void> {
    const now = clock.now();
    // Channels waiting out a back-off are left out of the query, so a long queue for a dead
    // channel never starves the others.
    const blocked = [...blockedUntil].filter(([, until]) => until > now).map(([c]) => c);
    for (const e of await outbox.due(now, batchSize, blocked)) {
      // Later messages of a failing channel are not attempted: they keep their attempts for
      // when the channel is back, and keep their order.
      if ((blockedUntil.get(e.channel) ?? 0) > now) continue;
      if (await attempt(e, now, result)) blockedUntil.delete(e.channel);
      else if (e.status === 'pending') blockedUntil.set(e.channel, e.nextAttemptAt);
    }
  }

  async function flushDigests(result: TickResult): Promise<void> {
    const now = clock.now();
    for (const { channel, first } of await outbox.heldChannels()) {
      const c = channels.get(channel);
      if (c === undefined) continue;
      if (now - first < c.digest.minutes * 60_000) continue;
      if (c.quietHours !== null && inQuietHours(c.quietHours, now)) continue;
      const held = await outbox.held(channel);
      if (held.length === 0) continue;
      await outbox.flushDigest(channel, now, newEntry(channel, buildDigest(held), now));
      result.digests++;
    }
  }

  const reasonText = (d: Decision): string => {
    switch (d.action) {
      case 'send':
        return `${d.reason}: ${d.detail}`;
      case 'hold':
        return `held for digest (${d.cause}); ${d.reason}: ${d.detail}`;
      case 'skip':
        return d.detail;
      default: {
        const never: never = d;
        return never;
      }
    }
  };

  /** Decides for every matched channel and stores the results; true when something is to send. */
  async function decideAll(f: Finding, records: DecisionRecord[]): Promise<boolean> {
    const now = clock.now();
    const base = { at: now, findingId: f.id, type: f.type, severity: f.severity };
    let sent = false;
    if (f.status !== 'active') {
      records.push({
        ...base,
        channel: null,
        action: 'skip',
        reason: `archived (${f.archivedBy ?? 'user'})`,
      });
    } else {
      const matched = matchChannels(routes, f, deps.resourceTags?.(f) ?? []);
      if (matched.size === 0)
        records.push({ ...base, channel: null, action: 'skip', reason: 'no route matched' });
      for (const [channel, routeName] of matched) {
        const c = channels.get(channel);
        if (c === undefined) continue;
        const prior = await outbox.getNotified(channel, f.id);
        const d = decide(c, throttleOf(channel), prior, f, now);
        records.push({ ...base, channel, action: d.action, reason: `${routeName}: ${reasonText(d)}` });
        if (d.action === 'skip') continue;
        if (d.action === 'send') {
          recordSend(c, throttleOf(channel), f.type, now);
          const message = messageFor(f, d.reason, d.detail, baseUrl);
          await outbox.enqueue(newEntry(channel, message, now));
          sent = true;
        } else {
          await outbox.hold({ channel, at: now, finding: summarize(f, baseUrl) });
        }
        await outbox.putNotified({ channel, findingId: f.id, severity: f.severity, count: f.count, at: now });
      }
    }
    for (const r of records) await outbox.logDecision(r);
    return sent;
  }

  async function route(f: Finding, outcome: SignalOutcome): Promise<DecisionRecord[]> {
    // Repeats (a re-imported window) and trusted addresses change nothing: no decision to make.
    if (outcome === 'repeat' || outcome === 'trusted') return [];
    counts.findings++;
    const records: DecisionRecord[] = [];
    const sent = await outbox.batch(() => decideAll(f, records));
    // Deliver at once: a high-severity finding should not wait for the next tick.
    if (sent) await deliverDue({ digests: 0, delivered: 0, retried: 0, dead: 0 });
    return records;
  }

  return {
    counts,
    onFinding: (f, outcome) => serial(() => route(f, outcome)),
    tick: () =>
      serial(async () => {
        const result: TickResult = { digests: 0, delivered: 0, retried: 0, dead: 0 };
        await flushDigests(result);
        await deliverDue(result);
        return result;
      }),
    close: () =>
      serial(async () => {
        for (const s of sinks.values()) await s.close();
      }),
  };
}
