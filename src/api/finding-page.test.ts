import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createDuckDbFindingStore } from '../findings/duckdb-store.ts';
import { globMatches } from '../findings/glob.ts';
import { sampleFinding } from '../findings/store-contract.ts';
import { globToLike, pageFindings } from './finding-page.ts';

async function memoryStore() {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const all = async (
    sql: string,
    params: readonly (string | number | bigint | boolean | Date | null)[] = [],
  ) => (await conn.runAndReadAll(sql, params as (string | number)[])).getRowObjectsJS();
  return { instance, conn, all };
}

const at = (minute: number): string =>
  new Date(Date.UTC(2026, 10, 20, 0, minute)).toISOString().replace('.000Z', 'Z');

describe('pageFindings', () => {
  it('pages in the order asked, by time as time, ties by id, and deep pages too', async () => {
    const { conn, all } = await memoryStore();
    const store = await createDuckDbFindingStore(conn);
    // Minutes out of insertion order.
    const minutes = [30, 5, 59, 5, 12, 44, 0, 21];
    for (const [i, m] of minutes.entries())
      await store.put(
        sampleFinding({ id: `f${i}`, lastSeen: at(m), firstSeen: at(m), severity: 1 + (i % 3) }),
      );
    // As text '...30.5Z' sorts before '...30Z'; as time it is after.
    await store.put(sampleFinding({ id: 'odd', lastSeen: '2026-11-20T00:07:30.5Z', firstSeen: at(0) }));
    await store.put(sampleFinding({ id: 'odd0', lastSeen: '2026-11-20T00:07:30Z', firstSeen: at(0) }));
    await store.flush();
    const ids = async (sort: 'lastSeen' | 'severity', order: 'asc' | 'desc', offset = 0, limit = 50) =>
      (await pageFindings(all, { sort, order, limit, offset })).items.map((f) => f.id);
    expect(await ids('lastSeen', 'asc')).toEqual([
      'f6',
      'f1',
      'f3',
      'odd0',
      'odd',
      'f4',
      'f7',
      'f0',
      'f5',
      'f2',
    ]);
    expect(await ids('lastSeen', 'desc', 2, 3)).toEqual(['f0', 'f7', 'f4']);
    const bySeverity = await pageFindings(all, { sort: 'severity', order: 'desc', limit: 2, offset: 0 });
    expect(bySeverity.total).toBe(10);
    expect(bySeverity.items.map((f) => [f.id, f.severity])).toEqual([
      ['odd', 5],
      ['odd0', 5],
    ]);
    expect(await ids('severity', 'desc', 100)).toEqual([]);
  });

  it('fills the integer time columns of a findings table made before they existed', async () => {
    const { conn, all } = await memoryStore();
    await conn.run(`CREATE TABLE findings (id VARCHAR PRIMARY KEY, type VARCHAR NOT NULL, severity DOUBLE NOT NULL,
      status VARCHAR NOT NULL, resource_ip VARCHAR NOT NULL, actor_ip VARCHAR NOT NULL, first_seen VARCHAR NOT NULL,
      last_seen VARCHAR NOT NULL, body VARCHAR NOT NULL)`);
    for (const [id, m] of [
      ['late', 50],
      ['early', 10],
    ] as const) {
      const f = sampleFinding({ id, lastSeen: at(m), firstSeen: at(m) });
      await conn.run('INSERT INTO findings VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
        f.id,
        f.type,
        f.severity,
        f.status,
        f.resource.ip,
        f.actor.ip,
        f.firstSeen,
        f.lastSeen,
        JSON.stringify(f),
      ]);
    }
    await createDuckDbFindingStore(conn);
    const page = await pageFindings(all, { sort: 'lastSeen', order: 'asc', limit: 10, offset: 0 });
    expect(page.items.map((f) => f.id)).toEqual(['early', 'late']);
    const [row] = await all("SELECT last_seen_ms FROM findings WHERE id = 'late'");
    expect(Number(row?.['last_seen_ms'])).toBe(Date.parse(at(50)));
  });
});

describe('globToLike', () => {
  it('matches exactly what the in-memory glob matches', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const types = [
      'Recon:Host/Portscan',
      'recon:host/x',
      'UnauthorizedAccess:Host/SSHBruteForce',
      'a_b%c',
      'axb%c',
      'Recon',
    ];
    const globs = ['Recon:*', '*BruteForce', 'Recon?Host*', 'a_b%c', 'a?b%c', '*', 'Recon'];
    for (const glob of globs) {
      for (const type of types) {
        const r = await conn.runAndReadAll(`SELECT $1 ILIKE $2 ESCAPE '\\'`, [type, globToLike(glob)]);
        expect(r.getRowsJS()[0]?.[0], `${glob} vs ${type}`).toBe(globMatches(glob, type));
      }
    }
    conn.closeSync();
    instance.closeSync();
  });
});
