// Running SQL a user typed (`sakura-guard query`, the API). Three walls, each enough alone for
// its threat: the database is opened READ_ONLY (no writes), with external access disabled (no
// files, no network, no ATTACH/INSTALL/LOAD, no COPY) and the configuration locked (SET cannot
// undo the other two); and the text must be exactly one SELECT statement, which we check on
// the prepared statement before running it. Values go in as bound parameters, rows come out as
// JSON-friendly values.

import { existsSync } from 'node:fs';
import {
  DuckDBConnection,
  StatementType,
  type DuckDBInstance,
  type DuckDBPreparedStatement,
} from '@duckdb/node-api';
import { EXIT_STORE, EXIT_USAGE, UserError, errorMessage } from '../core/errors.ts';
import { ATHENA_COMPAT_SQL } from '../query/athena-compat.ts';
import { databasePath, openInstance } from './duckdb.ts';
import type { SqlValue } from './store.ts';
import { jsonFriendly, toDuckDbValues } from './values.ts';

export interface UserQueryOptions {
  /** Rows returned at most; the result says when more were available. */
  maxRows?: number;
  /** Interrupt the query after this many milliseconds (0 = no limit). */
  timeoutMs?: number;
}

export interface UserQueryColumn {
  name: string;
  /** DuckDB type name, e.g. `VARCHAR`, `BIGINT`, `TIMESTAMP`. */
  type: string;
}

export interface UserQueryResult {
  columns: UserQueryColumn[];
  /** Rows as arrays in column order; BigInt -> number when safe (else string), times -> ISO text. */
  rows: unknown[][];
  /** True when the query produced more than `maxRows` rows. */
  truncated: boolean;
}

export const DEFAULT_MAX_ROWS = 10_000;

/** Settings of a sandboxed instance (see the header comment). */
export const SANDBOX_OPTIONS: Readonly<Record<string, string>> = {
  access_mode: 'READ_ONLY',
  enable_external_access: 'false',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  allow_community_extensions: 'false',
  memory_limit: '1GB',
  lock_configuration: 'true',
};

export interface SandboxedConnection {
  readonly connection: DuckDBConnection;
  close(): void;
}

