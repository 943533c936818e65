// The VPC Flow Logs field table (FORMATS.md §1.2) and the parsing of a log format into a column
// layout. The layout comes from the S3 header line, the user's `${...}` format, or the default v2
// format, never from the `version` value (pitfall 1).

import type { FlowIntExtra, FlowTextExtra } from '../../core/flow.ts';
import { UserError } from '../../core/errors.ts';

/** Where one field's value goes in a FlowBatch. */
export type FieldTarget =
  | { kind: 'ip'; side: 'src' | 'dst' }
  | { kind: 'port'; side: 'src' | 'dst' }
  | { kind: 'protocol' }
  | { kind: 'count'; column: 'packets' | 'bytes' }
  | { kind: 'time'; column: 'start' | 'end' }
  | { kind: 'action' }
  | { kind: 'log-status' }
  | { kind: 'tcp-flags' }
  | { kind: 'direction' }
  /** A text extra column; `address` fields are canonicalised like srcaddr (pkt-srcaddr...). */
  | { kind: 'text'; column: FlowTextExtra; address?: boolean }
  | { kind: 'int'; column: FlowIntExtra }
  /** Known to AWS but without a column of its own: goes into the `extra` JSON by name. */
  | { kind: 'extra' };

export interface VpcField {
  /** AWS's hyphenated name, as in the S3 header line and `${...}` formats. */
  name: string;
  /** Flow log version that introduced the field (6 = transit gateway, 9 = newer than v8). */
  version: number;
  target: FieldTarget;
}

const text = (column: FlowTextExtra): FieldTarget => ({ kind: 'text', column });

/** Every field AWS documents for VPC (v2-v8 and later) and transit gateway (v6) flow logs. */
export const VPC_FIELDS: readonly VpcField[] = [
  { name: 'version', version: 2, target: { kind: 'int', column: 'version' } },
  { name: 'account-id', version: 2, target: text('account_id') },
  { name: 'interface-id', version: 2, target: text('interface_id') },
  { name: 'srcaddr', version: 2, target: { kind: 'ip', side: 'src' } },
  { name: 'dstaddr', version: 2, target: { kind: 'ip', side: 'dst' } },
  { name: 'srcport', version: 2, target: { kind: 'port', side: 'src' } },
  { name: 'dstport', version: 2, target: { kind: 'port', side: 'dst' } },
  { name: 'protocol', version: 2, target: { kind: 'protocol' } },
  { name: 'packets', version: 2, target: { kind: 'count', column: 'packets' } },
  { name: 'bytes', version: 2, target: { kind: 'count', column: 'bytes' } },
  { name: 'start', version: 2, target: { kind: 'time', column: 'start' } },
  { name: 'end', version: 2, target: { kind: 'time', column: 'end' } },
  { name: 'action', version: 2, target: { kind: 'action' } },
  { name: 'log-status', version: 2, target: { kind: 'log-status' } },
  { name: 'vpc-id', version: 3, target: text('vpc_id') },
  { name: 'subnet-id', version: 3, target: text('subnet_id') },
  { name: 'instance-id', version: 3, target: text('instance_id') },
  { name: 'tcp-flags', version: 3, target: { kind: 'tcp-flags' } },
  { name: 'type', version: 3, target: text('ip_type') },
  { name: 'pkt-srcaddr', version: 3, target: { kind: 'text', column: 'pkt_src_ip', address: true } },
  { name: 'pkt-dstaddr', version: 3, target: { kind: 'text', column: 'pkt_dst_ip', address: true } },
  { name: 'region', version: 4, target: text('region') },
  { name: 'az-id', version: 4, target: text('az_id') },
  { name: 'sublocation-type', version: 4, target: text('sublocation_type') },
  { name: 'sublocation-id', version: 4, target: text('sublocation_id') },
  { name: 'pkt-src-aws-service', version: 5, target: text('pkt_src_aws_service') },
  { name: 'pkt-dst-aws-service', version: 5, target: text('pkt_dst_aws_service') },
  { name: 'flow-direction', version: 5, target: { kind: 'direction' } },
  { name: 'traffic-path', version: 5, target: { kind: 'int', column: 'traffic_path' } },
  // v6: transit gateway flow logs (a different resource; fields without a column go to `extra`).
  { name: 'tgw-id', version: 6, target: { kind: 'extra' } },
  { name: 'tgw-attachment-id', version: 6, target: { kind: 'extra' } },
  { name: 'tgw-src-vpc-account-id', version: 6, target: { kind: 'extra' } },
  { name: 'tgw-dst-vpc-account-id', version: 6, target: { kind: 'extra' } },
  { name: 'tgw-src-vpc-id', version: 6, target: { kind: 'extra' } },
  { name: 'tgw-dst-vpc-id', version: 6, target: { kind: 'extra' } },
  { name: 'tgw-src-subnet-id', version: 6, target: { kind: 'extra' } },
  { name: 'tgw-dst-subnet-id', version: 6, target: { kind: 'extra' } },
  { name: 'tgw-src-eni', version: 6, target: { kind: 'extra' } },
  { name: 'tgw-dst-eni', version: 6, target: { kind: 'extra' } },
  { name: 'tgw-src-az-id', version: 6, target: { kind: 'extra' } },
  { name: 'tgw-dst-az-id', version: 6, target: { kind: 'extra' } },
  { name: 'tgw-pair-attachment-id', version: 6, target: { kind: 'extra' } },
  { name: 'packets-lost-no-route', version: 6, target: { kind: 'extra' } },
  { name: 'packets-lost-blackhole', version: 6, target: { kind: 'extra' } },
  { name: 'packets-lost-mtu-exceeded', version: 6, target: { kind: 'extra' } },
  { name: 'packets-lost-ttl-expired', version: 6, target: { kind: 'extra' } },
  { name: 'ecs-cluster-arn', version: 7, target: text('ecs_cluster_arn') },
  { name: 'ecs-cluster-name', version: 7, target: text('ecs_cluster_name') },
  { name: 'ecs-container-instance-arn', version: 7, target: text('ecs_container_instance_arn') },
  { name: 'ecs-container-instance-id', version: 7, target: text('ecs_container_instance_id') },
  { name: 'ecs-container-id', version: 7, target: text('ecs_container_id') },
  { name: 'ecs-second-container-id', version: 7, target: text('ecs_second_container_id') },
  { name: 'ecs-service-name', version: 7, target: text('ecs_service_name') },
  { name: 'ecs-task-definition-arn', version: 7, target: text('ecs_task_definition_arn') },
  { name: 'ecs-task-arn', version: 7, target: text('ecs_task_arn') },
  { name: 'ecs-task-id', version: 7, target: text('ecs_task_id') },
  { name: 'reject-reason', version: 8, target: text('reject_reason') },
  { name: 'resource-id', version: 9, target: text('resource_id') },
  { name: 'encryption-status', version: 9, target: { kind: 'int', column: 'encryption_status' } },
];

