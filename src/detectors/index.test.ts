import { describe, expect, it } from 'vitest';
import { detectors } from './index.ts';

describe('detector registry', () => {
  it('has unique ids, and every default configuration validates', () => {
    expect(new Set(detectors.map((d) => d.id)).size).toBe(detectors.length);
    for (const d of detectors) {
      const parsed = d.configSchema.safeParse({});
      expect(parsed.success, d.id).toBe(true);
      expect(d.configSchema.parse(parsed.data)).toEqual(parsed.data);
      expect(d.types.length).toBeGreaterThan(0);
    }
  });
});
