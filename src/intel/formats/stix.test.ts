import { describe, expect, it } from 'vitest';
import { parseStixList, patternAddresses } from './stix.ts';

const NOW = Date.parse('2026-11-23T12:00:00Z');

const indicator = (id: string, fields: Record<string, unknown>): Record<string, unknown> => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--${id}`,
  created: '2026-11-01T00:00:00.000Z',
  modified: '2026-11-01T00:00:00.000Z',
  pattern_type: 'stix',
  valid_from: '2026-11-01T00:00:00Z',
  ...fields,
});

describe('patternAddresses', () => {
  it('reads = and ISSUBSET terms for IPv4 and IPv6, joined with OR', () => {
    expect(
      patternAddresses(
        "[ipv4-addr:value = '198.51.100.1'] OR [ipv6-addr:value = '2001:db8::/32' OR ipv4-addr:value ISSUBSET '203.0.113.0/24']",
      ),
    ).toEqual(['198.51.100.1', '2001:db8::/32', '203.0.113.0/24']);
    expect(patternAddresses("[domain-name:value = 'evil.example']")).toEqual([]);
  });
});

describe('parseStixList', () => {
  it('loads live indicators and skips revoked, expired and non-IP ones', () => {
    const bundle = {
      type: 'bundle',
      id: 'bundle--1',
      objects: [
        { type: 'identity', id: 'identity--1', name: 'CERT' },
        indicator('a', {
          pattern: "[ipv4-addr:value = '198.51.100.1'] OR [ipv4-addr:value = '198.51.100.2']",
        }),
        indicator('b', {
          pattern: "[ipv6-addr:value = '2001:db8:dead::/48']",
          valid_until: '2027-01-01T00:00:00Z',
        }),
        indicator('c', { pattern: "[ipv4-addr:value = '192.0.2.1']", revoked: true }),
        indicator('d', { pattern: "[ipv4-addr:value = '192.0.2.2']", valid_until: '2026-11-20T00:00:00Z' }),
        indicator('e', { pattern: "[url:value = 'http://evil.example/']" }),
        indicator('f', { pattern: "[ipv4-addr:value = '192.0.2.300']" }),
        indicator('g', { pattern: 'x', pattern_type: 'sigma' }),
        indicator('h', {}),
        indicator('i', { pattern: "[ipv4-addr:value = '192.0.2.3']", valid_until: 'soon' }),
      ],
    };
    const text = JSON.stringify(bundle, null, 2);
    const r = parseStixList(text, 'b.json', NOW);
    expect(r.entries).toEqual(['198.51.100.1/32', '198.51.100.2/32', '2001:db8:dead::/48']);
    expect(r.skipped).toEqual({
      'object-type:identity': 1,
      revoked: 1,
      expired: 1,
      'no-address-in-pattern': 1,
      'pattern-type:sigma': 1,
    });
    const lines = text.split('\n');
    const lineOf = (id: string): number => lines.findIndex((l) => l.includes(`"indicator--${id}"`)) + 1;
    expect(r.rejections.map((x) => [x.line, x.reason])).toEqual([
      [lineOf('f'), 'bad-ip'],
      [lineOf('h'), 'no-pattern'],
      [lineOf('i'), 'bad-valid-until'],
    ]);
  });

  it('accepts a bare array or one indicator, and reports broken JSON with its line', () => {
    const one = indicator('x', { pattern: "[ipv4-addr:value = '198.51.100.7']" });
    expect(parseStixList(JSON.stringify(one), 'f', NOW).entries).toEqual(['198.51.100.7/32']);
    expect(parseStixList(JSON.stringify([one]), 'f', NOW).entries).toEqual(['198.51.100.7/32']);
    const broken = parseStixList('{\n"type": "bundle",\n"objects": [\n{ oops }\n]}', 'f', NOW);
    expect(broken.entries).toEqual([]);
    expect(broken.rejections[0]).toMatchObject({ reason: 'bad-json', line: 4 });
    expect(parseStixList('{"type":"bundle"}', 'f', NOW).rejections[0]!.reason).toBe('no-stix-objects');
  });
});
