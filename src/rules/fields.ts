// The fields a rule may name, per record kind, and the one table that maps Sigma's and ECS's
// common names to them (so a rule written for another tool needs the fewest edits). Each field
// says how to read it from a FlowBatch or a LogEvent and which SQL column holds it.

import { FLOW_INT_EXTRAS, FLOW_TEXT_EXTRAS } from '../core/flow.ts';
import type { RecordKind } from './types.ts';

/**
 * `ip`: an address; `int`: integer with -1 for missing (ports, proto...); `num`: float with NaN for
 * missing (packets, bytes); `code`: a small code with names (action, direction); `text`.
 */
export type FieldType = 'ip' | 'int' | 'num' | 'code' | 'text';

/** How a flow field is read from a FlowBatch column. */
export type FlowColumn =
  | { col: 'srcIp' | 'dstIp' }
  | { col: 'srcPort' | 'dstPort' | 'proto' | 'tcpFlags' }
  | { col: 'packets' | 'bytes' }
  | { col: 'action' | 'direction'; names: readonly string[] }
  | { col: 'resource' | 'source' }
  | { col: 'text'; name: (typeof FLOW_TEXT_EXTRAS)[number] }
  | { col: 'ints'; name: (typeof FLOW_INT_EXTRAS)[number] };

export interface FieldDef {
  name: string;
  type: FieldType;
  /** Set for flow fields. */
  flow?: FlowColumn;
  /** Set for event fields: the LogEvent property, or `fields.<key>`. */
  event?: string;
}

const ACTIONS = ['unknown', 'accept', 'reject'] as const;
const DIRECTIONS = ['unknown', 'ingress', 'egress'] as const;

const FLOW_FIELDS: FieldDef[] = [
  { name: 'src_ip', type: 'ip', flow: { col: 'srcIp' } },
  { name: 'dst_ip', type: 'ip', flow: { col: 'dstIp' } },
  { name: 'src_port', type: 'int', flow: { col: 'srcPort' } },
  { name: 'dst_port', type: 'int', flow: { col: 'dstPort' } },
  { name: 'proto', type: 'int', flow: { col: 'proto' } },
  { name: 'tcp_flags', type: 'int', flow: { col: 'tcpFlags' } },
  { name: 'packets', type: 'num', flow: { col: 'packets' } },
  { name: 'bytes', type: 'num', flow: { col: 'bytes' } },
  { name: 'action', type: 'code', flow: { col: 'action', names: ACTIONS } },
  { name: 'direction', type: 'code', flow: { col: 'direction', names: DIRECTIONS } },
  { name: 'resource', type: 'text', flow: { col: 'resource' } },
  { name: 'source', type: 'text', flow: { col: 'source' } },
  ...FLOW_TEXT_EXTRAS.map((name): FieldDef => ({ name, type: 'text', flow: { col: 'text', name } })),
  ...FLOW_INT_EXTRAS.map((name): FieldDef => ({ name, type: 'int', flow: { col: 'ints', name } })),
];

const EVENT_FIELDS: FieldDef[] = [
  { name: 'kind', type: 'text', event: 'kind' },
  { name: 'outcome', type: 'text', event: 'outcome' },
  { name: 'src_ip', type: 'ip', event: 'src_ip' },
  { name: 'dst_ip', type: 'ip', event: 'dst_ip' },
  { name: 'src_port', type: 'int', event: 'src_port' },
  { name: 'dst_port', type: 'int', event: 'dst_port' },
  { name: 'user', type: 'text', event: 'user' },
  { name: 'message', type: 'text', event: 'message' },
  { name: 'source', type: 'text', event: 'source' },
  { name: 'host', type: 'text', event: 'host' },
];

/**
 * Sigma and ECS names -> ours, per record kind (null: no such field for that kind). Matched
 * without regard to case. Our own names always work too.
 */
