// Security groups written with the community module `terraform-aws-modules/security-group/aws`
// (and its `//modules/<service>` presets): named rules (`ssh-tcp`, `https-443-tcp`...) over
// `ingress_cidr_blocks`, and the `ingress_with_cidr_blocks` / `egress_with_cidr_blocks` objects.

import type { FirewallRule } from '../checks/firewall.ts';
import { parseProtocol } from '../net.ts';
import type { NetExposure } from '../types.ts';
import { type TfScope, type TfValue, UNKNOWN, attr, evaluate, stringList } from './evaluate.ts';
import type { HclBlock } from './hcl.ts';

type Ports = { protocol: number | 'all'; from: number; to: number } | null;

/** The module's named rules that do not spell their port in the name. */
const NAMED: Record<string, Ports> = {
  'all-all': { protocol: 'all', from: 0, to: 65535 },
  'all-tcp': { protocol: 6, from: 0, to: 65535 },
  'all-udp': { protocol: 17, from: 0, to: 65535 },
  'all-icmp': { protocol: 1, from: -1, to: -1 },
  'all-ipv6-icmp': { protocol: 58, from: -1, to: -1 },
  'ssh-tcp': { protocol: 6, from: 22, to: 22 },
  'rdp-tcp': { protocol: 6, from: 3389, to: 3389 },
  'rdp-udp': { protocol: 17, from: 3389, to: 3389 },
  'postgresql-tcp': { protocol: 6, from: 5432, to: 5432 },
  'mysql-tcp': { protocol: 6, from: 3306, to: 3306 },
  'mssql-tcp': { protocol: 6, from: 1433, to: 1433 },
  'mssql-udp': { protocol: 17, from: 1434, to: 1434 },
  'oracle-db-tcp': { protocol: 6, from: 1521, to: 1521 },
  'redis-tcp': { protocol: 6, from: 6379, to: 6379 },
  'memcached-tcp': { protocol: 6, from: 11211, to: 11211 },
  'elasticsearch-rest-tcp': { protocol: 6, from: 9200, to: 9200 },
  'elasticsearch-java-tcp': { protocol: 6, from: 9300, to: 9300 },
  'kibana-tcp': { protocol: 6, from: 5601, to: 5601 },
  'cassandra-clients-tcp': { protocol: 6, from: 9042, to: 9042 },
  'cassandra-thrift-clients-tcp': { protocol: 6, from: 9160, to: 9160 },
  'kafka-broker-tcp': { protocol: 6, from: 9092, to: 9092 },
  'winrm-http-tcp': { protocol: 6, from: 5985, to: 5985 },
  'winrm-https-tcp': { protocol: 6, from: 5986, to: 5986 },
  'dns-udp': { protocol: 17, from: 53, to: 53 },
  'dns-tcp': { protocol: 6, from: 53, to: 53 },
  'ntp-udp': { protocol: 17, from: 123, to: 123 },
  'smtp-tcp': { protocol: 6, from: 25, to: 25 },
  'nfs-tcp': { protocol: 6, from: 2049, to: 2049 },
  'docker-swarm-mngmt-tcp': { protocol: 6, from: 2377, to: 2377 },
  'etcd-client-tcp': { protocol: 6, from: 2379, to: 2379 },
  'vault-tcp': { protocol: 6, from: 8200, to: 8200 },
};

/** Preset submodules (`//modules/ssh`) and the rule they open for `ingress_cidr_blocks`. */
const PRESETS: Record<string, string> = {
  ssh: 'ssh-tcp',
  rdp: 'rdp-tcp',
  postgresql: 'postgresql-tcp',
  mysql: 'mysql-tcp',
  mssql: 'mssql-tcp',
  redis: 'redis-tcp',
  memcached: 'memcached-tcp',
  mongodb: 'mongodb-27017-tcp',
  elasticsearch: 'elasticsearch-rest-tcp',
  'http-80': 'http-80-tcp',
  'https-443': 'https-443-tcp',
  'http-8080': 'http-8080-tcp',
  'https-8443': 'https-8443-tcp',
  kafka: 'kafka-broker-tcp',
};

