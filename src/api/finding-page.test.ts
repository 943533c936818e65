import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { globMatches } from '../findings/glob.ts';
import { globToLike } from './finding-page.ts';

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
