// Opens the finding store inside the data directory's DuckDB file (the flow store's connection),
// for the CLI and the server. Read-only opens of a store without findings tables see none.

import { openDuckDbStore } from '../store/duckdb.ts';
import { createDuckDbFindingStore } from './duckdb-store.ts';
import { createMemoryFindingStore } from './memory-store.ts';
import type { FindingStore } from './store.ts';

export async function withFindingStore<T>(
  dataDir: string,
  options: { readOnly: boolean },
  fn: (store: FindingStore) => Promise<T>,
): Promise<T> {
  const db = await openDuckDbStore(dataDir, { readOnly: options.readOnly });
  try {
    const conn = db.connection;
    let store: FindingStore;
    if (options.readOnly) {
      const r = await conn.runAndReadAll(
        "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('findings', 'suppressions')",
      );
      const tables = Number(r.getRows()[0]?.[0] ?? 0);
      store =
        tables === 2 ? await createDuckDbFindingStore(conn, { create: false }) : createMemoryFindingStore();
    } else {
      store = await createDuckDbFindingStore(conn);
    }
    const result = await fn(store);
    await store.flush();
    return result;
  } finally {
    await db.close();
  }
}
