// One API route as data: method, path, who may call it, zod schemas for its input, a handler.
// The server registers every route of routes/index.ts from these; the OpenAPI document and the
// permission tests read the same list.

import type { DuckDBConnection } from '@duckdb/node-api';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { AgentCommandQueue } from '../respond/agent-queue.ts';
import type { SakuraIntegration } from '../sakura/integration.ts';
import type { SakuraGuardConfig } from '../config/schema.ts';
import type { FindingEvents } from '../findings/events.ts';
import type { FindingStore } from '../findings/store.ts';
import type { IngestSink } from '../server/http-ingest.ts';
import type { ResponseService } from '../respond/service.ts';
import type { FlowStore, SqlValue } from '../store/store.ts';
import type { AuthStore } from './auth-store.ts';
import type { Permission, Role } from './permissions.ts';

export type Access =
  | { kind: 'public' }
  /** Any signed-in principal, including an admin who still has to enrol TOTP. */
  | { kind: 'authenticated' }
  | { kind: 'permission'; permission: Permission };

export interface Principal {
  user: string;
  role: Role;
  via: 'token' | 'session';
  tokenId: string | null;
  /** Session digest, to end it at logout. */
  sessionDigest: string | null;
  /** An admin without TOTP while TOTP is required: only `authenticated` routes answer. */
  mustEnrollTotp: boolean;
}

/** Counters the routes and the server move; /metrics prints them. */
export interface MetricsSink {
  inc(name: string, labels?: Record<string, string>, by?: number): void;
}

export type FindingSql = (sql: string, params?: readonly SqlValue[]) => Promise<Record<string, unknown>[]>;

export interface ServerDeps {
  config: SakuraGuardConfig;
  dataDir: string;
  clock: Clock;
  auth: AuthStore;
  findings: FindingStore;
  /** Every stored finding as detection produces it (live stream, alerting). */
  findingEvents: FindingEvents;
  flows: FlowStore;
  /**
   * Trusted SQL over the `findings` table with `?` parameters: the DuckDB file's, or PostgreSQL's
   * on an API node (`serve --role api`). The finding list, counts and related findings use it.
   */
  findingSql: FindingSql;
  /** A connection for user queries (sandboxed settings; see server/open-store.ts). */
  queryConnection: DuckDBConnection;
  /** A new connection for a component with tables of its own (saved queries...); closed with the store. */
  connect(): Promise<DuckDBConnection>;
  /** HMAC key for CSRF tokens. */
  secretKey: Buffer;
  tls: boolean;
  metrics: MetricsSink & { render(): Promise<string> };
  /** Whether the store answers (for /readyz). */
  ready(): Promise<boolean>;
  /** TOTP secrets handed out and not yet confirmed, by user name. */
  pendingTotp: Map<string, string>;
  /** HTTP ingest into the store and the live detection pipeline; set once the live inputs run. */
  ingest?: IngestSink;
  /** Automated response (src/respond); set by serve when `respond.policies` is not empty. */
  responses?: ResponseService;
  /** Block commands for host agents; set by serve when an agent-nftables responder is configured. */
  agentCommands?: AgentCommandQueue;
  /** Reloads the intel lists and the asset inventory live detection uses (after a change to either). */
  reloadLookups?: () => Promise<void>;
  /** The Sakura Cloud integration (sync, router polls); set by serve when it runs. */
  sakura?: SakuraIntegration;
}

export interface RouteContext<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
  principal: Principal | null;
  deps: ServerDeps;
  ip: string;
  reply: FastifyReply;
  log: FastifyBaseLogger;
  /** Adds an entry to the audit log for this request (the server adds one for every write anyway). */
  audit(action: string, target: string | null, detail?: Record<string, unknown>): Promise<void>;
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Fastify-style path, e.g. `/api/v1/findings/:id`. */
  path: string;
  summary: string;
  access: Access;
  body?: z.ZodType;
  query?: z.ZodType;
  /** Successful status code (200 unless said). */
  status?: number;
  /** Writes that should not get the automatic audit entry (they write their own, e.g. login). */
  auditSelf?: boolean;
  /** The body reaches the handler as a Buffer, whatever its content type (not parsed, no `body` schema). */
  rawBody?: boolean;
  /** The body reaches the handler as the request's byte stream (uploads), not read or limited by the server. */
  streamBody?: boolean;
  handler(ctx: RouteContext<unknown, unknown>): Promise<unknown>;
}

/** Declares a route with its handler typed from its schemas. */
export function defineRoute<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown>(route: {
  method: ApiRoute['method'];
  path: string;
  summary: string;
  access: Access;
  body?: B;
  query?: Q;
  status?: number;
  auditSelf?: boolean;
  rawBody?: boolean;
  streamBody?: boolean;
  handler(ctx: RouteContext<z.infer<B>, z.infer<Q>>): Promise<unknown>;
}): ApiRoute {
  return route as unknown as ApiRoute;
}

export const need = (permission: Permission): Access => ({ kind: 'permission', permission });