export function namedRule(name: string): Ports {
  if (Object.hasOwn(NAMED, name)) return NAMED[name]!;
  // Most names spell the port: `http-80-tcp`, `mongodb-27017-tcp`, `zookeeper-2181-tcp`.
  const m = /-(\d{1,5})(?:-(\d{1,5}))?-(tcp|udp)$/.exec(name);
  if (!m) return null;
  const from = Number(m[1]);
  return { protocol: m[3] === 'udp' ? 17 : 6, from, to: m[2] ? Number(m[2]) : from };
}

export function isSecurityGroupModule(source: TfValue | undefined): string | null {
  if (typeof source !== 'string') return null;
  const m = /terraform-aws-modules\/security-group\/aws(?:\/\/modules\/([a-z0-9-]+))?/.exec(source);
  return m ? (m[1] ?? '') : null;
}

const texts = (v: TfValue | undefined): string[] =>
  stringList(v)
    .filter((x): x is string => x !== UNKNOWN)
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');

function exposure(direction: 'ingress' | 'egress', p: NonNullable<Ports>, cidrs: string[]): NetExposure {
  const allPorts = p.protocol === 'all' || p.from < 0;
  return { direction, protocol: p.protocol, ports: allPorts ? null : { from: p.from, to: p.to }, cidrs };
}

/** Rules of one module block; empty when the block is not the security-group module. */
export function securityGroupModuleRules(block: HclBlock, file: string, scope: TfScope): FirewallRule[] {
  const ev = (name: string): TfValue | undefined => {
    const a = attr(block.body, name);
    return a ? evaluate(a.value, scope) : undefined;
  };
  const preset = isSecurityGroupModule(ev('source'));
  if (preset === null) return [];
  const resource = `module.${block.labels[0] ?? ''}`;
  const out: FirewallRule[] = [];
  const at = (line: number, endLine: number) => ({
    file,
    line,
    endLine,
    resource,
    scope: { startLine: block.line, endLine: block.endLine },
  });
  for (const direction of ['ingress', 'egress'] as const) {
    const cidrAttr = attr(block.body, `${direction}_cidr_blocks`);
    const v6Attr = attr(block.body, `${direction}_ipv6_cidr_blocks`);
    // The module's default egress_cidr_blocks is 0.0.0.0/0; ingress has no default.
    const cidrs = [
      ...(cidrAttr ? texts(ev(`${direction}_cidr_blocks`)) : direction === 'egress' ? ['0.0.0.0/0'] : []),
      ...(v6Attr ? texts(ev(`${direction}_ipv6_cidr_blocks`)) : []),
    ];
    const rulesAttr = attr(block.body, `${direction}_rules`);
    const names = rulesAttr ? texts(ev(`${direction}_rules`)) : [];
    if (direction === 'ingress' && preset !== '' && PRESETS[preset]) names.push(PRESETS[preset]);
    const line = rulesAttr?.line ?? cidrAttr?.line ?? block.line;
    const endLine = rulesAttr?.endLine ?? cidrAttr?.endLine ?? block.line;
    for (const name of names) {
      const p = namedRule(name);
      if (p && cidrs.length > 0)
        out.push({ action: 'allow', exposure: exposure(direction, p, cidrs), ...at(line, endLine) });
    }
    const withAttr = attr(block.body, `${direction}_with_cidr_blocks`);
    if (withAttr?.value.type === 'tuple') {
      for (const item of withAttr.value.items) {
        const o = evaluate(item, scope);
        if (o === UNKNOWN || o === null || typeof o !== 'object' || Array.isArray(o)) continue;
        const own = texts(o.cidr_blocks);
        const list = own.length > 0 ? own : cidrs;
        let p: Ports = null;
        if (typeof o.rule === 'string') p = namedRule(o.rule);
        else {
          const proto =
            typeof o.protocol === 'string' || typeof o.protocol === 'number'
              ? parseProtocol(o.protocol)
              : null;
          const from = Number(o.from_port);
          const to = Number(o.to_port);
          if (proto !== null && Number.isFinite(from) && Number.isFinite(to))
            p = { protocol: proto, from, to };
        }
        const endLine = item.type === 'object' || item.type === 'tuple' ? item.endLine : item.line;
        if (p && list.length > 0)
          out.push({ action: 'allow', exposure: exposure(direction, p, list), ...at(item.line, endLine) });
      }
    }
  }
  return out;
}
