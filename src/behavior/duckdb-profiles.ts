// Profiles persisted in the data directory's DuckDB file (table `host_profiles`, one JSON body
// per host, created here like the findings tables). The first time detection runs with profiles
// on a data directory that already holds flows, the profiles are learned from those flows
// (backfill): they are read back in time order and go through the same code as live input.
// Values are always bound as parameters.

import type { DuckDBConnection } from '@duckdb/node-api';
import { createFlowBatch, type FlowBatch } from '../core/flow.ts';
import { detectors as registry } from '../detectors/index.ts';
import { DEFAULT_SERVICE_PORTS, createAnnotator } from '../engine/annotate.ts';
import type { Detector } from '../engine/detector.ts';
import { createAddressInterner } from '../engine/keys.ts';
import { noIntel } from '../engine/lookups.ts';
import { createNetScope, type NetScope } from '../engine/net-scope.ts';
import { parsePipelineConfig } from '../engine/pipeline.ts';
import { FLOW_TABLE } from '../store/schema.ts';
import { createProfileBook, withProfiles, type ProfileBook } from './book.ts';
import { profileFromJson, profileToJson } from './profile.ts';

const SCHEMA = `CREATE TABLE IF NOT EXISTS host_profiles (
  ip VARCHAR PRIMARY KEY,
  last_seen DOUBLE NOT NULL,
  body VARCHAR NOT NULL
)`;

export interface BackfillOptions {
  scope: NetScope;
  /** Only flows this recent (before the newest stored one) are learned from. */
  seconds: number;
  /** Most rows read. */
  maxRows: number;
}

export interface PersistedProfiles {
  book: ProfileBook;
  /** "loaded" from the table, "backfilled" from stored flows, or "empty". */
  origin: 'loaded' | 'backfilled' | 'empty';
  /** Rows read by the backfill. */
  backfillRows: number;
  save(): Promise<void>;
}

export async function openPersistedProfiles(
  conn: DuckDBConnection,
  backfill: BackfillOptions,
): Promise<PersistedProfiles> {
  const existed =
    Number(
      (
        await conn.runAndReadAll(
          "SELECT count(*) FROM information_schema.tables WHERE table_name = 'host_profiles'",
        )
      ).getRows()[0]?.[0] ?? 0,
    ) > 0;
  await conn.run(SCHEMA);
  const book = createProfileBook();
  let origin: PersistedProfiles['origin'] = 'empty';
  let backfillRows = 0;
  if (existed) {
    const rows = (await conn.runAndReadAll('SELECT body FROM host_profiles ORDER BY ip')).getRows();
    for (const r of rows) {
      try {
        const p = profileFromJson(JSON.parse(String(r[0])) as Record<string, unknown>);
        if (p !== null) book.add(p);
      } catch {
        // A damaged row is skipped; the host starts learning again.
      }
    }
    origin = 'loaded';
  } else {
    backfillRows = await backfillProfiles(conn, book, backfill);
    if (backfillRows > 0) origin = 'backfilled';
  }
  return {
    book,
    origin,
    backfillRows,
    async save() {
      await conn.run('BEGIN TRANSACTION');
      try {
        await conn.run('DELETE FROM host_profiles');
        const list = book.profiles;
        for (let i = 0; i < list.length; i += 200) {
          const chunk = list.slice(i, i + 200);
          const values: (string | number)[] = [];
          const tuples = chunk.map((p) => {
            const base = values.length;
            values.push(p.ip, p.last, JSON.stringify(profileToJson(p)));
            return `($${base + 1}, $${base + 2}, $${base + 3})`;
          });
          await conn.run(
            `INSERT INTO host_profiles (ip, last_seen, body) VALUES ${tuples.join(', ')}`,
            values,
          );
        }
        await conn.run('COMMIT');
      } catch (e) {
        await conn.run('ROLLBACK');
        throw e;
      }
    },
  };
}

const COLUMNS =
  'epoch(time), src_ip4, dst_ip4, src_ip6, dst_ip6, src_port, dst_port, proto, bytes, action_code, tcp_flags, resource';
const PAGE = 8192;

/** Learns profiles from the stored flows, oldest first; returns the rows read. */
export async function backfillProfiles(
  conn: DuckDBConnection,
  book: ProfileBook,
  o: BackfillOptions,
): Promise<number> {
  const newest = (await conn.runAndReadAll(`SELECT epoch(max(time)) FROM ${FLOW_TABLE}`)).getRows()[0]?.[0];
  if (newest === null || newest === undefined) return 0;
  const from = Number(newest) - o.seconds;
  const annotator = createAnnotator(
    o.scope,
    noIntel,
    createAddressInterner(),
    new Set(DEFAULT_SERVICE_PORTS),
    120,
  );
  let read = 0;
  let after = from;
  let skipAtAfter = 0;
  while (read < o.maxRows) {
    // Keyset pages by time (rows sharing the last time are skipped by count on the next page).
    const rows = (
      await conn.runAndReadAll(
        `SELECT ${COLUMNS} FROM ${FLOW_TABLE} WHERE time >= to_timestamp($1) ORDER BY time LIMIT $2 OFFSET $3`,
        [after, PAGE, skipAtAfter],
      )
    ).getRows();
    if (rows.length === 0) break;
    const b: FlowBatch = createFlowBatch(rows.length);
    rows.forEach((r, i) => {
      b.start[i] = Number(r[0]);
      b.srcIp4[i] = Number(r[1] ?? 0);
      b.dstIp4[i] = Number(r[2] ?? 0);
      b.srcIp6[i] = r[3] === null ? null : String(r[3]);
      b.dstIp6[i] = r[4] === null ? null : String(r[4]);
      b.srcPort[i] = r[5] === null ? -1 : Number(r[5]);
      b.dstPort[i] = r[6] === null ? -1 : Number(r[6]);
      b.proto[i] = r[7] === null ? -1 : Number(r[7]);
      b.bytes[i] = r[8] === null ? NaN : Number(r[8]);
      b.action[i] = Number(r[9] ?? 0);
      b.tcpFlags[i] = r[10] === null ? -1 : Number(r[10]);
      b.resource[i] = r[11] === null ? null : String(r[11]);
    });
    b.length = rows.length;
    book.observe(annotator.annotate(b, -Infinity));
    read += rows.length;
    const lastTime = b.start[b.length - 1]!;
    book.advance(lastTime - 900);
    let same = 0;
    for (let i = b.length - 1; i >= 0 && b.start[i] === lastTime; i--) same++;
    skipAtAfter = lastTime === after ? skipAtAfter + same : same;
    after = lastTime;
    if (rows.length < PAGE) break;
  }
  book.advance(Infinity);
  return read;
}

/** Stored flows learned from when profiles are first enabled on a data directory. */
export const BACKFILL_SECONDS = 7 * 86400;
export const BACKFILL_MAX_ROWS = 20_000_000;

/**
 * The registry's detectors sharing the data directory's persisted profile book (loaded, or
 * backfilled from stored flows the first time), and `save` to call after detection finishes.
 */
export async function profiledDetectors(
  conn: DuckDBConnection,
  detectionConfig: unknown,
): Promise<{ detectors: Detector[]; profiles: PersistedProfiles }> {
  const scope = createNetScope(parsePipelineConfig(detectionConfig).scope);
  const profiles = await openPersistedProfiles(conn, {
    scope,
    seconds: BACKFILL_SECONDS,
    maxRows: BACKFILL_MAX_ROWS,
  });
  return { detectors: withProfiles(registry, profiles.book), profiles };
}
