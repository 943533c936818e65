import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVICE_PORTS, createAnnotator, isReplyRow } from './annotate.ts';
import { createAddressInterner } from './keys.ts';
import { createListIntel } from './lookups.ts';
import { createNetScope } from './net-scope.ts';
import { batchOf } from './test-flows.ts';

const services = new Set(DEFAULT_SERVICE_PORTS);
const reply = (sport: number, dport: number, flags = -1): boolean =>
  isReplyRow(batchOf([{ t: 0, src: '10.0.0.1', dst: '10.0.0.2', sport, dport, flags }]), 0, services);

describe('isReplyRow', () => {
  it('treats service port -> ephemeral port as a reply', () => {
    expect(reply(443, 51234)).toBe(true);
    expect(reply(5432, 40000)).toBe(true);
    expect(reply(8443, 33000)).toBe(true);
  });
  it('treats ephemeral -> service as a request', () => {
    expect(reply(51234, 443)).toBe(false);
    expect(reply(40000, 5432)).toBe(false);
    expect(reply(45000, 1023)).toBe(false);
  });
  it('a lone SYN is always the opener', () => {
    expect(reply(80, 51234, 2)).toBe(false);
    expect(reply(80, 51234, 18)).toBe(true);
  });
});

describe('annotator', () => {
  const scope = createNetScope({ internalCidrs: ['198.51.100.0/24'], externalCidrs: ['10.9.0.0/16'] });
  const intel = createListIntel(
    [{ name: 'bad', kind: 'threat', entries: ['203.0.113.0/24'] }],
    ['203.0.113.7'],
  );

  it('marks internal sides, intel matches of the outside side and trusted wins', () => {
    const a = createAnnotator(scope, intel, createAddressInterner(), services, 120);
    const v = a.annotate(
      batchOf([
        { t: 10, src: '10.0.0.1', dst: '203.0.113.5', sport: 40000, dport: 443 },
        { t: 10, src: '10.0.0.1', dst: '203.0.113.7', sport: 40000, dport: 443 },
        { t: 10, src: '10.9.1.1', dst: '198.51.100.3', sport: 40000, dport: 22 },
      ]),
      -Infinity,
    );
    expect([v.srcInternal[0], v.dstInternal[0]]).toEqual([1, 0]);
    expect(v.intel[0]).toEqual({ list: 'bad', kind: 'threat' });
    expect(v.intel[1]).toBeNull();
    expect(v.trusted[1]).toBe(1);
    expect([v.srcInternal[2], v.dstInternal[2]]).toEqual([0, 1]);
  });

  it('drops the copy of a flow seen on a second interface, and late rows', () => {
    const a = createAnnotator(scope, intel, createAddressInterner(), services, 120);
    const f = { t: 100, src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 22 };
    const v = a.annotate(
      batchOf([
        { ...f, resource: 'eni-a' },
        { ...f, resource: 'eni-b' },
        { ...f, resource: 'eni-a', t: 160 },
      ]),
      50,
    );
    expect([v.skip[0], v.skip[1], v.skip[2]]).toEqual([0, 1, 0]);
    const late = a.annotate(batchOf([{ ...f, t: 10, sport: 1 }]), 50);
    expect(late.skip[0]).toBe(1);
    expect([a.duplicates, a.late]).toEqual([1, 1]);
  });
});
