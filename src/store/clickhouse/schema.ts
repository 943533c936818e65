// The ClickHouse schema: the same user-facing views as the DuckDB store (`flows`,
// `flow_records`, `vpc_flow_logs`, plus the `gaps` and `events` tables) over physical tables in
// the subset of SQL that ClickHouse 18.16 and current releases both accept. Timestamps are
// Decimal64(6) seconds (no DateTime64 in 18.16; http.ts reads Decimal(18, 6) back as a Date),
// IPv4 addresses UInt32, every table partitioned by UTC day number so retention drops parts.

import { FLOW_INT_EXTRAS, FLOW_TEXT_EXTRAS } from '../../core/flow.ts';
import { FLOWS_FAST_COLUMNS, FLOWS_VIEW_COLUMNS } from '../schema.ts';

export const FLOW_TABLE = 'flow_rows';
export const GAP_TABLE = 'gaps';
export const EVENT_TABLE = 'events';
/** Tables that hold rows by time, with their time column: retention and size work on these. */
export const TIMED_TABLES = [
  { table: FLOW_TABLE, time: 'time' },
  { table: GAP_TABLE, time: 'start' },
  { table: EVENT_TABLE, time: 'time' },
] as const;

export const TIMESTAMP = 'Decimal64(6)';

export interface ClickHouseColumn {
  name: string;
  type: string;
}

/** Physical columns of `flow_rows`, in insert order. Every extra has its own Nullable column. */
export const FLOW_COLUMNS: readonly ClickHouseColumn[] = [
  { name: 'time', type: TIMESTAMP },
  { name: 'end', type: `Nullable(${TIMESTAMP})` },
  { name: 'src_ip4', type: 'Nullable(UInt32)' },
  { name: 'dst_ip4', type: 'Nullable(UInt32)' },
  { name: 'src_ip6', type: 'Nullable(String)' },
  { name: 'dst_ip6', type: 'Nullable(String)' },
  { name: 'src_port', type: 'Nullable(Int32)' },
  { name: 'dst_port', type: 'Nullable(Int32)' },
  { name: 'proto', type: 'Nullable(Int32)' },
  { name: 'packets', type: 'Nullable(Int64)' },
  { name: 'bytes', type: 'Nullable(Int64)' },
  { name: 'action_code', type: 'UInt8' },
  { name: 'tcp_flags', type: 'Nullable(Int32)' },
  { name: 'direction_code', type: 'UInt8' },
  { name: 'resource', type: 'Nullable(String)' },
  { name: 'source', type: 'Nullable(String)' },
  ...FLOW_INT_EXTRAS.map((name) => ({ name, type: 'Nullable(Int32)' })),
  ...FLOW_TEXT_EXTRAS.map((name) => ({ name, type: 'Nullable(String)' })),
];

export const GAP_COLUMNS: readonly ClickHouseColumn[] = [
  { name: 'kind', type: 'String' },
  { name: 'start', type: TIMESTAMP },
  { name: 'end', type: `Nullable(${TIMESTAMP})` },
  { name: 'resource', type: 'Nullable(String)' },
  { name: 'source', type: 'Nullable(String)' },
  { name: 'account_id', type: 'Nullable(String)' },
  { name: 'detail', type: 'String' },
];

export const EVENT_COLUMNS: readonly ClickHouseColumn[] = [
  { name: 'time', type: TIMESTAMP },
  { name: 'kind', type: 'String' },
  { name: 'outcome', type: 'Nullable(String)' },
  { name: 'src_ip', type: 'Nullable(String)' },
  { name: 'src_port', type: 'Nullable(Int32)' },
  { name: 'dst_ip', type: 'Nullable(String)' },
  { name: 'dst_port', type: 'Nullable(Int32)' },
  { name: 'user', type: 'Nullable(String)' },
  { name: 'message', type: 'Nullable(String)' },
  { name: 'source', type: 'Nullable(String)' },
  { name: 'host', type: 'Nullable(String)' },
  { name: 'fields', type: 'String' },
];

