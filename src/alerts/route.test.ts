import { describe, expect, it } from 'vitest';
import { parseAlertingConfig } from './config.ts';
import { compileRoutes, matchChannels } from './route.ts';
import { makeFinding } from './test-findings.ts';

const config = parseAlertingConfig({
  channels: ['a', 'b', 'c', 'd'].map((name) => ({ name, kind: 'teams', url: 'https://example.test/x' })),
  routes: [
    { name: 'high', minSeverity: 'high', channels: ['a'] },
    { name: 'recon', types: ['Recon:*'], excludeTypes: ['*Portsweep'], channels: ['b'] },
    { name: 'prod', resourceTags: ['prod'], channels: ['c'] },
    { name: 'bad-net', actors: ['198.51.100.0/24', '2001:db8::/32'], channels: ['d', 'a'] },
  ],
});
const routes = compileRoutes(config.routes);
const names = (m: Map<string, string>): string[] => [...m.keys()].sort();

describe('routing rules', () => {
  it('match severity, type globs (with exclusions), resource tags and actors', () => {
    expect(names(matchChannels(routes, makeFinding({ severity: 5 }), []))).toEqual(['b']);
    expect(names(matchChannels(routes, makeFinding({ severity: 7 }), ['prod']))).toEqual(['a', 'b', 'c']);
    expect(names(matchChannels(routes, makeFinding({ type: 'Recon:Host/Portsweep' }), []))).toEqual([]);
    expect(
      names(
        matchChannels(
          routes,
          makeFinding({ type: 'Impact:X', actor: { ip: '198.51.100.4', port: null } }),
          [],
        ),
      ),
    ).toEqual(['a', 'd']);
    expect(
      names(
        matchChannels(routes, makeFinding({ type: 'Impact:X', actor: { ip: '2001:db8::1', port: 22 } }), []),
      ),
    ).toEqual(['a', 'd']);
  });
  it('names the first route that sent the finding to a channel', () => {
    const m = matchChannels(
      routes,
      makeFinding({ severity: 8, actor: { ip: '198.51.100.4', port: null } }),
      [],
    );
    expect(m.get('a')).toBe('high');
    expect(m.get('d')).toBe('bad-net');
  });
});
