// The router's session analysis (`SessionAnalysis` in `GET appliance/{id}/status`, SAKURA.md §2):
// top-N counts of sessions by source address, destination address, destination port and
// source/destination pair. Each poll's snapshot becomes one `session-stat` event per entry, so it
// is stored, queryable (`events | filter source = "sakura-session"`) and seen by detection (a
// top source on a threat list is a finding). The analysis is a running summary, not a log: a
// snapshot equal to the previous poll's adds nothing (deduplicated across polls and restarts
// through the poll state); a changed one is recorded whole with the poll time.
//
// Inferred, not documented: the `name` of a pair entry. It is read as two addresses separated by
// anything that is not part of an address ("198.51.100.7 -> 10.0.0.5", "a.b.c.d,e.f.g.h"); an
// entry that does not read so keeps its name in `fields.name` only.

import type { LogEvent } from '../core/records.ts';
import { parseIp, ipText } from '../core/ip.ts';
import type { RouterRef, RouterPollState } from './router-poll.ts';
import type { RouterStatusJson, SessionCount } from './types.ts';

export const SESSION_SOURCE = 'sakura-session';

const STATS = [
  ['SourceAddress', 'source-address'],
  ['DestinationAddress', 'destination-address'],
  ['DestinationPort', 'destination-port'],
  ['SourceAndDestination', 'source-and-destination'],
] as const;
export type SessionStat = (typeof STATS)[number][1];

const addressText = (text: string): string | null => {
  const a = parseIp(text.trim());
  return a ? ipText(a.v4, a.v6) : null;
};

function pairOf(name: string): [string, string] | null {
  const parts = name.split(/[^0-9A-Fa-f.:]+/).filter((p) => p !== '');
  if (parts.length !== 2) return null;
  const src = addressText(parts[0]!);
  const dst = addressText(parts[1]!);
  return src !== null && dst !== null ? [src, dst] : null;
}

function entryEvent(
  router: RouterRef,
  stat: SessionStat,
  entry: SessionCount,
  sessionCount: number | null,
  time: number,
): LogEvent | null {
  const name = typeof entry.name === 'string' ? entry.name.trim() : '';
  const count = typeof entry.count === 'number' && Number.isFinite(entry.count) ? entry.count : null;
  if (name === '' || count === null) return null;
  let src: string | null = null;
  let dst: string | null = null;
  let port: number | null = null;
  if (stat === 'source-address') src = addressText(name);
  else if (stat === 'destination-address') dst = addressText(name);
  else if (stat === 'destination-port') {
    const n = Number(name);
    port = Number.isInteger(n) && n >= 0 && n <= 65535 ? n : null;
  } else [src, dst] = pairOf(name) ?? [null, null];
  const fields: LogEvent['fields'] = { stat, name, count, router_id: router.id, zone: router.zone };
  if (sessionCount !== null) fields.session_count = sessionCount;
  return {
    time,
    kind: 'other',
    outcome: 'session-stat',
    src_ip: src,
    src_port: null,
    dst_ip: dst,
    dst_port: port,
    user: null,
    message: `session analysis of ${router.name}: ${stat} ${name}: ${count} sessions`,
    source: SESSION_SOURCE,
    host: router.name,
    fields,
  };
}

/** The snapshot's events when it differs from the last one recorded in `state` (updated in place). */
export function sessionAnalysisEvents(
  router: RouterRef,
  status: RouterStatusJson,
  state: RouterPollState,
  receivedMs: number,
): LogEvent[] {
  const analysis = status.SessionAnalysis ?? {};
  const sessionCount = typeof status.SessionCount === 'number' ? status.SessionCount : null;
  const snapshot = JSON.stringify(STATS.map(([key]) => analysis[key] ?? []));
  const key = `${router.zone}/${router.id}/sessions`;
  if (state[key]?.[0] === snapshot) return [];
  state[key] = [snapshot];
  const time = Math.floor(receivedMs / 1000);
  const events: LogEvent[] = [];
  for (const [field, stat] of STATS)
    for (const entry of analysis[field] ?? []) {
      const e = entryEvent(router, stat, entry, sessionCount, time);
      if (e) events.push(e);
    }
  return events;
}
