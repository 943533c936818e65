import { describe, expect, it } from 'vitest';
import type { Rejection } from '../../core/records.ts';
import { SyslogTcpFramer } from './tcp-framing.ts';

function frames(f: SyslogTcpFramer, chunks: string[], rej: Rejection[]): string[] {
  const out: string[] = [];
  for (const c of chunks) out.push(...f.push(Buffer.from(c), rej).map((x) => x.text));
  out.push(...f.end(rej).map((x) => x.text));
  return out;
}

describe('SyslogTcpFramer', () => {
  it('reads octet-counted frames split anywhere, including frames that contain newlines', () => {
    const rej: Rejection[] = [];
    const msgA = '<13>Oct 11 22:14:15 h p: a\nb';
    const msgB = '<13>Oct 11 22:14:15 h p: second';
    const stream = `${Buffer.byteLength(msgA)} ${msgA}${Buffer.byteLength(msgB)} ${msgB}`;
    for (let cut = 1; cut < stream.length; cut += 7) {
      expect(frames(new SyslogTcpFramer(), [stream.slice(0, cut), stream.slice(cut)], rej)).toEqual([
        msgA,
        msgB,
      ]);
    }
    expect(rej).toEqual([]);
  });

  it('reads newline-framed messages and mixes both framings on one connection', () => {
    const rej: Rejection[] = [];
    const out = frames(
      new SyslogTcpFramer(),
      ['<13>Oct 11 22:14:15 h p: one\r\n5 hello', '<14>x\nlast'],
      rej,
    );
    expect(out).toEqual(['<13>Oct 11 22:14:15 h p: one', 'hello', '<14>x', 'last']);
  });

  it('falls back to newline framing when a digit-led message is not a length', () => {
    const out = frames(new SyslogTcpFramer(), ['2024-01-01T00:00:00Z h p: m\n'], []);
    expect(out).toEqual(['2024-01-01T00:00:00Z h p: m']);
  });

  it('skips an oversized counted frame without buffering it and resynchronises', () => {
    const rej: Rejection[] = [];
    const f = new SyslogTcpFramer('tcp:peer', 100);
    const out = frames(f, ['1000000 ', 'x'.repeat(500_000), 'x'.repeat(500_000), '3 abc'], rej);
    expect(out).toEqual(['abc']);
    expect(rej).toEqual([{ file: 'tcp:peer', line: 1, reason: 'frame-too-long', text: '1000000 octets' }]);
  });

  it('rejects a giant newline frame and a counted frame cut by the connection close', () => {
    const rej: Rejection[] = [];
    const f = new SyslogTcpFramer('p', 10);
    const out = frames(f, ['<1>' + 'y'.repeat(50), 'z'.repeat(50) + '\nok\n', '8 short'], rej);
    expect(out).toEqual(['ok']);
    expect(rej.map((r) => r.reason)).toEqual(['frame-too-long', 'truncated-frame']);
  });
});
