// Users, API tokens, sessions and the audit log, in tables of the server's private DuckDB file
// (server/private-store.ts: out of reach of the user-query connection).
// Secrets at rest: passwords as scrypt hashes, tokens and session ids as SHA-256 digests, TOTP
// secrets encrypted (AES-256-GCM) with a key kept in DATA_DIR/secret.key (mode 0600). Parameterised
// SQL only. The audit
// log is append-only: this module has no UPDATE or DELETE for it.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { Clock } from '../core/clock.ts';
import { isRole, type Role } from './permissions.ts';

/** Owner of the one-time admin token created at first start (see server/serve.ts). */
export const BOOTSTRAP_OWNER = '(bootstrap)';
/** Id prefix of that token (tokens it creates are ordinary tokens of the same owner). */
export const BOOTSTRAP_TOKEN_PREFIX = 'tok-boot-';

export const AUTH_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS auth_users (
     name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, password_hash VARCHAR NOT NULL,
     totp_secret VARCHAR, totp_last_step BIGINT, failed_logins INTEGER NOT NULL DEFAULT 0,
     locked_until BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS auth_tokens (
     id VARCHAR PRIMARY KEY, digest VARCHAR NOT NULL UNIQUE, name VARCHAR NOT NULL,
     owner VARCHAR NOT NULL, role VARCHAR NOT NULL, created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL, revoked_at BIGINT)`,
  `CREATE TABLE IF NOT EXISTS auth_sessions (
     digest VARCHAR PRIMARY KEY, user_name VARCHAR NOT NULL, created_at BIGINT NOT NULL,
     last_seen BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS audit_log (
     seq BIGINT PRIMARY KEY, at_ms BIGINT NOT NULL, actor VARCHAR NOT NULL, action VARCHAR NOT NULL,
     target VARCHAR, ip VARCHAR, outcome VARCHAR NOT NULL, detail VARCHAR)`,
];

export interface UserRecord {
  name: string;
  role: Role;
  passwordHash: string;
  /** Decrypted base32 secret, or null when the user has not enrolled TOTP. */
  totpSecret: string | null;
  totpLastStep: number | null;
  failedLogins: number;
  lockedUntil: number;
  createdAt: number;
}

export interface TokenRecord {
  id: string;
  name: string;
  owner: string;
  role: Role;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface SessionRecord {
  userName: string;
  createdAt: number;
  lastSeen: number;
}

export interface AuditEntry {
  seq: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  detail: Record<string, unknown> | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'seq' | 'at'>;

export interface AuditFilter {
  user?: string;
  actionPrefix?: string;
  fromMs?: number;
  toMs?: number;
}

type Row = Record<string, unknown>;

export class AuthStore {
  private readonly conn: DuckDBConnection;
  private readonly key: Buffer;
  private readonly clock: Clock;
  private nextSeq = 1;
  /** A new connection to the same private database, for saved queries (api/routes/saved-queries.ts). */
  readonly connectPrivate: () => Promise<DuckDBConnection>;

  private constructor(
    conn: DuckDBConnection,
    key: Buffer,
    clock: Clock,
    connectPrivate: () => Promise<DuckDBConnection>,
  ) {
    this.conn = conn;
    this.key = key;
    this.clock = clock;
    this.connectPrivate = connectPrivate;
  }

  /** `key`: 32 bytes from DATA_DIR/secret.key (server/secret-key.ts); `connect` opens siblings of `conn`. */
  static async open(
    conn: DuckDBConnection,
    key: Buffer,
    clock: Clock,
    connect: () => Promise<DuckDBConnection>,
  ): Promise<AuthStore> {
    for (const sql of AUTH_SCHEMA) await conn.run(sql);
    const store = new AuthStore(conn, key, clock, connect);
    const [row] = await store.rows('SELECT coalesce(max(seq), 0) AS n FROM audit_log');
    store.nextSeq = Number(row?.['n'] ?? 0) + 1;
    return store;
  }

  private async rows(sql: string, values: DuckDBValue[] = []): Promise<Row[]> {
    const r = await this.conn.runAndReadAll(sql, values);
    return r.getRowObjectsJS() as Row[];
  }

  // ---- users

  async userCount(): Promise<number> {
    const [r] = await this.rows('SELECT count(*) AS n FROM auth_users');
    return Number(r?.['n'] ?? 0);
  }

  async getUser(name: string): Promise<UserRecord | null> {
    const [r] = await this.rows('SELECT * FROM auth_users WHERE name = $1', [name]);
    return r ? this.toUser(r) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.rows('SELECT * FROM auth_users ORDER BY name')).map((r) => this.toUser(r));
  }

  async addUser(name: string, role: Role, passwordHash: string): Promise<void> {
    await this.conn.run(
      'INSERT INTO auth_users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4)',
      [name, role, passwordHash, this.clock.now()],
    );
  }

  async updateUser(
    name: string,
    change: { role?: Role; passwordHash?: string; totpSecret?: string | null },
  ): Promise<void> {
    if (change.role !== undefined)
      await this.conn.run('UPDATE auth_users SET role = $1 WHERE name = $2', [change.role, name]);
    if (change.passwordHash !== undefined)
      await this.conn.run('UPDATE auth_users SET password_hash = $1 WHERE name = $2', [
        change.passwordHash,
        name,
      ]);
    if (change.totpSecret !== undefined)
      await this.conn.run('UPDATE auth_users SET totp_secret = $1, totp_last_step = NULL WHERE name = $2', [
        change.totpSecret === null ? null : this.encrypt(change.totpSecret),
        name,
      ]);
  }

  async deleteUser(name: string): Promise<boolean> {
    const existed = (await this.getUser(name)) !== null;
    await this.conn.run('DELETE FROM auth_sessions WHERE user_name = $1', [name]);
    await this.conn.run('UPDATE auth_tokens SET revoked_at = $1 WHERE owner = $2 AND revoked_at IS NULL', [
      this.clock.now(),
      name,
    ]);
    await this.conn.run('DELETE FROM auth_users WHERE name = $1', [name]);
    return existed;
  }

  async recordLoginFailure(name: string, maxFailures: number, lockMs: number): Promise<boolean> {
    const u = await this.getUser(name);
    if (!u) return false;
    const failures = u.failedLogins + 1;
    const locked = failures >= maxFailures;
    await this.conn.run('UPDATE auth_users SET failed_logins = $1, locked_until = $2 WHERE name = $3', [
      locked ? 0 : failures,
      locked ? this.clock.now() + lockMs : u.lockedUntil,
      name,
    ]);
    return locked;
  }

  async recordLoginSuccess(name: string, totpStep: number | null): Promise<void> {
    await this.conn.run(
      'UPDATE auth_users SET failed_logins = 0, totp_last_step = coalesce($1, totp_last_step) WHERE name = $2',
      [totpStep, name],
    );
  }

  // ---- tokens

  async addToken(t: TokenRecord, digest: string): Promise<void> {
    await this.conn.run(
      `INSERT INTO auth_tokens (id, digest, name, owner, role, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [t.id, digest, t.name, t.owner, t.role, t.createdAt, t.expiresAt],
    );
  }

  /** The token with this digest when it is neither revoked nor expired (looked up on every request). */
  async liveToken(digest: string): Promise<TokenRecord | null> {
    const [r] = await this.rows(
      'SELECT * FROM auth_tokens WHERE digest = $1 AND revoked_at IS NULL AND expires_at > $2',
      [digest, this.clock.now()],
    );
    return r ? toToken(r) : null;
  }

  async listTokens(owner?: string): Promise<TokenRecord[]> {
    const rows =
      owner === undefined
        ? await this.rows('SELECT * FROM auth_tokens ORDER BY created_at, id')
        : await this.rows('SELECT * FROM auth_tokens WHERE owner = $1 ORDER BY created_at, id', [owner]);
    return rows.map(toToken);
  }

  async getToken(id: string): Promise<TokenRecord | null> {
    const [r] = await this.rows('SELECT * FROM auth_tokens WHERE id = $1', [id]);
    return r ? toToken(r) : null;
  }

  async revokeToken(id: string): Promise<void> {
    await this.conn.run('UPDATE auth_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
      this.clock.now(),
      id,
    ]);
  }

  // ---- sessions

  async addSession(digest: string, userName: string): Promise<void> {
    const now = this.clock.now();
    await this.conn.run(
      'INSERT INTO auth_sessions (digest, user_name, created_at, last_seen) VALUES ($1, $2, $3, $4)',
      [digest, userName, now, now],
    );
  }

  async getSession(digest: string): Promise<SessionRecord | null> {
    const [r] = await this.rows('SELECT * FROM auth_sessions WHERE digest = $1', [digest]);
    if (!r) return null;
    return {
      userName: String(r['user_name']),
      createdAt: Number(r['created_at']),
      lastSeen: Number(r['last_seen']),
    };
  }

  async touchSession(digest: string): Promise<void> {
    await this.conn.run('UPDATE auth_sessions SET last_seen = $1 WHERE digest = $2', [
      this.clock.now(),
      digest,
    ]);
  }

  async deleteSession(digest: string): Promise<void> {
    await this.conn.run('DELETE FROM auth_sessions WHERE digest = $1', [digest]);
  }

  // ---- audit log (append-only)

  async audit(e: NewAuditEntry): Promise<void> {
    const seq = this.nextSeq++;
    await this.conn.run(
      `INSERT INTO audit_log (seq, at_ms, actor, action, target, ip, outcome, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        seq,
        this.clock.now(),
        e.actor,
        e.action,
        e.target,
        e.ip,
        e.outcome,
        e.detail ? JSON.stringify(e.detail) : null,
      ],
    );
  }

  /** Newest first; `filter` narrows by user (with or without a token), action prefix and time. */
  async auditLog(limit: number, beforeSeq?: number, filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const where = ['seq < ?'];
    const values: DuckDBValue[] = [beforeSeq ?? Number.MAX_SAFE_INTEGER];
    if (filter.user !== undefined) {
      where.push('(actor = ? OR starts_with(actor, ?))');
      values.push(filter.user, `${filter.user} (token `);
    }
    if (filter.actionPrefix !== undefined) {
      where.push('starts_with(action, ?)');
      values.push(filter.actionPrefix);
    }
    if (filter.fromMs !== undefined) {
      where.push('at_ms >= ?');
      values.push(filter.fromMs);
    }
    if (filter.toMs !== undefined) {
      where.push('at_ms < ?');
      values.push(filter.toMs);
    }
    const rows = await this.rows(
      `SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`,
      [...values, limit],
    );
    return rows.map((r) => ({
      seq: Number(r['seq']),
      at: Number(r['at_ms']),
      actor: String(r['actor']),
      action: String(r['action']),
      target: r['target'] === null ? null : String(r['target']),
      ip: r['ip'] === null ? null : String(r['ip']),
      outcome: String(r['outcome']) as AuditEntry['outcome'],
      detail: r['detail'] === null ? null : (JSON.parse(String(r['detail'])) as Record<string, unknown>),
    }));
  }

  // ---- helpers

  private toUser(r: Row): UserRecord {
    const role = r['role'];
    return {
      name: String(r['name']),
      role: isRole(role) ? role : 'viewer',
      passwordHash: String(r['password_hash']),
      totpSecret: r['totp_secret'] === null ? null : this.decrypt(String(r['totp_secret'])),
      totpLastStep: r['totp_last_step'] === null ? null : Number(r['totp_last_step']),
      failedLogins: Number(r['failed_logins']),
      lockedUntil: Number(r['locked_until']),
      createdAt: Number(r['created_at']),
    };
  }

  private encrypt(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return [iv, c.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
  }

  private decrypt(text: string): string {
    const [iv, tag, body] = text.split('.').map((p) => Buffer.from(p, 'base64url'));
    if (!iv || !tag || !body) throw new Error('a stored TOTP secret is malformed');
    const d = createDecipheriv('aes-256-gcm', this.key, iv);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(body), d.final()]).toString('utf8');
  }
}

function toToken(r: Row): TokenRecord {
  const role = r['role'];
  return {
    id: String(r['id']),
    name: String(r['name']),
    owner: String(r['owner']),
    role: isRole(role) ? role : 'viewer',
    createdAt: Number(r['created_at']),
    expiresAt: Number(r['expires_at']),
    revokedAt: r['revoked_at'] === null ? null : Number(r['revoked_at']),
  };
}
