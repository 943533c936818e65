// The 28 acceptance cases of POSTURE.md §(c), one test each, over the fixtures in testdata/.
// Cases 26–28 (traffic) are in flows/join.test.ts.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditPaths } from './audit.ts';
import type { AuditFinding } from './types.ts';

const TESTDATA = path.join(import.meta.dirname, 'testdata');

async function audit(rel: string): Promise<AuditFinding[]> {
  const r = await auditPaths([path.join(TESTDATA, rel)], { baseDir: TESTDATA });
  expect(r.problems).toEqual([]);
  return r.findings;
}

const ids = (fs: AuditFinding[]): string[] =>
  fs.map((f) => f.checkId).filter((id) => id !== 'AWS-SG-UNATTACHED');

describe('POSTURE.md acceptance cases: Terraform AWS', () => {
  it('1: SG ingress tcp 22 from 0.0.0.0/0 fails SSH, high, at the ingress block', async () => {
    const f = await audit('tf/case01');
    expect(ids(f)).toEqual(['NET-SSH-OPEN']);
    expect(f.find((x) => x.checkId === 'NET-SSH-OPEN')).toMatchObject({
      severity: 'high',
      line: 3,
      endLine: 8,
    });
  });
  it('2: ::/0 in ipv6_cidr_blocks fails SSH', async () => {
    expect(ids(await audit('tf/case02'))).toEqual(['NET-SSH-OPEN']);
  });
  it('3: tcp 0-65535 from anywhere is all-ports, critical, reported once', async () => {
    const f = await audit('tf/case03');
    expect(ids(f)).toEqual(['NET-ALL-PORTS-OPEN']);
    expect(f.find((x) => x.checkId === 'NET-ALL-PORTS-OPEN')?.severity).toBe('critical');
  });
  it('4: protocol -1 with ports 0-0 is all-ports', async () => {
    expect(ids(await audit('tf/case04'))).toEqual(['NET-ALL-PORTS-OPEN']);
  });
  it('5: vpc ingress rule with ip_protocol -1 is all-ports (Checkov misses it)', async () => {
    const f = await audit('tf/case05');
    expect(ids(f)).toEqual(['NET-ALL-PORTS-OPEN']);
    expect(f.find((x) => x.checkId === 'NET-ALL-PORTS-OPEN')?.resource).toBe(
      'aws_vpc_security_group_ingress_rule.everything',
    );
  });
  it('6: vpc ingress rule from a referenced security group passes', async () => {
    expect(ids(await audit('tf/case06'))).toEqual([]);
  });
  it('7: tcp from 0 to 0 is port 0 only, not all ports', async () => {
    const f = ids(await audit('tf/case07'));
    expect(f).not.toContain('NET-ALL-PORTS-OPEN');
    expect(f).toEqual(['NET-PORT-OPEN']);
  });
  it('8: protocol 47 (GRE) is no SSH finding but a low portless-protocol finding', async () => {
    const f = await audit('tf/case08');
    expect(ids(f)).toEqual(['NET-PROTOCOL-OPEN']);
    expect(f.find((x) => x.checkId === 'NET-PROTOCOL-OPEN')?.severity).toBe('low');
  });
  it('9: 10.0.0.0/0 is the whole internet: SSH fails', async () => {
    expect(ids(await audit('tf/case09'))).toEqual(['NET-SSH-OPEN']);
  });
  it('10: 10.0.0.0/8 passes the internet checks, low wide-private', async () => {
    const f = await audit('tf/case10');
    expect(ids(f)).toEqual(['NET-WIDE-PRIVATE-SOURCE']);
    expect(f.find((x) => x.checkId === 'NET-WIDE-PRIVATE-SOURCE')?.severity).toBe('low');
  });
  it('11: an earlier self=true block does not hide an open SSH block (Checkov passes)', async () => {
    const f = await audit('tf/case11');
    expect(ids(f)).toEqual(['NET-SSH-OPEN']);
    expect(f.find((x) => x.checkId === 'NET-SSH-OPEN')?.line).toBe(8);
  });
  it('12: NACL deny 22 at 100 then allow -1 at 200: SSH passes, all-ports fails', async () => {
    const f = await audit('tf/case12');
    expect(ids(f)).toEqual(['AWS-NACL-ALL-OPEN']);
    expect(f[0]).toMatchObject({ line: 13, severity: 'high' });
  });
  it('13: a NACL ingress deny with from_port 0 passes (CKV_AWS_352 fails it)', async () => {
    expect(ids(await audit('tf/case13'))).toEqual([]);
  });
});