const q = (name: string): string => `\`${name}\``;

/** UTC day number of a Decimal64(6) time: the partition key of every table. */
export const dayOf = (column: string): string => `intDiv(toInt64(${q(column)}), 86400)`;

function createTable(table: string, columns: readonly ClickHouseColumn[], time: string): string {
  return `CREATE TABLE IF NOT EXISTS ${q(table)} (${columns.map((c) => `${q(c.name)} ${c.type}`).join(', ')})
    ENGINE = MergeTree PARTITION BY ${dayOf(time)} ORDER BY ${q(time)}`;
}

const ipText = (v4: string, v6: string): string =>
  `coalesce(${q(v6)}, if(isNull(${q(v4)}), CAST(NULL AS Nullable(String)), IPv4NumToString(assumeNotNull(${q(v4)}))))`;
const ACTION_SQL = `multiIf(action_code = 1, 'accept', action_code = 2, 'reject', 'unknown')`;
const DIRECTION_SQL = `multiIf(direction_code = 1, 'ingress', direction_code = 2, 'egress', 'unknown')`;

/** Type of each `flows` view column, so gap rows can fill them with typed NULLs. */
const viewType = new Map<string, string>(FLOW_COLUMNS.map((c) => [c.name, c.type]));
viewType.set('src_ip', 'Nullable(String)');
viewType.set('dst_ip', 'Nullable(String)');
viewType.set('action', 'Nullable(String)');
viewType.set('direction', 'Nullable(String)');
viewType.set('action_code', 'Nullable(UInt8)');
viewType.set('direction_code', 'Nullable(UInt8)');

const FLOWS_VIEW = `CREATE VIEW IF NOT EXISTS flows AS SELECT ${[...FLOWS_VIEW_COLUMNS, ...FLOWS_FAST_COLUMNS]
  .map((c) => {
    if (c === 'src_ip') return `${ipText('src_ip4', 'src_ip6')} AS src_ip`;
    if (c === 'dst_ip') return `${ipText('dst_ip4', 'dst_ip6')} AS dst_ip`;
    if (c === 'action') return `${ACTION_SQL} AS action`;
    if (c === 'direction') return `${DIRECTION_SQL} AS direction`;
    if (c === 'action_code' || c === 'direction_code') return `CAST(${q(c)} AS Nullable(UInt8)) AS ${q(c)}`;
    return q(c);
  })
  .join(', ')} FROM ${FLOW_TABLE}`;

/** Gap rows in the shape of `flows` plus `log_status` (only time, end, resource, source, account_id set). */
const FLOW_RECORDS_VIEW = `CREATE VIEW IF NOT EXISTS flow_records AS
  SELECT *, 'OK' AS log_status FROM flows
  UNION ALL
  SELECT ${[...FLOWS_VIEW_COLUMNS, ...FLOWS_FAST_COLUMNS]
    .map((c) => {
      if (c === 'time') return 'start AS time';
      if (['end', 'resource', 'source', 'account_id'].includes(c)) return q(c);
      if (c === 'interface_id') return 'resource AS interface_id';
      return `CAST(NULL AS ${viewType.get(c) ?? 'Nullable(String)'}) AS ${q(c)}`;
    })
    .join(', ')}, upper(kind) AS log_status FROM ${GAP_TABLE}`;

const epochSeconds = (c: string): string => `toInt64(${q(c)})`;
const nullableEpoch = (c: string): string =>
  `if(isNull(${q(c)}), CAST(NULL AS Nullable(Int64)), toInt64(assumeNotNull(${q(c)})))`;
const dateOf = (c: string): string => `toDate(toUInt32(${q(c)}))`;

const nullString = 'CAST(NULL AS Nullable(String))';
const nullInt = 'CAST(NULL AS Nullable(Int32))';
const nullBig = 'CAST(NULL AS Nullable(Int64))';

/**
 * The gap rows of `vpc_flow_logs`, every column named: ClickHouse 18.16 prunes the columns of
 * each UNION ALL branch by name, so a positional branch loses its columns.
 */
