// Blocking through the agent, end to end: serve with an agent-nftables responder queues a block
// for agent "web-1" when a finding arrives; the agent's responder loop fetches it, runs nft in a
// network namespace this test creates (so the host's own firewall is never touched), and
// acknowledges it; undo through the API queues an unblock that removes the element again. A
// command that arrives after its expiry is acknowledged as expired and not applied. Needs root,
// `ip` and `nft`; skips with the reason otherwise (fails instead under SAKURA_GUARD_REQUIRE_SERVERS=1
// when root).

import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFinding } from '../alerts/test-findings.ts';
import { respondSchema } from '../respond/config.ts';
import { startTestServer, type TestServer } from '../api/test-server.ts';
import { agentRespondSchema, runAgentResponder, type AgentRespondCounters } from './respond.ts';
import { namespaceSkipReason } from '../../test/netns.ts';

const why = namespaceSkipReason();

const NS = `sg-agent-${process.pid % 100000}`;
const TABLE = 'sg_agent_test';
const ATTACKER = '203.0.113.8';

const setElements = (): string =>
  execFileSync('ip', ['netns', 'exec', NS, 'nft', 'list', 'set', 'inet', TABLE, 'blocked4'], {
    encoding: 'utf8',
  });

/** Runs the agent's loop until `done` holds (or 10 s), then stops it. */
async function runAgentUntil(
  t: TestServer,
  now: () => number,
  done: (c: AgentRespondCounters) => boolean,
): Promise<AgentRespondCounters> {
  const stop = new AbortController();
  const config = agentRespondSchema.parse({
    enabled: true,
    name: 'web-1',
    table: TABLE,
    netns: NS,
    pollMs: 20,
  });
  const limit = setTimeout(() => stop.abort(), 10_000);
  try {
    return await runAgentResponder(config, {
      server: t.server.url,
      token: t.tokens.analyst,
      timeoutMs: 5000,
      maxBackoffMs: 200,
      signal: stop.signal,
      now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      onProgress: (c) => {
        if (done(c)) stop.abort();
      },
    });
  } finally {
    clearTimeout(limit);
  }
}

describe.skipIf(why !== null)('blocking through the agent', () => {
  let t: TestServer;
  beforeAll(async () => {
    execFileSync('ip', ['netns', 'add', NS]);
    t = await startTestServer((config) => {
      config.respond = respondSchema.parse({
        responders: [{ kind: 'agent-nftables', name: 'hosts', agents: ['web-1'] }],
        policies: [{ name: 'block', responders: ['hosts'], mode: 'automatic', durationSeconds: 600 }],
      });
    });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    execFileSync('ip', ['netns', 'del', NS]);
  });

  it('queues a block for the agent, which applies it in nftables and reports back; undo lifts it', async () => {
    await t.server.deps.findingEvents.publish(
      makeFinding({ id: 'f-agent', severity: 8, actor: { ip: ATTACKER, port: null } }),
      'new',
    );
    const pending = await t.call('GET', '/api/v1/agent/commands?agent=web-1', 'analyst');
    expect(pending.body.commands).toEqual([expect.objectContaining({ action: 'block', ip: ATTACKER })]);
    expect((await t.call('GET', '/api/v1/agent/commands?agent=web-2', 'analyst')).body.commands).toEqual([]);
    expect((await t.call('GET', '/api/v1/agent/commands?agent=web-1', 'viewer')).status).toBe(403);

    const applied = await runAgentUntil(
      t,
      () => t.clock.now(),
      (c) => c.commandsApplied >= 1,
    );
    expect(applied).toMatchObject({ commandsApplied: 1, commandsFailed: 0 });
    expect(setElements()).toContain(ATTACKER);
    expect((await t.call('GET', '/api/v1/agent/commands?agent=web-1', 'analyst')).body.commands).toEqual([]);

    const actions = (await t.call('GET', '/api/v1/responses?findingId=f-agent', 'analyst')).body.items as {
      id: string;
      status: string;
    }[];
    expect(actions).toEqual([expect.objectContaining({ status: 'applied' })]);
    const undone = await t.call('POST', `/api/v1/responses/${actions[0]!.id}/undo`, 'analyst', {});
    expect(undone).toMatchObject({ status: 200, body: { status: 'undone' } });
    const lifted = await runAgentUntil(
      t,
      () => t.clock.now(),
      (c) => c.commandsApplied >= 1,
    );
    expect(lifted.commandsApplied).toBe(1);
    expect(setElements()).not.toContain(ATTACKER);

    const audit = await t.call('GET', '/api/v1/audit?limit=50', 'admin');
    expect(JSON.stringify(audit.body)).toContain('agent.command.done');
  }, 60_000);

  it('does not apply a block that arrives after its expiry, and says so', async () => {
    await t.server.deps.findingEvents.publish(
      makeFinding({ id: 'f-late', severity: 8, actor: { ip: '203.0.113.9', port: null } }),
      'new',
    );
    const late = await runAgentUntil(
      t,
      () => t.clock.now() + 3_600_000,
      (c) => c.commandsExpired >= 1,
    );
    expect(late).toMatchObject({ commandsExpired: 1, commandsApplied: 0 });
    expect(setElements()).not.toContain('203.0.113.9');
    const ack = await t.call('POST', '/api/v1/agent/commands/cmd-none/ack', 'analyst', {
      agent: 'web-1',
      state: 'done',
    });
    expect(ack.status).toBe(404);
  }, 60_000);
});
