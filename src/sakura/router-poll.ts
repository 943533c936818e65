// VPC/VPN-router telemetry by polling `GET appliance/{id}/status` (SAKURA.md §2): the status
// holds the router's most recent firewall receive/send log lines and its session analysis. A
// poll sees a window of recent lines that overlaps the previous poll's, so only the lines after
// the longest overlap are new (inferred: the arrays are oldest first, as log tails are). The last
// window per router is kept in DATA_DIR so a restart does not replay it. New lines go through the
// same tolerant parser as the routers' syslog (parsers/sakura-router), so both flows end in the
// same LogEvents. The session analysis becomes events too, when it changed (session-analysis.ts).

import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { emptyEventOutput, type EventOutput } from '../core/events.ts';
import { SakuraRouterParser } from '../parsers/sakura-router/parser.ts';
import type { SakuraClient } from './client.ts';
import { sessionAnalysisEvents } from './session-analysis.ts';
import { type ApplianceJson, type RouterStatusJson, type SessionCount, idText } from './types.ts';

export const ROUTER_STATE_FILE = 'sakura-router-state.json';
const DIRECTIONS = ['receive', 'send'] as const;
type Direction = (typeof DIRECTIONS)[number];

export interface RouterRef {
  zone: string;
  id: string;
  name: string;
}

/**
 * Last window of lines seen per router and direction: `${zone}/${id}/${direction}` → lines; and
 * the last session analysis recorded: `${zone}/${id}/sessions` → [snapshot].
 */
export type RouterPollState = Record<string, string[]>;

export interface RouterPollResult {
  router: RouterRef;
  output: EventOutput;
  newLines: number;
  /** True when the window did not overlap the previous one: lines between polls may be lost. */
  gap: boolean;
  sessionCount: number | null;
  topSources: SessionCount[];
  topDestinationPorts: SessionCount[];
}

/** The lines of `current` after its longest prefix that is a suffix of `previous`. */
export function unseenLines(
  previous: readonly string[],
  current: readonly string[],
): { lines: string[]; gap: boolean } {
  const max = Math.min(previous.length, current.length);
  for (let k = max; k > 0; k--) {
    let same = true;
    for (let i = 0; i < k && same; i++) same = previous[previous.length - k + i] === current[i];
    if (same) return { lines: current.slice(k), gap: false };
  }
  return { lines: [...current], gap: previous.length > 0 && current.length > 0 };
}

export async function listRouters(client: SakuraClient, only: readonly string[]): Promise<RouterRef[]> {
  const out: RouterRef[] = [];
  for (const zone of client.zones) {
    const found = await client.findAll<ApplianceJson>(zone, 'appliance', 'Appliances', {
      Class: 'vpcrouter',
    });
    for (const a of found) {
      const id = idText(a.ID);
      if (id === '' || (only.length > 0 && !only.includes(id))) continue;
      out.push({ zone, id, name: a.Name ?? id });
    }
  }
  return out;
}

const lines = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Turns one status answer into events, updating `state` in place. */
export function routerStatusEvents(
  router: RouterRef,
  status: RouterStatusJson,
  state: RouterPollState,
  receivedMs: number,
): RouterPollResult {
  const output = emptyEventOutput();
  let newCount = 0;
  let gap = false;
  for (const direction of DIRECTIONS) {
    const current = lines(direction === 'receive' ? status.FirewallReceiveLogs : status.FirewallSendLogs);
    const key = `${router.zone}/${router.id}/${direction}`;
    const fresh = unseenLines(state[key] ?? [], current);
    state[key] = current;
    gap ||= fresh.gap;
    newCount += fresh.lines.length;
    if (fresh.lines.length === 0) continue;
    const parser = new SakuraRouterParser({
      referenceMs: receivedMs,
      file: `sakura-api:${router.name}/${direction}`,
    });
    const out = parser.push(Buffer.from(`${fresh.lines.join('\n')}\n`));
    const end = parser.end();
    for (const e of [...out.events, ...end.events]) {
      e.host ??= router.name;
      e.fields.router_id = router.id;
      e.fields.zone = router.zone;
      e.fields.direction = direction satisfies Direction;
      output.events.push(e);
    }
    output.rejections.push(...out.rejections, ...end.rejections);
  }
  output.events.push(...sessionAnalysisEvents(router, status, state, receivedMs));
  const analysis = status.SessionAnalysis ?? {};
  return {
    router,
    output,
    newLines: newCount,
    gap,
    sessionCount: typeof status.SessionCount === 'number' ? status.SessionCount : null,
    topSources: analysis.SourceAddress ?? [],
    topDestinationPorts: analysis.DestinationPort ?? [],
  };
}

export async function pollRouter(
  client: SakuraClient,
  router: RouterRef,
  state: RouterPollState,
  receivedMs: number,
): Promise<RouterPollResult> {
  const r = await client.request<{ Router?: RouterStatusJson }>(
    'GET',
    router.zone,
    `appliance/${router.id}/status`,
  );
  return routerStatusEvents(router, r.Router ?? {}, state, receivedMs);
}

export async function readRouterState(dataDir: string): Promise<RouterPollState> {
  const text = await readFile(path.join(dataDir, ROUTER_STATE_FILE), 'utf8').catch(() => null);
  if (text === null) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' ? (v as RouterPollState) : {};
  } catch {
    return {}; // a torn file only costs one window of duplicates
  }
}

export async function writeRouterState(dataDir: string, state: RouterPollState): Promise<void> {
  const file = path.join(dataDir, ROUTER_STATE_FILE);
  await writeFile(`${file}.tmp`, JSON.stringify(state), 'utf8');
  await rename(`${file}.tmp`, file);
}
