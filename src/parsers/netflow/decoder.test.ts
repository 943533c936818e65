// Decoder behaviour on hand-built packets (encode.ts), one feature per test: template scoping and
// lifetime, held data, sampling, field encodings, times and sequence tracking.

import { describe, expect, it } from 'vitest';
import { flowAt, type FlowRecord } from '../../core/flow.ts';
import type { ParseOutput } from '../../core/records.ts';
import { UserError } from '../../core/errors.ts';
import { createNetflowDecoder } from './decoder.ts';
import {
  ipfixMessage,
  ipfixOptionsTemplateRecord,
  ipv4,
  set,
  templateRecord,
  uint,
  v5Packet,
  v9OptionsTemplateRecord,
  v9Packet,
  varLength,
  type EncodedField,
} from './encode.ts';

const EXPORTER = { address: '203.0.113.5', port: 2055 };
const T0 = 1_700_000_000; // Unix seconds

function rows(out: ParseOutput): FlowRecord[] {
  return out.batches.flatMap((b) => Array.from({ length: b.length }, (_, i) => flowAt(b, i)));
}

/** src, dst, src port, dst port, proto, packets (4 B), bytes (4 B). */
const BASIC: EncodedField[] = [
  { ie: 8, length: 4 },
  { ie: 12, length: 4 },
  { ie: 7, length: 2 },
  { ie: 11, length: 2 },
  { ie: 4, length: 1 },
  { ie: 2, length: 4 },
  { ie: 1, length: 4 },
];

function basicRecord(src: string, dst: string, packets: number, bytes: number): Buffer {
  return Buffer.concat([
    ipv4(src),
    ipv4(dst),
    uint(1234, 2),
    uint(80, 2),
    uint(6, 1),
    uint(packets, 4),
    uint(bytes, 4),
  ]);
}

const v9 = (sequence: number, sourceId: number, sets: Buffer[], uptimeMs = 60_000) =>
  v9Packet({ uptimeMs, unixSecs: T0, sequence, sourceId }, sets);
const ipfix = (sequence: number, domain: number, sets: Buffer[]) =>
  ipfixMessage({ exportSecs: T0, sequence, domain }, sets);

