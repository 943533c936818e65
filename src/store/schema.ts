// The DuckDB schema: the physical `flow_rows` table (integer IPv4, coded action/direction), the
// `gaps` table, the `events` table (log events), and the user-facing views (`flows`, `flow_records`, `vpc_flow_logs`) that present
// the columns of docs/data-model.md. Migrations are versioned in the `meta` table; each version is
// a list of statements applied once, in order, inside one transaction.

import { FLOW_INT_EXTRAS, FLOW_TEXT_EXTRAS, type FlowIntExtra, type FlowTextExtra } from '../core/flow.ts';

/** Name of the physical table the appender writes. Users query the views, never this. */
export const FLOW_TABLE = 'flow_rows';

/** Physical column type, in DuckDB SQL spelling. */
export type PhysicalType = 'TIMESTAMP' | 'UINTEGER' | 'INTEGER' | 'BIGINT' | 'UTINYINT' | 'VARCHAR';

export interface PhysicalColumn {
  name: string;
  type: PhysicalType;
}

/** Source-specific columns stored in their own physical column (set on most VPC rows). */
export const HOT_TEXT_EXTRAS = ['account_id', 'interface_id'] as const satisfies readonly FlowTextExtra[];
export const HOT_INT_EXTRAS = ['version'] as const satisfies readonly FlowIntExtra[];

/** A source-specific field packed into the `cold` column, with its 1-based position there. */
export type ColdField =
  | { kind: 'text'; name: FlowTextExtra; position: number }
  | { kind: 'int'; name: FlowIntExtra; position: number };

const coldText = FLOW_TEXT_EXTRAS.filter((n) => !(HOT_TEXT_EXTRAS as readonly string[]).includes(n));
const coldInts = FLOW_INT_EXTRAS.filter((n) => !(HOT_INT_EXTRAS as readonly string[]).includes(n));

/**
 * The rarely set source-specific fields, packed into one VARCHAR (`cold`) because every physical
 * column costs the appender time on every row, even when NULL (docs/storage.md has the figures).
 */
export const COLD_FIELDS: readonly ColdField[] = [
  ...coldText.map((name, i): ColdField => ({ kind: 'text', name, position: i + 1 })),
  ...coldInts.map((name, i): ColdField => ({ kind: 'int', name, position: coldText.length + i + 1 })),
];

/** Separates cold fields; an absent field is empty; an empty string is COLD_EMPTY. */
export const COLD_SEPARATOR = '\x1f';
export const COLD_EMPTY = '\x1e';

/**
 * The physical columns of `flow_rows`, in appender order. IPv4 addresses are UINTEGER (NULL on
 * IPv6 rows); IPv6 addresses are canonical text (NULL on IPv4 rows); action and direction are the
 * small codes of src/core/flow.ts. See docs/storage.md for the measurements behind this layout.
 */
export const FLOW_COLUMNS: readonly PhysicalColumn[] = [
  { name: 'time', type: 'TIMESTAMP' },
  { name: 'end', type: 'TIMESTAMP' },
  { name: 'src_ip4', type: 'UINTEGER' },
  { name: 'dst_ip4', type: 'UINTEGER' },
  { name: 'src_ip6', type: 'VARCHAR' },
  { name: 'dst_ip6', type: 'VARCHAR' },
  { name: 'src_port', type: 'INTEGER' },
  { name: 'dst_port', type: 'INTEGER' },
  { name: 'proto', type: 'INTEGER' },
  { name: 'packets', type: 'BIGINT' },
  { name: 'bytes', type: 'BIGINT' },
  { name: 'action_code', type: 'UTINYINT' },
  { name: 'tcp_flags', type: 'INTEGER' },
  { name: 'direction_code', type: 'UTINYINT' },
  { name: 'resource', type: 'VARCHAR' },
  { name: 'source', type: 'VARCHAR' },
  ...HOT_INT_EXTRAS.map((name): PhysicalColumn => ({ name, type: 'INTEGER' })),
  ...HOT_TEXT_EXTRAS.map((name): PhysicalColumn => ({ name, type: 'VARCHAR' })),
  { name: 'cold', type: 'VARCHAR' },
];

const q = (name: string): string => `"${name}"`;

