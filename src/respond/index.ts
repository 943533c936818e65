// The literal registry of responders: one file per kind, one case here.

import type { Clock } from '../core/clock.ts';
import type { SakuraClient } from '../sakura/client.ts';
import type { ResponderConfig } from './config.ts';
import type { AgentCommandQueue } from './agent-queue.ts';
import { createAgentNftablesResponder } from './agent-nftables.ts';
import { createNftablesResponder } from './nftables.ts';
import { createPacketFilterResponder } from './packet-filter.ts';
import { RespondError, type Responder } from './responder.ts';
import { createWebhookResponder } from './webhook.ts';

export interface ResponderDeps {
  clock: Clock;
  /** Null when no Sakura API key is configured; packet-filter responders then refuse to start. */
  sakura: SakuraClient | null;
  /** Commands for host agents; null where no agent can fetch them (agent-nftables refuses). */
  agentQueue: AgentCommandQueue | null;
}

export function createResponder(o: ResponderConfig, deps: ResponderDeps): Responder {
  switch (o.kind) {
    case 'nftables':
      return createNftablesResponder(o);
    case 'agent-nftables':
      if (deps.agentQueue === null)
        throw new RespondError(
          `responder ${o.name} blocks through host agents, which fetch their commands from serve`,
        );
      return createAgentNftablesResponder(o, deps.agentQueue, deps.clock);
    case 'sakura-packet-filter':
      if (deps.sakura === null)
        throw new RespondError(`responder ${o.name} needs a Sakura Cloud API key (docs/sakura.md)`);
      return createPacketFilterResponder(o, deps.sakura);
    case 'webhook':
      return createWebhookResponder(o, deps.clock);
    default: {
      const never: never = o;
      return never;
    }
  }
}

/** Every configured responder; throws (a UserError for serve) when one cannot start. */
export function createResponders(config: readonly ResponderConfig[], deps: ResponderDeps): Responder[] {
  return config.map((c) => createResponder(c, deps));
}
