// Semantic parsing of the network values rules are written in: CIDRs (the prefix length decides,
// so `10.0.0.0/0` is the whole internet), protocol names and numbers, and the service port catalog.

import { isPrivateIpv4, isPrivateIpv6, parseIp, parseIpv4, parseIpv6Groups } from '../core/ip.ts';

/** How much of the address space a source covers. */
export type CidrScope = 'any' | 'public-wide' | 'public' | 'private-wide' | 'private' | 'invalid';

export interface ParsedCidr {
  text: string;
  family: 4 | 6;
  prefix: number;
  scope: CidrScope;
}

/** A public IPv4 block shorter than this prefix is "wide" (Prowler uses /1–/23). */
export const WIDE_PUBLIC_V4_PREFIX = 24;
export const WIDE_PUBLIC_V6_PREFIX = 48;
/** A private block shorter than this prefix (10.0.0.0/8, 172.16.0.0/12) spans more than one VPC. */
export const WIDE_PRIVATE_V4_PREFIX = 16;

function maskToPrefix(mask: string): number {
  const v = parseIpv4(mask);
  if (v < 0) return -1;
  let prefix = 0;
  for (let bit = 31; bit >= 0 && (v >>> bit) & 1; bit--) prefix++;
  return (v << prefix) >>> 0 === 0 ? prefix : -1; // reject non-contiguous masks
}

export function parseCidr(input: string): ParsedCidr {
  const text = input.trim();
  const invalid: ParsedCidr = { text, family: 4, prefix: -1, scope: 'invalid' };
  if (text === '*' || text.toLowerCase() === 'any') return { text, family: 4, prefix: 0, scope: 'any' };
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = parseIp(addrText);
  if (!addr) return invalid;
  const family = addr.v6 === null ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  let prefix: number;
  if (slash < 0) {
    // A bare unspecified address is how several tools write "anywhere".
    prefix = (family === 4 && addr.v4 === 0) || addr.v6 === '::' ? 0 : max;
  } else {
    const p = text.slice(slash + 1);
    prefix = /^\d{1,3}$/.test(p) ? Number(p) : family === 4 ? maskToPrefix(p) : -1;
    if (prefix < 0 || prefix > max) return invalid;
  }
  if (prefix === 0) return { text, family, prefix, scope: 'any' };
  if (family === 4) {
    const priv = isPrivateIpv4(addr.v4) && prefix >= 8;
    if (priv)
      return { text, family, prefix, scope: prefix < WIDE_PRIVATE_V4_PREFIX ? 'private-wide' : 'private' };
    return { text, family, prefix, scope: prefix < WIDE_PUBLIC_V4_PREFIX ? 'public-wide' : 'public' };
  }
  const priv = isPrivateIpv6(addr.v6!) && prefix >= 7;
  if (priv) return { text, family, prefix, scope: prefix < 48 ? 'private-wide' : 'private' };
  return { text, family, prefix, scope: prefix < WIDE_PUBLIC_V6_PREFIX ? 'public-wide' : 'public' };
}

/** The broadest scope among several sources ('any' beats everything). */
export function widestScope(cidrs: readonly ParsedCidr[]): CidrScope | null {
  const order: CidrScope[] = ['any', 'public-wide', 'public', 'private-wide', 'private'];
  for (const s of order) if (cidrs.some((c) => c.scope === s)) return s;
  return null;
}

export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_ICMPV6 = 58;

const PROTOCOL_NAMES: Record<string, number | 'all'> = {
  '-1': 'all',
  all: 'all',
  any: 'all',
  ip: 'all',
  tcp: PROTO_TCP,
  udp: PROTO_UDP,
  icmp: PROTO_ICMP,
  icmpv6: PROTO_ICMPV6,
  icmp6: PROTO_ICMPV6,
  'ipv6-icmp': PROTO_ICMPV6,
  gre: 47,
  esp: 50,
  ah: 51,
  sctp: 132,
  fragment: 44,
};

