import { describe, expect, it } from 'vitest';
import { SakuraRouterParser } from './parser.ts';

function parseAll(text: string) {
  const p = new SakuraRouterParser({ referenceMs: Date.UTC(2026, 10, 23, 12) });
  const a = p.push(Buffer.from(text));
  const b = p.end();
  return {
    events: [...a.events, ...b.events],
    rejections: [...a.rejections, ...b.rejections],
    unknown: p.unknown,
  };
}

describe('SakuraRouterParser (format undocumented: tolerant, inferred parts marked)', () => {
  it('reads a netfilter-shaped line and marks the guessed parts', () => {
    const { events } = parseAll(
      'Nov 23 09:00:00 vpcrouter kernel: [ 1.0] DROP IN=eth0 OUT= SRC=203.0.113.9 DST=192.0.2.10 LEN=40 PROTO=TCP SPT=4444 DPT=22 SYN',
    );
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'firewall',
        outcome: 'blocked',
        src_ip: '203.0.113.9',
        dst_port: 22,
        host: 'vpcrouter',
        source: 'sakura-router',
        time: Date.UTC(2026, 10, 23, 0) / 1000, // RFC 3164 time read as JST by default
      }),
    ]);
    expect(events[0]!.fields.inferred).toBe('time:year-and-zone,format:netfilter,outcome:from-prefix');
  });

  it('reads loose key=value lines and quarantines what it cannot place', () => {
    const { events, rejections, unknown } = parseAll(
      [
        '2026-11-23T09:00:00+09:00 rt fw: action=deny proto=udp src=198.51.100.1 sport=53 dst=192.0.2.2 dport=5353',
        '2026-11-23T09:00:01+09:00 rt fw: something the router says',
        '\u0000\u00ff',
      ].join('\n'),
    );
    expect(
      events.map((e) => [e.outcome, e.src_ip, e.src_port, e.dst_ip, e.dst_port, e.fields.proto]),
    ).toEqual([['blocked', '198.51.100.1', 53, '192.0.2.2', 5353, 17]]);
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([
      [2, 'unknown-format'],
      [3, 'unknown-format'],
    ]);
    expect(unknown).toBe(2);
  });
});
