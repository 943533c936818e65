// The one alias table: every field name a pipe query may use, in each spelling users bring
// (Logs Insights camelCase, raw hyphenated VPC names, Athena snake_case, our data-model names),
// mapped to a SQL expression over `flow_records` (docs/data-model.md). Lookup ignores case, so
// `srcAddr`, `srcaddr` and `SRCADDR` are one field.

/** `unknown`: computed values whose SQL type depends on the arguments (coalesce, min, ...). */
export type FieldType = 'text' | 'number' | 'timestamp' | 'boolean' | 'unknown';

/** How string literals compared with this field are spelled in the store. */
export type ValueCase = 'lower' | 'upper';

export interface FieldDef {
  /** SQL over `flow_records`; built only from this table, never from user text. */
  sql: string;
  type: FieldType;
  /** `action="REJECT"` matches the stored `reject`: literals compared by = != in are re-cased. */
  values?: ValueCase;
  /**
   * Fast columns of the same address, when the store has them: `v4` UINTEGER (NULL on IPv6
   * rows), `v6` canonical text (NULL on IPv4 rows). Subnet tests use these instead of parsing text.
   */
  ip?: IpColumns;
}

export interface IpColumns {
  v4: string;
  v6: string;
}

export interface FieldAlias extends FieldDef {
  /** Accepted spellings; the first is the canonical (Logs Insights) one. */
  names: readonly string[];
  description: string;
}

/** The interface, or for gap rows and non-VPC sources the resource that observed the flow. */
const STREAM_SQL = 'coalesce(interface_id, resource)';

/** AWS default-format line rebuilt from columns, `-` for missing values (VPC `@message`). */
const MESSAGE_SQL = `concat_ws(' ', ${[
  'CAST(version AS VARCHAR)',
  'account_id',
  STREAM_SQL,
  'src_ip',
  'dst_ip',
  'CAST(src_port AS VARCHAR)',
  'CAST(dst_port AS VARCHAR)',
  'CAST(proto AS VARCHAR)',
  'CAST(packets AS VARCHAR)',
  'CAST(bytes AS VARCHAR)',
  'CAST(CAST(floor(epoch(time)) AS BIGINT) AS VARCHAR)',
  'CAST(CAST(floor(epoch("end")) AS BIGINT) AS VARCHAR)',
  "CASE action WHEN 'accept' THEN 'ACCEPT' WHEN 'reject' THEN 'REJECT' END",
  'log_status',
]
  .map((e) => `coalesce(${e}, '-')`)
  .join(', ')})`;

/** Logs Insights spellings that are not a plain camelCase of the raw name. */
const CAMEL_CASE: Record<string, string> = {
  srcaddr: 'srcAddr',
  dstaddr: 'dstAddr',
  srcport: 'srcPort',
  dstport: 'dstPort',
  'pkt-srcaddr': 'pktSrcAddr',
  'pkt-dstaddr': 'pktDstAddr',
};

