// Retention for the ClickHouse store. Every table is partitioned by UTC day number, so whole
// days are dropped as partitions (cheap, immediate); only the day that holds an age cut-off is
// trimmed row by row, with a DELETE mutation that this waits for.

import type { RetentionPolicy, RetentionResult } from '../store.ts';
import type { ClickHouseFlowStore } from './store.ts';
import { bindParams } from './literal.ts';
import { dayOf, TIMED_TABLES } from './schema.ts';

const DAY_S = 86_400;

type Timed = (typeof TIMED_TABLES)[number];
type Counts = Record<Timed['table'], number>;

async function count(store: ClickHouseFlowStore, t: Timed, where: string): Promise<number> {
  const [row] = await store.all(`SELECT count() AS n FROM \`${t.table}\` WHERE ${where}`);
  return Number(row?.['n'] ?? 0);
}

/** Day numbers (days since 1970-01-01 UTC) that hold rows in any table, oldest first. */
async function storedDays(store: ClickHouseFlowStore): Promise<number[]> {
  const rows = await store.all(
    `SELECT DISTINCT partition FROM system.parts WHERE database = ? AND active AND table IN (?, ?, ?)`,
    [store.database, ...TIMED_TABLES.map((t) => t.table)],
  );
  return rows.map((r) => Number(r['partition'])).sort((a, b) => a - b);
}

async function dropDay(store: ClickHouseFlowStore, day: number, deleted: Counts): Promise<void> {
  for (const t of TIMED_TABLES) {
    const n = await count(store, t, `${dayOf(t.time)} = ${day}`);
    // Dropped even when empty: a part emptied by a DELETE mutation still counts toward the size.
    await store.exec(`ALTER TABLE \`${t.table}\` DROP PARTITION ${day}`);
    deleted[t.table] += n;
  }
}

/** Waits until no mutation of the database is pending (18.16 has no mutations_sync). */
async function waitForMutations(store: ClickHouseFlowStore): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const [row] = await store.all(
      'SELECT count() AS n FROM system.mutations WHERE database = ? AND is_done = 0',
      [store.database],
    );
    if (Number(row?.['n'] ?? 0) === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`ClickHouse mutations in ${store.database} did not finish in 30 s`);
}

async function deleteBefore(store: ClickHouseFlowStore, cutoffMs: number, deleted: Counts): Promise<void> {
  const cutoffDay = Math.floor(cutoffMs / 1000 / DAY_S);
  for (const day of await storedDays(store)) if (day < cutoffDay) await dropDay(store, day, deleted);
  const cutoff = new Date(cutoffMs);
  let mutated = false;
  for (const t of TIMED_TABLES) {
    const [row] = await store.all(`SELECT count() AS n FROM \`${t.table}\` WHERE \`${t.time}\` < ?`, [
      cutoff,
    ]);
    const n = Number(row?.['n'] ?? 0);
    if (n === 0) continue;
    await store.exec(bindParams(`ALTER TABLE \`${t.table}\` DELETE WHERE \`${t.time}\` < ?`, [cutoff]));
    deleted[t.table] += n;
    mutated = true;
  }
  if (mutated) await waitForMutations(store);
}

export async function retainClickHouse(
  store: ClickHouseFlowStore,
  policy: RetentionPolicy,
  nowMs: number,
): Promise<RetentionResult> {
  const deleted: Counts = { flow_rows: 0, gaps: 0, events: 0 };
  const result: RetentionResult = {
    flowRowsDeleted: 0,
    gapRowsDeleted: 0,
    eventRowsDeleted: 0,
    daysDropped: [],
    bytesBefore: await store.bytesOnDisk(),
    bytesAfter: 0,
    withinMaxBytes: true,
  };
  if (policy.maxAgeDays !== undefined)
    await deleteBefore(store, nowMs - policy.maxAgeDays * DAY_S * 1000, deleted);
  if (policy.maxBytes !== undefined) {
    while ((await store.bytesOnDisk()) > policy.maxBytes) {
      const days = await storedDays(store);
      const oldest = days[0];
      if (oldest === undefined || days.length <= 1) {
        result.withinMaxBytes = false;
        break;
      }
      await dropDay(store, oldest, deleted);
      result.daysDropped.push(new Date(oldest * DAY_S * 1000).toISOString().slice(0, 10));
    }
  }
  result.flowRowsDeleted = deleted.flow_rows;
  result.gapRowsDeleted = deleted.gaps;
  result.eventRowsDeleted = deleted.events;
  result.bytesAfter = await store.bytesOnDisk();
  return result;
}
