// The default-format fast path (fast-v2.ts) must decide every line exactly as the generic loop
// does: same records, gaps and rejections (reason, line, text), on good lines, on lines with one
// field replaced by an awkward value, and on lines that are not v2 at all.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flowAt } from '../../core/flow.ts';
import { parseVpcBuffer } from './parser.ts';

const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const GOOD =
  '2 123456789012 eni-0a1b2c3d 10.0.1.5 203.0.113.7 443 49152 6 10 5000 1700000000 1700000060 ACCEPT OK';

/** Values that sit on the edges of what each field accepts, and some that break it. */
const AWKWARD = [
  '-',
  '',
  '0',
  '00',
  '01',
  '255',
  '256',
  '65535',
  '65536',
  '2147483647',
  '2147483648',
  '999999999999999',
  '1000000000000000',
  '0.0.0.0',
  '255.255.255.255',
  '256.1.1.1',
  '1.2.3',
  '1.2.3.4.5',
  '01.2.3.4',
  '1..2.3',
  '10.0.0.1x',
  '::1',
  '2001:DB8::1',
  '2001:db8::1::2',
  'ACCEPT',
  'REJECT',
  'accept',
  'ACCEPTED',
  'OK',
  'NODATA',
  'SKIPDATA',
  'ok',
  'eni-1',
  'x',
  'é',
  '12a',
];

function outcome(text: string, fastPath: boolean): unknown {
  const out = parseVpcBuffer(Buffer.from(text), { file: 'f.log', fastPath });
  return {
    flows: out.batches.flatMap((b) => Array.from({ length: b.length }, (_, i) => flowAt(b, i))),
    gaps: out.gaps,
    rejections: out.rejections,
    lines: out.lines,
  };
}

const sameBothWays = (text: string): void => {
  expect(outcome(text, true)).toEqual(outcome(text, false));
};

describe('readV2Row (the default-format fast path)', () => {
  it('reads a good line as the generic loop does, with and without the header', () => {
    sameBothWays(`${GOOD}\n`);
    sameBothWays(`${HEADER}\n${GOOD}\n${GOOD.replace('ACCEPT', 'REJECT')}\n`);
    const out = parseVpcBuffer(Buffer.from(`${GOOD}\n`));
    expect(flowAt(out.batches[0]!, 0)).toMatchObject({
      src_ip: '10.0.1.5',
      dst_ip: '203.0.113.7',
      src_port: 443,
      dst_port: 49152,
      proto: 6,
      packets: 10,
      bytes: 5000,
      time: 1700000000,
      end: 1700000060,
      action: 'accept',
      resource: 'eni-0a1b2c3d',
      text: { account_id: '123456789012', interface_id: 'eni-0a1b2c3d' },
      ints: { version: 2 },
    });
  });

  it('decides like the generic loop when any one field is replaced by an awkward value', () => {
    const fields = GOOD.split(' ');
    const lines: string[] = [];
    for (let c = 0; c < fields.length; c++) {
      for (const v of AWKWARD) lines.push(fields.map((f, i) => (i === c ? v : f)).join(' '));
    }
    // One input (a parser is costly to create): every awkward line followed by a good one.
    sameBothWays(`${HEADER}\n${lines.map((l) => `${l}\n${GOOD}\n`).join('')}`);
  });

  it('decides like the generic loop on arbitrary lines built from field-like tokens', () => {
    const token = fc.oneof(
      fc.constantFrom(...AWKWARD, ...GOOD.split(' ')),
      fc.stringMatching(/^[0-9a-z.:-]{0,12}$/),
    );
    const line = fc.oneof(
      fc.array(token, { minLength: 12, maxLength: 16 }).map((t) => t.join(' ')),
      fc.tuple(fc.nat({ max: 13 }), token).map(([c, v]) =>
        GOOD.split(' ')
          .map((f, i) => (i === c ? v : f))
          .join(' '),
      ),
    );
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (lines) => {
        sameBothWays(`${lines.join('\n')}\n`);
      }),
      { seed: 20261123, numRuns: 80 },
    );
  });

  it('keeps the interned values right when one column repeats and another changes', () => {
    const text = [0, 1, 2, 1, 0]
      .map((k) =>
        GOOD.replace('eni-0a1b2c3d', `eni-${k}`).replace('123456789012', k === 2 ? '9' : '123456789012'),
      )
      .join('\n');
    sameBothWays(text);
    const out = parseVpcBuffer(Buffer.from(text));
    const rows = Array.from({ length: out.batches[0]!.length }, (_, i) => flowAt(out.batches[0]!, i));
    expect(rows.map((r) => [r.text.interface_id, r.text.account_id])).toEqual([
      ['eni-0', '123456789012'],
      ['eni-1', '123456789012'],
      ['eni-2', '9'],
      ['eni-1', '123456789012'],
      ['eni-0', '123456789012'],
    ]);
  });
});
