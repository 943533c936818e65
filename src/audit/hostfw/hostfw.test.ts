import { describe, expect, it } from 'vitest';
import { dockerBypass, hostFindings } from './host-checks.ts';
import { parseIptablesSave } from './iptables.ts';
import { parseNftRuleset } from './nft.ts';

const ipt = (rules: string[], input = 'DROP') =>
  parseIptablesSave(
    'h.rules',
    [
      '*filter',
      `:INPUT ${input} [0:0]`,
      ':FORWARD DROP [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ...rules,
      'COMMIT',
    ].join('\n'),
  );

describe('iptables-save', () => {
  it('follows jumps into user chains in order and stops at a catch-all verdict', () => {
    const { ruleset, problems } = ipt([
      ':SERVICES - [0:0]',
      '-A INPUT -j SERVICES',
      '-A SERVICES -p tcp -m multiport --dports 80,3306 -j ACCEPT',
      '-A INPUT -j DROP',
      '-A INPUT -p tcp --dport 5432 -j ACCEPT',
    ]);
    expect(problems).toEqual([]);
    expect(hostFindings(ruleset).findings.map((f) => [f.checkId, f.line, f.message])).toEqual([
      ['HOST-DATABASE-PORT-OPEN', 7, 'filter/SERVICES accepts MySQL (3306) from any source'],
    ]);
  });
  it('an ACCEPT policy with a final catch-all DROP rule is not accept-by-default', () => {
    expect(
      hostFindings(ipt(['-A INPUT -i lo -j ACCEPT', '-A INPUT -j DROP'], 'ACCEPT').ruleset).findings,
    ).toEqual([]);
  });
  it('a database rule behind an earlier drop of the port, or limited to a VPN interface, passes', () => {
    const r = ipt([
      '-A INPUT -p tcp --dport 6379 -j DROP',
      '-A INPUT -p tcp --dport 6379 -j ACCEPT',
      '-A INPUT -i wg0 -p tcp --dport 5432 -j ACCEPT',
    ]);
    expect(hostFindings(r.ruleset).findings).toEqual([]);
  });
  it('keeps unreadable lines as problems', () => {
    const r = parseIptablesSave(
      'h.rules',
      '*filter\n:INPUT DROP [0:0]\n-A INPUT -p bogus -j ACCEPT\nwhat\nCOMMIT\n',
    );
    expect(r.problems.map((p) => p.line)).toEqual([3, 4]);
  });
  it('tells the compose cross-check whether DOCKER-USER filters', () => {
    expect(dockerBypass(ipt([':DOCKER-USER - [0:0]', '-A DOCKER-USER -j RETURN']).ruleset)).toEqual({
      inputDrops: true,
      dockerUserFilters: false,
    });
    expect(
      dockerBypass(ipt([':DOCKER-USER - [0:0]', '-A DOCKER-USER -i eth0 -j DROP']).ruleset).dockerUserFilters,
    ).toBe(true);
  });
});

describe('nft list ruleset', () => {
  const text = [
    'table inet filter {',
    '\tset admins {',
    '\t\ttype ipv4_addr',
    '\t\telements = { 192.0.2.1 }',
    '\t}',
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy drop;',
    '\t\tct state established,related accept',
    '\t\tip saddr @admins tcp dport 22 accept',
    '\t\ttcp dport { 443, 27017 } accept',
    '\t\tip saddr 10.0.0.0/8 tcp dport 5432 accept',
    '\t\tjump extra',
    '\t}',
    '\tchain extra {',
    '\t\tudp dport 11211 counter accept',
    '\t\ttcp dport 9200 accept',
    '\t}',
    '}',
  ].join('\n');
  it('reads sets, policies, port sets and user chains', () => {
    const { ruleset, problems } = parseNftRuleset('h.nft', text);
    expect(problems).toEqual([]);
    expect(hostFindings(ruleset).findings.map((f) => [f.checkId, f.line])).toEqual([
      ['HOST-DATABASE-PORT-OPEN', 10],
      ['HOST-DATABASE-PORT-OPEN', 16],
    ]);
  });
  it('two input base chains: one dropping is enough', () => {
    const two =
      'table ip a {\n\tchain i {\n\t\ttype filter hook input priority 0; policy accept;\n\t}\n}\ntable ip b {\n\tchain i {\n\t\ttype filter hook input priority 10; policy drop;\n\t}\n}\n';
    expect(hostFindings(parseNftRuleset('h.nft', two).ruleset).findings).toEqual([]);
  });
});

describe('restrictions that do not narrow an exposure', () => {
  it('state NEW and a public interface still expose; loopback and docker0 do not', () => {
    const { ruleset } = ipt([
      '-A INPUT -p tcp -m state --state NEW -m tcp --dport 3306 -j ACCEPT',
      '-A INPUT -i eth0 -p tcp --dport 6379 -j ACCEPT',
      '-A INPUT -i lo -p tcp --dport 5432 -j ACCEPT',
      '-A INPUT -i docker0 -p tcp --dport 27017 -j ACCEPT',
      '-A INPUT -m conntrack --ctstate ESTABLISHED -p tcp --dport 9200 -j ACCEPT',
    ]);
    expect(hostFindings(ruleset).findings.map((f) => f.line)).toEqual([5, 6]);
  });
  it('nft: ct state new and iifname "eth0" still expose', () => {
    const text =
      'table inet f {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\tiifname "eth0" ct state new tcp dport 5432 accept\n\t\tiifname "lo" tcp dport 6379 accept\n\t}\n}\n';
    expect(hostFindings(parseNftRuleset('h.nft', text).ruleset).findings.map((f) => f.line)).toEqual([4]);
  });
});

describe('address families', () => {
  it('an -s-less rule covers 0.0.0.0/0 in iptables-save, ::/0 in ip6tables-save, both in an inet table', () => {
    const v4 = hostFindings(ipt(['-A INPUT -p tcp --dport 80 -j ACCEPT']).ruleset).rules;
    expect(v4.map((r) => r.exposure.cidrs)).toEqual([['0.0.0.0/0']]);
    const v6 = parseIptablesSave(
      'h6.rules',
      '*filter\n:INPUT DROP [0:0]\n-A INPUT -s fe80::/10 -p ipv6-icmp -j ACCEPT\n-A INPUT -p tcp --dport 80 -j ACCEPT\nCOMMIT\n',
    );
    expect(hostFindings(v6.ruleset).rules.map((r) => r.exposure.cidrs)).toEqual([['fe80::/10'], ['::/0']]);
    const inet = parseNftRuleset(
      'h.nft',
      'table inet f {\n\tchain input {\n\t\ttype filter hook input priority 0; policy drop;\n\t\ttcp dport 80 accept\n\t}\n}\n',
    );
    expect(hostFindings(inet.ruleset).rules.map((r) => r.exposure.cidrs)).toEqual([['0.0.0.0/0', '::/0']]);
  });
});
