// What host agents fetch from the server: the block and unblock commands the agent-nftables
// responder queued for them (src/respond/agent-queue.ts), and their acknowledgements. An agent
// sees only the commands of the name it gives; an acknowledgement is audited. A server with no
// agent-nftables responder answers an empty list, so an agent set up first polls quietly.

import { z } from 'zod';
import { ApiError } from '../errors.ts';
import { defineRoute, need, type ApiRoute } from '../route.ts';

const agentName = z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'letters, digits, ".", "_" and "-" only');

export const agentRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/agent/commands',
    summary: "An agent's pending block/unblock commands, oldest first (docs/agent.md, docs/response.md)",
    access: need('agent:commands'),
    query: z.object({ agent: agentName, limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    async handler({ query, deps }) {
      const commands = deps.agentCommands ? await deps.agentCommands.pending(query.agent, query.limit) : [];
      return { commands };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/agent/commands/:id/ack',
    summary: 'An agent reports a command done, failed (with the error) or expired before it could apply it',
    access: need('agent:commands'),
    body: z
      .object({
        agent: agentName,
        state: z.enum(['done', 'failed', 'expired']),
        detail: z.string().max(2000).nullable().default(null),
      })
      .strict(),
    async handler({ params, body, deps, audit }) {
      const queue = deps.agentCommands;
      const id = params.id ?? '';
      const acked = queue ? await queue.ack(body.agent, id, body.state, body.detail, deps.clock.now()) : null;
      if (!acked)
        throw new ApiError(
          404,
          `no pending command ${id} for agent ${body.agent}`,
          'fetch GET /api/v1/agent/commands?agent=NAME for the pending ones',
        );
      await audit(`agent.command.${body.state}`, id, {
        agent: body.agent,
        action: acked.action,
        ip: acked.ip,
        ...(body.detail === null ? {} : { detail: body.detail }),
      });
      return acked;
    },
  }),
];