/** Text of an IPv4 UINTEGER, computed in SQL. Cheap per row, but grouping by it is not: group by the integer. */
const IP4_TEXT_MACRO = `CREATE OR REPLACE MACRO ip4_text(v) AS
  CASE WHEN v IS NULL THEN NULL
  ELSE concat_ws('.', (v >> 24) & 255, (v >> 16) & 255, (v >> 8) & 255, v & 255) END`;

/** `ip_text(ip4, ip6)`: the address text of a (UINTEGER, VARCHAR) pair, as the views show it. */
const IP_TEXT_MACRO = `CREATE OR REPLACE MACRO ip_text(v4, v6) AS coalesce(v6, ip4_text(v4))`;

/** Field `k` of a packed `cold` value: NULL when absent, '' when stored as COLD_EMPTY. */
const COLD_TEXT_MACRO = `CREATE OR REPLACE MACRO cold_text(c, k) AS
  CASE split_part(c, chr(31), k) WHEN '' THEN NULL WHEN chr(30) THEN '' ELSE split_part(c, chr(31), k) END`;

const coldExpr = new Map<string, string>(
  COLD_FIELDS.map((f) => [
    f.name,
    f.kind === 'int' ? `CAST(cold_text(cold, ${f.position}) AS INTEGER)` : `cold_text(cold, ${f.position})`,
  ]),
);

const ACTION_SQL = `CASE action_code WHEN 1 THEN 'accept' WHEN 2 THEN 'reject' ELSE 'unknown' END`;
const DIRECTION_SQL = `CASE direction_code WHEN 1 THEN 'ingress' WHEN 2 THEN 'egress' ELSE 'unknown' END`;

/** The documented columns of `flows`, in order (docs/data-model.md). */
export const FLOWS_VIEW_COLUMNS: readonly string[] = [
  'time',
  'end',
  'src_ip',
  'src_port',
  'dst_ip',
  'dst_port',
  'proto',
  'packets',
  'bytes',
  'action',
  'tcp_flags',
  'direction',
  'resource',
  'source',
  ...FLOW_INT_EXTRAS,
  ...FLOW_TEXT_EXTRAS,
];

/** Extra columns `flows` exposes after the documented ones, for fast grouping and filtering. */
export const FLOWS_FAST_COLUMNS: readonly string[] = [
  'src_ip4',
  'dst_ip4',
  'src_ip6',
  'dst_ip6',
  'action_code',
  'direction_code',
];

function flowsViewSql(): string {
  const exprs: string[] = FLOWS_VIEW_COLUMNS.map((c) => {
    switch (c) {
      case 'src_ip':
        return `ip_text(src_ip4, src_ip6) AS src_ip`;
      case 'dst_ip':
        return `ip_text(dst_ip4, dst_ip6) AS dst_ip`;
      case 'action':
        return `${ACTION_SQL} AS action`;
      case 'direction':
        return `${DIRECTION_SQL} AS direction`;
      default:
        return coldExpr.has(c) ? `${coldExpr.get(c)} AS ${q(c)}` : q(c);
    }
  });
  return `CREATE OR REPLACE VIEW flows AS SELECT ${[...exprs, ...FLOWS_FAST_COLUMNS].join(', ')} FROM ${FLOW_TABLE}`;
}

/** Gap rows in the shape of `flows` plus `log_status`: only time, end, resource, source and account_id are set. */
function flowRecordsViewSql(): string {
  const gapExprs = [...FLOWS_VIEW_COLUMNS, ...FLOWS_FAST_COLUMNS].map((c) => {
    switch (c) {
      case 'time':
        return 'start AS time';
      case 'end':
      case 'resource':
      case 'source':
      case 'account_id':
        return q(c);
      case 'interface_id':
        return 'resource AS interface_id';
      default:
        return `NULL AS ${q(c)}`;
    }
  });
  return `CREATE OR REPLACE VIEW flow_records AS
    SELECT *, 'OK' AS log_status FROM flows
    UNION ALL BY NAME
    SELECT ${gapExprs.join(', ')}, upper(kind) AS log_status FROM gaps`;
}

