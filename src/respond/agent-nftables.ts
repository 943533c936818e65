// The agent-nftables responder: blocks the attacker on hosts that run `sakura-guard agent` with
// `respond.enabled`, through the agents rather than from this server (which may not be on the
// path of the traffic). Apply queues a block command for each named agent; each agent applies it
// to its own nftables set with the time left as the timeout (the kernel lifts it), within its
// poll interval, and reports back. Undo queues an unblock. What each agent did is in the
// queue (GET /api/v1/responses/ID shows it through `respond show`).

import { isIP } from 'node:net';
import type { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { AgentCommandQueue } from './agent-queue.ts';
import type { agentNftablesResponderSchema } from './config.ts';
import { RespondError, type Responder } from './responder.ts';

type AgentNftablesOptions = z.infer<typeof agentNftablesResponderSchema>;

export function createAgentNftablesResponder(
  o: AgentNftablesOptions,
  queue: AgentCommandQueue,
  clock: Clock,
): Responder {
  const enqueue = async (
    action: 'block' | 'unblock',
    t: { ip: string; actionId: string; expiresAtMs: number },
  ): Promise<string[]> => {
    const ids: string[] = [];
    for (const agent of o.agents) {
      const c = await queue.enqueue(
        { agent, action, ip: t.ip, actionId: t.actionId, expiresAt: t.expiresAtMs },
        clock.now(),
      );
      ids.push(c.id);
    }
    return ids;
  };
  return {
    name: o.name,
    kind: 'agent-nftables',
    describe: (t) =>
      `have agent${o.agents.length > 1 ? 's' : ''} ${o.agents.join(', ')} add ${t.ip} to their nftables block set for ${t.durationSeconds}s`,
    async apply(t) {
      if (isIP(t.ip) === 0) throw new RespondError(`'${t.ip}' is not an IP address`);
      return { agents: [...o.agents], commands: await enqueue('block', t) };
    },
    async undo(t) {
      await enqueue('unblock', t);
    },
  };
}
