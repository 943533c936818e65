// A local stand-in for the Sakura Cloud IaaS API (test code only, never in the product): the
// documented URL layout, Basic auth, GET parameters as JSON after `?`, paging, the error body,
// packet-filter PUTs checked against `OriginalExpressionHash` (which rotates on every write)
// and the 30-rule limit, appliances with a settings hash and a status of recent log lines.

import { createHash } from 'node:crypto';
import http from 'node:http';
import type {
  ApplianceJson,
  PacketFilterExpression,
  PacketFilterJson,
  RouterStatusJson,
  ServerJson,
  SwitchJson,
} from '../types.ts';

export const DOUBLE_TOKEN = 'double-access-token-0123';
export const DOUBLE_SECRET = 'double-secret-s3cr3t-value-987';

export interface ZoneState {
  servers: ServerJson[];
  switches: SwitchJson[];
  packetFilters: PacketFilterJson[];
  appliances: ApplianceJson[];
  /** Appliance id → what `GET appliance/{id}/status` answers. */
  status: Map<string, RouterStatusJson>;
}

export interface DoubleRequest {
  method: string;
  path: string;
  query: unknown;
  body: unknown;
  authorized: boolean;
}

export interface SakuraDouble {
  /** Give this as the API root URL (`…/cloud/zone`). */
  rootUrl: string;
  zones: Map<string, ZoneState>;
  requests: DoubleRequest[];
  /** Statuses answered (with an error body) to the next requests, in order, before normal work. */
  failNext: number[];
  close(): Promise<void>;
}

export const MAX_PACKET_FILTER_RULES = 30;

export function expressionHash(e: readonly PacketFilterExpression[], generation: number): string {
  return createHash('sha256').update(`${generation}:${JSON.stringify(e)}`).digest('hex').slice(0, 32);
}

export function emptyZone(): ZoneState {
  return { servers: [], switches: [], packetFilters: [], appliances: [], status: new Map() };
}

const PROTOCOLS = new Set(['http', 'https', 'tcp', 'udp', 'icmp', 'fragment', 'ip']);

function errorBody(status: number, code: string, msg: string): string {
  return JSON.stringify({ is_fatal: true, serial: 'double-serial', status: `${status}`, error_code: code, error_msg: msg });
}

