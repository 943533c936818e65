import { describe, expect, it } from 'vitest';
import { flowAt } from '../../core/flow.ts';
import type { Rejection } from '../../core/records.ts';
import { SyslogRouter } from './router.ts';
import { SyslogTcpFramer } from './tcp-framing.ts';

const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);

describe('SyslogRouter', () => {
  it('routes TCP-framed messages by program and counts the rest', () => {
    const msgs = [
      '<4>Nov 23 08:12:26 vm kernel: [ 1.0] NDR-DROP: IN=eth0 OUT= SRC=10.200.0.1 DST=10.200.0.2 LEN=44 PROTO=TCP SPT=1 DPT=110 SYN',
      '<38>1 2026-11-23T08:12:40Z vm sshd 10644 - - Invalid user admin from 10.200.0.4 port 42160',
      '<190>Nov 23 08:12:41 web nginx: 10.200.0.9 - - [23/Nov/2026:08:12:41 +0000] "GET /admin HTTP/1.1" 404 5 "-" "DirBuster"',
      '<30>Nov 23 08:12:42 vm systemd[1]: Started Session 1.',
      'no header at all',
    ];
    const stream = msgs.map((m) => `${Buffer.byteLength(m)} ${m}`).join('');
    const framer = new SyslogTcpFramer('tcp:127.0.0.1:50000');
    const rej: Rejection[] = [];
    const router = new SyslogRouter();
    for (const f of framer.push(Buffer.from(stream), rej))
      router.message(f.text, NOW, { file: 'syslog-tcp', line: f.ordinal });
    const { flows, events } = router.drain();
    expect(rej).toEqual([]);
    expect(flows.batches.flatMap((b) => Array.from({ length: b.length }, (_, i) => flowAt(b, i)))).toEqual([
      expect.objectContaining({
        src_ip: '10.200.0.1',
        dst_port: 110,
        action: 'reject',
        resource: 'vm',
        source: 'iptables',
      }),
    ]);
    expect(events.events.map((e) => [e.kind, e.outcome, e.src_ip, e.host])).toEqual([
      ['auth', 'invalid_user', '10.200.0.4', 'vm'],
      ['http', '404', '10.200.0.9', 'web'],
    ]);
    expect(flows.rejections.map((r) => [r.file, r.line, r.reason])).toEqual([
      ['syslog-tcp', 5, 'no-syslog-header'],
    ]);
    expect(router.counters).toEqual({ firewall: 1, sshd: 1, web: 1, sakura: 0, unrouted: 1, rejected: 1 });
  });

  it('sends everything from a configured Sakura router to the tolerant parser, quarantining unknown shapes', () => {
    const router = new SyslogRouter({ sakuraRouters: ['192.0.2.1'] });
    const origin = { file: 'syslog-udp', line: 1, peer: '192.0.2.1' };
    router.message(
      '<134>Nov 23 08:00:00 vpcrouter fw: action=deny src=198.51.100.7 dst=192.0.2.10 dport=22 proto=tcp',
      NOW,
      origin,
    );
    router.message('a line in a shape nobody has seen', NOW, { ...origin, line: 2 });
    const { events } = router.drain();
    expect(events.events).toEqual([
      expect.objectContaining({
        kind: 'firewall',
        outcome: 'blocked',
        src_ip: '198.51.100.7',
        dst_port: 22,
        host: 'vpcrouter',
      }),
    ]);
    expect(events.rejections.map((r) => [r.line, r.reason])).toEqual([[2, 'unknown-format']]);
    expect(router.counters.sakura).toBe(2);
  });

  it('uses the receive time for the year of RFC 3164 messages', () => {
    const router = new SyslogRouter();
    router.message(
      'Dec 31 23:59:59 vm sshd[1]: Invalid user x from 10.0.0.1 port 1',
      Date.UTC(2027, 0, 1, 0, 0, 5),
      {
        file: 'u',
        line: 1,
      },
    );
    expect(router.drain().events.events[0]?.time).toBe(Date.UTC(2026, 11, 31, 23, 59, 59) / 1000);
  });
});
