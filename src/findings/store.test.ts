import { DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbFindingStore } from './duckdb-store.ts';
import { createMemoryFindingStore } from './memory-store.ts';
import { findingStoreContract } from './store-contract.ts';

findingStoreContract('memory', async () => createMemoryFindingStore());
findingStoreContract('duckdb', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  return createDuckDbFindingStore(await instance.connect());
});
