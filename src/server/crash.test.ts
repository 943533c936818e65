// The crash harness in CI, bounded: a real `serve` killed with SIGKILL at random moments while
// sshd lines arrive over HTTP ingest and scans over NetFlow. Nothing acknowledged may be lost or
// stored twice, and no scan may have two findings. `npm run soak` runs it with 50 kills.

import { describe, expect, it } from 'vitest';
import { runCrashHarness } from './crash-harness.ts';

const KILLS = Number(process.env['SG_CRASH_KILLS'] ?? 10);

describe('crash harness', () => {
  it(`loses and duplicates nothing acknowledged over ${KILLS} SIGKILLs`, { timeout: 600_000 }, async () => {
    const r = await runCrashHarness({
      kills: KILLS,
      seed: 11,
      log: process.env['SG_DEBUG'] ? (l) => process.stderr.write(`${l}\n`) : undefined,
    });
    expect(r.kills).toBe(KILLS);
    expect(r.lines).toBeGreaterThan(0);
    expect({ missing: r.missing, duplicated: r.duplicated, stored: r.linesStored }).toEqual({
      missing: 0,
      duplicated: 0,
      stored: r.lines,
    });
    expect(r.scansSeen).toBeGreaterThan(0);
    expect({ scansLost: r.scansLost, findingsDuplicated: r.findingsDuplicated }).toEqual({
      scansLost: 0,
      findingsDuplicated: 0,
    });
  });
});