describe('template cache', () => {
  it('scopes template ids by Source ID: the same id means different layouts', () => {
    const d = createNetflowDecoder();
    const swapped: EncodedField[] = [BASIC[1]!, BASIC[0]!, ...BASIC.slice(2)];
    d.decode(v9(1, 1, [set(0, templateRecord(256, BASIC, false))]), EXPORTER, 0);
    d.decode(v9(1, 2, [set(0, templateRecord(256, swapped, false))]), EXPORTER, 0);
    const a = rows(d.decode(v9(2, 1, [set(256, basicRecord('10.0.0.1', '10.0.0.2', 1, 40))]), EXPORTER, 0));
    const b = rows(d.decode(v9(2, 2, [set(256, basicRecord('10.0.0.1', '10.0.0.2', 1, 40))]), EXPORTER, 0));
    expect([a[0]?.src_ip, a[0]?.dst_ip]).toEqual(['10.0.0.1', '10.0.0.2']);
    expect([b[0]?.src_ip, b[0]?.dst_ip]).toEqual(['10.0.0.2', '10.0.0.1']);
  });

  it('scopes template ids by exporter port too', () => {
    const d = createNetflowDecoder();
    d.decode(v9(1, 0, [set(0, templateRecord(256, BASIC, false))]), EXPORTER, 0);
    const other = { ...EXPORTER, port: 2056 };
    const out = d.decode(v9(1, 0, [set(256, basicRecord('10.0.0.1', '10.0.0.2', 1, 40))]), other, 0);
    expect(out.batches).toEqual([]);
    expect(d.stats().pendingSets).toBe(1);
  });

  it('lets the last definition win, even when an options template reuses a data template id', () => {
    const d = createNetflowDecoder();
    d.decode(v9(1, 0, [set(0, templateRecord(260, BASIC, false))]), EXPORTER, 0);
    const opts = v9OptionsTemplateRecord(260, [{ ie: 1, length: 4 }], [{ ie: 34, length: 4 }]);
    d.decode(v9(2, 0, [set(1, opts)]), EXPORTER, 0);
    // A set with id 260 is now an options record (scope system 0, interval 10), not a flow.
    const out = d.decode(v9(3, 0, [set(260, Buffer.concat([uint(0, 4), uint(10, 4)]))]), EXPORTER, 0);
    expect(out.batches).toEqual([]);
    expect(d.stats().optionsRecords).toBe(1);
    // Redefine as data again: flows come back, scaled by the interval the options record set.
    d.decode(v9(4, 0, [set(0, templateRecord(260, BASIC, false))]), EXPORTER, 0);
    const flows = rows(
      d.decode(v9(5, 0, [set(260, basicRecord('10.0.0.1', '10.0.0.2', 3, 300))]), EXPORTER, 0),
    );
    expect(flows.map((f) => [f.packets, f.bytes])).toEqual([[30, 3000]]);
  });

  it('expires templates not refreshed within the TTL; the data is then held', () => {
    const d = createNetflowDecoder({ templateTtlSeconds: 60 });
    d.decode(ipfix(0, 1, [set(2, templateRecord(256, BASIC, true))]), EXPORTER, 0);
    const fresh = d.decode(
      ipfix(0, 1, [set(256, basicRecord('10.0.0.1', '10.0.0.2', 1, 1))]),
      EXPORTER,
      59_000,
    );
    expect(rows(fresh)).toHaveLength(1);
    const stale = d.decode(
      ipfix(1, 1, [set(256, basicRecord('10.0.0.1', '10.0.0.2', 1, 1))]),
      EXPORTER,
      61_000,
    );
    expect(stale.batches).toEqual([]);
    expect(d.stats()).toMatchObject({ templatesExpired: 1, pendingSets: 1, templates: 0 });
  });

  it('bounds the held data sets and counts what it drops', () => {
    const d = createNetflowDecoder({ maxPendingSets: 2 });
    for (let i = 0; i < 3; i++) {
      d.decode(ipfix(i, 1, [set(300 + i, basicRecord('10.0.0.1', '10.0.0.2', 1, 1))]), EXPORTER, i);
    }
    expect(d.stats()).toMatchObject({ pendingSets: 2, pendingDropped: 1 });
    // The held set for 302 decodes once its template comes; 300 was dropped.
    const out = d.decode(ipfix(3, 1, [set(2, templateRecord(302, BASIC, true))]), EXPORTER, 10);
    expect(rows(out)).toHaveLength(1);
    const none = d.decode(ipfix(4, 1, [set(2, templateRecord(300, BASIC, true))]), EXPORTER, 10);
    expect(none.batches).toEqual([]);
  });

  it('ignores IPFIX template withdrawals over UDP (templates expire instead)', () => {
    const d = createNetflowDecoder();
    d.decode(ipfix(0, 1, [set(2, templateRecord(256, BASIC, true))]), EXPORTER, 0);
    const withdrawal = Buffer.concat([uint(256, 2), uint(0, 2)]);
    const out = d.decode(ipfix(0, 1, [set(2, withdrawal), set(3, withdrawal)]), EXPORTER, 0);
    expect(out.rejections).toEqual([]);
    expect(d.stats()).toMatchObject({ templateWithdrawalsIgnored: 2, templates: 1 });
  });
});

