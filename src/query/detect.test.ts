import { describe, expect, it } from 'vitest';
import { isPipeQuery } from './detect.ts';

const CASES: [string, boolean][] = [
  ['SELECT * FROM flows', false],
  ['  select count(*) from vpc_flow_logs', false],
  ['WITH x AS (SELECT 1) SELECT * FROM x', false],
  ['FROM flows LIMIT 5', false],
  ['(SELECT 1)', false],
  ['-- top talkers\nSELECT 1', false],
  ['/* c */ describe flows', false],
  ['SHOW TABLES', false],
  ['fields @timestamp, srcAddr', true],
  ['filter action = "REJECT"', true],
  ['stats count(*) by srcAddr', true],
  ['# comment\nfilter dstPort = 22', true],
  ['  parse @message "* *" as a, b', true],
  ['sort bytes desc', true],
  ['DROP TABLE flows', false],
  ['insert into flows values (1)', false],
  ['', false],
];

describe('isPipeQuery', () => {
  for (const [text, pipe] of CASES) {
    it(`${JSON.stringify(text)} -> ${pipe ? 'pipe' : 'SQL'}`, () => expect(isPipeQuery(text)).toBe(pipe));
  }
});
