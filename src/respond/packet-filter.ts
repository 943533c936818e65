// The Sakura packet-filter responder (SAKURA.md §1): there is no call that adds one rule, so it
// reads the filter, puts a deny rule for the attacker at the top (rules match first-to-last and
// the filter is stateless, so a deny must come before the allows it overrides), and PUTs the
// whole list with the `OriginalExpressionHash` it read. The rule's Description is the tag
// `sakura-guard:<action id>:<expiry unix s>`, which undo and the expiry sweep look for. A filter
// already at 30 rules is refused, never trimmed. The list before the change is kept for rollback.

import { isIP } from 'node:net';
import type { z } from 'zod';
import { SakuraApiError, type SakuraClient } from '../sakura/client.ts';
import type { PacketFilterExpression, PacketFilterJson } from '../sakura/types.ts';
import type { packetFilterResponderSchema } from './config.ts';
import { RespondError, type Responder, type UndoState } from './responder.ts';

type PacketFilterOptions = z.infer<typeof packetFilterResponderSchema>;

export const MAX_RULES = 30;
export const TAG_PREFIX = 'sakura-guard:';
const CONFLICT_RETRIES = 3;

export const ruleTag = (actionId: string, expiresAtMs: number): string =>
  `${TAG_PREFIX}${actionId}:${Math.floor(expiresAtMs / 1000)}`;

/** The tag's action id and expiry (Unix ms), or null for rules this product did not write. */
export function parseRuleTag(
  description: string | undefined,
): { actionId: string; expiresAtMs: number } | null {
  const m = /^sakura-guard:([A-Za-z0-9_-]+):(\d+)$/.exec(description ?? '');
  return m ? { actionId: m[1]!, expiresAtMs: Number(m[2]) * 1000 } : null;
}

export function createPacketFilterResponder(o: PacketFilterOptions, client: SakuraClient): Responder {
  const read = async (id: string): Promise<{ rules: PacketFilterExpression[]; hash: string | undefined }> => {
    const r = await client.request<{ PacketFilter?: PacketFilterJson }>('GET', o.zone, `packetfilter/${id}`);
    return { rules: r.PacketFilter?.Expression ?? [], hash: r.PacketFilter?.ExpressionHash };
  };
  const write = (id: string, rules: PacketFilterExpression[], hash: string | undefined): Promise<unknown> =>
    client.request('PUT', o.zone, `packetfilter/${id}`, {
      PacketFilter: { Expression: rules },
      ...(hash === undefined ? {} : { OriginalExpressionHash: hash }),
    });
  /** Read-modify-write, re-read when someone else changed the filter in between (hash conflict). */
  const update = async (
    id: string,
    change: (rules: PacketFilterExpression[]) => PacketFilterExpression[] | null,
  ): Promise<PacketFilterExpression[] | null> => {
    for (let attempt = 1; ; attempt++) {
      const { rules, hash } = await read(id);
      const next = change(rules);
      if (next === null) return null;
      try {
        await write(id, next, hash);
        return rules;
      } catch (e) {
        if (e instanceof SakuraApiError && e.status === 409 && attempt < CONFLICT_RETRIES) continue;
        throw e;
      }
    }
  };
  return {
    name: o.name,
    kind: 'sakura-packet-filter',
    describe: (t) =>
      `insert "deny ip from ${t.ip}" at the top of Sakura packet filter${o.packetFilterIds.length > 1 ? 's' : ''} ${o.packetFilterIds.join(', ')} (${o.zone}) until ${new Date(t.expiresAtMs).toISOString()}`,
    async apply(t) {
      if (isIP(t.ip) !== 4)
        throw new RespondError(`Sakura packet filters take IPv4 source networks; ${t.ip} was not blocked`);
      const previous: Record<string, PacketFilterExpression[]> = {};
      for (const id of o.packetFilterIds) {
        const before = await update(id, (rules) => {
          if (
            rules.some((r) => r.Action === 'deny' && r.SourceNetwork === t.ip && parseRuleTag(r.Description))
          )
            return null; // already blocked by an earlier action
          if (rules.length >= MAX_RULES)
            throw new RespondError(
              `packet filter ${id} already has ${rules.length} rules (the limit is ${MAX_RULES}); ${t.ip} was not blocked there`,
            );
          // Inferred: a single address is sent bare, not as /32 (SAKURA.md §1).
          const deny: PacketFilterExpression = {
            Protocol: 'ip',
            SourceNetwork: t.ip,
            SourcePort: '',
            DestinationPort: '',
            Action: 'deny',
            Description: ruleTag(t.actionId, t.expiresAtMs),
          };
          return [deny, ...rules];
        });
        if (before !== null) previous[id] = before;
      }
      return { previous };
    },
    async undo(t, state: UndoState) {
      void state; // the previous lists stay in the audit table for a manual rollback
      for (const id of o.packetFilterIds)
        await update(id, (rules) => {
          const kept = rules.filter((r) => parseRuleTag(r.Description)?.actionId !== t.actionId);
          return kept.length === rules.length ? null : kept;
        });
    },
  };
}

/** Removes every tagged rule past its expiry (rules left by a crash or an older data directory). */
export async function removeExpiredRules(
  client: SakuraClient,
  zone: string,
  packetFilterId: string,
  nowMs: number,
): Promise<number> {
  const r = await client.request<{ PacketFilter?: PacketFilterJson }>(
    'GET',
    zone,
    `packetfilter/${packetFilterId}`,
  );
  const rules = r.PacketFilter?.Expression ?? [];
  const kept = rules.filter((x) => {
    const tag = parseRuleTag(x.Description);
    return tag === null || tag.expiresAtMs > nowMs;
  });
  if (kept.length === rules.length) return 0;
  await client.request('PUT', zone, `packetfilter/${packetFilterId}`, {
    PacketFilter: { Expression: kept },
    OriginalExpressionHash: r.PacketFilter?.ExpressionHash,
  });
  return rules.length - kept.length;
}

/** Puts a filter back to the list kept before an action, overwriting every change made since. */
export async function rollbackFilter(
  client: SakuraClient,
  zone: string,
  packetFilterId: string,
  previous: PacketFilterExpression[],
): Promise<void> {
  const r = await client.request<{ PacketFilter?: PacketFilterJson }>(
    'GET',
    zone,
    `packetfilter/${packetFilterId}`,
  );
  await client.request('PUT', zone, `packetfilter/${packetFilterId}`, {
    PacketFilter: { Expression: previous },
    OriginalExpressionHash: r.PacketFilter?.ExpressionHash,
  });
}
