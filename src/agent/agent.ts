// `sakura-guard agent`: ships a host's logs to a server's HTTP ingest (docs/agent.md). Each
// configured log file is followed rotation-safely (sources/follow.ts); every poll's new lines go
// to the on-disk spool (spool.ts) and only then is the file's position saved, so a restart
// neither loses nor repeats lines. A sender posts the spool's files oldest first (gzip NDJSON,
// `?format=`), deletes each on 200, and on 429, 5xx or a network error waits (Retry-After, or
// exponential backoff up to `maxBackoffMs`) and tries the same file again; 4xx other than 429
// means the batch itself is refused: it is dropped and counted, and the next one goes.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../core/errors.ts';
import { FileFollower, type FollowPosition } from '../sources/follow.ts';
import { LINE_FORMATS } from '../sources/log-flows.ts';
import { ConntrackDeltas, parseConntrack } from './conntrack.ts';
import { type AgentRespondCounters, agentRespondSchema, runAgentResponder } from './respond.ts';
import { Spool } from './spool.ts';

export const agentConfigSchema = z
  .object({
    /** Base URL of `sakura-guard serve`, e.g. https://guard.example.internal:8080 */
    server: z.string().url(),
    /** API token with the `ingest` permission. Prefer `tokenFile` or SAKURA_GUARD_AGENT_TOKEN. */
    token: z.string().min(1).optional(),
    tokenFile: z.string().min(1).optional(),
    /** Files to follow, each with its line format (auto: sniffed by the server per batch). */
    logs: z
      .array(
        z
          .object({ path: z.string().min(1), format: z.enum(['auto', ...LINE_FORMATS]).default('auto') })
          .strict(),
      )
      .default([
        { path: '/var/log/auth.log', format: 'sshd' },
        { path: '/var/log/kern.log', format: 'iptables' },
      ]),
    /**
     * Connection-table flows (conntrack.ts): read `path` every `intervalMs`, ship what each
     * connection sent in between. Needs `net.netfilter.nf_conntrack_acct=1` for byte counts.
     */
    conntrack: z
      .object({
        enabled: z.boolean().default(false),
        path: z.string().min(1).default('/proc/net/nf_conntrack'),
        intervalMs: z.number().int().min(10).default(10_000),
        /** The flows' resource; default the host name. */
        host: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    /** Blocking on this host for the server's agent-nftables responder (respond.ts). */
    respond: agentRespondSchema.prefault({}),
    /** Spool and positions. */
    stateDir: z.string().min(1).default('/var/lib/sakura-guard-agent'),
    /** The spool's bound; the oldest batches are dropped beyond it. */
    maxBufferBytes: z
      .number()
      .int()
      .min(65_536)
      .default(256 * 1024 * 1024),
    /** Lines per batch at most. */
    batchLines: z.number().int().min(1).default(5000),
    pollMs: z.number().int().min(10).default(1000),
    maxBackoffMs: z.number().int().min(10).default(60_000),
    /** Per request. */
    timeoutMs: z.number().int().min(100).default(30_000),
  })
  .strict();
export type AgentConfig = z.infer<typeof agentConfigSchema>;

export interface AgentCounters {
  linesRead: number;
  /** Flow records made from the connection table. */
  conntrackFlows: number;
  batchesSent: number;
  batchesRefused: number;
  batchesDropped: number;
  retries: number;
  lastError: string | null;
  /** Block commands applied, failed and expired (respond.enabled). */
  respond: AgentRespondCounters;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

function positionPath(stateDir: string, file: string): string {
  const h = createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 16);
  return path.join(stateDir, 'positions', `${h}.json`);
}

function loadPosition(file: string): FollowPosition | null {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as Partial<FollowPosition>;
    return typeof j.inode === 'number' && typeof j.offset === 'number'
      ? { inode: j.inode, offset: j.offset }
      : null;
  } catch {
    return null;
  }
}

function savePosition(file: string, p: FollowPosition): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(p));
  renameSync(`${file}.tmp`, file);
}