const BY_NAME = new Map(VPC_FIELDS.map((f) => [f.name, f]));

/** The default format: the v2 fields in table order. */
export const DEFAULT_VPC_FORMAT: readonly string[] = VPC_FIELDS.filter((f) => f.version === 2).map(
  (f) => f.name,
);

/** Hyphenated, lower-case spelling of a field name (`log_status`, `LOG-STATUS` -> `log-status`). */
export function normalizeFieldName(name: string): string {
  return name.trim().toLowerCase().replaceAll('_', '-');
}

export function knownField(name: string): VpcField | undefined {
  return BY_NAME.get(normalizeFieldName(name));
}

/** One column of a layout: a known field, or an unknown name passed through into `extra`. */
export interface LayoutColumn {
  name: string;
  field: VpcField | null;
}

export type VpcLayout = readonly LayoutColumn[];

export function layoutOf(names: readonly string[]): VpcLayout {
  return names.map((n) => {
    const name = normalizeFieldName(n);
    return { name, field: BY_NAME.get(name) ?? null };
  });
}

const FORMAT_HINT =
  'Give the flow log format as AWS shows it (e.g. "${version} ${account-id} ${interface-id} ...") ' +
  'or as space-separated field names (e.g. "version account-id interface-id srcaddr ...").';

/**
 * Parses a log format: AWS's `${version} ${account-id} ...` string, or plain space-separated names
 * with hyphens or underscores. Throws a UserError on an empty list, a duplicate or a malformed name.
 */
export function parseVpcFormat(format: string): VpcLayout {
  const tokens = format
    .trim()
    .split(/\s+/)
    .filter((t) => t.length > 0);
  if (tokens.length === 0) throw new UserError('The VPC flow log format is empty.', { hint: FORMAT_HINT });
  const names: string[] = [];
  const seen = new Set<string>();
  for (const token of tokens) {
    const m = /^\$\{([^}]*)\}$/.exec(token);
    const raw = m ? m[1]! : token;
    const name = normalizeFieldName(raw);
    if (!/^[a-z][a-z0-9-]*$/.test(name)) {
      throw new UserError(`The VPC flow log format has an invalid field name "${token}".`, {
        hint: FORMAT_HINT,
      });
    }
    if (seen.has(name)) {
      throw new UserError(`The VPC flow log format lists "${name}" twice.`, {
        hint: 'Each field may appear once; check the format against the flow log definition.',
      });
    }
    seen.add(name);
    names.push(name);
  }
  return layoutOf(names);
}

/**
 * Whether a line is a header: every token looks like a field name, no name repeats, and at least
 * half of them (and at least one) are known. Newer AWS fields thus still pass when most are known.
 */
export function headerLayout(line: string): VpcLayout | null {
  const tokens = line.trim().split(' ');
  if (tokens.length === 0) return null;
  const seen = new Set<string>();
  let known = 0;
  for (const t of tokens) {
    if (!/^[a-z][a-z0-9_-]*$/.test(t) || seen.has(t)) return null;
    seen.add(t);
    if (BY_NAME.has(normalizeFieldName(t))) known++;
  }
  if (known === 0 || known * 2 < tokens.length) return null;
  return layoutOf(tokens);
}
