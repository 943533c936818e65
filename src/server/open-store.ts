// The server's one DuckDB instance over the data directory. A second instance on the same file in
// one process is not safe (measured: a READ_ONLY one keeps the snapshot it opened with and never
// sees later inserts; a second writer is not stopped), so user queries cannot get their own
// READ_ONLY instance here. Instead
// the whole instance runs with external access disabled and extension loading off (the server
// needs neither: inputs are parsed in JS, and Parquet export is a CLI command), then the
// configuration is locked. User queries run on a dedicated connection of that instance through
// runUserQueryOn(), which refuses anything but one SELECT (checked on the prepared statement).
// The writer and the finding store each have their own connection. Users, tokens, sessions, the
// audit log and saved queries are in a second instance over a private file (private-store.ts),
// which no connection of this instance can name.

import { mkdirSync } from 'node:fs';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Clock } from '../core/clock.ts';
import { EXIT_STORE, UserError, errorMessage } from '../core/errors.ts';
import { createDuckDbFindingStore } from '../findings/duckdb-store.ts';
import type { FindingStore } from '../findings/store.ts';
import { databasePath, DuckDbFlowStore, openInstance } from '../store/duckdb.ts';
import { migrate } from '../store/migrate.ts';
import { AuthStore } from '../api/auth-store.ts';
import { dropMovedTables, openPrivateStore } from './private-store.ts';

export const SERVER_DUCKDB_OPTIONS: Readonly<Record<string, string>> = {
  enable_external_access: 'false',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  allow_community_extensions: 'false',
  memory_limit: '1GB',
};

export interface ServerStore {
  flows: DuckDbFlowStore;
  findings: FindingStore;
  auth: AuthStore;
  queryConnection: DuckDBConnection;
  /**
   * A new connection to the server's instance for a component that keeps its own tables (alert
   * outbox, saved queries, responder actions...); closed with the store.
   */
  connect(): Promise<DuckDBConnection>;
  /** Runs a trivial query (readiness). */
  ping(): Promise<boolean>;
  /** Flushes, checkpoints and releases the file. */
  close(): Promise<void>;
}

export async function openServerStore(dataDir: string, key: Buffer, clock: Clock): Promise<ServerStore> {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create the data directory ${dataDir}: ${errorMessage(e)}`, {
      hint: 'pass a writable --data-dir (or set dataDir in the configuration)',
      exitCode: EXIT_STORE,
      cause: e,
    });
  }
  const file = databasePath(dataDir);
  // First, so that it can move the private tables of an older main file before that is opened.
  const privateStore = await openPrivateStore(dataDir);
  let instance: DuckDBInstance;
  try {
    instance = await openInstance(file, { ...SERVER_DUCKDB_OPTIONS });
  } catch (e) {
    privateStore.close();
    throw e;
  }
  const writer = await instance.connect();
  const extra: DuckDBConnection[] = [];
  try {
    await migrate(writer, file, false);
    await dropMovedTables(writer);
    const flows = new DuckDbFlowStore(file, false, instance, writer);
    const findingConn = await instance.connect();
    extra.push(findingConn);
    const findings = await createDuckDbFindingStore(findingConn);
    const authConn = await privateStore.connect();
    const auth = await AuthStore.open(authConn, key, clock, () => privateStore.connect());
    const queryConnection = await instance.connect();
    extra.push(queryConnection);
    await writer.run('SET lock_configuration = true');
    return {
      flows,
      findings,
      auth,
      queryConnection,
      async connect() {
        const c = await instance.connect();
        extra.push(c);
        return c;
      },
      async ping() {
        const r = await authConn.runAndReadAll('SELECT 1');
        return r.getRows().length === 1;
      },
      async close() {
        await flows.flush();
        await writer.run('CHECKPOINT');
        for (const c of extra) c.closeSync();
        await flows.close();
        privateStore.close();
      },
    };
  } catch (e) {
    for (const c of extra) c.closeSync();
    writer.closeSync();
    instance.closeSync();
    privateStore.close();
    throw e;
  }
}