/** Opens the data directory's store read-only in a sandbox, for running user queries in-process. */
export async function openQueryConnection(dataDir: string): Promise<SandboxedConnection> {
  const file = databasePath(dataDir);
  if (!existsSync(file)) {
    throw new UserError(`no store in ${dataDir}: ${file} does not exist`, {
      hint: 'run `sakura-guard ingest` first, or pass the --data-dir that holds your data',
      exitCode: EXIT_STORE,
    });
  }
  const instance: DuckDBInstance = await openInstance(file, { ...SANDBOX_OPTIONS });
  const connection = await instance.connect();
  // Trino functions used by AWS's Athena examples (TEMP macros: allowed on a read-only store).
  for (const statement of ATHENA_COMPAT_SQL) await connection.run(statement);
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Opens the store sandboxed, runs one user query and closes it again. */
export async function runUserQuery(
  dataDir: string,
  sql: string,
  params: readonly SqlValue[] = [],
  options: UserQueryOptions = {},
): Promise<UserQueryResult> {
  const sandbox = await openQueryConnection(dataDir);
  try {
    return await runUserQueryOn(sandbox.connection, sql, params, options);
  } finally {
    sandbox.close();
  }
}

async function assertSandboxed(conn: DuckDBConnection): Promise<void> {
  const r = await conn.runAndReadAll(
    `SELECT current_setting('enable_external_access') AS ext, current_setting('lock_configuration') AS locked`,
  );
  const [ext, locked] = r.getRowsJS()[0] ?? [];
  if (ext !== false || locked !== true) {
    throw new Error('runUserQueryOn needs a sandboxed connection: open it with openQueryConnection()');
  }
}

function refuse(message: string, hint: string, cause?: unknown): UserError {
  return new UserError(message, { hint, exitCode: EXIT_USAGE, cause });
}

const SELECT_ONLY_HINT =
  'queries are read-only: write one SELECT (or WITH ... SELECT) over flows, flow_records, vpc_flow_logs, gaps or events';

/** Statements that only read: SELECT and its spellings, plus DESCRIBE/SHOW/SUMMARIZE of a table. */
const READ_KEYWORDS = new Set(['SELECT', 'WITH', 'FROM', 'VALUES', 'TABLE', 'DESCRIBE', 'SHOW', 'SUMMARIZE']);

/** The first keyword of a statement, past comments and opening parentheses; '' when there is none. */
export function leadingKeyword(sql: string): string {
  let rest = sql;
  for (;;) {
    const trimmed = rest.replace(/^[\s(]+/, '');
    if (trimmed.startsWith('--')) {
      const nl = trimmed.indexOf('\n');
      rest = nl < 0 ? '' : trimmed.slice(nl + 1);
    } else if (trimmed.startsWith('/*')) {
      const close = trimmed.indexOf('*/');
      rest = close < 0 ? '' : trimmed.slice(close + 2);
    } else {
      return (/^[A-Za-z_]+/.exec(trimmed)?.[0] ?? '').toUpperCase();
    }
  }
}

async function prepareOne(conn: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement> {
  const keyword = leadingKeyword(sql);
  if (keyword === '') throw refuse('the query is empty', SELECT_ONLY_HINT);
  if (!READ_KEYWORDS.has(keyword)) {
    throw refuse(`only SELECT queries are allowed, not ${keyword}`, SELECT_ONLY_HINT);
  }
  let extracted;
  try {
    extracted = await conn.extractStatements(sql);
  } catch (e) {
    throw refuse(
      `the query is not valid SQL: ${errorMessage(e)}`,
      'check the syntax; quote the "end" column',
      e,
    );
  }
  if (extracted.count !== 1) {
    throw refuse(
      extracted.count === 0
        ? 'the query is empty'
        : `the query has ${extracted.count} statements; only one is allowed`,
      SELECT_ONLY_HINT,
    );
  }
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await extracted.prepare(0);
  } catch (e) {
    throw refuse(`the query was refused: ${errorMessage(e)}`, SELECT_ONLY_HINT, e);
  }
  if (prepared.statementType !== StatementType.SELECT) {
    const kind = StatementType[prepared.statementType] ?? String(prepared.statementType);
    prepared.destroySync();
    throw refuse(`only SELECT queries are allowed, not ${kind}`, SELECT_ONLY_HINT);
  }
  return prepared;
}

/**
 * Runs one user query on a connection from openQueryConnection(). Refuses (UserError) anything
 * but a single SELECT, and any connection that is not sandboxed (Error: a bug in the caller).
 */
export async function runUserQueryOn(
  conn: DuckDBConnection,
  sql: string,
  params: readonly SqlValue[] = [],
  options: UserQueryOptions = {},
): Promise<UserQueryResult> {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  await assertSandboxed(conn);
  const prepared = await prepareOne(conn, sql);
  const timer = options.timeoutMs ? setTimeout(() => conn.interrupt(), options.timeoutMs) : undefined;
  try {
    if (prepared.parameterCount !== params.length) {
      throw refuse(
        `the query has ${prepared.parameterCount} parameters but ${params.length} values were given`,
        'pass one value per ? placeholder',
      );
    }
    if (params.length > 0) prepared.bind(toDuckDbValues(params));
    const reader = await prepared.streamAndReadUntil(maxRows + 1);
    const types = reader.columnTypes().map((t) => t.toString());
    const columns = reader.columnNames().map((name, i) => ({ name, type: types[i] ?? 'UNKNOWN' }));
    const all = reader.getRowsJS();
    const rows = all.slice(0, maxRows).map((row) => row.map((v, i) => jsonFriendly(v, types[i] === 'DATE')));
    return { columns, rows, truncated: all.length > maxRows };
  } catch (e) {
    if (e instanceof UserError) throw e;
    const message = errorMessage(e);
    if (/interrupt/i.test(message)) {
      throw refuse(
        `the query ran longer than ${options.timeoutMs} ms and was stopped`,
        'narrow the time range or add filters',
        e,
      );
    }
    throw refuse(`the query failed: ${message}`, 'check table and column names with DESCRIBE flows', e);
  } finally {
    if (timer) clearTimeout(timer);
    prepared.destroySync();
  }
}
