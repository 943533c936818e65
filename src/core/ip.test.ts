import { describe, expect, it } from 'vitest';
import { canonicalIpv6, formatIpv4, isPrivateIp, parseIp, parseIpv4 } from './ip.ts';

describe('IPv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['10.0.1.5', 0x0a000105],
    ['255.255.255.255', 0xffffffff],
  ])('parses %s', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
    expect(formatIpv4(value)).toBe(text);
  });
  it.each(['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '01.2.3.4', '-', 'a.b.c.d', '1.2.3.4 '])(
    'rejects %j',
    (text) => expect(parseIpv4(text)).toBe(-1),
  );
});

describe('IPv6', () => {
  it.each([
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['2406:da1c:0f3e:8b00:0000:0000:0000:0007', '2406:da1c:f3e:8b00::7'],
  ])('canonicalises %s', (text, canonical) => expect(canonicalIpv6(text)).toBe(canonical));
  it.each(['1::2::3', '12345::', 'g::1', ':', '1:2:3:4:5:6:7:8:9', '1.2.3.4'])('rejects %j', (text) =>
    expect(canonicalIpv6(text)).toBeNull(),
  );
});

describe('parseIp and private ranges', () => {
  it('tells families apart', () => {
    expect(parseIp('192.168.1.1')).toEqual({ v4: 0xc0a80101, v6: null });
    expect(parseIp('2001:db8::1')).toEqual({ v4: 0, v6: '2001:db8::1' });
    expect(parseIp('nope')).toBeNull();
  });
  it('knows private space', () => {
    expect(isPrivateIp(parseIpv4('10.1.2.3'), null)).toBe(true);
    expect(isPrivateIp(parseIpv4('172.20.0.1'), null)).toBe(true);
    expect(isPrivateIp(parseIpv4('172.32.0.1'), null)).toBe(false);
    expect(isPrivateIp(parseIpv4('8.8.8.8'), null)).toBe(false);
    expect(isPrivateIp(0, 'fd00::1')).toBe(true);
    expect(isPrivateIp(0, '2001:db8::1')).toBe(false);
  });
});
