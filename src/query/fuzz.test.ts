// Property-based fuzzing of the pipe query language (fast-check): token soups over the
// language's own vocabulary, with hostile literals. Compiling either succeeds or fails with a
// QueryError (a UserError with a column and a hint), never anything else; a hostile literal
// never reaches the SQL text (it is always a bound parameter); and every compiled query runs on
// the real DuckDB flow store or fails there with an error, without hanging.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../core/errors.ts';
import { compilePipeQuery } from './compile.ts';
import { openRealFixtureStore, type FixtureStore } from './test-fixture.ts';

const MARK = 'zqx';
const HOSTILE = [
  `'${MARK}'; DROP TABLE flow_rows; --'`,
  `"${MARK}"" OR 1=1 --"`,
  `'${MARK}\\' UNION SELECT * FROM auth_users --'`,
  `"${MARK} $1 ? :x"`,
  `'${MARK}\u0000\u202e'`,
];

const token = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'fields',
      'filter',
      'stats',
      'sort',
      'limit',
      'dedup',
      'display',
      'parse',
      'by',
      'as',
      '|',
      'source',
      'events',
    ),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'srcAddr',
      'dstAddr',
      'srcPort',
      'dstPort',
      'bytes',
      'packets',
      'action',
      'protocol',
      '@timestamp',
      'logStatus',
      'interfaceId',
      'nosuchfield',
      'program',
      'outcome',
      'status',
      'user',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '=',
      '!=',
      '<',
      '>',
      '<=',
      '>=',
      'and',
      'or',
      'not',
      'like',
      'in',
      '~',
      '+',
      '-',
      '*',
      '/',
      ',',
      '(',
      ')',
      '[',
      ']',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'count(*)',
      'sum(bytes)',
      'avg(packets)',
      'count_distinct(dstPort)',
      'bin(5m)',
      'desc',
      'asc',
      'isIpv4InSubnet(srcAddr, "10.0.0.0/8")',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.integer({ min: -5, max: 70000 }).map(String),
      fc.constantFrom('1e400', '0x10', '99999999999999999999'),
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

const soup = fc.array(token, { minLength: 1, maxLength: 14 }).map((t) => t.join(' '));

// Well-formed commands with arbitrary parts, so most queries get past the parser.
const field = fc.constantFrom(
  'srcAddr',
  'dstAddr',
  'srcPort',
  'dstPort',
  'bytes',
  'packets',
  'action',
  'protocol',
);
const literal = fc.oneof(
  fc.integer({ min: -1, max: 70000 }).map(String),
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 10 }).map((x) => JSON.stringify(x)),
);
const commandOver = (field: fc.Arbitrary<string>, aggregates: string[]) =>
  fc.oneof(
    fc
      .tuple(field, fc.constantFrom('=', '!=', '<', '>', 'like'), literal)
      .map(([f, o, v]) => `filter ${f} ${o} ${v}`),
    fc
      .tuple(field, fc.constantFrom('in'), fc.array(literal, { minLength: 1, maxLength: 3 }))
      .map(([f, o, v]) => `filter ${f} ${o} [${v.join(', ')}]`),
    fc.tuple(fc.constantFrom(...aggregates), field).map(([a, f]) => `stats ${a} as n by ${f}`),
    fc.tuple(field, fc.constantFrom('asc', 'desc')).map(([f, o]) => `sort ${f} ${o}`),
    fc.integer({ min: -3, max: 200_000 }).map((n) => `limit ${n}`),
    fc.array(field, { minLength: 1, maxLength: 3 }).map((f) => `fields ${f.join(', ')}`),
  );
const command = commandOver(field, ['count(*)', 'sum(bytes)', 'max(packets)']);
const structured = fc.array(command, { minLength: 1, maxLength: 4 }).map((c) => c.join(' | '));
// The same over the log events (`source events`, or a bare `events`), with their fields.
const eventField = fc.constantFrom(
  'srcAddr',
  'dstPort',
  'user',
  'outcome',
  'program',
  'status',
  'path',
  'kind',
);
const onEvents = fc
  .tuple(
    fc.constantFrom('source events', 'events'),
    fc.array(commandOver(eventField, ['count(*)', 'max(status)', 'count_distinct(user)']), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([source, c]) => [source, ...c].join(' | '));

const query = fc.oneof(soup, structured, onEvents);

describe('pipe query language, fuzzed', () => {
  let store: FixtureStore;
  beforeAll(async () => {
    store = await openRealFixtureStore();
  });
  afterAll(async () => {
    await store.close();
  });

  it('compiles or says why; hostile literals are parameters only; compiled SQL runs or fails cleanly', async () => {
    let compiled = 0;
    let withHostile = 0;
    let onEventsRan = 0;
    await fc.assert(
      fc.asyncProperty(query, async (text) => {
        let q: ReturnType<typeof compilePipeQuery>;
        try {
          q = compilePipeQuery(text);
        } catch (e) {
          expect(e).toBeInstanceOf(UserError);
          expect((e as UserError).message.length).toBeGreaterThan(0);
          return;
        }
        compiled++;
        expect(q.sql.toLowerCase()).not.toContain(MARK);
        if (text.includes(MARK)) withHostile++;
        try {
          await store.rows(q.sql, q.params);
          if (/ FROM events\b/.test(q.sql)) onEventsRan++;
        } catch (e) {
          // DuckDB may refuse a type mismatch the compiler let through; it must say so.
          expect(e).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 300, seed: 42 },
    );
    expect(compiled).toBeGreaterThan(20);
    expect(withHostile).toBeGreaterThan(0);
    expect(onEventsRan).toBeGreaterThan(10);
  });
});
