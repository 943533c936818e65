import { describe, expect, it } from 'vitest';
import { ATTACKS, generateVpc, labelsCsv, vpcHeader } from './vpc-generator.ts';
import { readVpcText } from './vpc-text.ts';

describe('VPC generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateVpc({ seed: 7, hours: 0.5 });
    const b = generateVpc({ seed: 7, hours: 0.5 });
    const c = generateVpc({ seed: 8, hours: 0.5 });
    expect(a.lines).toEqual(b.lines);
    expect(a.lines).not.toEqual(c.lines);
    expect(a.labels.map((l) => l.attack)).toEqual([...ATTACKS]);
  });
  it('writes v2 and v5 lines the reader parses, gaps included, and a labels file', () => {
    for (const version of [2, 5] as const) {
      const g = generateVpc({ seed: 1, hours: 2, version, attacks: ['ssh-bruteforce'] });
      const r = readVpcText(`${vpcHeader(version)}\n${g.lines.join('\n')}`);
      expect(r.skipped).toBe(0);
      expect(r.gaps).toHaveLength(1);
      expect(r.batches.reduce((n, x) => n + x.length, 0)).toBe(g.lines.length - 1);
      expect(labelsCsv(g.labels).split('\n')[1]).toMatch(
        /^ssh-bruteforce,UnauthorizedAccess:Host\/SSHBruteForce,/,
      );
    }
  });
});