describe('POSTURE.md acceptance cases: docker-compose', () => {
  it('14: postgres "5432:5432" fails high', async () => {
    const f = await audit('compose/case14.yml');
    expect(f.map((x) => [x.checkId, x.severity, x.line])).toEqual([
      ['COMPOSE-DATABASE-PORT-PUBLISHED', 'high', 6],
    ]);
  });
  it('15: "127.0.0.1:5432:5432" passes', async () => {
    expect(await audit('compose/case15.yml')).toEqual([]);
  });
  it('16: 0.0.0.0, [::], bare "80" and long host_ip 0.0.0.0 each fail (KICS misses the first)', async () => {
    const f = await audit('compose/case16.yml');
    expect(f.map((x) => [x.line, x.checkId])).toEqual([
      [6, 'COMPOSE-DATABASE-PORT-PUBLISHED'],
      [7, 'COMPOSE-DATABASE-PORT-PUBLISHED'],
      [12, 'COMPOSE-PORT-PUBLISHED'],
      [13, 'COMPOSE-PORT-PUBLISHED'],
    ]);
  });
  it('17: network_mode host and privileged fail', async () => {
    const f = await audit('compose/case17.yml');
    expect(f.map((x) => [x.line, x.checkId])).toEqual([
      [4, 'COMPOSE-HOST-NETWORK'],
      [8, 'COMPOSE-PRIVILEGED'],
    ]);
  });
  it('18: services without networks are low', async () => {
    const f = await audit('compose/case18.yml');
    expect(f.map((x) => [x.checkId, x.severity])).toEqual([
      ['COMPOSE-DEFAULT-NETWORK', 'low'],
      ['COMPOSE-DEFAULT-NETWORK', 'low'],
    ]);
  });
});

describe('POSTURE.md acceptance cases: Kubernetes', () => {
  it('19: a namespace with a Deployment and no NetworkPolicy has no default deny', async () => {
    const f = await audit('k8s/case19.yaml');
    expect(f.map((x) => x.checkId)).toEqual(['K8S-NAMESPACE-NO-DEFAULT-DENY']);
    expect(f[0]?.message).toContain('namespace shop');
  });
  it('20: podSelector {} with policyTypes [Ingress] is a default deny and never "selects nothing"', async () => {
    expect(await audit('k8s/case20.yaml')).toEqual([]);
  });
  it('21: podSelector {} with ingress [{}] allows all', async () => {
    const f = await audit('k8s/case21.yaml');
    expect(f.map((x) => [x.checkId, x.line])).toEqual([['K8S-POLICY-ALLOW-ALL', 9]]);
  });
  it('22: egress rules without policyTypes count as Ingress and Egress', async () => {
    // The policy isolates ingress (no ingress rules) so the namespace has a default deny.
    expect(await audit('k8s/case22.yaml')).toEqual([]);
  });
});

describe('POSTURE.md acceptance cases: host firewalls', () => {
  it('23: iptables :INPUT ACCEPT and nft hook input policy accept fail', async () => {
    const ipt = await audit('hostfw/case23-iptables.rules');
    expect(ipt.map((x) => [x.checkId, x.line])).toEqual([['HOST-DEFAULT-ACCEPT', 3]]);
    const nft = await audit('hostfw/case23.nft');
    expect(nft.map((x) => [x.checkId, x.line])).toEqual([['HOST-DEFAULT-ACCEPT', 3]]);
  });
  it('24: -A INPUT -p tcp --dport 6379 -j ACCEPT fails', async () => {
    const f = await audit('hostfw/case24-iptables.rules');
    expect(f.map((x) => [x.checkId, x.line])).toEqual([['HOST-DATABASE-PORT-OPEN', 7]]);
  });
  it('25: INPUT DROP with 5432 only from 10.0.0.0/8 passes', async () => {
    expect(await audit('hostfw/case25-iptables.rules')).toEqual([]);
  });
});

describe('cross-file: compose published ports against the host firewall', () => {
  it('a port published on all interfaces bypasses an INPUT DROP policy when DOCKER-USER filters nothing', async () => {
    const f = await audit('dockerhost');
    expect(f.map((x) => [x.file, x.checkId, x.line])).toEqual([
      ['dockerhost/docker-compose.yml', 'COMPOSE-DATABASE-PORT-PUBLISHED', 6],
      ['dockerhost/docker-compose.yml', 'COMPOSE-PUBLISH-BYPASSES-FIREWALL', 6],
    ]);
  });
});

describe('recognition by content', () => {
  it('a Helm values file with a services key is not a compose file', async () => {
    const r = await auditPaths([path.join(TESTDATA, 'not-compose')], { baseDir: TESTDATA });
    expect(r.files).toEqual([]);
    expect(r.findings).toEqual([]);
  });
});