export async function runAgent(
  config: AgentConfig,
  token: string,
  signal: AbortSignal,
  onProgress?: (c: AgentCounters, spool: Spool) => void,
): Promise<AgentCounters> {
  const spool = new Spool(config.stateDir, config.maxBufferBytes);
  const counters: AgentCounters = {
    linesRead: 0,
    conntrackFlows: 0,
    batchesSent: 0,
    batchesRefused: 0,
    batchesDropped: 0,
    retries: 0,
    lastError: null,
    respond: { commandsApplied: 0, commandsFailed: 0, commandsExpired: 0, lastError: null },
  };
  const followers = config.logs.map((l) => {
    const state = positionPath(config.stateDir, l.path);
    return { ...l, state, follower: new FileFollower(l.path, loadPosition(state)) };
  });

  async function readLogs(): Promise<void> {
    while (!signal.aborted) {
      let any = false;
      for (const f of followers) {
        const chunk = f.follower.poll();
        if (chunk === null) continue;
        any = true;
        const lines = chunk.bytes.toString('utf8').split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        for (let i = 0; i < lines.length; i += config.batchLines) {
          spool.add(f.format, lines.slice(i, i + config.batchLines));
        }
        counters.linesRead += lines.length;
        savePosition(f.state, chunk.position);
      }
      if (!any) await sleep(config.pollMs, signal);
    }
  }

  async function readConntrack(): Promise<void> {
    if (!config.conntrack.enabled) return;
    const deltas = new ConntrackDeltas(config.conntrack.host ?? hostname());
    while (!signal.aborted) {
      try {
        const records = deltas.next(parseConntrack(readFileSync(config.conntrack.path, 'utf8')), Date.now());
        spool.add('zeek', records);
        counters.conntrackFlows += records.length;
        if (records.length > 0) onProgress?.(counters, spool);
      } catch (e) {
        counters.lastError = `conntrack: ${errorMessage(e)}`;
      }
      await sleep(config.conntrack.intervalMs, signal);
    }
  }

  async function send(): Promise<void> {
    let backoff = 250;
    while (!signal.aborted) {
      const next = spool.list()[0];
      if (next === undefined) {
        await sleep(Math.min(config.pollMs, 250), signal);
        continue;
      }
      const query = next.format === 'auto' ? '' : `?format=${encodeURIComponent(next.format)}`;
      let wait: number;
      try {
        const r = await fetch(`${config.server.replace(/\/$/, '')}/api/v1/ingest${query}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/x-ndjson',
            'content-encoding': 'gzip',
            ...(next.id === null ? {} : { 'idempotency-key': next.id }),
          },
          body: spool.read(next),
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        await r.arrayBuffer();
        if (r.ok) {
          spool.remove(next);
          counters.batchesSent++;
          backoff = 250;
          onProgress?.(counters, spool);
          continue;
        }
        if (r.status === 429 || r.status >= 500) {
          wait = Number(r.headers.get('retry-after') ?? 0) * 1000 || backoff;
          counters.lastError = `HTTP ${r.status}`;
        } else {
          // The server refuses this batch for what it is (bad token: every batch would be; keep them).
          counters.lastError = `HTTP ${r.status}`;
          if (r.status === 401 || r.status === 403) wait = backoff;
          else {
            spool.remove(next);
            counters.batchesRefused++;
            continue;
          }
        }
      } catch (e) {
        counters.lastError = errorMessage(e);
        wait = backoff;
      }
      counters.retries++;
      counters.batchesDropped = spool.dropped;
      onProgress?.(counters, spool);
      backoff = Math.min(backoff * 2, config.maxBackoffMs);
      await sleep(Math.min(wait, config.maxBackoffMs), signal);
    }
  }

  try {
    await Promise.all([
      readLogs(),
      readConntrack(),
      send(),
      runAgentResponder(config.respond, {
        server: config.server,
        token,
        timeoutMs: config.timeoutMs,
        maxBackoffMs: config.maxBackoffMs,
        signal,
        sleep: (ms) => sleep(ms, signal),
        onProgress: (r) => {
          counters.respond = { ...r };
          onProgress?.(counters, spool);
        },
      }).then((r) => {
        counters.respond = r;
      }),
    ]);
  } finally {
    for (const f of followers) f.follower.close();
  }
  counters.batchesDropped = spool.dropped;
  return counters;
}
