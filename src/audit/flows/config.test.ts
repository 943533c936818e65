import { describe, expect, it } from 'vitest';
import { DEFAULT_ADVISOR_CONFIG, advisorConfigSchema } from './config.ts';

describe('advisor configuration', () => {
  it('the defaults validate and an example round-trips', () => {
    expect(advisorConfigSchema.parse(DEFAULT_ADVISOR_CONFIG)).toEqual(DEFAULT_ADVISOR_CONFIG);
    const example = { windowDays: 90, narrowMaxSources: 2, narrowMaxPorts: 1, escalateReached: false };
    expect(advisorConfigSchema.parse(JSON.parse(JSON.stringify(example)))).toEqual(example);
  });
  it('rejects nonsense', () => {
    expect(advisorConfigSchema.safeParse({ windowDays: 0 }).success).toBe(false);
    expect(advisorConfigSchema.safeParse({ narrowMaxSources: 1.5 }).success).toBe(false);
  });
});