export const FIELD_ALIASES: readonly { alias: string; flow: string | null; event: string | null }[] = [
  { alias: 'SourceIp', flow: 'src_ip', event: 'src_ip' },
  { alias: 'source.ip', flow: 'src_ip', event: 'src_ip' },
  { alias: 'src', flow: 'src_ip', event: 'src_ip' },
  { alias: 'DestinationIp', flow: 'dst_ip', event: 'dst_ip' },
  { alias: 'destination.ip', flow: 'dst_ip', event: 'dst_ip' },
  { alias: 'dst', flow: 'dst_ip', event: 'dst_ip' },
  { alias: 'SourcePort', flow: 'src_port', event: 'src_port' },
  { alias: 'source.port', flow: 'src_port', event: 'src_port' },
  { alias: 'DestinationPort', flow: 'dst_port', event: 'dst_port' },
  { alias: 'destination.port', flow: 'dst_port', event: 'dst_port' },
  { alias: 'dst_port', flow: 'dst_port', event: 'dst_port' },
  { alias: 'Protocol', flow: 'proto', event: null },
  { alias: 'network.transport', flow: 'proto', event: null },
  { alias: 'network.iana_number', flow: 'proto', event: null },
  { alias: 'network.packets', flow: 'packets', event: null },
  { alias: 'network.bytes', flow: 'bytes', event: null },
  { alias: 'event.action', flow: 'action', event: 'outcome' },
  { alias: 'event.outcome', flow: 'action', event: 'outcome' },
  { alias: 'network.direction', flow: 'direction', event: null },
  { alias: 'host.name', flow: 'resource', event: 'host' },
  { alias: 'hostname', flow: 'resource', event: 'host' },
  { alias: 'Computer', flow: 'resource', event: 'host' },
  { alias: 'observer.name', flow: 'resource', event: 'host' },
  { alias: 'cloud.account.id', flow: 'account_id', event: null },
  { alias: 'cloud.region', flow: 'region', event: null },
  { alias: 'cloud.instance.id', flow: 'instance_id', event: null },
  { alias: 'User', flow: null, event: 'user' },
  { alias: 'user.name', flow: null, event: 'user' },
  { alias: 'TargetUserName', flow: null, event: 'user' },
  { alias: 'event.category', flow: null, event: 'kind' },
  { alias: 'event.original', flow: null, event: 'message' },
];

const byName = (list: FieldDef[]): Map<string, FieldDef> =>
  new Map(list.map((f) => [f.name.toLowerCase(), f]));
const FLOW_BY_NAME = byName(FLOW_FIELDS);
const EVENT_BY_NAME = byName(EVENT_FIELDS);
const ALIAS_BY_NAME = new Map(FIELD_ALIASES.map((a) => [a.alias.toLowerCase(), a]));

/** Protocol names a rule may write instead of numbers (`proto: tcp`, `network.transport: udp`). */
export const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = {
  icmp: 1,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  icmpv6: 58,
  sctp: 132,
};

/**
 * The field a rule's name refers to for the kind of records, or null when there is none. Event
 * rules may also name `fields.<key>` (parser-specific fields, e.g. `fields.method`), read as text.
 */
export function resolveField(name: string, records: RecordKind): FieldDef | null {
  const lower = name.toLowerCase();
  const table = records === 'flow' ? FLOW_BY_NAME : EVENT_BY_NAME;
  const own = table.get(lower);
  if (own) return own;
  const alias = ALIAS_BY_NAME.get(lower);
  const target = alias ? alias[records] : null;
  if (target !== null) return table.get(target) ?? null;
  if (records === 'event' && /^fields\.[A-Za-z0-9_.-]+$/.test(name)) {
    return { name, type: 'text', event: name };
  }
  return null;
}

/** Every field name of a record kind (for hints). */
export function fieldNames(records: RecordKind): string[] {
  return (records === 'flow' ? FLOW_FIELDS : EVENT_FIELDS).map((f) => f.name);
}
