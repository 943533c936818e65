import { describe, expect, it } from 'vitest';
import { commitBucket, createProfile, profileFromJson, profileToJson, volumeBaseline } from './profile.ts';

const T = 1_795_392_000; // a midnight UTC

describe('host profile', () => {
  it('uses the recent median until an hour of day has two days of buckets, then that hour', () => {
    const p = createProfile('10.0.0.1', T);
    for (let k = 0; k < 6; k++) commitBucket(p, T + k * 600, 1000 + k);
    expect(volumeBaseline(p, T + 3600)).toMatchObject({ kind: 'recent', typical: 1002.5, buckets: 6 });
    // Two more days of hour 0 at 5000 bytes per bucket.
    for (const day of [1, 2]) for (let k = 0; k < 6; k++) commitBucket(p, T + day * 86400 + k * 600, 5000);
    const b = volumeBaseline(p, T + 3 * 86400);
    expect(b.kind).toBe('hour-of-day');
    expect(b.buckets).toBe(18);
    expect(b.typical).toBeCloseTo((6 * 1002.5 + 12 * 5000) / 18, 5);
  });

  it('survives a JSON round trip and reads damaged fields as empty', () => {
    const p = createProfile('10.0.0.1', T);
    p.used.add(6 * 65536 + 443);
    p.peers.add(12345);
    commitBucket(p, T, 777);
    const back = profileFromJson(JSON.parse(JSON.stringify(profileToJson(p))) as Record<string, unknown>)!;
    expect([...back.used]).toEqual([6 * 65536 + 443]);
    expect([...back.peers]).toEqual([12345]);
    expect(volumeBaseline(back, T + 600)).toMatchObject({ typical: 777, buckets: 1 });
    const damaged = profileFromJson({ ip: '10.0.0.2', used: 'x', hourN: [1, 'a'], recentN: 1e9 })!;
    expect(damaged.used.size).toBe(0);
    expect(damaged.recentN).toBe(144);
    expect(profileFromJson({ nope: 1 })).toBeNull();
  });
});
