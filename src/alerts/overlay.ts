// Alert channels and routing rules defined through the API, laid over the ones of
// sakura-guard.yaml. The file stays the operator's: its channels and routes are read-only through
// the API (a server that rewrote its configuration file would fight configuration management);
// channels and routes added through the API live in the server's DuckDB file, in `alert_settings`,
// each body encrypted with AES-256-GCM under a key derived from DATA_DIR/secret.key (the table is
// visible to read-only user queries; what they see there is ciphertext). A name is either the
// file's or the API's, never both. The effective configuration is the file's section with the
// API's channels and routes appended, validated as a whole by the same schema as the file.

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  alertingSchema,
  channelSchema,
  routeSchema,
  type AlertingConfig,
  type ChannelConfig,
  type RouteConfig,
} from './config.ts';

export type OverlayKind = 'channel' | 'route';

export interface OverlayEntry {
  kind: OverlayKind;
  name: string;
  body: unknown;
  updatedAt: number;
  updatedBy: string;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS alert_settings (
  kind VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  body VARCHAR NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by VARCHAR NOT NULL,
  PRIMARY KEY (kind, name)
)`;

export class AlertOverlay {
  private readonly conn: DuckDBConnection;
  private readonly key: Buffer;

  private constructor(conn: DuckDBConnection, secretKey: Buffer) {
    this.conn = conn;
    // Its own key, so this use of secret.key never meets its others (CSRF tokens, TOTP secrets).
    this.key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'sakura-guard alert settings', 32));
  }

  static async open(conn: DuckDBConnection, secretKey: Buffer): Promise<AlertOverlay> {
    await conn.run(SCHEMA);
    return new AlertOverlay(conn, secretKey);
  }

  private seal(value: unknown): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(JSON.stringify(value), 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
  }

  private open(text: string): unknown {
    const raw = Buffer.from(text, 'base64');
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')) as unknown;
  }

  async list(): Promise<OverlayEntry[]> {
    const r = await this.conn.runAndReadAll(
      'SELECT kind, name, body, updated_at, updated_by FROM alert_settings ORDER BY kind, updated_at, name',
    );
    return r.getRowObjectsJS().map((row) => ({
      kind: row['kind'] === 'route' ? 'route' : 'channel',
      name: String(row['name']),
      body: this.open(String(row['body'])),
      updatedAt: Number(row['updated_at']),
      updatedBy: String(row['updated_by']),
    }));
  }

  async put(kind: OverlayKind, name: string, body: unknown, at: number, by: string): Promise<void> {
    await this.conn.run(
      `INSERT INTO alert_settings (kind, name, body, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kind, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at,
       updated_by = excluded.updated_by`,
      [kind, name, this.seal(body), at, by],
    );
  }

  /** Whether there was such an entry. */
  async remove(kind: OverlayKind, name: string): Promise<boolean> {
    const r = await this.conn.run('DELETE FROM alert_settings WHERE kind = $1 AND name = $2', [kind, name]);
    return r.rowsChanged > 0;
  }
}

/** What the API shows of a channel or route: where it is defined and whether the API may change it. */
export interface Origin {
  source: 'config' | 'api';
  readOnly: boolean;
}

export interface EffectiveAlerting {
  config: AlertingConfig;
  channels: Map<string, Origin>;
  routes: Map<string, Origin>;
}

/** The name the API shows for a route of the file without one. */
export const routeName = (r: RouteConfig, i: number): string => r.name ?? `route ${i + 1}`;

/**
 * The file's section with the API's channels and routes appended. Entries that no longer parse
 * (a channel kind removed by an upgrade) are left out and reported through `skipped`.
 */
export function mergeAlerting(
  file: AlertingConfig,
  entries: readonly OverlayEntry[],
  skipped: (e: OverlayEntry, reason: string) => void = () => undefined,
): EffectiveAlerting {
  const channels = new Map<string, Origin>(
    file.channels.map((c) => [c.name, { source: 'config', readOnly: true }]),
  );
  const routes = new Map<string, Origin>(
    file.routes.map((r, i) => [routeName(r, i), { source: 'config', readOnly: true }]),
  );
  const apiChannels: ChannelConfig[] = [];
  const apiRoutes: RouteConfig[] = [];
  for (const e of entries) {
    const parsed = (e.kind === 'channel' ? channelSchema : routeSchema).safeParse(e.body);
    if (!parsed.success) {
      skipped(e, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      continue;
    }
    if (e.kind === 'channel' && !channels.has(e.name)) {
      apiChannels.push(parsed.data as ChannelConfig);
      channels.set(e.name, { source: 'api', readOnly: false });
    } else if (e.kind === 'route' && !routes.has(e.name)) {
      apiRoutes.push(parsed.data as RouteConfig);
      routes.set(e.name, { source: 'api', readOnly: false });
    }
  }
  // Routes naming a channel that is gone are left out too (the router would refuse them).
  const known = new Set(channels.keys());
  const usable = apiRoutes.filter((r) => {
    const ok = r.channels.every((c) => known.has(c));
    if (!ok) {
      routes.delete(r.name ?? '');
      skipped(
        { kind: 'route', name: r.name ?? '', body: r, updatedAt: 0, updatedBy: '' },
        `names a channel that does not exist: ${r.channels.filter((c) => !known.has(c)).join(', ')}`,
      );
    }
    return ok;
  });
  const config = alertingSchema.parse({
    ...file,
    channels: [...file.channels, ...apiChannels],
    routes: [...file.routes, ...usable],
  });
  return { config, channels, routes };
}