/** AWS Athena's column names, so AWS's example queries run as written; includes the gap rows. */
const VPC_FLOW_LOGS_VIEW = `CREATE OR REPLACE VIEW vpc_flow_logs AS
  SELECT version, account_id, interface_id, src_ip AS srcaddr, dst_ip AS dstaddr,
    src_port AS srcport, dst_port AS dstport, proto AS protocol, packets, bytes,
    CAST(floor(epoch(time)) AS BIGINT) AS start, CAST(floor(epoch("end")) AS BIGINT) AS "end",
    upper(action) AS action, 'OK' AS log_status, vpc_id, subnet_id, instance_id, tcp_flags,
    ip_type AS type, pkt_src_ip AS pkt_srcaddr, pkt_dst_ip AS pkt_dstaddr, region, az_id,
    sublocation_type, sublocation_id, pkt_src_aws_service, pkt_dst_aws_service,
    direction AS flow_direction, traffic_path,
    ${FLOW_TEXT_EXTRAS.filter((c) => c.startsWith('ecs_')).join(', ')},
    reject_reason, CAST(time AS DATE) AS date, strftime(time, '%Y/%m/%d') AS day
  FROM flows
  UNION ALL BY NAME
  SELECT account_id, resource AS interface_id,
    CAST(floor(epoch(start)) AS BIGINT) AS start, CAST(floor(epoch("end")) AS BIGINT) AS "end",
    upper(kind) AS log_status, CAST(start AS DATE) AS date, strftime(start, '%Y/%m/%d') AS day
  FROM gaps`;

/** Name of the log-event table (sshd, web access, firewall lines...); users query it directly. */
export const EVENT_TABLE = 'events';

/**
 * The columns of `events`, in appender order (docs/data-model.md). Addresses are text (events are
 * far fewer than flows); `fields` holds the source-specific fields as a JSON object.
 */
export const EVENT_COLUMNS: readonly PhysicalColumn[] = [
  { name: 'time', type: 'TIMESTAMP' },
  { name: 'kind', type: 'VARCHAR' },
  { name: 'outcome', type: 'VARCHAR' },
  { name: 'src_ip', type: 'VARCHAR' },
  { name: 'src_port', type: 'INTEGER' },
  { name: 'dst_ip', type: 'VARCHAR' },
  { name: 'dst_port', type: 'INTEGER' },
  { name: 'user', type: 'VARCHAR' },
  { name: 'message', type: 'VARCHAR' },
  { name: 'source', type: 'VARCHAR' },
  { name: 'host', type: 'VARCHAR' },
  { name: 'fields', type: 'VARCHAR' },
];

const NOT_NULL_EVENT_COLUMNS = new Set(['time', 'kind']);

export interface Migration {
  version: number;
  statements: readonly string[];
}

/** Every schema version, oldest first. Append a new entry to change the schema; never edit one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE IF NOT EXISTS ${FLOW_TABLE} (${FLOW_COLUMNS.map((c) => `${q(c.name)} ${c.type}${c.name === 'time' ? ' NOT NULL' : ''}`).join(', ')})`,
      `CREATE TABLE IF NOT EXISTS gaps (kind VARCHAR NOT NULL, start TIMESTAMP NOT NULL, "end" TIMESTAMP,
        resource VARCHAR, source VARCHAR, account_id VARCHAR, detail VARCHAR)`,
      IP4_TEXT_MACRO,
      IP_TEXT_MACRO,
      COLD_TEXT_MACRO,
      flowsViewSql(),
      flowRecordsViewSql(),
      VPC_FLOW_LOGS_VIEW,
    ],
  },
  {
    // Gap rows of flow_records carry their resource as interface_id; vpc_flow_logs gains the
    // `day` text partition column (yyyy/MM/dd) that AWS's partition-projection examples use.
    version: 2,
    statements: [flowRecordsViewSql(), VPC_FLOW_LOGS_VIEW],
  },
  {
    // Log events (sshd, web access, firewall, Sakura router lines), queried as `events`.
    version: 3,
    statements: [
      `CREATE TABLE IF NOT EXISTS ${EVENT_TABLE} (${EVENT_COLUMNS.map((c) => `${q(c.name)} ${c.type}${NOT_NULL_EVENT_COLUMNS.has(c.name) ? ' NOT NULL' : ''}`).join(', ')})`,
    ],
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export const META_TABLE_SQL = `CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`;