describe('sampling', () => {
  it('scales by samplingPacketInterval/Space from an IPFIX options record', () => {
    const d = createNetflowDecoder();
    const optTpl = ipfixOptionsTemplateRecord(400, 1, [
      { ie: 149, length: 4 }, // scope: observationDomainId
      { ie: 305, length: 4 },
      { ie: 306, length: 4 },
    ]);
    d.decode(ipfix(0, 7, [set(3, optTpl), set(2, templateRecord(256, BASIC, true))]), EXPORTER, 0);
    d.decode(ipfix(0, 7, [set(400, Buffer.concat([uint(7, 4), uint(1, 4), uint(99, 4)]))]), EXPORTER, 0);
    const out = d.decode(ipfix(1, 7, [set(256, basicRecord('10.0.0.1', '10.0.0.2', 2, 120))]), EXPORTER, 0);
    expect(rows(out).map((f) => [f.packets, f.bytes])).toEqual([[200, 12000]]);
    expect(d.stats().sampledFlows).toBe(1);
  });

  it('uses the interval of the sampler a v9 record names (FLOW_SAMPLER_ID)', () => {
    const d = createNetflowDecoder();
    const optTpl = v9OptionsTemplateRecord(
      300,
      [{ ie: 2, length: 4 }], // scope: interface
      [
        { ie: 48, length: 1 }, // FLOW_SAMPLER_ID
        { ie: 50, length: 4 }, // FLOW_SAMPLER_RANDOM_INTERVAL
      ],
    );
    const dataTpl = templateRecord(256, [...BASIC, { ie: 48, length: 1 }], false);
    d.decode(v9(1, 0, [set(1, optTpl), set(0, dataTpl)]), EXPORTER, 0);
    const samplers = Buffer.concat([
      uint(1, 4),
      uint(3, 1),
      uint(64, 4),
      uint(1, 4),
      uint(4, 1),
      uint(512, 4),
    ]);
    d.decode(v9(2, 0, [set(300, samplers)]), EXPORTER, 0);
    const recs = Buffer.concat([
      basicRecord('10.0.0.1', '10.0.0.2', 1, 100),
      uint(4, 1),
      basicRecord('10.0.0.3', '10.0.0.4', 1, 100),
      uint(3, 1),
      basicRecord('10.0.0.5', '10.0.0.6', 1, 100),
      uint(9, 1), // unknown sampler: unscaled
    ]);
    const flows = rows(d.decode(v9(3, 0, [set(256, recs)]), EXPORTER, 0));
    expect(flows.map((f) => f.packets)).toEqual([512, 64, 1]);
  });

  it('scales v5 counts by the header sampling interval (low 14 bits)', () => {
    const d = createNetflowDecoder();
    const flow = {
      src: '10.1.1.1',
      dst: '10.1.1.2',
      packets: 3,
      bytes: 180,
      firstMs: 1000,
      lastMs: 2000,
      srcPort: 1,
      dstPort: 2,
      tcpFlags: 2,
      proto: 6,
    };
    const p = v5Packet(
      { uptimeMs: 5000, unixSecs: T0, unixNsecs: 0, sequence: 0, samplingInterval: 0x4000 | 100 },
      [flow],
    );
    expect(rows(d.decode(p, EXPORTER, 0)).map((f) => [f.packets, f.bytes])).toEqual([[300, 18000]]);
  });
});

