// The flow record, in the columnar form every parser produces and every consumer (store,
// detectors) reads. A batch holds up to `capacity` rows in typed arrays so that the hot path
// allocates no object per record. See docs/data-model.md for the user-facing columns.

import { formatIpv4 } from './ip.ts';

export const ACTION_UNKNOWN = 0;
export const ACTION_ACCEPT = 1;
export const ACTION_REJECT = 2;
export type ActionCode = typeof ACTION_UNKNOWN | typeof ACTION_ACCEPT | typeof ACTION_REJECT;
export const ACTION_NAMES = ['unknown', 'accept', 'reject'] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

export const DIRECTION_UNKNOWN = 0;
export const DIRECTION_INGRESS = 1;
export const DIRECTION_EGRESS = 2;
export const DIRECTION_NAMES = ['unknown', 'ingress', 'egress'] as const;
export type DirectionName = (typeof DIRECTION_NAMES)[number];

/**
 * Source-specific text columns carried beside the core model. VPC Flow Logs fill the `vpc.*`
 * fields; other sources leave them null. Names are the store's column names (snake_case).
 */
export const FLOW_TEXT_EXTRAS = [
  'account_id',
  'interface_id',
  'vpc_id',
  'subnet_id',
  'instance_id',
  'ip_type',
  'pkt_src_ip',
  'pkt_dst_ip',
  'region',
  'az_id',
  'sublocation_type',
  'sublocation_id',
  'pkt_src_aws_service',
  'pkt_dst_aws_service',
  'ecs_cluster_arn',
  'ecs_cluster_name',
  'ecs_container_instance_arn',
  'ecs_container_instance_id',
  'ecs_container_id',
  'ecs_second_container_id',
  'ecs_service_name',
  'ecs_task_definition_arn',
  'ecs_task_arn',
  'ecs_task_id',
  'reject_reason',
  'resource_id',
  /** JSON object text of fields the parser does not know (newer VPC versions pass through here). */
  'extra',
] as const;
export type FlowTextExtra = (typeof FLOW_TEXT_EXTRAS)[number];

/** Source-specific integer columns (missing = -1). */
export const FLOW_INT_EXTRAS = ['version', 'traffic_path', 'encryption_status'] as const;
export type FlowIntExtra = (typeof FLOW_INT_EXTRAS)[number];

/**
 * A batch of flow records in columns. Missing values: -1 for ports, proto, tcp flags and integer
 * extras; NaN for packets and bytes; null for text. Times are Unix epoch seconds (fractional for
 * sources with millisecond precision); `end` is NaN when unknown.
 */
export interface FlowBatch {
  length: number;
  readonly capacity: number;
  readonly start: Float64Array;
  readonly end: Float64Array;
  /** IPv4 as unsigned 32-bit integer; meaningful only where the matching `*Ip6` entry is null. */
  readonly srcIp4: Uint32Array;
  readonly dstIp4: Uint32Array;
  /** Canonical IPv6 text, or null for IPv4 rows. */
  readonly srcIp6: (string | null)[];
  readonly dstIp6: (string | null)[];
  readonly srcPort: Int32Array;
  readonly dstPort: Int32Array;
  readonly proto: Int16Array;
  readonly packets: Float64Array;
  readonly bytes: Float64Array;
  readonly action: Uint8Array;
  readonly tcpFlags: Int16Array;
  readonly direction: Uint8Array;
  /** Interface id, instance id or host name that observed the flow. */
  readonly resource: (string | null)[];
  /** Which input produced each row ("vpc:<file>", "netflow:<exporter>", ...). */
  readonly source: (string | null)[];
  readonly text: Record<FlowTextExtra, (string | null)[]>;
  readonly ints: Record<FlowIntExtra, Int32Array>;
}

export const DEFAULT_BATCH_CAPACITY = 8192;

function nullArray(n: number): (string | null)[] {
  return new Array<string | null>(n).fill(null);
}

