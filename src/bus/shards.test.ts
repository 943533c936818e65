import { describe, expect, it } from 'vitest';
import { detectors } from '../detectors/index.ts';
import { assignShards, detectorGroups } from './shards.ts';

describe('detector shards', () => {
  it('puts every detector on exactly one shard, and detectors sharing a finding type together', () => {
    const shards = assignShards(detectors, 4);
    expect(
      shards
        .flat()
        .map((d) => d.id)
        .sort(),
    ).toEqual(detectors.map((d) => d.id).sort());
    const shardOfType = new Map<string, number>();
    shards.forEach((list, s) => {
      for (const d of list) {
        for (const t of d.types) {
          expect(shardOfType.get(t) ?? s).toBe(s);
          shardOfType.set(t, s);
        }
      }
    });
    const ssh = detectorGroups(detectors).find((g) => g.some((d) => d.id === 'ssh-auth'));
    expect(ssh?.map((d) => d.id)).toContain('bruteforce');
  });

  it('gives a lone shard every detector', () => {
    expect(assignShards(detectors, 1)[0]).toHaveLength(detectors.length);
  });
});
