// The agent against a real server on 127.0.0.1: lines appended to a followed auth log reach the
// server's `events`; while the server is down they wait in the spool (bounded) and arrive once it
// is back; a restarted agent resumes from its saved position without sending lines twice.

import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.ts';
import { defaultConfig } from '../config/schema.ts';
import { startServer, type RunningServer } from '../server/serve.ts';
import { agentConfigSchema, runAgent, type AgentCounters } from './agent.ts';
import { Spool } from './spool.ts';

const line = (n: number): string =>
  `Nov 23 11:${String(10 + Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')} web-1 sshd[${1000 + n}]: Failed password for root from 203.0.113.${n % 250} port ${40000 + n} ssh2\n`;
const lines = (a: number, b: number): string => Array.from({ length: b - a }, (_, k) => line(a + k)).join('');

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sg-agent-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function serve(port = 0): Promise<{ server: RunningServer; token: string }> {
  const config = defaultConfig();
  config.server.port = port;
  let token = '';
  const server = await startServer({
    config,
    dataDir: path.join(dir, 'server'),
    clock: manualClock(Date.parse('2026-11-23T12:00:00Z')),
    version: 't',
    logStream: false,
    onBootstrapToken: (t) => {
      token = t;
    },
  });
  return { server, token };
}

async function eventCount(server: RunningServer, token: string): Promise<number> {
  const r = await fetch(`${server.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: "SELECT count(*) FROM events WHERE host = 'web-1'" }),
  });
  return ((await r.json()) as { rows: number[][] }).rows[0]?.[0] ?? 0;
}

/** Runs the agent until `done` says so (bounded at 20 s). */
async function agentUntil(
  url: string,
  token: string,
  log: string,
  done: (c: AgentCounters, s: Spool) => boolean,
): Promise<AgentCounters> {
  const config = agentConfigSchema.parse({
    server: url,
    logs: [{ path: log, format: 'sshd' }],
    stateDir: path.join(dir, 'agent'),
    pollMs: 20,
    maxBackoffMs: 100,
  });
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), 20_000);
  try {
    return await runAgent(config, token, stop.signal, (c, s) => void (done(c, s) && stop.abort()));
  } finally {
    clearTimeout(timer);
  }
}

describe('sakura-guard agent', () => {
  it('ships followed lines, buffers them while the server is down, and resumes without duplicates', async () => {
    const log = path.join(dir, 'auth.log');
    writeFileSync(log, lines(0, 20));
    const first = await serve();
    const url = first.server.url;
    const port = Number(new URL(url).port);
    const token = first.token;
    const a = await agentUntil(url, token, log, (c) => c.batchesSent >= 1 && c.linesRead >= 20);
    expect(a).toMatchObject({ linesRead: 20, batchesRefused: 0 });
    expect(await eventCount(first.server, token)).toBe(20);
    await first.server.close();

    // Server down: new lines are read and kept in the spool; the agent retries.
    appendFileSync(log, lines(20, 30));
    const b = await agentUntil(url, token, log, (c, s) => c.retries >= 2 && s.list().length >= 1);
    expect(b.linesRead).toBe(10);
    expect(b.batchesSent).toBe(0);
    expect(b.lastError).not.toBeNull();

    // Server back on the same port and data: the buffered batch arrives, nothing twice.
    const again = await serve(port);
    try {
      appendFileSync(log, lines(30, 35));
      const c = await agentUntil(url, again.token, log, (x, s) => x.linesRead >= 5 && s.list().length === 0);
      expect(c.linesRead).toBe(5);
      expect(await eventCount(again.server, again.token)).toBe(35);
    } finally {
      await again.server.close();
    }
  });

  it('keeps the spool within its bound by dropping the oldest batches', () => {
    const spool = new Spool(path.join(dir, 'bounded'), 70_000);
    for (let i = 0; i < 20; i++) spool.add('sshd', [randomBytes(10_000).toString('hex')]);
    expect(spool.bytes()).toBeLessThanOrEqual(70_000);
    expect(spool.dropped).toBeGreaterThan(0);
    expect(spool.list().at(-1)?.seq).toBe(20);
  });
});
