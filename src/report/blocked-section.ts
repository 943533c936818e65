// What was blocked in the period: the response actions (src/respond/store.ts keeps them in
// `response_actions`) created in it, by status, and what firewalls rejected anyway. Without that
// table no responder has ever run here, and the report says so.

import type { FlowStore } from '../store/store.ts';
import type { BlockedSection } from './model.ts';
import type { Period } from './period.ts';

/** Actions listed at most; the counts by status cover them all. */
export const ACTIONS_SHOWN = 30;

export async function blockedSection(
  store: FlowStore,
  p: Period,
  rejectedFlows: number,
): Promise<BlockedSection> {
  const [t] = await store.all(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'response_actions'",
  );
  if (Number(t?.n ?? 0) === 0) return { configured: false, rejectedFlows };
  const range = [p.fromMs, p.toMs];
  const counts = await store.all(
    `SELECT status, count(*) AS n FROM response_actions WHERE created_at >= ? AND created_at < ?
     GROUP BY 1 ORDER BY 2 DESC, 1`,
    range,
  );
  const rows = await store.all(
    `SELECT created_at, responder, ip, status, finding_type FROM response_actions
     WHERE created_at >= ? AND created_at < ? ORDER BY created_at DESC, id LIMIT ?`,
    [...range, ACTIONS_SHOWN],
  );
  return {
    configured: true,
    rejectedFlows,
    byStatus: counts.map((c) => ({ status: String(c.status), count: Number(c.n) })),
    actions: rows.map((r) => ({
      at: new Date(Number(r.created_at)).toISOString(),
      responder: String(r.responder),
      target: String(r.ip),
      status: String(r.status),
      findingType: String(r.finding_type),
    })),
  };
}