describe('field encodings and times', () => {
  it('honours reduced-size counters and reads u64 above 2^53 through BigInt', () => {
    const d = createNetflowDecoder();
    const fields: EncodedField[] = [
      { ie: 8, length: 4 },
      { ie: 12, length: 4 },
      { ie: 2, length: 2 }, // packetDeltaCount in 2 bytes instead of 8
      { ie: 1, length: 8 },
    ];
    const big = 2n ** 60n + 1n;
    const rec = Buffer.concat([ipv4('10.0.0.1'), ipv4('10.0.0.2'), uint(65535, 2), uint(big, 8)]);
    const f = rows(
      d.decode(ipfix(0, 1, [set(2, templateRecord(256, fields, true)), set(256, rec)]), EXPORTER, 0),
    );
    expect(f[0]?.packets).toBe(65535);
    expect(f[0]?.bytes).toBe(Number(big));
    expect(f[0]?.bytes).toBe(2 ** 60);
  });

  it('reads variable-length fields, including the 255 escape, and skips enterprise fields with their PEN', () => {
    const d = createNetflowDecoder();
    const fields: EncodedField[] = [
      { ie: 82, length: 65535 }, // interfaceName, variable
      { ie: 1, length: 4, enterprise: 29305 }, // reverse octetDeltaCount (RFC 5103): skipped
      { ie: 27, length: 16 },
      { ie: 28, length: 16 },
      { ie: 1, length: 4 },
    ];
    const v6 = (text: string) => Buffer.from(text.replace(/:/g, ''), 'hex');
    const rec = (name: Buffer) =>
      Buffer.concat([
        varLength(name),
        uint(999, 4),
        v6('20010db8000000000000000000000001'),
        v6('20010db8000100000000000000000000'),
        uint(77, 4),
      ]);
    const out = d.decode(
      ipfix(0, 1, [
        set(2, templateRecord(256, fields, true)),
        set(256, Buffer.concat([rec(Buffer.alloc(300, 0x41)), rec(Buffer.from('eth0'))])),
      ]),
      EXPORTER,
      0,
    );
    expect(out.rejections).toEqual([]);
    const f = rows(out);
    expect(f.map((r) => [r.src_ip, r.dst_ip, r.bytes])).toEqual([
      ['2001:db8::1', '2001:db8:1::', 77],
      ['2001:db8::1', '2001:db8:1::', 77],
    ]);
  });

  it('reads NTP-format microsecond/nanosecond times and Unix second/millisecond times', () => {
    const d = createNetflowDecoder();
    const ntp = (unixSeconds: number, fraction: number) =>
      Buffer.concat([uint(unixSeconds + 2208988800, 4), uint(fraction, 4)]);
    const micro = templateRecord(
      256,
      [
        { ie: 8, length: 4 },
        { ie: 12, length: 4 },
        { ie: 154, length: 8 },
        { ie: 157, length: 8 },
      ],
      true,
    );
    const secs = templateRecord(
      257,
      [
        { ie: 8, length: 4 },
        { ie: 12, length: 4 },
        { ie: 150, length: 4 },
        { ie: 153, length: 8 },
      ],
      true,
    );
    const out = d.decode(
      ipfix(0, 1, [
        set(2, Buffer.concat([micro, secs])),
        set(
          256,
          Buffer.concat([ipv4('10.0.0.1'), ipv4('10.0.0.2'), ntp(T0, 0x80000000), ntp(T0 + 2, 0x40000000)]),
        ),
        set(257, Buffer.concat([ipv4('10.0.0.1'), ipv4('10.0.0.2'), uint(T0, 4), uint(T0 * 1000 + 1500, 8)])),
      ]),
      EXPORTER,
      0,
    );
    expect(rows(out).map((f) => [f.time, f.end])).toEqual([
      [T0 + 0.5, T0 + 2.25],
      [T0, T0 + 1.5],
    ]);
  });

  it('places v9 FIRST/LAST_SWITCHED with the header, across the 2^32 ms uptime wrap', () => {
    const d = createNetflowDecoder();
    const tpl = templateRecord(
      256,
      [
        { ie: 8, length: 4 },
        { ie: 12, length: 4 },
        { ie: 22, length: 4 },
        { ie: 21, length: 4 },
      ],
      false,
    );
    // Uptime wrapped to 1000 ms; the flow started 3000 ms before the wrap point.
    const rec = Buffer.concat([ipv4('10.0.0.1'), ipv4('10.0.0.2'), uint(2 ** 32 - 3000, 4), uint(500, 4)]);
    const f = rows(d.decode(v9(1, 0, [set(0, tpl), set(256, rec)], 1000), EXPORTER, 0));
    expect(f.map((r) => [r.time, r.end])).toEqual([[T0 - 4, T0 - 0.5]]);
  });

  it('reads flowDirection and forwardingStatus', () => {
    const d = createNetflowDecoder();
    const tpl = templateRecord(
      256,
      [
        { ie: 8, length: 4 },
        { ie: 12, length: 4 },
        { ie: 61, length: 1 },
        { ie: 89, length: 1 },
      ],
      true,
    );
    const rec = (dir: number, status: number) =>
      Buffer.concat([ipv4('10.0.0.1'), ipv4('10.0.0.2'), uint(dir, 1), uint(status, 1)]);
    const f = rows(
      d.decode(
        ipfix(0, 1, [set(2, tpl), set(256, Buffer.concat([rec(0, 0x40), rec(1, 0x80)]))]),
        EXPORTER,
        0,
      ),
    );
    expect(f.map((r) => [r.direction, r.action])).toEqual([
      ['ingress', 'accept'],
      ['egress', 'reject'],
    ]);
  });

  it('counts data records without any address instead of inventing 0.0.0.0 flows', () => {
    const d = createNetflowDecoder();
    const tpl = templateRecord(
      256,
      [
        { ie: 1, length: 4 },
        { ie: 2, length: 4 },
      ],
      true,
    );
    const out = d.decode(
      ipfix(0, 1, [set(2, tpl), set(256, Buffer.concat([uint(1, 4), uint(1, 4)]))]),
      EXPORTER,
      0,
    );
    expect(out.batches).toEqual([]);
    expect(d.stats().recordsWithoutAddress).toBe(1);
  });
});

