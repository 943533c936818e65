import { SHARED_DATASETS } from '../../../test/shared-datasets.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readFailJson } from '../sshd/fail2ban.test-helper.ts';
import { parseAccessLine } from './line.ts';
import { AccessLogParser } from './parser.ts';

const DATA = SHARED_DATASETS;

function parseAll(input: string | Buffer) {
  const p = new AccessLogParser();
  const a = p.push(Buffer.isBuffer(input) ? input : Buffer.from(input));
  const b = p.end();
  return { events: [...a.events, ...b.events], rejections: [...a.rejections, ...b.rejections] };
}

describe('parseAccessLine', () => {
  it.each([
    [
      '83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /a b.png HTTP/1.1" 200 203023 "http://x/" "Mozilla/5.0 (Mac)"',
      {
        clientIp: '83.149.9.216',
        method: 'GET',
        path: '/a b.png',
        protocol: 'HTTP/1.1',
        status: 200,
        bytes: 203023,
        referer: 'http://x/',
        userAgent: 'Mozilla/5.0 (Mac)',
        time: 1431857103,
      },
    ],
    [
      '2001:db8::1 - alice [01/Jan/2024:09:00:00 +0900] "POST /login HTTP/2.0" 401 - "-" "-"',
      {
        clientIp: '2001:db8::1',
        user: 'alice',
        bytes: null,
        referer: null,
        userAgent: null,
        time: 1704067200,
      },
    ],
    [
      '10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET /q?x=\\"><script> HTTP/1.1" 404 5 "-" "sqlmap \\"1.0\\""',
      { path: '/q?x="><script>', userAgent: 'sqlmap "1.0"' },
    ],
    [
      'www.example.com:443 10.0.0.2 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua"',
      { vhost: 'www.example.com:443', clientIp: '10.0.0.2' },
    ],
    [
      '1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "-" 400 0',
      { method: null, path: null, request: '-', status: 400, referer: null },
    ],
    [
      '1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "\\x16\\x03\\x01" 400 166 "-" "-"',
      { method: null, request: '\\x16\\x03\\x01' },
    ],
    [
      'host.example - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.0" 200 1',
      { clientIp: null, client: 'host.example' },
    ],
  ])('%s', (line, want) => {
    const r = parseAccessLine(line);
    expect(r.ok && r.value).toMatchObject(want);
  });

  it.each([
    ['1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 2000 1', 'bad-number:status'],
    ['1.2.3.4 - - [31/Feb/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1', 'bad-time'],
    ['1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1', 'missing:request'],
    ['1.2.3.4 - - "GET /"', 'missing:time'],
    ['1.2.3.4 -', 'truncated'],
  ])('rejects %s', (line, reason) => {
    expect(parseAccessLine(line)).toEqual({ ok: false, reason });
  });
});

describe('AccessLogParser', () => {
  it('makes http events and reads nginx lines sent through syslog', () => {
    const { events, rejections } = parseAll(
      'Jan  1 00:00:00 web nginx: 1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET /x HTTP/1.1" 404 5 "-" "curl"\n\u0000\u0001garbage\n',
    );
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'http',
        outcome: '404',
        src_ip: '1.2.3.4',
        host: 'web',
        time: 1704067200,
      }),
    ]);
    expect(events[0]!.fields).toMatchObject({
      method: 'GET',
      path: '/x',
      status: 404,
      bytes: 5,
      user_agent: 'curl',
    });
    expect(rejections.map((r) => r.line)).toEqual([2]);
  });

  describe.skipIf(!existsSync(DATA))('real logs', () => {
    it('elastic-apache: 10 000 combined lines, zero rejects', () => {
      const { events, rejections } = parseAll(
        gunzipSync(readFileSync(`${DATA}/elastic-apache/apache_logs.gz`)),
      );
      expect(rejections).toEqual([]);
      expect(events).toHaveLength(10000);
      expect(events.filter((e) => e.src_ip === '66.249.73.135')).toHaveLength(482);
    });

    it('lab nginx log: dirb from 10.200.0.9 is almost all 404', () => {
      const { events, rejections } = parseAll(
        gunzipSync(readFileSync(`${DATA}/generated/ndr-lab.nginx-access.log.gz`)),
      );
      expect(rejections).toEqual([]);
      const dirb = events.filter((e) => e.src_ip === '10.200.0.9');
      expect(dirb.length).toBeGreaterThanOrEqual(959);
      expect(dirb.filter((e) => e.outcome === '404').length / dirb.length).toBeGreaterThan(0.9);
      const beacon = events.filter((e) => e.src_ip === '10.200.0.5');
      expect(beacon).toHaveLength(30);
      expect(beacon.every((e) => e.fields.user_agent === 'Mozilla/4.0 (compatible; MSIE 8.0)')).toBe(true);
      // labels: beacon_start 1795421578.551, beacon_end 1795421667.698 (±2 s)
      expect(beacon.every((e) => e.time >= 1795421576 && e.time <= 1795421670)).toBe(true);
    });

    it('crowdsec web cases parse without rejects and name the asserted attacker', () => {
      for (const dir of readdirSync(`${DATA}/crowdsec-hub`).filter((d) => /http|apache|nginx-bad/.test(d))) {
        const log = readdirSync(`${DATA}/crowdsec-hub/${dir}`).find((f) => f.endsWith('.log'))!;
        const { events, rejections } = parseAll(readFileSync(`${DATA}/crowdsec-hub/${dir}/${log}`));
        // nginx_http-logs holds one line without the ident field; its nginx error-log line is read.
        expect(
          rejections.map((r) => r.line),
          dir,
        ).toEqual(dir === 'nginx_http-logs' ? [8] : []);
        const assertFile = `${DATA}/crowdsec-hub/${dir}/scenario.assert`;
        if (!existsSync(assertFile)) continue;
        const ips = new Set(events.map((e) => e.src_ip));
        for (const m of readFileSync(assertFile, 'utf8').matchAll(
          /"([\d.]+|[\da-f:]+)" in results\[\d\]\.Overflow\.GetSources\(\)/g,
        )) {
          expect(ips.has(m[1]!), `${dir} ${m[1]}`).toBe(true);
        }
      }
    });

    it.each(['nginx-botsearch', 'nginx-bad-request', 'apache-badbots'])(
      'fail2ban %s: every labelled access or nginx error-log line gives its host',
      (name) => {
        const lines = readFailJson(`${DATA}/fail2ban/${name}`).filter((l) => l.host);
        expect(lines.length).toBeGreaterThan(0);
        for (const l of lines) expect(parseAll(l.text).events.map((e) => e.src_ip)).toEqual([l.host]);
      },
    );
  });
});
