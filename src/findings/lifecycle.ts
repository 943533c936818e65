// Operations on stored findings that the CLI and API share: archive, and suppression rules
// with preview, retroactive apply and undo on removal.

import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { UserError } from '../core/errors.ts';
import type { FindingStore } from './store.ts';
import {
  filterMatches,
  validateFilter,
  type SuppressionFilter,
  type SuppressionRule,
} from './suppression.ts';

/** How many active findings a filter would archive now. */
export async function previewSuppression(store: FindingStore, filter: SuppressionFilter): Promise<number> {
  const f = validateFilter(filter);
  const active = await store.list({ status: 'active' });
  return active.filter((x) => filterMatches(f, x)).length;
}

export interface AddSuppressionInput {
  filter: SuppressionFilter;
  reason?: string;
  /** Milliseconds since the epoch, or null for no expiry. */
  expiresAt?: number | null;
}

/** Saves a rule and archives every stored active finding it matches. */
export async function addSuppression(
  store: FindingStore,
  input: AddSuppressionInput,
  clock: Clock,
): Promise<{ rule: SuppressionRule; archived: number }> {
  const filter = validateFilter(input.filter);
  const createdAt = clock.now();
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null && expiresAt <= createdAt) {
    throw new UserError('the suppression rule would already be expired', {
      hint: 'give an expiry in the future, e.g. --expires 7d',
    });
  }
  const id = `sup-${createHash('sha256')
    .update(`${JSON.stringify(filter)}|${createdAt}`)
    .digest('hex')
    .slice(0, 12)}`;
  const rule: SuppressionRule = { id, filter, reason: input.reason ?? '', createdAt, expiresAt };
  await store.putRule(rule);
  let archived = 0;
  for (const f of await store.list({ status: 'active' })) {
    if (!filterMatches(filter, f)) continue;
    f.status = 'archived';
    f.archivedBy = `suppression:${id}`;
    f.updatedAt = createdAt;
    await store.put(f);
    archived++;
  }
  await store.flush();
  return { rule, archived };
}

/** Deletes a rule and re-activates the findings that it (and only it) archived. */
export async function removeSuppression(store: FindingStore, id: string, clock: Clock): Promise<number> {
  const removed = await store.deleteRule(id);
  if (!removed) {
    throw new UserError(`no suppression rule with id ${id}`, { hint: 'list the rules with `suppress list`' });
  }
  let restored = 0;
  for (const f of await store.list({ status: 'archived' })) {
    if (f.archivedBy !== `suppression:${id}`) continue;
    f.status = 'active';
    f.archivedBy = null;
    f.updatedAt = clock.now();
    await store.put(f);
    restored++;
  }
  await store.flush();
  return restored;
}

/** Archives findings by id (user action). Unknown ids are returned, not thrown. */
export async function archiveFindings(
  store: FindingStore,
  ids: readonly string[],
  clock: Clock,
): Promise<{ archived: string[]; unknown: string[] }> {
  const archived: string[] = [];
  const unknown: string[] = [];
  for (const id of ids) {
    const f = await store.get(id);
    if (!f) {
      unknown.push(id);
      continue;
    }
    f.status = 'archived';
    f.archivedBy = 'user';
    f.updatedAt = clock.now();
    await store.put(f);
    archived.push(id);
  }
  await store.flush();
  return { archived, unknown };
}
