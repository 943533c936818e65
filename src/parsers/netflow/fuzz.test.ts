// Property-based fuzzing of the NetFlow v9 / IPFIX decoder (fast-check): structurally plausible
// messages built from arbitrary templates (any field ids, zero, reduced, huge and variable
// lengths, enterprise fields, options templates) followed by arbitrary data sets, header fields
// and set lengths that may lie. The decoder must not throw, must stop, must count each rejected
// packet with a reason, and must produce no more flows than the bytes it was given could hold.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createNetflowDecoder } from './decoder.ts';
import { ipfixMessage, set, templateRecord, uint, v9Packet, type EncodedField } from './encode.ts';

const EXPORTER = { address: '198.51.100.7', port: 2055 };
const NOW = Date.UTC(2026, 10, 23, 12);

const field: fc.Arbitrary<EncodedField> = fc.record(
  {
    ie: fc.oneof(
      fc.constantFrom(1, 2, 4, 7, 8, 11, 12, 21, 22, 27, 28, 152, 153, 34, 305),
      fc.nat({ max: 0x7fff }),
    ),
    length: fc.oneof(
      fc.constantFrom(0, 1, 2, 4, 8, 16, 65535),
      fc.nat({ max: 70_000 }).map((n) => n % 65536),
    ),
    enterprise: fc.nat(),
  },
  { requiredKeys: ['ie', 'length'] },
);

const templateId = fc.oneof(fc.integer({ min: 256, max: 260 }), fc.nat({ max: 65535 }));

const message = fc.record({
  ipfix: fc.boolean(),
  templates: fc.array(fc.tuple(templateId, fc.array(field, { maxLength: 12 })), { maxLength: 3 }),
  data: fc.array(fc.tuple(templateId, fc.uint8Array({ maxLength: 600 })), { maxLength: 4 }),
  count: fc.nat({ max: 65535 }),
  sequence: fc.nat(),
  domain: fc.nat({ max: 3 }),
  /** Bytes cut from the end, or garbage appended. */
  tail: fc.oneof(fc.constant(0), fc.integer({ min: -40, max: 40 })),
});

type Message = typeof message extends fc.Arbitrary<infer T> ? T : never;

function encode(m: Message): Buffer {
  const sets: Buffer[] = [];
  for (const [id, fields] of m.templates)
    sets.push(set(m.ipfix ? 2 : 0, templateRecord(id, fields, m.ipfix)));
  for (const [id, bytes] of m.data) sets.push(set(id, Buffer.from(bytes), false));
  const packet = m.ipfix
    ? ipfixMessage({ exportSecs: Math.floor(NOW / 1000), sequence: m.sequence, domain: m.domain }, sets)
    : v9Packet(
        {
          count: m.count,
          uptimeMs: 1000,
          unixSecs: Math.floor(NOW / 1000),
          sequence: m.sequence,
          sourceId: m.domain,
        },
        sets,
      );
  if (m.tail < 0) return packet.subarray(0, Math.max(0, packet.length + m.tail));
  return Buffer.concat([packet, Buffer.alloc(m.tail, 0xab)]);
}

describe('NetFlow v9 / IPFIX decoder, fuzzed', () => {
  it('never throws, rejects with reasons, and bounds its output by its input', () => {
    const decoder = createNetflowDecoder();
    let bytes = 0;
    let decoded = 0;
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 4 }), (messages) => {
        for (const m of messages) {
          const packet = encode(m);
          bytes += packet.length;
          const out = decoder.decode(packet, EXPORTER, NOW);
          const flows = out.batches.reduce((n, b) => n + b.length, 0);
          expect(flows).toBeLessThanOrEqual(packet.length);
          decoded += flows;
          for (const r of out.rejections) {
            expect(r.reason).toMatch(/^[a-z][^\s]*$/i);
            expect(r.text.length).toBeLessThanOrEqual(4096);
          }
        }
        for (const b of decoder.flush()) expect(b.length).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 400, seed: 20261123 },
    );
    const s = decoder.stats();
    expect(decoded).toBeGreaterThan(0); // the generator does reach the data-decoding paths
    expect(s.packets).toBeGreaterThan(0);
    expect(s.rejectedPackets).toBeGreaterThan(0);
    expect(Object.values(s.rejectReasons).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(
      s.rejectedPackets,
    );
    // Held template data is bounded by the decoder's configuration, not by what was sent.
    expect(s.pendingBytes).toBeLessThanOrEqual(bytes);
    expect(s.templates).toBeLessThanOrEqual(10_000);
  });

  it('arbitrary bytes with a v9 or IPFIX version number: never throws', () => {
    const decoder = createNetflowDecoder();
    fc.assert(
      fc.property(fc.constantFrom(5, 9, 10), fc.uint8Array({ maxLength: 1500 }), (version, body) => {
        const packet = Buffer.concat([uint(version, 2), Buffer.from(body)]);
        const out = decoder.decode(packet, EXPORTER, NOW);
        expect(out.batches.reduce((n, b) => n + b.length, 0)).toBeLessThanOrEqual(packet.length);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});
