import { describe, expect, it } from 'vitest';
import { cidrContainsText, parseCidr } from './cidr.ts';
import { globMatches } from './glob.ts';
import { sampleFinding } from './store-contract.ts';
import { filterMatches, validateFilter } from './suppression.ts';

describe('suppression filters', () => {
  it('match on type glob, resource/actor CIDR, name and severity', () => {
    const f = sampleFinding();
    expect(filterMatches({ type: 'Recon:*' }, f)).toBe(true);
    expect(filterMatches({ type: 'Impact:*' }, f)).toBe(false);
    expect(filterMatches({ resourceIp: '10.0.0.0/24', actorIp: '203.0.113.9' }, f)).toBe(true);
    expect(filterMatches({ actorIp: '198.51.100.0/24' }, f)).toBe(false);
    expect(filterMatches({ resourceName: 'web*' }, f)).toBe(true);
    expect(filterMatches({ maxSeverity: 4 }, f)).toBe(false);
  });
  it('reject empty filters and bad addresses with a hint', () => {
    expect(() => validateFilter({})).toThrow(/at least one condition/);
    expect(() => validateFilter({ actorIp: '1.2.3' })).toThrow(/invalid actorIp/);
    expect(() => validateFilter({ colour: 'red' })).toThrow(/invalid suppression filter/);
  });
  it('cidr and glob helpers', () => {
    expect(cidrContainsText(parseCidr('2001:db8::/32')!, '2001:db8::1')).toBe(true);
    expect(cidrContainsText(parseCidr('2001:db8::/32')!, '2001:db9::1')).toBe(false);
    expect(parseCidr('10.0.0.0/33')).toBeNull();
    expect(globMatches('*BruteForce', 'UnauthorizedAccess:Host/SSHBruteForce')).toBe(true);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });
});
