import { describe, expect, it } from 'vitest';
import type { AuditRule } from '../types.ts';
import { proposeDiff } from './diff.ts';

const rule = (file: string, text: string, line = 7): AuditRule => ({
  file,
  line,
  endLine: line + text.split('\n').length - 1,
  resource: 'r',
  text,
  exposure: { direction: 'ingress', protocol: 6, ports: { from: 22, to: 22 }, cidrs: ['0.0.0.0/0'] },
});

describe('proposeDiff', () => {
  it('rewrites an iptables rule into one rule per source', () => {
    const d = proposeDiff(
      rule('h.rules', '-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'),
      ['203.0.113.7/32', '198.51.100.2/32'],
      null,
    );
    expect(d?.diff).toBe(
      [
        '--- a/h.rules',
        '+++ b/h.rules',
        '@@ -7,1 +7,2 @@',
        '--A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
        '+-A INPUT -s 203.0.113.7/32 -p tcp -m tcp --dport 22 -j ACCEPT',
        '+-A INPUT -s 198.51.100.2/32 -p tcp -m tcp --dport 22 -j ACCEPT',
        '',
      ].join('\n'),
    );
  });
  it('adds ip saddr and narrows ports in an nft rule', () => {
    const d = proposeDiff(rule('h.nft', '\t\ttcp dport 1000-2000 accept'), ['192.0.2.1/32'], [1500]);
    expect(d?.diff).toContain('+\t\tip saddr 192.0.2.1/32 tcp dport 1500 accept');
  });
  it('narrows a Terraform port range to the one port used and a scalar CIDR', () => {
    const text = [
      'resource "aws_vpc_security_group_ingress_rule" "r" {',
      '  from_port = 0',
      '  to_port = 65535',
      '  cidr_ipv4 = "0.0.0.0/0"',
      '}',
    ].join('\n');
    const d = proposeDiff(rule('m/main.tf', text, 1), ['10.1.2.3/32'], [8443]);
    expect(d?.diff).toContain('-  from_port = 0\n+  from_port = 8443');
    expect(d?.diff).toContain('-  to_port = 65535\n+  to_port = 8443');
    expect(d?.diff).toContain('+  cidr_ipv4 = "10.1.2.3/32"');
  });
  it("splits a multi-port rule so only this rule's port is narrowed", () => {
    const d = proposeDiff(rule('h.nft', '\t\ttcp dport { 22, 80 } accept'), ['192.0.2.1/32'], null);
    expect(d?.diff).toContain('+\t\ttcp dport 80 accept\n+\t\tip saddr 192.0.2.1/32 tcp dport 22 accept');
  });
  it('returns null when it cannot rewrite the text safely', () => {
    expect(proposeDiff(rule('c.yml', '      - "5432:5432"'), ['10.0.0.1/32'], null)).toBeNull();
  });
});