/** Spellings of a VPC field: camelCase, raw hyphenated name, snake_case, then `more`. */
function vpcNames(hyphenated: string, ...more: string[]): string[] {
  const camel = CAMEL_CASE[hyphenated] ?? hyphenated.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  const snake = hyphenated.replaceAll('-', '_');
  const seen = new Set<string>();
  return [camel, hyphenated, snake, ...more].filter((n) => {
    const key = n.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function text(hyphenated: string, column: string, description: string, ...more: string[]): FieldAlias {
  return { names: vpcNames(hyphenated, column, ...more), sql: column, type: 'text', description };
}
function num(hyphenated: string, column: string, description: string, ...more: string[]): FieldAlias {
  return { names: vpcNames(hyphenated, column, ...more), sql: column, type: 'number', description };
}

const ECS_FIELDS = [
  'ecs-cluster-arn',
  'ecs-cluster-name',
  'ecs-container-instance-arn',
  'ecs-container-instance-id',
  'ecs-container-id',
  'ecs-second-container-id',
  'ecs-service-name',
  'ecs-task-definition-arn',
  'ecs-task-arn',
  'ecs-task-id',
];

export const FIELD_ALIASES: readonly FieldAlias[] = [
  {
    names: ['@timestamp', 'time'],
    sql: 'time',
    type: 'timestamp',
    description: 'start of the flow (TIMESTAMP)',
  },
  {
    names: ['@message'],
    sql: MESSAGE_SQL,
    type: 'text',
    description: 'the default-format VPC line, rebuilt from the columns',
  },
  {
    names: ['@logStream'],
    sql: STREAM_SQL,
    type: 'text',
    description:
      'the interface (VPC: one log stream per ENI), else the observing resource; set on gap rows too',
  },
  num('version', 'version', 'VPC record version'),
  text('account-id', 'account_id', 'AWS account owning the interface'),
  text('interface-id', 'interface_id', 'ENI id'),
  { ...text('srcaddr', 'src_ip', 'source address', 'srcIp'), ip: { v4: 'src_ip4', v6: 'src_ip6' } },
  { ...text('dstaddr', 'dst_ip', 'destination address', 'dstIp'), ip: { v4: 'dst_ip4', v6: 'dst_ip6' } },
  num('srcport', 'src_port', 'source port (NULL when not applicable)'),
  num('dstport', 'dst_port', 'destination port (NULL when not applicable)'),
  num('protocol', 'proto', 'IANA protocol number'),
  num('packets', 'packets', 'packets in the interval'),
  num('bytes', 'bytes', 'bytes in the interval'),
  {
    names: ['startTime', 'start'],
    sql: 'CAST(floor(epoch(time)) AS BIGINT)',
    type: 'number',
    description: 'start as Unix seconds (AWS semantics); @timestamp is the same instant as a TIMESTAMP',
  },
  {
    names: ['endTime', 'end'],
    sql: 'CAST(floor(epoch("end")) AS BIGINT)',
    type: 'number',
    description: 'end as Unix seconds (AWS semantics)',
  },
  { names: ['endTimestamp'], sql: '"end"', type: 'timestamp', description: 'end of the flow as a TIMESTAMP' },
  {
    names: ['action'],
    sql: 'action',
    type: 'text',
    values: 'lower',
    description: 'accept / reject (ACCEPT / REJECT match too)',
  },
  {
    names: vpcNames('log-status'),
    sql: 'log_status',
    type: 'text',
    values: 'upper',
    description: 'OK for flows; NODATA / SKIPDATA for coverage-gap rows',
  },
  text('vpc-id', 'vpc_id', 'VPC id'),
  text('subnet-id', 'subnet_id', 'subnet id'),
  text('instance-id', 'instance_id', 'EC2 instance id'),
  num('tcp-flags', 'tcp_flags', 'OR of TCP flags in the interval (FIN 1, SYN 2, RST 4, SYN-ACK 18)'),
  text('type', 'ip_type', 'IPv4, IPv6 or EFA', 'ipType'),
  text('pkt-srcaddr', 'pkt_src_ip', 'original packet source address'),
  text('pkt-dstaddr', 'pkt_dst_ip', 'original packet destination address'),
  text('region', 'region', 'AWS region'),
  text('az-id', 'az_id', 'availability zone id'),
  text('sublocation-type', 'sublocation_type', 'wavelength, outpost or localzone'),
  text('sublocation-id', 'sublocation_id', 'sublocation id'),
  text('pkt-src-aws-service', 'pkt_src_aws_service', 'AWS service of the source address range'),
  text('pkt-dst-aws-service', 'pkt_dst_aws_service', 'AWS service of the destination address range'),
  {
    names: vpcNames('flow-direction', 'direction'),
    sql: 'direction',
    type: 'text',
    values: 'lower',
    description: 'ingress / egress relative to the interface',
  },
  num('traffic-path', 'traffic_path', 'egress path (1 same VPC, 2 IGW, ...)'),
  ...ECS_FIELDS.map((f) => text(f, f.replaceAll('-', '_'), 'ECS task metadata (v7)')),
  text('reject-reason', 'reject_reason', 'BPA or NULL'),
  text('resource-id', 'resource_id', 'resource id (newer than v8)'),
  num('encryption-status', 'encryption_status', '0 clear, 1 Nitro, 2 application, 3 both'),
  text('resource', 'resource', 'interface, instance or host that observed the flow'),
  text('source', 'source', 'which input produced the row'),
  text('extra', 'extra', 'JSON object of fields the parser did not know'),
];

/** System fields of Logs Insights that have no meaning here. */
export const UNSUPPORTED_SYSTEM_FIELDS = ['@log', '@ingestionTime', '@ptr'];

const BY_NAME = new Map<string, FieldDef>();
for (const alias of FIELD_ALIASES) {
  for (const name of alias.names) {
    const key = name.toLowerCase();
    if (BY_NAME.has(key)) throw new Error(`duplicate field alias ${name}`);
    BY_NAME.set(key, {
      sql: alias.sql,
      type: alias.type,
      ...(alias.values ? { values: alias.values } : {}),
      ...(alias.ip ? { ip: alias.ip } : {}),
    });
  }
}

/** The base field a name refers to, or undefined. Case-insensitive. */
export function lookupField(name: string): FieldDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Every accepted spelling (for suggestions and docs). */
export function allFieldNames(): string[] {
  return FIELD_ALIASES.flatMap((a) => a.names);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Up to `max` known names closest to `name` (edit distance ≤ 3, or sharing a prefix). */
export function nearFieldNames(name: string, candidates: readonly string[], max = 5): string[] {
  const lower = name.toLowerCase();
  return candidates
    .map((c) => ({ c, d: editDistance(lower, c.toLowerCase()) }))
    .filter(({ c, d }) => d <= 3 || (lower.length >= 3 && c.toLowerCase().startsWith(lower)))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, max)
    .map(({ c }) => c);
}
