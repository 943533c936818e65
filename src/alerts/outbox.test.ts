import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll } from 'vitest';
import { createDuckDbOutbox } from './duckdb-outbox.ts';
import { createMemoryOutbox } from './memory-outbox.ts';
import { outboxContract } from './outbox.contract.ts';

outboxContract('memory', async () => createMemoryOutbox());

const instances: DuckDBInstance[] = [];
afterAll(() => {
  for (const i of instances) i.closeSync();
});
outboxContract('duckdb', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  instances.push(instance);
  return createDuckDbOutbox(await instance.connect());
});
