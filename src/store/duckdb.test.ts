import { describe, expect, it } from 'vitest';
import { openDuckDbStore } from './duckdb.ts';
import { runFlowStoreContract } from './store.contract.ts';

runFlowStoreContract('duckdb', (dataDir, options) => openDuckDbStore(dataDir, options));

describe('openDuckDbStore', () => {
  it('placeholder', () => {
    expect(typeof openDuckDbStore).toBe('function');
  });
});