export function createFlowBatch(capacity: number = DEFAULT_BATCH_CAPACITY): FlowBatch {
  const text = {} as Record<FlowTextExtra, (string | null)[]>;
  for (const name of FLOW_TEXT_EXTRAS) text[name] = nullArray(capacity);
  const ints = {} as Record<FlowIntExtra, Int32Array>;
  for (const name of FLOW_INT_EXTRAS) ints[name] = new Int32Array(capacity).fill(-1);
  return {
    length: 0,
    capacity,
    start: new Float64Array(capacity),
    end: new Float64Array(capacity).fill(NaN),
    srcIp4: new Uint32Array(capacity),
    dstIp4: new Uint32Array(capacity),
    srcIp6: nullArray(capacity),
    dstIp6: nullArray(capacity),
    srcPort: new Int32Array(capacity).fill(-1),
    dstPort: new Int32Array(capacity).fill(-1),
    proto: new Int16Array(capacity).fill(-1),
    packets: new Float64Array(capacity).fill(NaN),
    bytes: new Float64Array(capacity).fill(NaN),
    action: new Uint8Array(capacity),
    tcpFlags: new Int16Array(capacity).fill(-1),
    direction: new Uint8Array(capacity),
    resource: nullArray(capacity),
    source: nullArray(capacity),
    text,
    ints,
  };
}

/** Resets a batch for reuse: every column back to "missing", length 0. */
export function clearFlowBatch(b: FlowBatch): void {
  const n = b.length;
  b.start.fill(0, 0, n);
  b.end.fill(NaN, 0, n);
  b.srcIp4.fill(0, 0, n);
  b.dstIp4.fill(0, 0, n);
  b.srcIp6.fill(null, 0, n);
  b.dstIp6.fill(null, 0, n);
  b.srcPort.fill(-1, 0, n);
  b.dstPort.fill(-1, 0, n);
  b.proto.fill(-1, 0, n);
  b.packets.fill(NaN, 0, n);
  b.bytes.fill(NaN, 0, n);
  b.action.fill(0, 0, n);
  b.tcpFlags.fill(-1, 0, n);
  b.direction.fill(0, 0, n);
  b.resource.fill(null, 0, n);
  b.source.fill(null, 0, n);
  for (const name of FLOW_TEXT_EXTRAS) b.text[name].fill(null, 0, n);
  for (const name of FLOW_INT_EXTRAS) b.ints[name].fill(-1, 0, n);
  b.length = 0;
}

/** One flow as a plain object: for tests, evidence samples and small paths, never the hot loop. */
export interface FlowRecord {
  time: number;
  end: number | null;
  src_ip: string;
  src_port: number | null;
  dst_ip: string;
  dst_port: number | null;
  proto: number | null;
  packets: number | null;
  bytes: number | null;
  action: ActionName;
  tcp_flags: number | null;
  direction: DirectionName;
  resource: string | null;
  source: string | null;
  text: Partial<Record<FlowTextExtra, string>>;
  ints: Partial<Record<FlowIntExtra, number>>;
}

const orNull = (v: number): number | null => (v < 0 || Number.isNaN(v) ? null : v);

/** Reads row `i` of a batch as a plain object. */
export function flowAt(b: FlowBatch, i: number): FlowRecord {
  const text: Partial<Record<FlowTextExtra, string>> = {};
  for (const name of FLOW_TEXT_EXTRAS) {
    const v = b.text[name][i];
    if (v != null) text[name] = v;
  }
  const ints: Partial<Record<FlowIntExtra, number>> = {};
  for (const name of FLOW_INT_EXTRAS) {
    const v = b.ints[name][i]!;
    if (v >= 0) ints[name] = v;
  }
  return {
    time: b.start[i]!,
    end: Number.isNaN(b.end[i]!) ? null : b.end[i]!,
    src_ip: b.srcIp6[i] ?? formatIpv4(b.srcIp4[i]!),
    src_port: orNull(b.srcPort[i]!),
    dst_ip: b.dstIp6[i] ?? formatIpv4(b.dstIp4[i]!),
    dst_port: orNull(b.dstPort[i]!),
    proto: orNull(b.proto[i]!),
    packets: orNull(b.packets[i]!),
    bytes: orNull(b.bytes[i]!),
    action: ACTION_NAMES[b.action[i]!] ?? 'unknown',
    tcp_flags: orNull(b.tcpFlags[i]!),
    direction: DIRECTION_NAMES[b.direction[i]!] ?? 'unknown',
    resource: b.resource[i] ?? null,
    source: b.source[i] ?? null,
    text,
    ints,
  };
}

/**
 * A coverage gap: a VPC NODATA/SKIPDATA row or a NetFlow sequence hole. Gaps are never stored as
 * flows; they tell detectors and the posture advisor that silence is not evidence.
 */
export interface CoverageGap {
  kind: 'nodata' | 'skipdata' | 'sequence';
  start: number;
  end: number;
  resource: string | null;
  source: string;
  /** Free-form detail: account id, exporter, missed count... */
  detail: Record<string, string | number>;
}
