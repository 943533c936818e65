import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIp, parseIpv4, parseIpv6Groups } from '../core/ip.ts';
import {
  inSubnetColumnsSql,
  inSubnetSql,
  ipv4ValidSql,
  ipv6HexSql,
  ipv6ValidSql,
  ipValidSql,
  parseCidr,
  type Cidr,
} from './ip-sql.ts';

// The SQL is checked against an independent oracle: the core IP parsers and BigInt arithmetic.

const ADDRESSES = [
  '10.0.0.0',
  '10.0.255.255',
  '10.1.0.0',
  '9.255.255.255',
  '192.0.2.1',
  '192.0.2.255',
  '192.0.3.0',
  '0.0.0.0',
  '255.255.255.255',
  '172.16.5.5',
  '172.31.255.254',
  '172.32.0.1',
  '256.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  '01.2.3.4',
  '',
  '-',
  'abc',
  '2001:db8::1',
  '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
  '2001:db9::',
  '2001:db7:ffff::',
  '::',
  '::1',
  '1::',
  'fe80::1',
  'fd00:1:2:3:4:5:6:7',
  '2606:4700::1111',
  '2001:DB8::A',
  '2001:0db8:0000:0000:0000:0000:0000:0001',
  '1:2:3:4:5:6:7:8',
  '1:2:3:4:5:6:7:8:9',
  '1::2::3',
  '12345::1',
  '::ffff:192.0.2.1',
  '::ffff:192.0.2.256',
  'g::1',
  ':1',
];

const CIDRS = [
  '10.0.0.0/16',
  '10.0.0.0/8',
  '192.0.2.0/24',
  '192.0.2.7/24',
  '172.16.0.0/12',
  '0.0.0.0/0',
  '255.255.255.255/32',
  '10.0.0.0',
  '2001:db8::/32',
  '2001:db8::/33',
  '2001:db8:8000::/33',
  '::/0',
  '::1/128',
  'fe80::/10',
  'fc00::/7',
  '2606:4700::/31',
];

function bits(text: string): { family: 4 | 6; value: bigint } | null {
  const v4 = parseIpv4(text);
  if (v4 >= 0) return { family: 4, value: BigInt(v4) };
  if (text.includes('.')) return null; // embedded IPv4 never matches a subnet (documented)
  const g = parseIpv6Groups(text);
  return g ? { family: 6, value: g.reduce((acc, x) => (acc << 16n) | BigInt(x), 0n) } : null;
}

function oracleInSubnet(address: string, cidr: string): boolean {
  const a = bits(address);
  const [net, prefixText] = cidr.split('/');
  const n = bits(net!);
  if (a === null || n === null || a.family !== n.family) return false;
  const width = a.family === 4 ? 32n : 128n;
  const prefix = prefixText === undefined ? width : BigInt(prefixText);
  const shift = width - prefix;
  return a.value >> shift === n.value >> shift;
}

let db: DuckDBInstance;
let conn: DuckDBConnection;

async function scalar(sql: string, params: (string | number)[] = []): Promise<unknown> {
  const r = await conn.runAndReadAll(`SELECT ${sql} AS v FROM addresses ORDER BY i`, params);
  return r.getRowObjectsJS().map((row) => row['v']);
}

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:');
  conn = await db.connect();
  // v4/v6: the store's fast columns (UINTEGER, canonical IPv6 text), NULL for the other family.
  await conn.run('CREATE TABLE addresses (i INTEGER, a VARCHAR, v4 UINTEGER, v6 VARCHAR)');
  for (const [i, a] of ADDRESSES.entries()) {
    const ip = parseIp(a);
    const v4 = ip && ip.v6 === null ? ip.v4 : null;
    await conn.run('INSERT INTO addresses VALUES ($1, $2, $3, $4)', [i, a, v4, ip?.v6 ?? null]);
  }
  await conn.run('INSERT INTO addresses VALUES ($1, NULL, NULL, NULL)', [ADDRESSES.length]);
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
});

describe('CIDR membership in SQL', () => {
  for (const cidrText of CIDRS) {
    it(`matches ${cidrText} like the oracle`, async () => {
      const cidr = parseCidr(cidrText)!;
      expect(cidr).not.toBeNull();
      const params: (string | number)[] = [];
      const sql = inSubnetSql('a', cidr, (v) => {
        params.push(v);
        return `$${params.length}`;
      });
      const got = (await scalar(`coalesce(${sql}, false)`, params)) as boolean[];
      const want = [...ADDRESSES.map((a) => oracleInSubnet(a, cidrText)), false];
      expect(got).toEqual(want);
      expect(want.some(Boolean) || cidrText === '::1/128').toBe(true); // each CIDR matches something
    });
  }

  for (const cidrText of CIDRS) {
    it(`matches ${cidrText} on the fast columns like the oracle`, async () => {
      const params: (string | number)[] = [];
      const sql = inSubnetColumnsSql({ v4: 'v4', v6: 'v6' }, parseCidr(cidrText)!, (v) => {
        params.push(v);
        return `$${params.length}`;
      });
      const got = (await scalar(`coalesce(${sql}, false)`, params)) as boolean[];
      // The store keeps canonical text, so an embedded-IPv4 spelling is stored in hex and matches.
      const stored = ADDRESSES.map((a) => {
        const ip = parseIp(a);
        return ip === null ? '' : (ip.v6 ?? a);
      });
      expect(got).toEqual([...stored.map((a) => oracleInSubnet(a, cidrText)), false]);
    });
  }

  it('parses CIDRs into inclusive bounds', () => {
    expect(parseCidr('192.0.2.7/24')).toEqual<Cidr>({ family: 4, first: 3221225984, last: 3221226239 });
    expect(parseCidr('2001:db8::/32')).toEqual<Cidr>({
      family: 6,
      first: '20010db8000000000000000000000000',
      last: '20010db8ffffffffffffffffffffffff',
    });
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/x', '2001:db8::/129', 'x/8', '']) {
      expect(parseCidr(bad)).toBeNull();
    }
  });
});

describe('IP validity in SQL', () => {
  it('agrees with the core parsers', async () => {
    const v4 = (await scalar(`coalesce(${ipv4ValidSql('a')}, false)`)) as boolean[];
    const v6 = (await scalar(`coalesce(${ipv6ValidSql('a')}, false)`)) as boolean[];
    const any = (await scalar(`coalesce(${ipValidSql('a')}, false)`)) as boolean[];
    ADDRESSES.forEach((a, i) => {
      const isV4 = parseIpv4(a) >= 0;
      const isV6 = parseIpv6Groups(a) !== null;
      expect({ a, v4: v4[i] }).toEqual({ a, v4: isV4 });
      expect({ a, v6: v6[i] }).toEqual({ a, v6: isV6 });
      expect({ a, any: any[i] }).toEqual({ a, any: isV4 || isV6 });
    });
  });

  it('expands IPv6 text to 32 hex digits', async () => {
    const hex = (await scalar(ipv6HexSql('a'))) as (string | null)[];
    ADDRESSES.forEach((a, i) => {
      const g = a.includes('.') ? null : parseIpv6Groups(a);
      if (g) expect(hex[i]).toBe(g.map((x) => x.toString(16).padStart(4, '0')).join(''));
    });
  });
});
