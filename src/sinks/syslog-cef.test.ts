import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDigest, summarize } from '../alerts/message.ts';
import { findingMessage, makeFinding } from '../alerts/test-findings.ts';
import { manualClock } from '../core/clock.ts';
import {
  cefHeaderEscape,
  cefValueEscape,
  createSyslogCefSink,
  renderCef,
  renderSyslogLine,
  syslogCefOptions,
} from './syslog-cef.ts';
import { startTcpReceiver, startUdpReceiver, waitFor, type LineReceiver } from './test-receivers.ts';

const NOW = Date.parse('2026-11-20T01:02:03Z');

describe('CEF rendering', () => {
  it('escapes header pipes and backslashes, extension equals signs and line breaks', () => {
    expect(cefHeaderEscape('a|b\\c\nd')).toBe('a\\|b\\\\c d');
    expect(cefValueEscape('x=1\\2\nnext\rz|ok')).toBe('x\\=1\\\\2\\nnext\\rz|ok');
  });

  it('renders a finding as one CEF event', () => {
    const m = findingMessage({
      title: 'Scan | of web=1',
      description: 'line1\nline2 a=b',
      severity: 7.6,
      count: 3,
    });
    expect(renderCef(m)).toBe(
      'CEF:0|Sakura|Sakura Guard|0.1.0|Recon:Host/Portscan|Scan \\| of web=1|8|' +
        `rt=${Date.parse('2026-11-20T00:05:00Z')} start=${Date.parse('2026-11-20T00:00:00Z')} end=${Date.parse('2026-11-20T00:05:00Z')} ` +
        'cat=Recon:Host/Portscan src=203.0.113.9 dst=10.0.0.5 cnt=3 msg=line1\\nline2 a\\=b cs1Label=findingId cs1=f1 ' +
        'dhost=web-1 cs2Label=link cs2=https://guard.example/findings/f1 cs3Label=reason cs3=new',
    );
  });

  it('puts our resource on the source side when it is the actor, IPv6 in c6a fields', () => {
    const cef = renderCef(findingMessage({ role: 'actor', actor: { ip: '2001:db8::7', port: 3333 } }));
    expect(cef).toContain('src=10.0.0.5 c6a3=2001:db8::7 dpt=3333');
  });

  it('renders a digest as one event with the total', () => {
    const held = [1, 2].map((i) => ({ at: NOW + i, finding: summarize(makeFinding({ id: `f${i}` }), null) }));
    expect(renderCef(buildDigest(held))).toMatch(
      /\|digest\|Digest: 2 finding\(s\) of 1 type\(s\)\|5\|.* cnt=2 /,
    );
  });

  it('wraps it in an RFC 5424 header with facility and severity', () => {
    const o = syslogCefOptions.parse({ kind: 'syslog-cef', host: '127.0.0.1', hostname: 'guard' });
    const line = renderSyslogLine(findingMessage({ severity: 9.5 }), o, NOW);
    // local0 (16) * 8 + crit (2)
    expect(line.startsWith('<130>1 2026-11-20T01:02:03.000Z guard sakura-guard - - - CEF:0|')).toBe(true);
  });
});

describe('syslog CEF delivery', () => {
  let udp: LineReceiver;
  let tcp: Awaited<ReturnType<typeof startTcpReceiver>>;
  beforeAll(async () => {
    udp = await startUdpReceiver();
    tcp = await startTcpReceiver();
  });
  afterAll(async () => {
    await udp.close();
    await tcp.close();
  });

  it('sends one datagram per event over UDP', async () => {
    const sink = createSyslogCefSink(
      syslogCefOptions.parse({ kind: 'syslog-cef', host: '127.0.0.1', port: udp.port, protocol: 'udp' }),
      manualClock(NOW),
    );
    await sink.send(findingMessage({ id: 'u1' }), 'd1');
    await sink.send(findingMessage({ id: 'u2' }), 'd2');
    await waitFor(() => udp.lines.length >= 2);
    await sink.close();
    expect(udp.lines).toHaveLength(2);
    expect(udp.lines[0]).toContain('cs1=u1');
    expect(udp.lines[1]).toContain('cs1=u2');
  });

  it('sends newline-framed events over one TCP connection, and octet-counted ones', async () => {
    const sink = createSyslogCefSink(
      syslogCefOptions.parse({ kind: 'syslog-cef', host: '127.0.0.1', port: tcp.port, protocol: 'tcp' }),
      manualClock(NOW),
    );
    await sink.send(findingMessage({ id: 't1', description: 'two\nlines' }), 'd1');
    await sink.send(findingMessage({ id: 't2' }), 'd2');
    await waitFor(() => tcp.lines.length >= 2);
    await sink.close();
    expect(tcp.lines).toHaveLength(2);
    expect(tcp.lines[0]).toContain('msg=two\\nlines');
    expect(tcp.lines[1]).toContain('cs1=t2');

    const counted = createSyslogCefSink(
      syslogCefOptions.parse({
        kind: 'syslog-cef',
        host: '127.0.0.1',
        port: tcp.port,
        protocol: 'tcp',
        framing: 'octet-counting',
      }),
      manualClock(NOW),
    );
    const before = tcp.raw().length;
    await counted.send(findingMessage({ id: 't3' }), 'd3');
    await waitFor(() => tcp.raw().length > before);
    await counted.close();
    const frame = tcp.raw().slice(before);
    const m = /^(\d+) (.*)$/s.exec(frame);
    expect(Buffer.byteLength(m?.[2] ?? '')).toBe(Number(m?.[1]));
    expect(m?.[2]).toContain('cs1=t3');
  });

  it('a refused TCP connection is a retryable error', async () => {
    const sink = createSyslogCefSink(
      syslogCefOptions.parse({ kind: 'syslog-cef', host: '127.0.0.1', port: 1, protocol: 'tcp' }),
      manualClock(NOW),
    );
    await expect(sink.send(findingMessage(), 'd')).rejects.toMatchObject({ retryable: true });
    await sink.close();
  });
});
