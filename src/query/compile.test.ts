import { describe, expect, it } from 'vitest';
import { compilePipeQuery } from './compile.ts';
import { QueryError } from './query-error.ts';

const EPOCH = "TIMESTAMP '1970-01-01 00:00:00'";

// Input -> expected SQL and parameters. Every user literal must show up in `params`, never in `sql`.
const CASES: { q: string; sql: string; params: unknown[] }[] = [
  {
    q: 'fields srcAddr, dstAddr',
    sql: 'SELECT src_ip AS "srcAddr", dst_ip AS "dstAddr" FROM flow_records ORDER BY time DESC LIMIT $1',
    params: [10000],
  },
  {
    q: 'filter dstport < 1024 and srcaddr = "10.0.1.5" | limit 20',
    sql:
      'SELECT time AS "@timestamp", MSG AS "@message" FROM flow_records WHERE ((dst_port < $1) AND (src_ip = $2)) ' +
      'ORDER BY time DESC LIMIT $3',
    params: [1024, '10.0.1.5', 20],
  },
  {
    q: 'filter action = "REJECT" and flowDirection = "EGRESS" and logStatus = "ok" | fields action',
    sql:
      'SELECT action AS "action" FROM flow_records WHERE (((action = $1) AND (direction = $2)) AND (log_status = $3)) ' +
      'ORDER BY time DESC LIMIT $4',
    params: ['reject', 'egress', 'OK', 10000],
  },
  {
    q: 'filter action in ["ACCEPT", "Reject"] and dst_port not in [22, 3389]',
    sql:
      'SELECT time AS "@timestamp", MSG AS "@message" FROM flow_records WHERE ((action IN ($1, $2)) AND (dst_port NOT IN ($3, $4))) ' +
      'ORDER BY time DESC LIMIT $5',
    params: ['accept', 'reject', 22, 3389, 10000],
  },
  {
    q: 'filter dstPort in [22, "ssh"] | fields dstPort',
    sql: 'SELECT dst_port AS "dstPort" FROM flow_records WHERE (CAST(dst_port AS VARCHAR) IN ($1, $2)) ORDER BY time DESC LIMIT $3',
    params: ['22', 'ssh', 10000],
  },
  {
    q: 'filter srcAddr like "10.0." and dstAddr not like /^203\\./ and interfaceId =~ /(?i)ENI-A/ | fields srcAddr',
    sql:
      'SELECT src_ip AS "srcAddr" FROM flow_records WHERE (((strpos(src_ip, $1) > 0) AND (NOT regexp_matches(dst_ip, $2))) ' +
      'AND regexp_matches(interface_id, $3)) ORDER BY time DESC LIMIT $4',
    params: ['10.0.', '^203\\.', '(?i)ENI-A', 10000],
  },
  {
    q: 'fields bytes / packets as avgSize, bytes * 8 ^ 2 % 7 - -1 as x | sort avgSize desc | limit 5',
    sql:
      'SELECT (bytes / packets) AS "avgSize", (((bytes * power($1, $2)) % $3) - (- $4)) AS "x" FROM flow_records ' +
      'ORDER BY (bytes / packets) DESC LIMIT $5',
    params: [8, 2, 7, 1, 5],
  },
  {
    q: 'stats count(*) as n, sum(bytes), count_distinct(dstAddr) as peers by srcAddr, bin(5m) | sort n desc, srcAddr',
    sql:
      `SELECT src_ip AS "srcAddr", time_bucket(to_minutes($1), time, ${EPOCH}) AS "bin(5m)", count(*) AS "n", sum(bytes) AS "sum(bytes)", ` +
      'count(DISTINCT dst_ip) AS "peers" FROM flow_records GROUP BY 1, 2 ORDER BY "n" DESC, "srcAddr" ASC LIMIT $2',
    params: [5, 10000],
  },
  {
    q: 'stats pct(bytes, 95) as p95, earliest(srcAddr) as first, latest(dstAddr), stddev(bytes), count(srcPort), count()',
    sql:
      'SELECT quantile_cont(bytes, $1) AS "p95", arg_min(src_ip, time) AS "first", arg_max(dst_ip, time) AS "latest(dstAddr)", ' +
      'stddev_samp(bytes) AS "stddev(bytes)", count(src_port) AS "count(srcPort)", count(*) AS "count()" FROM flow_records LIMIT $2',
    params: [0.95, 10000],
  },
  {
    q: 'filter logStatus = "SKIPDATA" | stats count(*) by bin(1h) as t | sort t',
    sql:
      `SELECT time_bucket(to_hours($2), time, ${EPOCH}) AS "t", count(*) AS "count(*)" FROM flow_records WHERE (log_status = $1) ` +
      'GROUP BY 1 ORDER BY "t" ASC LIMIT $3',
    params: ['SKIPDATA', 1, 10000],
  },
  {
    q: 'stats count(*) as n by srcAddr | filter n > 2 | sort n desc',
    sql:
      'SELECT "srcAddr" AS "srcAddr", "n" AS "n" FROM (SELECT src_ip AS "srcAddr", count(*) AS "n" FROM flow_records GROUP BY 1) AS s1 ' +
      'WHERE ("n" > $1) ORDER BY "n" DESC LIMIT $2',
    params: [2, 10000],
  },
  {
    q: 'fields startTime, endTime, @logStream | filter startTime >= 1700000000',
    sql:
      'SELECT CAST(floor(epoch(time)) AS BIGINT) AS "startTime", CAST(floor(epoch("end")) AS BIGINT) AS "endTime", ' +
      'coalesce(interface_id, resource) AS "@logStream" FROM flow_records WHERE (CAST(floor(epoch(time)) AS BIGINT) >= $1) ORDER BY time DESC LIMIT $2',
    params: [1700000000, 10000],
  },
  {
    q: 'fields substr(interfaceId, 0, 3) as p, strlen(srcAddr) as n, toupper(action) as a | display p, a',
    sql:
      'SELECT substr(interface_id, CAST($1 AS BIGINT) + 1, CAST($2 AS BIGINT)) AS "p", upper(action) AS "a" FROM flow_records ' +
      'ORDER BY time DESC LIMIT $3',
    params: [0, 3, 10000],
  },
  {
    q: 'parse interfaceId "eni-*" as suffix | fields suffix',
    sql:
      'SELECT (CASE WHEN regexp_matches("__parse1", $1) THEN regexp_extract("__parse1", $1, 1) END) AS "suffix" ' +
      'FROM (SELECT *, interface_id AS "__parse1" FROM flow_records) AS p1 ORDER BY time DESC LIMIT $2',
    params: ['eni-(.*)', 10000],
  },
  {
    q: 'parse interfaceId /eni-(?<kind>[a-z])(x)?(?<rest>.*)/ | filter kind = "a" | fields rest',
    sql:
      'SELECT (CASE WHEN regexp_matches("__parse1", $1) THEN regexp_extract("__parse1", $1, 3) END) AS "rest" ' +
      'FROM (SELECT *, interface_id AS "__parse1" FROM flow_records) AS p1 ' +
      'WHERE ((CASE WHEN regexp_matches("__parse1", $1) THEN regexp_extract("__parse1", $1, 1) END) = $2) ORDER BY time DESC LIMIT $3',
    params: ['eni-(?P<kind>[a-z])(x)?(?P<rest>.*)', 'a', 10000],
  },
  {
    q: 'fields @timestamp, srcAddr | dedup srcAddr | limit 5',
    sql:
      'SELECT * EXCLUDE ("__dedup_key0", "__dedup_order0", "__dedup_rank") FROM (SELECT time AS "@timestamp", src_ip AS "srcAddr", ' +
      'src_ip AS "__dedup_key0", time AS "__dedup_order0", row_number() OVER (PARTITION BY src_ip ORDER BY time DESC) AS "__dedup_rank" ' +
      'FROM flow_records) AS dedup WHERE "__dedup_rank" = 1 OR "__dedup_key0" IS NULL ORDER BY "__dedup_order0" DESC LIMIT $1',
    params: [5],
  },
  {
    q: 'filter isIpv4InSubnet(srcAddr, "192.0.2.9/24") and isIpv6InSubnet(dstAddr, "2001:db8::/32")',
    sql:
      'SELECT time AS "@timestamp", MSG AS "@message" FROM flow_records WHERE ((src_ip4 BETWEEN $1 AND $2) AND ' +
      "(strpos(dst_ip6, '.') = 0 AND V6VALID(dst_ip6) AND V6HEX(dst_ip6) BETWEEN $3 AND $4)) ORDER BY time DESC LIMIT $5",
    params: [
      3221225984,
      3221226239,
      '20010db8000000000000000000000000',
      '20010db8ffffffffffffffffffffffff',
      10000,
    ],
  },
  {
    q: 'filter isIpv4InSubnet(pktSrcAddr, "192.0.2.9/24")',
    sql:
      'SELECT time AS "@timestamp", MSG AS "@message" FROM flow_records WHERE (IPV4(pkt_src_ip) AND NUM(pkt_src_ip) BETWEEN $1 AND $2) ' +
      'ORDER BY time DESC LIMIT $3',
    params: [3221225984, 3221226239, 10000],
  },
  {
    q: 'fields fromMillis(toMillis(@timestamp)) as t, datefloor(@timestamp, 1d) as d | limit 1',
    sql:
      `SELECT make_timestamp(CAST(epoch_ms(time) AS BIGINT) * 1000) AS "t", time_bucket(to_days($1), time, ${EPOCH}) AS "d" FROM flow_records ` +
      'ORDER BY time DESC LIMIT $2',
    params: [1, 1],
  },
];

