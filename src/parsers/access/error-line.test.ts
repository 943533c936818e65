import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHARED_DATASETS } from '../../../test/shared-datasets.ts';
import { readFailJson } from '../sshd/fail2ban.test-helper.ts';
import { SyslogRouter } from '../syslog/router.ts';
import { looksLikeErrorLine, parseErrorLine } from './error-line.ts';
import { AccessLogParser } from './parser.ts';

// From crowdsec-hub nginx-http-generic-bf (MIT).
const AUTH =
  '2021/09/30 09:23:53 [error] 1925800#1925800: *17 user "foo" was not found in "/tmp/a.htpasswd", client: 127.0.0.1, server: _, request: "GET / HTTP/1.1", host: "localhost"';

function parseAll(text: string) {
  const p = new AccessLogParser({ file: 'error.log' });
  const a = p.push(Buffer.from(text));
  const b = p.end();
  return { events: [...a.events, ...b.events], rejections: [...a.rejections, ...b.rejections] };
}

describe('parseErrorLine', () => {
  it('reads a basic-auth failure: time as UTC, client, user, request, server and host', () => {
    expect(parseErrorLine(AUTH)).toEqual({
      ok: true,
      value: {
        time: Date.UTC(2021, 8, 30, 9, 23, 53) / 1000,
        level: 'error',
        pid: 1925800,
        connection: 17,
        kind: 'auth_fail',
        text: 'user "foo" was not found in "/tmp/a.htpasswd"',
        clientIp: '127.0.0.1',
        user: 'foo',
        server: '_',
        request: 'GET / HTTP/1.1',
        method: 'GET',
        path: '/',
        protocol: 'HTTP/1.1',
        host: 'localhost',
      },
    });
  });

  it('puts other messages in their kind, and lines without a client keep a null client', () => {
    const kind = (msg: string) => {
      const r = parseErrorLine(`2024/01/02 03:04:05 [error] 1#1: *2 ${msg}`);
      return r.ok ? [r.value.kind, r.value.clientIp] : r.reason;
    };
    expect(
      kind('open() "/srv/x" failed (2: No such file or directory), client: 192.0.2.1, server: a'),
    ).toEqual(['not_found', '192.0.2.1']);
    expect(kind('access forbidden by rule, client: 2001:db8::1, server: a')).toEqual([
      'forbidden',
      '2001:db8::1',
    ]);
    expect(kind('limiting requests, excess: 1.8 by zone "one", client: 192.0.2.3, server: a')).toEqual([
      'limit_req',
      '192.0.2.3',
    ]);
    expect(kind('worker process 12 exited on signal 9')).toEqual(['other', null]);
    expect(kind('upstream timed out, client: unix:, server: a')).toEqual(['other', null]);
    expect(kind('x, client: 999.1.1.1, server: a')).toBe('bad-ip:client');
    expect(parseErrorLine('2024/13/02 03:04:05 [error] 1#1: x')).toEqual({ ok: false, reason: 'bad-time' });
    expect(parseErrorLine('2024/01/02 03:04:05 [loud] 1#1: x')).toEqual({
      ok: false,
      reason: 'not-nginx-error',
    });
  });

  it('takes the client from the fixed text after the user name the client chose', () => {
    const line =
      '2014/04/03 22:20:40 [error] 30708#0: *3 user "test": password mismatch, client: 127.0.0.1, server: test, request: "GET / HTTP/1.1", host: "localhost:8443"": was not found in "/etc/nginx/.htpasswd", client: 192.0.2.2, server: , request: "GET / HTTP/1.1", host: "localhost:8443"';
    const r = parseErrorLine(line);
    expect(r.ok && [r.value.clientIp, r.value.kind]).toEqual(['192.0.2.2', 'auth_fail']);
  });

  it('skips the journal prefix and is recognised for sniffing', () => {
    expect(looksLikeErrorLine(`host nginx[983478]: ${AUTH}`)).toBe(true);
    expect(looksLikeErrorLine('127.0.0.1 - - [10/Oct/2023:11:06:56 +0200] "GET / HTTP/1.1" 200 1')).toBe(
      false,
    );
  });
});

describe('AccessLogParser with nginx error-log lines', () => {
  it('gives http events with fields.log = error, 401 for auth failures, and quarantines bad lines', () => {
    const { events, rejections } = parseAll(
      `${AUTH}\n2024/01/02 03:04:05 [error] 1#1: *2 x, client: 300.1.1.1, server: a\n2024/01/02 03:04:05 [crit] 1#1: *3 SSL_do_handshake() failed (SSL: x) while SSL handshaking, client: 192.0.2.9, server: 0.0.0.0:443\n`,
    );
    expect(events.map((e) => [e.src_ip, e.outcome, e.user, e.fields.error, e.fields.status ?? null])).toEqual(
      [
        ['127.0.0.1', '401', 'foo', 'auth_fail', 401],
        ['192.0.2.9', 'error', null, 'ssl_handshake', null],
      ],
    );
    expect(events[0]!.fields).toMatchObject({ log: 'error', level: 'error', vhost: 'localhost', path: '/' });
    expect(rejections.map((r) => [r.line, r.reason])).toEqual([[2, 'bad-ip:client']]);
  });
});

describe('nginx error-log lines over syslog (error_log syslog:)', () => {
  it('the syslog router hands them to the web server parser: an auth failure event from the client', () => {
    const router = new SyslogRouter();
    router.message(`<11>Sep 30 09:23:53 web1 nginx: ${AUTH}`, Date.UTC(2021, 9, 1), { file: 'udp', line: 1 });
    const { events } = router.drain();
    expect(events.rejections).toEqual([]);
    expect(events.events.map((e) => [e.src_ip, e.outcome, e.host, e.user])).toEqual([
      ['127.0.0.1', '401', 'web1', 'foo'],
    ]);
  });
});

const F2B = `${SHARED_DATASETS}/fail2ban`;
describe.skipIf(!existsSync(F2B))('nginx error-log lines of fail2ban (read in place, GPL)', () => {
  it.each(['nginx-http-auth', 'nginx-limit-req', 'nginx-botsearch'])(
    '%s: every labelled error-log line gives its host',
    (name) => {
      const lines = readFailJson(`${F2B}/${name}`).filter(
        (l) => l.match && l.host && looksLikeErrorLine(l.text),
      );
      expect(lines.length).toBeGreaterThan(2);
      for (const l of lines)
        expect(
          parseAll(l.text).events.map((e) => e.src_ip),
          l.text,
        ).toEqual([l.host]);
    },
  );
});
