import { describe, expect, it } from 'vitest';
import { auditCompose, parseDotEnv } from './compose.ts';
import { bindsAllInterfaces, interpolate, parseShortPort } from './ports.ts';

describe('compose ports', () => {
  it.each([
    ['80', '', null, 80],
    ['8080:80', '', 8080, 80],
    ['127.0.0.1:5432:5432', '127.0.0.1', 5432, 5432],
    ['[::1]:6379:6379', '::1', 6379, 6379],
    ['::1:6379:6379', '::1', 6379, 6379],
    ['0.0.0.0:53:53/udp', '0.0.0.0', 53, 53],
    ['127.0.0.1::80', '127.0.0.1', null, 80],
    ['9090-9091:8080-8081', '', 9090, 8080],
  ])('%s', (spec, hostIp, published, target) => {
    const p = parseShortPort(spec);
    expect(p).not.toBeNull();
    expect([p!.hostIp, p!.published?.from ?? null, p!.target.from]).toEqual([hostIp, published, target]);
  });
  it('rejects malformed specs', () => {
    expect(parseShortPort('abc')).toBeNull();
    expect(parseShortPort('1.2.3:80:80')).toBeNull();
    expect(parseShortPort('70000')).toBeNull();
  });
  it('interpolates like compose', () => {
    const env = new Map([
      ['SET', 'x'],
      ['EMPTY', ''],
    ]);
    expect(interpolate('${SET}-${UNSET:-d}-${EMPTY:-e}-${EMPTY-f}-$SET-$$HOME', env)).toBe('x-d-e--x-$HOME');
  });
  it('knows which bindings are on every interface', () => {
    expect(bindsAllInterfaces(parseShortPort('[::]:80:80')!)).toBe(true);
    expect(bindsAllInterfaces(parseShortPort('10.0.0.5:80:80')!)).toBe(false);
  });
});

describe('compose checks', () => {
  it('resolves the host address from .env and finds socket mounts', () => {
    const text = [
      'services:',
      '  db:',
      '    image: mariadb:11',
      '    networks: [be]',
      '    ports:',
      '      - "${BIND:-0.0.0.0}:3307:3306"',
      '      - "${ADMIN_BIND}:8081:8080"',
      '    volumes:',
      '      - /var/run/docker.sock:/var/run/docker.sock:ro',
    ].join('\n');
    const open = auditCompose('c.yml', text, new Map([['ADMIN_BIND', '127.0.0.1']]));
    expect(open.findings.map((f) => [f.checkId, f.line]).sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual(
      [
        ['COMPOSE-DATABASE-PORT-PUBLISHED', 6],
        ['COMPOSE-DOCKER-SOCKET', 9],
      ],
    );
    const closed = auditCompose('c.yml', text, parseDotEnv('BIND=127.0.0.1\nADMIN_BIND="127.0.0.1"\n'));
    expect(closed.findings.map((f) => f.checkId)).toEqual(['COMPOSE-DOCKER-SOCKET']);
  });
  it('reports an unreadable port as a problem, not a crash', () => {
    const r = auditCompose('c.yml', 'services:\n  a:\n    networks: [x]\n    ports:\n      - "nope:80"\n');
    expect(r.problems.map((p) => [p.line, p.reason])).toEqual([[5, 'compose: unreadable port']]);
  });
});
