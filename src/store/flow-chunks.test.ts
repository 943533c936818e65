// The chunk writer's shortcuts, checked through a real DuckDB store: a validity mask written only
// for chunks with a NULL (a reused chunk must not keep a stale NULL, nor lose a new one), shared
// all-null columns, repeated text values handed to DuckDB once per chunk, and interface_id copied
// from resource when the cells are the same.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFlowBatch, type FlowBatch } from '../core/flow.ts';
import { sharedNullColumn } from '../core/null-columns.ts';
import { openDuckDbStore } from './duckdb.ts';
import { CHUNK_ROWS } from './flow-chunks.ts';

const ROWS = CHUNK_ROWS * 3 + 17;
const T0 = 1_795_132_800;

/**
 * Rows whose port is NULL only in the second chunk, and whose resource (7 values, repeated) equals
 * the interface id except for some rows of the second chunk (NULL), of the third (a value of
 * their own) and the last rows (NULL).
 */
function mixedBatch(): FlowBatch {
  const b = createFlowBatch(ROWS);
  for (let i = 0; i < ROWS; i++) {
    b.start[i] = T0 + i;
    b.srcIp4[i] = 0x0a000001 + i;
    b.dstIp4[i] = 0x0a000002;
    const chunk = Math.floor(i / CHUNK_ROWS);
    b.srcPort[i] = chunk === 1 && i % 3 === 0 ? -1 : 1000 + (i % 500);
    const eni = `eni-${(i % 7).toString().padStart(17, '0')}`;
    b.text.interface_id[i] = eni;
    b.resource[i] =
      (chunk === 1 && i % 11 === 0) || chunk === 3 ? null : chunk === 2 && i % 5 === 0 ? `i-${i}` : eni;
    b.source[i] = 'vpc';
  }
  b.length = ROWS;
  return b;
}

describe('FlowChunkWriter', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sakura-chunks-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores NULLs only where they are, across reused chunks', async () => {
    const store = await openDuckDbStore(dir);
    try {
      const b = mixedBatch();
      await store.appendFlows(b);
      await store.appendFlows(b); // the chunk is reused after one whose second part had NULLs
      const rows = await store.all(
        `SELECT CAST(epoch(time) AS BIGINT) - ${T0} AS i, src_port, resource, interface_id
         FROM flow_rows ORDER BY i, src_port NULLS FIRST`,
      );
      expect(rows).toHaveLength(2 * ROWS);
      for (let k = 0; k < rows.length; k++) {
        const row = rows[k]!;
        const i = Number(row['i']);
        expect(i).toBe(Math.floor(k / 2));
        expect(row['src_port']).toBe(b.srcPort[i]! < 0 ? null : b.srcPort[i]);
        expect(row['resource']).toBe(b.resource[i]);
        expect(row['interface_id']).toBe(b.text.interface_id[i]);
      }
    } finally {
      await store.close();
    }
  });

  it('writes a shared all-null column as NULL and the same column filled as values', async () => {
    const store = await openDuckDbStore(dir);
    try {
      const b = mixedBatch();
      (b.text as Record<string, (string | null)[]>)['account_id'] = sharedNullColumn(ROWS);
      await store.appendFlows(b);
      const c = mixedBatch();
      c.text.account_id.fill('123456789012', 0, ROWS);
      await store.appendFlows(c);
      expect(
        await store.all(`SELECT account_id, count(*) AS n FROM flow_rows GROUP BY ALL ORDER BY ALL`),
      ).toEqual([
        { account_id: '123456789012', n: ROWS },
        { account_id: null, n: ROWS },
      ]);
    } finally {
      await store.close();
    }
  });
});
