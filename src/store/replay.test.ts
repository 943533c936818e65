import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchOf } from '../engine/test-flows.ts';
import { openDuckDbStore } from './duckdb.ts';
import { replayStoredFlows } from './replay.ts';

const T0 = 1_795_400_000;

describe('replaying stored flows', () => {
  it('reads every row once, in time order, across pages with tied times; keeps the newest maxRows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-replay-'));
    const store = await openDuckDbStore(dir);
    try {
      // 25 rows over 5 distinct times (5 rows share each), appended out of order.
      const flows = Array.from({ length: 25 }, (_, i) => ({
        t: T0 + 60 * (4 - Math.floor(i / 5)),
        src: '10.0.0.1',
        dst: '10.0.0.2',
        sport: 40000 + i,
        dport: 443,
        packets: i + 1,
      }));
      await store.appendFlows(batchOf(flows));
      await store.flush();
      const read = async (maxRows: number): Promise<[number, number][]> => {
        const out: [number, number][] = [];
        for await (const b of replayStoredFlows(store, { seconds: 3600, maxRows, pageRows: 4 }))
          for (let i = 0; i < b.length; i++) out.push([b.start[i]!, b.srcPort[i]!]);
        return out;
      };
      const all = await read(1000);
      expect(all).toHaveLength(25);
      expect(new Set(all.map(([, p]) => p)).size).toBe(25);
      expect(all.map(([t]) => t)).toEqual([...all.map(([t]) => t)].sort((a, b) => a - b));
      const newest = await read(10);
      expect(newest.length).toBeGreaterThanOrEqual(10);
      expect(Math.min(...newest.map(([t]) => t))).toBe(T0 + 180);
      expect((await read(1000)).filter(([t]) => t < T0 + 120)).toHaveLength(10);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
