// Hostile input: random truncations, bit flips and byte splices of real packets, and hand-made
// malformed packets (zero-length sets, template loops, wrong lengths, absurd counts). The decoder
// must never throw, must stop, and must say why it rejected a packet.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createNetflowDecoder } from './decoder.ts';
import { ipfixMessage, set, templateRecord, uint, v9Packet } from './encode.ts';
import { readUdpFromPcap, SOFTFLOWD_CAPTURE } from './testdata/read-pcap.ts';

const dir = fileURLToPath(new URL('./testdata/payloads/', import.meta.url));
const EXPORTER = { address: '198.51.100.7', port: 9995 };

/** A small deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function realPackets(): Buffer[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.dat'))
    .sort();
  const payloads: Buffer[] = files.map((f) => readFileSync(`${dir}${f}`));
  const capture = readUdpFromPcap(SOFTFLOWD_CAPTURE);
  // Template-bearing first packets of each softflowd export, plus a few data packets.
  for (const port of [9995, 9996, 9997]) {
    payloads.push(
      ...capture
        .filter((d) => d.dstPort === port)
        .slice(0, 4)
        .map((d) => d.payload),
    );
  }
  return payloads;
}

describe('hostile input', () => {
  const packets = realPackets();

  it('survives random truncations, bit flips and splices of real packets', () => {
    const next = rng(20261123);
    const decoder = createNetflowDecoder();
    // Teach it the real templates first so that mutated data sets reach the record decoder.
    for (const p of packets) decoder.decode(p, EXPORTER, 0);
    const rejectedBefore = decoder.stats().rejectedPackets;
    let rejected = 0;
    let mutated = 0;
    for (let round = 0; round < 20; round++) {
      for (const original of packets) {
        const p = Buffer.from(original);
        const kind = Math.floor(next() * 3);
        let input: Buffer;
        if (kind === 0) {
          input = p.subarray(0, Math.floor(next() * p.length));
        } else if (kind === 1) {
          const flips = 1 + Math.floor(next() * 8);
          for (let i = 0; i < flips; i++) {
            const at = Math.floor(next() * p.length);
            p[at] = p[at]! ^ (1 << Math.floor(next() * 8));
          }
          input = p;
        } else {
          // Overwrite a random 16-bit field: where lengths, counts and ids live.
          const at = Math.floor(next() * Math.max(1, p.length - 1));
          if (p.length >= 2) p.writeUInt16BE(Math.floor(next() * 65536), Math.min(at, p.length - 2));
          input = p;
        }
        mutated++;
        const out = decoder.decode(input, EXPORTER, round * 1000);
        rejected += out.rejections.length > 0 ? 1 : 0;
        for (const r of out.rejections) {
          expect(r.reason).toMatch(/^[a-z0-9-]+$/);
          expect(r.text.length).toBeLessThanOrEqual(4096);
        }
        for (const b of out.batches) expect(b.length).toBeLessThanOrEqual(b.capacity);
      }
    }
    expect(mutated).toBe(packets.length * 20);
    expect(rejected).toBeGreaterThan(0);
    const s = decoder.stats();
    expect(s.pendingSets).toBeLessThanOrEqual(512);
    expect(s.rejectedPackets - rejectedBefore).toBe(rejected);
  });

  it('survives every truncation length of a template + data packet', () => {
    const decoder = createNetflowDecoder();
    const p = readFileSync(`${dir}netflow9_test_valid01.dat`);
    for (let n = 0; n <= p.length; n++) decoder.decode(p.subarray(0, n), EXPORTER, n);
    expect(decoder.stats().packets).toBe(p.length + 1);
    expect(decoder.stats().rejectReasons['truncated-header']).toBe(20);
  });

  it('rejects a zero-length FlowSet instead of looping on it', () => {
    const decoder = createNetflowDecoder();
    const header = { uptimeMs: 1000, unixSecs: 1_700_000_000, sequence: 1, sourceId: 0 };
    const zeroLength = Buffer.concat([uint(256, 2), uint(0, 2), uint(0xdead, 4)]);
    const out = decoder.decode(v9Packet(header, [zeroLength]), EXPORTER, 0);
    expect(out.rejections.map((r) => r.reason)).toEqual(['set-length-short']);
  });

  it('rejects a set longer than the message', () => {
    const decoder = createNetflowDecoder();
    const overrun = Buffer.concat([uint(2, 2), uint(400, 2), uint(256, 2), uint(1, 2)]);
    const out = decoder.decode(
      ipfixMessage({ exportSecs: 1, sequence: 0, domain: 1 }, [overrun]),
      EXPORTER,
      0,
    );
    expect(out.rejections.map((r) => r.reason)).toEqual(['set-length-overrun']);
  });

  it('rejects an IPFIX message whose length field disagrees with the datagram', () => {
    const decoder = createNetflowDecoder();
    const m = ipfixMessage({ exportSecs: 1, sequence: 0, domain: 1 }, []);
    m.writeUInt16BE(200, 2);
    expect(decoder.decode(m, EXPORTER, 0).rejections.map((r) => r.reason)).toEqual(['ipfix-length']);
    m.writeUInt16BE(8, 2);
    expect(decoder.decode(m, EXPORTER, 0).rejections.map((r) => r.reason)).toEqual(['ipfix-length']);
  });

  it('decodes an IPFIX message followed by stray bytes, and reports the bytes', () => {
    const decoder = createNetflowDecoder();
    const tpl = set(
      2,
      templateRecord(
        256,
        [
          { ie: 8, length: 4 },
          { ie: 12, length: 4 },
        ],
        true,
      ),
    );
    const data = set(256, Buffer.concat([uint(0x0a000001, 4), uint(0x0a000002, 4)]));
    const m = Buffer.concat([
      ipfixMessage({ exportSecs: 1, sequence: 0, domain: 1 }, [tpl, data]),
      Buffer.from([1, 2, 3]),
    ]);
    const out = decoder.decode(m, EXPORTER, 0);
    expect(out.rejections.map((r) => r.reason)).toEqual(['trailing-bytes']);
    expect(out.batches[0]?.length).toBe(1);
  });

  it('refuses templates whose records would be zero bytes long (a data-walk loop)', () => {
    const decoder = createNetflowDecoder();
    const header = { uptimeMs: 1000, unixSecs: 1_700_000_000, sequence: 1, sourceId: 0 };
    const tpl = set(
      0,
      templateRecord(
        300,
        [
          { ie: 8, length: 0 },
          { ie: 12, length: 0 },
        ],
        false,
      ),
    );
    const data = set(300, Buffer.alloc(64));
    const out = decoder.decode(v9Packet(header, [tpl, data]), EXPORTER, 0);
    expect(out.rejections.map((r) => r.reason)).toEqual(['template-empty']);
    expect(out.batches).toEqual([]);
    expect(decoder.stats().templates).toBe(0);
  });

  it('rejects template field counts that run past the set (absurd counts)', () => {
    const decoder = createNetflowDecoder();
    const body = Buffer.concat([uint(256, 2), uint(60000, 2), uint(8, 2), uint(4, 2)]);
    const out = decoder.decode(
      ipfixMessage({ exportSecs: 1, sequence: 0, domain: 1 }, [set(2, body)]),
      EXPORTER,
      0,
    );
    expect(out.rejections.map((r) => r.reason)).toEqual(['template-truncated']);
  });

  it('rejects unknown versions and runt packets', () => {
    const decoder = createNetflowDecoder();
    expect(decoder.decode(Buffer.from([0, 7, 0, 0, 0, 0]), EXPORTER, 0).rejections[0]?.reason).toBe(
      'unknown-version',
    );
    expect(decoder.decode(Buffer.from([0, 9]), EXPORTER, 0).rejections[0]?.reason).toBe('truncated-header');
    expect(decoder.decode(Buffer.alloc(0), EXPORTER, 0).rejections[0]?.reason).toBe('truncated-header');
  });

  it('reports a variable-length field that runs past its set', () => {
    const decoder = createNetflowDecoder();
    const tpl = set(
      2,
      templateRecord(
        256,
        [
          { ie: 8, length: 4 },
          { ie: 82, length: 65535 },
        ],
        true,
      ),
    );
    // One good record, then one whose string claims 200 bytes.
    const records = Buffer.concat([
      uint(0x0a000001, 4),
      uint(2, 1),
      Buffer.from('ok'),
      uint(0x0a000002, 4),
      uint(200, 1),
    ]);
    const out = decoder.decode(
      ipfixMessage({ exportSecs: 1, sequence: 0, domain: 1 }, [tpl, set(256, records, false)]),
      EXPORTER,
      0,
    );
    expect(out.rejections.map((r) => r.reason)).toEqual(['record-truncated']);
    expect(out.batches[0]?.length).toBe(1);
  });
});