/** IANA number or 'all' for a protocol as rules spell it; null when unrecognised. */
export function parseProtocol(v: string | number): number | 'all' | null {
  if (typeof v === 'number') return v === -1 ? 'all' : v >= 0 && v <= 255 ? v : null;
  const t = v.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t) <= 255 ? Number(t) : null;
  return PROTOCOL_NAMES[t] ?? null;
}

export function protocolName(p: number | 'all'): string {
  if (p === 'all') return 'all';
  const names: Record<number, string> = {
    1: 'icmp',
    6: 'tcp',
    17: 'udp',
    47: 'gre',
    50: 'esp',
    58: 'icmpv6',
  };
  return names[p] ?? `protocol ${p}`;
}

export const hasPorts = (p: number | 'all'): boolean =>
  p === 'all' || p === PROTO_TCP || p === PROTO_UDP || p === 132;

export type ServiceCategory = 'ssh' | 'rdp' | 'admin' | 'database' | 'web';

export interface ServicePort {
  port: number;
  name: string;
  category: ServiceCategory;
}

/** Ports whose exposure the checks name. Sites can tell the auditor about more in a later version. */
export const SERVICE_PORTS: readonly ServicePort[] = [
  { port: 22, name: 'SSH', category: 'ssh' },
  { port: 3389, name: 'RDP', category: 'rdp' },
  { port: 20, name: 'FTP data', category: 'admin' },
  { port: 21, name: 'FTP', category: 'admin' },
  { port: 23, name: 'Telnet', category: 'admin' },
  { port: 111, name: 'rpcbind', category: 'admin' },
  { port: 135, name: 'MS RPC', category: 'admin' },
  { port: 139, name: 'NetBIOS', category: 'admin' },
  { port: 445, name: 'SMB', category: 'admin' },
  { port: 2375, name: 'Docker API', category: 'admin' },
  { port: 2376, name: 'Docker API (TLS)', category: 'admin' },
  { port: 2379, name: 'etcd', category: 'admin' },
  { port: 2380, name: 'etcd peer', category: 'admin' },
  { port: 5900, name: 'VNC', category: 'admin' },
  { port: 5985, name: 'WinRM', category: 'admin' },
  { port: 5986, name: 'WinRM (TLS)', category: 'admin' },
  { port: 10250, name: 'kubelet', category: 'admin' },
  { port: 1433, name: 'SQL Server', category: 'database' },
  { port: 1434, name: 'SQL Server browser', category: 'database' },
  { port: 1521, name: 'Oracle', category: 'database' },
  { port: 2483, name: 'Oracle', category: 'database' },
  { port: 2484, name: 'Oracle (TLS)', category: 'database' },
  { port: 2181, name: 'ZooKeeper', category: 'database' },
  { port: 3306, name: 'MySQL', category: 'database' },
  { port: 5432, name: 'PostgreSQL', category: 'database' },
  { port: 5601, name: 'Kibana', category: 'database' },
  { port: 5672, name: 'AMQP', category: 'database' },
  { port: 5984, name: 'CouchDB', category: 'database' },
  { port: 6379, name: 'Redis', category: 'database' },
  { port: 6380, name: 'Redis (TLS)', category: 'database' },
  { port: 7000, name: 'Cassandra', category: 'database' },
  { port: 7001, name: 'Cassandra (TLS)', category: 'database' },
  { port: 7474, name: 'Neo4j', category: 'database' },
  { port: 8086, name: 'InfluxDB', category: 'database' },
  { port: 8123, name: 'ClickHouse HTTP', category: 'database' },
  { port: 9042, name: 'Cassandra CQL', category: 'database' },
  { port: 9092, name: 'Kafka', category: 'database' },
  { port: 9160, name: 'Cassandra Thrift', category: 'database' },
  { port: 9200, name: 'Elasticsearch', category: 'database' },
  { port: 9300, name: 'Elasticsearch transport', category: 'database' },
  { port: 11211, name: 'Memcached', category: 'database' },
  { port: 15672, name: 'RabbitMQ management', category: 'database' },
  { port: 27017, name: 'MongoDB', category: 'database' },
  { port: 27018, name: 'MongoDB', category: 'database' },
  { port: 27019, name: 'MongoDB', category: 'database' },
  { port: 80, name: 'HTTP', category: 'web' },
  { port: 443, name: 'HTTPS', category: 'web' },
];

