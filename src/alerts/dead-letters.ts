// Dead letters back into the queue: after the channel is fixed (a new URL, a new secret), the
// operator re-queues what could not be delivered. Each re-queued message starts its attempts
// again and keeps its delivery id, so receivers that got it after all can still deduplicate.

import type { Clock } from '../core/clock.ts';
import type { Outbox } from './outbox.ts';

export async function requeueDeadLetters(
  outbox: Outbox,
  clock: Clock,
  filter: { channel?: string; ids?: readonly string[] } = {},
): Promise<number> {
  const now = clock.now();
  let n = 0;
  const dead = await outbox.list({
    status: 'dead',
    ...(filter.channel === undefined ? {} : { channel: filter.channel }),
    limit: Number.MAX_SAFE_INTEGER,
  });
  for (const e of dead) {
    if (filter.ids !== undefined && !filter.ids.includes(e.id)) continue;
    await outbox.update({ ...e, status: 'pending', attempts: 0, nextAttemptAt: now, updatedAt: now });
    n++;
  }
  return n;
}