describe('compilePipeQuery', () => {
  const message = compilePipeQuery('fields @message').sql.match(/^SELECT (.*) AS "@message"/)![1]!;
  const v4 = /regexp_full_match\(pkt_src_ip, '[^']*'\)/;
  const num = /\(TRY_CAST\(split_part\(pkt_src_ip, '\.', 1\) AS BIGINT\) \* 16777216 \+ .*? \* 1\)/;
  const v6valid = /\(regexp_full_match\(dst_ip6, .*?<= 7\)\)/;
  const v6hex = /array_to_string\(list_transform\(string_split\(trim\(replace\(lower\(dst_ip6\).*?, ''\)/;

  for (const c of CASES) {
    it(c.q, () => {
      const out = compilePipeQuery(c.q);
      const sql = out.sql
        .replace(message, 'MSG')
        .replace(v4, 'IPV4(pkt_src_ip)')
        .replace(num, 'NUM(pkt_src_ip)')
        .replace(v6valid, 'V6VALID(dst_ip6)')
        .replace(v6hex, 'V6HEX(dst_ip6)');
      expect(sql).toBe(c.sql);
      expect(out.params).toEqual(c.params);
    });
  }

  it('keeps user text out of the SQL', () => {
    const out = compilePipeQuery(`filter srcAddr = "x'; DROP TABLE flows; --" | fields srcAddr as \`a"b\``);
    expect(out.sql).not.toContain('DROP');
    expect(out.params).toContain("x'; DROP TABLE flows; --");
    expect(out.sql).toContain('AS "a""b"');
  });

  it('uses SQL precedence: not > and > or', () => {
    const out = compilePipeQuery('filter not srcPort = 1 or dstPort = 2 and proto = 3');
    expect(out.sql).toContain('((NOT (src_port = $1)) OR ((dst_port = $2) AND (proto = $3)))');
  });

  it('sorts and filters by a stats column named after its function call', () => {
    expect(compilePipeQuery('stats count(*) by srcAddr | sort count(*) desc').sql).toBe(
      'SELECT src_ip AS "srcAddr", count(*) AS "count(*)" FROM flow_records GROUP BY 1 ORDER BY "count(*)" DESC LIMIT $1',
    );
    expect(compilePipeQuery('stats sum(bytes) by srcAddr | filter sum(bytes) > 10').sql).toContain(
      'WHERE ("sum(bytes)" > $1)',
    );
    expect(() => compilePipeQuery('stats sum(bytes) by srcAddr | sort max(bytes)')).toThrow(
      /is an aggregate/,
    );
  });

  it('reports result columns', () => {
    expect(compilePipeQuery('stats count(*) as n by srcAddr').columns).toEqual(['srcAddr', 'n']);
    expect(compilePipeQuery('filter bytes > 0').columns).toEqual(['@timestamp', '@message']);
    expect(compilePipeQuery('parse @message "* *" as a, b').columns).toEqual([
      '@timestamp',
      '@message',
      'a',
      'b',
    ]);
    expect(compilePipeQuery('fields srcAddr | fields dstAddr, srcAddr').columns).toEqual([
      'srcAddr',
      'dstAddr',
    ]);
    expect(compilePipeQuery('fields srcAddr | display dstAddr | display bytes').columns).toEqual(['bytes']);
  });

  it('accepts the spellings of the alias table alike', () => {
    const sqlOf = (f: string): string => compilePipeQuery(`fields ${f} as x`).sql;
    for (const f of ['srcAddr', 'srcaddr', 'src_ip', 'SRCADDR']) expect(sqlOf(f)).toBe(sqlOf('srcAddr'));
    for (const f of ['`account-id`', 'account_id', 'accountId']) expect(sqlOf(f)).toBe(sqlOf('accountId'));
    for (const f of ['`log-status`', 'log_status']) expect(sqlOf(f)).toBe(sqlOf('logStatus'));
    for (const f of ['`flow-direction`', 'flow_direction', 'direction'])
      expect(sqlOf(f)).toBe(sqlOf('flowDirection'));
    for (const f of ['proto', 'protocol']) expect(sqlOf(f)).toBe(sqlOf('protocol'));
  });
});

// Input -> the error (message part and 1-based column).
const ERRORS: { q: string; message: string; column: number }[] = [
  { q: 'filter srcAdr = "1.2.3.4"', message: 'unknown field "srcAdr"', column: 8 },
  { q: 'fields @ptr', message: '@ptr does not exist', column: 8 },
  { q: 'filter x ==', message: 'expected a field', column: 11 },
  { q: 'stats count(*) | pattern @message', message: 'the "pattern" command is not supported', column: 18 },
  { q: 'diff previousDay', message: 'not supported', column: 1 },
  { q: 'join x', message: 'not supported', column: 1 },
  { q: 'frobnicate', message: 'unknown command "frobnicate"', column: 1 },
  { q: 'limit 100001', message: 'above the maximum of 100000', column: 1 },
  { q: 'limit 0', message: 'whole number', column: 7 },
  { q: 'dedup srcAddr | sort srcAddr', message: 'only limit may follow dedup', column: 17 },
  { q: 'filter sum(bytes) > 1', message: 'sum() is an aggregate', column: 8 },
  { q: 'stats srcAddr', message: '"srcAddr" is not an aggregate', column: 7 },
  { q: 'stats sum(count(*))', message: 'cannot be nested', column: 11 },
  { q: 'filter isIpv4InSubnet(srcAddr, "2001:db8::/32")', message: 'not an IPv4 CIDR', column: 32 },
  { q: 'filter isIpInSubnet(srcAddr, "10.0.0.0/33")', message: 'needs a CIDR string', column: 30 },
  { q: 'filter isIpInSubnet(srcAddr, dstAddr)', message: 'needs a CIDR string', column: 30 },
  { q: 'stats count(*) by bin(5x)', message: 'unknown time unit "x"', column: 23 },
  { q: 'stats count(*) by bin(bytes)', message: 'needs a period', column: 23 },
  { q: 'filter bytes > 5m', message: 'a duration (5m) is only allowed', column: 16 },
  { q: 'fields frob(bytes)', message: 'unknown function frob()', column: 8 },
  { q: 'fields substr(srcAddr)', message: 'takes 2 to 3 argument(s), got 1', column: 8 },
  { q: 'parse @message "* *" as a', message: 'the glob has 2 "*" but 1 names', column: 16 },
  { q: 'parse @message /abc/', message: 'no named groups', column: 16 },
  { q: 'filter srcAddr = "abc', message: 'unterminated string', column: 18 },
  { q: 'filter srcAddr like 5', message: 'like needs a string', column: 21 },
  { q: 'stats count(*) as n by srcAddr | sort bytes', message: 'unknown field "bytes"', column: 39 },
  { q: '', message: 'the query is empty', column: 1 },
  { q: 'stats count(*) as n, sum(bytes) as N', message: 'stats names two columns "n"', column: 22 },
  { q: 'fields a-b', message: 'unknown field "a"', column: 8 },
  { q: 'fields `foo-bar`', message: 'unknown field "foo-bar"', column: 8 },
];

describe('compilePipeQuery errors', () => {
  for (const c of ERRORS) {
    it(`${c.q || '(empty)'} -> ${c.message}`, () => {
      let error: unknown;
      try {
        compilePipeQuery(c.q);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(QueryError);
      const qe = error as QueryError;
      expect(qe.message).toContain(c.message);
      expect(qe.column).toBe(c.column);
      expect(qe.message.startsWith(`query column ${c.column}: `)).toBe(true);
    });
  }

  it('lists near matches for an unknown field', () => {
    expect(() => compilePipeQuery('fields dstAdr')).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('dstAddr') as unknown }),
    );
    expect(() => compilePipeQuery('stats count(*) as flows by srcAddr | sort flow')).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('flows') as unknown }),
    );
  });
});