const VPC_GAP_COLUMNS: readonly (readonly [string, string])[] = [
  [nullInt, 'version'],
  ['account_id', 'account_id'],
  ['resource', 'interface_id'],
  [nullString, 'srcaddr'],
  [nullString, 'dstaddr'],
  [nullInt, 'srcport'],
  [nullInt, 'dstport'],
  [nullInt, 'protocol'],
  [nullBig, 'packets'],
  [nullBig, 'bytes'],
  [epochSeconds('start'), 'start'],
  [nullableEpoch('end'), 'end'],
  [nullString, 'action'],
  ['upper(kind)', 'log_status'],
  ...['vpc_id', 'subnet_id', 'instance_id'].map((c) => [nullString, c] as const),
  [nullInt, 'tcp_flags'],
  ...[
    'type',
    'pkt_srcaddr',
    'pkt_dstaddr',
    'region',
    'az_id',
    'sublocation_type',
    'sublocation_id',
    'pkt_src_aws_service',
    'pkt_dst_aws_service',
    'flow_direction',
  ].map((c) => [nullString, c] as const),
  [nullInt, 'traffic_path'],
  ...FLOW_TEXT_EXTRAS.filter((c) => c.startsWith('ecs_')).map((c) => [nullString, c] as const),
  [nullString, 'reject_reason'],
  [dateOf('start'), 'date'],
  [`formatDateTime(toDateTime(toUInt32(start)), '%Y/%m/%d')`, 'day'],
];

const VPC_FLOW_LOGS_VIEW = `CREATE VIEW IF NOT EXISTS vpc_flow_logs AS
  SELECT version, account_id, interface_id, src_ip AS srcaddr, dst_ip AS dstaddr,
    src_port AS srcport, dst_port AS dstport, proto AS protocol, packets, bytes,
    ${epochSeconds('time')} AS start, ${nullableEpoch('end')} AS \`end\`,
    CAST(upper(action) AS Nullable(String)) AS action, 'OK' AS log_status, vpc_id, subnet_id, instance_id, tcp_flags,
    ip_type AS type, pkt_src_ip AS pkt_srcaddr, pkt_dst_ip AS pkt_dstaddr, region, az_id,
    sublocation_type, sublocation_id, pkt_src_aws_service, pkt_dst_aws_service,
    CAST(direction AS Nullable(String)) AS flow_direction, traffic_path,
    ${FLOW_TEXT_EXTRAS.filter((c) => c.startsWith('ecs_')).join(', ')},
    reject_reason, ${dateOf('time')} AS date, formatDateTime(toDateTime(toUInt32(time)), '%Y/%m/%d') AS day
  FROM flows
  UNION ALL
  SELECT ${VPC_GAP_COLUMNS.map(([expr, alias]) => `${expr} AS \`${alias}\``).join(', ')}
  FROM ${GAP_TABLE}`;

export interface ClickHouseMigration {
  version: number;
  statements: readonly string[];
}

/** Every schema version, oldest first. Append to change the schema; never edit an entry. */
export const CLICKHOUSE_MIGRATIONS: readonly ClickHouseMigration[] = [
  {
    version: 1,
    statements: [
      createTable(FLOW_TABLE, FLOW_COLUMNS, 'time'),
      createTable(GAP_TABLE, GAP_COLUMNS, 'start'),
      createTable(EVENT_TABLE, EVENT_COLUMNS, 'time'),
      FLOWS_VIEW,
      FLOW_RECORDS_VIEW,
      VPC_FLOW_LOGS_VIEW,
    ],
  },
];

export const CLICKHOUSE_SCHEMA_VERSION =
  CLICKHOUSE_MIGRATIONS[CLICKHOUSE_MIGRATIONS.length - 1]?.version ?? 0;

export const META_TABLE_SQL = `CREATE TABLE IF NOT EXISTS meta (version UInt32, applied DateTime DEFAULT now())
  ENGINE = MergeTree ORDER BY version`;