describe('sequence tracking', () => {
  const flow = {
    src: '10.1.1.1',
    dst: '10.1.1.2',
    packets: 1,
    bytes: 60,
    firstMs: 1000,
    lastMs: 1000,
    srcPort: 1,
    dstPort: 2,
    tcpFlags: 2,
    proto: 6,
  };

  it('v5 counts flows: a jump beyond seq + count is a gap of the missing flows', () => {
    const d = createNetflowDecoder();
    const p = (sequence: number, n: number, secs: number) =>
      v5Packet(
        { uptimeMs: 5000, unixSecs: secs, unixNsecs: 0, sequence },
        Array.from({ length: n }, () => flow),
      );
    expect(d.decode(p(100, 3, T0), EXPORTER, 0).gaps).toEqual([]);
    expect(d.decode(p(103, 2, T0 + 1), EXPORTER, 0).gaps).toEqual([]);
    const gaps = d.decode(p(110, 1, T0 + 2), EXPORTER, 0).gaps;
    expect(gaps).toEqual([
      {
        kind: 'sequence',
        start: T0 + 1,
        end: T0 + 2,
        resource: EXPORTER.address,
        source: 'netflow',
        detail: { exporter: '203.0.113.5:2055', stream: 'v5 engine 0/0', missed: 5, unit: 'flows' },
      },
    ]);
    expect(d.stats().missed.flows).toBe(5);
  });

  it('v9 counts export packets per Source ID: interleaved sources are not loss', () => {
    const d = createNetflowDecoder();
    const empty = (seq: number, source: number) => v9(seq, source, []);
    for (const [seq, src] of [
      [1, 1],
      [7, 2],
      [2, 1],
      [8, 2],
      [3, 1],
    ] as const) {
      expect(d.decode(empty(seq, src), EXPORTER, 0).gaps).toEqual([]);
    }
    const gaps = d.decode(empty(6, 1), EXPORTER, 0).gaps;
    expect(gaps.map((g) => g.detail)).toEqual([
      { exporter: '203.0.113.5:2055', stream: 'v9 source id 1', missed: 2, unit: 'packets' },
    ]);
  });

  it('IPFIX counts data records per domain, not messages; a restart is not loss', () => {
    const d = createNetflowDecoder();
    d.decode(ipfix(0, 1, [set(2, templateRecord(256, BASIC, true))]), EXPORTER, 0);
    const data = (seq: number, n: number) =>
      ipfix(seq, 1, [
        set(256, Buffer.concat(Array.from({ length: n }, () => basicRecord('10.0.0.1', '10.0.0.2', 1, 1)))),
      ]);
    expect(d.decode(data(0, 3), EXPORTER, 0).gaps).toEqual([]);
    expect(d.decode(data(3, 2), EXPORTER, 0).gaps).toEqual([]);
    expect(d.decode(data(9, 1), EXPORTER, 0).gaps.map((g) => g.detail['missed'])).toEqual([4]);
    expect(d.decode(data(0, 1), EXPORTER, 0).gaps).toEqual([]);
    expect(d.stats()).toMatchObject({ sequenceGaps: 1, sequenceResets: 1, missed: { records: 4 } });
  });
});

describe('holding rows across packets', () => {
  it('fills one batch from many packets with hold, hands it out on flush, and splits at capacity', () => {
    const d = createNetflowDecoder({ batchCapacity: 5 });
    d.decode(ipfix(0, 1, [set(2, templateRecord(256, BASIC, true))]), EXPORTER, 0);
    const two = set(
      256,
      Buffer.concat([basicRecord('10.0.0.1', '10.0.0.2', 1, 1), basicRecord('10.0.0.3', '10.0.0.4', 1, 1)]),
    );
    const returned = [0, 1, 2, 3].map((i) => d.decode(ipfix(i * 2, 1, [two]), EXPORTER, 0, { hold: true }));
    // 8 rows: the first 5 fill a batch that is handed out as soon as it is full.
    expect(returned.map((o) => o.batches.map((b) => b.length))).toEqual([[], [], [5], []]);
    expect(d.flush().map((b) => b.length)).toEqual([3]);
    expect(d.flush()).toEqual([]);
    expect(d.stats().flows).toBe(8);
  });
});

describe('configuration', () => {
  it('has defaults that validate and rejects nonsense', () => {
    expect(() => createNetflowDecoder()).not.toThrow();
    expect(() => createNetflowDecoder({ templateTtlSeconds: -1 })).toThrow(UserError);
  });
});