export async function startSakuraDouble(zones: Record<string, ZoneState>): Promise<SakuraDouble> {
  const state = new Map(Object.entries(zones));
  const requests: DoubleRequest[] = [];
  const failNext: number[] = [];
  let generation = 0;
  const expected = `Basic ${Buffer.from(`${DOUBLE_TOKEN}:${DOUBLE_SECRET}`).toString('base64')}`;

  const handle = (req: http.IncomingMessage, raw: string): { status: number; body: string } => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const pathOnly = q < 0 ? url : url.slice(0, q);
    let query: unknown = null;
    if (q >= 0) {
      try {
        query = JSON.parse(decodeURIComponent(url.slice(q + 1)));
      } catch {
        return { status: 400, body: errorBody(400, 'bad_request', 'query is not JSON') };
      }
    }
    let body: unknown = null;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        return { status: 400, body: errorBody(400, 'bad_request', 'body is not JSON') };
      }
    }
    const authorized = req.headers.authorization === expected;
    requests.push({ method: req.method ?? '', path: pathOnly, query, body, authorized });
    if (!authorized) return { status: 401, body: errorBody(401, 'unauthorized', 'authentication failed') };
    const fail = failNext.shift();
    if (fail !== undefined) return { status: fail, body: errorBody(fail, 'busy', 'try again later') };
    const m = /^\/cloud\/zone\/([a-z0-9]+)\/api\/cloud\/1\.1\/([a-z]+)(?:\/(\d+))?(?:\/([a-z]+))?$/.exec(pathOnly);
    const zone = m ? state.get(m[1]!) : undefined;
    if (!m || !zone) return { status: 404, body: errorBody(404, 'not_found', 'no such resource') };
    const [, , kind, id, sub] = m;
    const page = <T>(items: T[], key: string): { status: number; body: string } => {
      const p = (query ?? {}) as { From?: number; Count?: number; Filter?: Record<string, unknown> };
      const from = p.From ?? 0;
      const count = p.Count ?? items.length;
      const slice = items.slice(from, from + count);
      return { status: 200, body: JSON.stringify({ Total: items.length, From: from, Count: slice.length, [key]: slice }) };
    };
    if (req.method === 'GET' && id === undefined) {
      if (kind === 'server') return page(zone.servers, 'Servers');
      if (kind === 'switch') return page(zone.switches, 'Switches');
      if (kind === 'packetfilter') return page(zone.packetFilters, 'PacketFilters');
      if (kind === 'appliance') {
        const cls = ((query ?? {}) as { Filter?: { Class?: string } }).Filter?.Class;
        return page(cls ? zone.appliances.filter((a) => a.Class === cls) : zone.appliances, 'Appliances');
      }
    }
    if (kind === 'packetfilter' && id !== undefined) {
      const pf = zone.packetFilters.find((f) => String(f.ID) === id);
      if (!pf) return { status: 404, body: errorBody(404, 'not_found', `packet filter ${id} not found`) };
      if (req.method === 'GET') return { status: 200, body: JSON.stringify({ is_ok: true, PacketFilter: pf }) };
      if (req.method === 'PUT') {
        const b = (body ?? {}) as { PacketFilter?: PacketFilterJson; OriginalExpressionHash?: string };
        const next = b.PacketFilter?.Expression;
        if (!Array.isArray(next)) return { status: 400, body: errorBody(400, 'bad_request', 'Expression is required') };
        if (next.length > MAX_PACKET_FILTER_RULES)
          return { status: 400, body: errorBody(400, 'bad_request', `at most ${MAX_PACKET_FILTER_RULES} rules`) };
        for (const e of next)
          if (!PROTOCOLS.has(e.Protocol) || (e.Action !== 'allow' && e.Action !== 'deny'))
            return { status: 400, body: errorBody(400, 'bad_request', 'invalid Protocol or Action') };
        if (b.OriginalExpressionHash !== undefined && b.OriginalExpressionHash !== pf.ExpressionHash)
          return { status: 409, body: errorBody(409, 'conflict', 'the packet filter was changed by someone else') };
        pf.Expression = next;
        if (b.PacketFilter?.Name !== undefined) pf.Name = b.PacketFilter.Name;
        pf.ExpressionHash = expressionHash(next, ++generation);
        return { status: 200, body: JSON.stringify({ is_ok: true, Success: true, PacketFilter: pf }) };
      }
    }
    if (kind === 'appliance' && id !== undefined && req.method === 'GET') {
      const a = zone.appliances.find((x) => String(x.ID) === id);
      if (!a) return { status: 404, body: errorBody(404, 'not_found', `appliance ${id} not found`) };
      if (sub === 'status') return { status: 200, body: JSON.stringify({ is_ok: true, Router: zone.status.get(id) ?? {} }) };
      if (sub === undefined) return { status: 200, body: JSON.stringify({ is_ok: true, Appliance: a }) };
    }
    return { status: 404, body: errorBody(404, 'not_found', 'no such resource') };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = handle(req, Buffer.concat(chunks).toString('utf8'));
      res.writeHead(r.status, { 'content-type': 'application/json; charset=UTF-8' }).end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = addr !== null && typeof addr === 'object' ? addr.port : 0;
  for (const z of state.values())
    for (const pf of z.packetFilters) pf.ExpressionHash = expressionHash(pf.Expression ?? [], ++generation);
  return {
    rootUrl: `http://127.0.0.1:${port}/cloud/zone`,
    zones: state,
    requests,
    failNext,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