const BY_PORT = new Map(SERVICE_PORTS.map((s) => [s.port, s]));

export function servicePort(port: number): ServicePort | undefined {
  return BY_PORT.get(port);
}

/** Catalogued services inside an inclusive port range. */
export function servicesIn(from: number, to: number): ServicePort[] {
  return SERVICE_PORTS.filter((s) => s.port >= from && s.port <= to);
}

/** Images whose default port is a database or cache even when it is published elsewhere. */
const DATABASE_IMAGES =
  /(^|\/)(postgres|postgis|timescaledb|mysql|mariadb|percona|redis|valkey|keydb|mongo|mongodb|elasticsearch|opensearch|memcached|cassandra|scylla|couchdb|influxdb|clickhouse[-\w]*|neo4j|rabbitmq|kafka|zookeeper|mssql[-\w]*|oracle[-\w]*|etcd)(:|@|$)/i;

export function isDatabaseImage(image: string): boolean {
  return DATABASE_IMAGES.test(image);
}

export function portRangeText(ports: { from: number; to: number } | null): string {
  if (!ports) return 'all ports';
  return ports.from === ports.to ? `port ${ports.from}` : `ports ${ports.from}-${ports.to}`;
}

/** `all traffic`, `gre`, `tcp port 22`, `udp ports 1000-2000`. */
export function describeTraffic(
  protocol: number | 'all',
  ports: { from: number; to: number } | null,
): string {
  if (protocol === 'all') return 'all traffic';
  if (!hasPorts(protocol)) return protocolName(protocol);
  return `${protocolName(protocol)} ${portRangeText(ports)}`;
}

/** A parsed address for repeated CIDR tests: IPv4 as an integer, IPv6 as 8 groups. */
export interface MatchAddress {
  v4: number;
  v6: number[] | null;
}

export function matchAddress(ipText: string): MatchAddress | null {
  const ip = parseIp(ipText);
  if (!ip) return null;
  return ip.v6 === null ? { v4: ip.v4, v6: null } : { v4: 0, v6: parseIpv6Groups(ip.v6) };
}

/** Compiles a CIDR into a membership test (parsed once, applied to many addresses). */
export function cidrMatcher(cidr: string): (a: MatchAddress) => boolean {
  const c = parseCidr(cidr);
  if (c.scope === 'invalid') return () => false;
  if (c.scope === 'any' && (c.text === '*' || c.text.toLowerCase() === 'any')) return () => true;
  if (c.scope === 'any') return c.family === 4 ? (a) => a.v6 === null : (a) => a.v6 !== null;
  const slash = c.text.indexOf('/');
  const base = parseIp(slash < 0 ? c.text : c.text.slice(0, slash))!;
  if (c.family === 4) {
    const mask = (0xffffffff << (32 - c.prefix)) >>> 0;
    const want = (base.v4 & mask) >>> 0;
    return (a) => a.v6 === null && (a.v4 & mask) >>> 0 === want;
  }
  const b = parseIpv6Groups(base.v6!)!;
  const prefix = c.prefix;
  return (a) => {
    if (a.v6 === null) return false;
    let bits = prefix;
    for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
      const m = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
      if ((a.v6[i]! & m) !== (b[i]! & m)) return false;
    }
    return true;
  };
}

/** True when `ip` (text) lies inside `cidr`; false for unparsable input or mixed families. */
export function cidrContains(cidr: string, ipText: string): boolean {
  const a = matchAddress(ipText);
  return a !== null && cidrMatcher(cidr)(a);
}
