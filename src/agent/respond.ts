// The agent's part of automated response (docs/agent.md "Blocking"): with `respond.enabled`, the
// agent polls the server for the block/unblock commands queued for its name (the agent-nftables
// responder, src/respond/agent-nftables.ts), applies each to this host's nftables set with the
// nftables responder's own code (the kernel lifts a block when its timeout passes), and
// acknowledges it: done, failed with nft's error, or expired when it arrived after the block
// would have lifted. A command is acknowledged only after nft ran, so an agent that stops in
// between applies it again (adding an element twice only refreshes its timeout).

import { hostname } from 'node:os';
import { z } from 'zod';
import { errorMessage } from '../core/errors.ts';
import { nftablesResponderSchema } from '../respond/config.ts';
import { createNftablesResponder } from '../respond/nftables.ts';
import type { AgentCommand } from '../respond/agent-queue.ts';

/** The nftables responder's table, command and netns, plus what the agent's loop needs. */
export const agentRespondSchema = nftablesResponderSchema
  .pick({ table: true, command: true, netns: true })
  .extend({
    enabled: z.boolean().default(false),
    /** The name the server's agent-nftables responder lists; default the host name. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,128}$/)
      .optional(),
    /** How often to ask the server for commands. */
    pollMs: z.number().int().min(10).default(5000),
  })
  .strict();
export type AgentRespondConfig = z.infer<typeof agentRespondSchema>;

export interface AgentRespondCounters {
  commandsApplied: number;
  commandsFailed: number;
  commandsExpired: number;
  lastError: string | null;
}

export interface AgentRespondDeps {
  server: string;
  token: string;
  timeoutMs: number;
  maxBackoffMs: number;
  signal: AbortSignal;
  now?: () => number;
  sleep(ms: number): Promise<void>;
  onProgress?(c: AgentRespondCounters): void;
}

/** Polls, applies and acknowledges until the signal aborts. */
export async function runAgentResponder(
  config: AgentRespondConfig,
  deps: AgentRespondDeps,
): Promise<AgentRespondCounters> {
  const counters: AgentRespondCounters = {
    commandsApplied: 0,
    commandsFailed: 0,
    commandsExpired: 0,
    lastError: null,
  };
  if (!config.enabled) return counters;
  const name = config.name ?? hostname();
  const now = deps.now ?? Date.now;
  const base = deps.server.replace(/\/$/, '');
  const nft = createNftablesResponder({
    kind: 'nftables',
    name: `agent-${name}`,
    table: config.table,
    command: config.command,
    netns: config.netns,
  });
  const call = async (path: string, body?: unknown): Promise<unknown> => {
    const r = await fetch(`${base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${deps.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`HTTP ${r.status} from ${path}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  };
  const apply = async (c: AgentCommand): Promise<['done' | 'failed' | 'expired', string | null]> => {
    const left = c.expiresAt - now();
    if (c.action === 'block' && left <= 0) return ['expired', 'arrived after the block would have lifted'];
    const target = {
      actionId: c.actionId,
      ip: c.ip,
      findingId: '',
      findingType: '',
      expiresAtMs: c.expiresAt,
      durationSeconds: Math.max(1, Math.ceil(left / 1000)),
    };
    try {
      if (c.action === 'block') await nft.apply(target);
      else await nft.undo(target, {});
      return ['done', null];
    } catch (e) {
      return ['failed', errorMessage(e)];
    }
  };
  let backoff = config.pollMs;
  while (!deps.signal.aborted) {
    try {
      const r = (await call(`/api/v1/agent/commands?agent=${encodeURIComponent(name)}`)) as {
        commands?: AgentCommand[];
      };
      for (const c of r.commands ?? []) {
        const [state, detail] = await apply(c);
        await call(`/api/v1/agent/commands/${encodeURIComponent(c.id)}/ack`, { agent: name, state, detail });
        if (state === 'done') counters.commandsApplied++;
        else if (state === 'failed') {
          counters.commandsFailed++;
          counters.lastError = detail;
        } else counters.commandsExpired++;
        deps.onProgress?.(counters);
      }
      backoff = config.pollMs;
    } catch (e) {
      counters.lastError = `respond: ${errorMessage(e)}`;
      deps.onProgress?.(counters);
      backoff = Math.min(backoff * 2, deps.maxBackoffMs);
    }
    await deps.sleep(backoff);
  }
  return counters;
}
