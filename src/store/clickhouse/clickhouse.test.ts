import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLICKHOUSE_BINARY,
  startClickHouse,
  type ClickHouseServer,
} from '../../../test/servers/clickhouse.ts';
import { missingBinaries } from '../../../test/servers/process.ts';
import { runFlowStoreContract } from '../store.contract.ts';
import { bindParams, sqlLiteral } from './literal.ts';
import { openClickHouseStore } from './store.ts';

const skip = missingBinaries({ 'clickhouse-server': CLICKHOUSE_BINARY });
if (skip !== null) console.warn(`ClickHouse store tests ${skip}`);

/** One database per contract test's data directory, so each test starts empty. */
const databaseFor = (dataDir: string): string =>
  `sg_${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;

describe('ClickHouse literals', () => {
  it('escapes quotes, backslashes and control characters so no value leaves its literal', () => {
    expect(sqlLiteral("o'brien\\x")).toBe("'o\\'brien\\\\x'");
    expect(sqlLiteral('a\nb\u0000c\u007f')).toBe("'a\\x0Ab\\x00c\\x7F'");
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(2n ** 63n)).toBe('9223372036854775808');
    expect(sqlLiteral(new Date('2026-11-20T00:00:10.5Z'))).toBe("toDecimal64('1795132810.500000', 6)");
    expect(() => sqlLiteral(NaN)).toThrow(/NaN/);
  });

  it('binds ? outside strings, identifiers and comments, and checks the count', () => {
    expect(bindParams(`SELECT '?', "a?", x -- ?\n FROM t WHERE a = ? /* ? */`, ["'; DROP"])).toBe(
      `SELECT '?', "a?", x -- ?\n FROM t WHERE a = '\\'; DROP' /* ? */`,
    );
    expect(() => bindParams('SELECT ?', [])).toThrow(/more \?/);
    expect(() => bindParams('SELECT 1', [1])).toThrow(/0 \? placeholders/);
  });
});

describe.skipIf(skip !== null)('ClickHouse flow store (clickhouse-server on 127.0.0.1)', () => {
  let server: ClickHouseServer | null = null;
  beforeAll(async () => {
    server = await startClickHouse();
  });
  afterAll(async () => {
    await server?.stop();
  });

  runFlowStoreContract('clickhouse', (dataDir, options) =>
    openClickHouseStore({
      url: server!.url,
      database: databaseFor(dataDir),
      readOnly: options?.readOnly ?? false,
    }),
  );

  it('round-trips hostile strings through a query parameter', async () => {
    const store = await openClickHouseStore({ url: server!.url, database: 'sg_literals' });
    const hostile = "it's \\' a \t\n\u0001 test'); DROP TABLE flow_rows; --";
    expect(await store.all('SELECT ? AS s, length(?) AS n', [hostile, 'ab'])).toEqual([{ s: hostile, n: 2 }]);
    expect(await store.all('SELECT count() AS n FROM flow_rows')).toEqual([{ n: 0 }]);
    await store.close();
  });
});
