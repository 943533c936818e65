// The lab's real softflowd exports (testdata/netflow-v5-v9-ipfix-exports.pcap.gz): the same traffic
// exported as v9 (udp/9995), v5 (udp/9996) and IPFIX (udp/9997). Each must give 13,207 flows and
// the three must agree on every source address's flow, packet and byte counts.

import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../../core/ip.ts';
import { createNetflowDecoder, type NetflowDecoder } from './decoder.ts';
import { readUdpFromPcap, SOFTFLOWD_CAPTURE } from './testdata/read-pcap.ts';

const datagrams = readUdpFromPcap(SOFTFLOWD_CAPTURE);

interface Summary {
  flows: number;
  gaps: number;
  rejections: number;
  perSource: Map<string, { flows: number; packets: number; bytes: number }>;
  endBeforeStart: number;
  firstStart: number;
}

function decodePort(
  port: number,
  skip = -1,
): Summary & { missed: ReturnType<NetflowDecoder['stats']>['missed'] } {
  const decoder = createNetflowDecoder();
  let index = -1;
  const s: Summary = {
    flows: 0,
    gaps: 0,
    rejections: 0,
    perSource: new Map(),
    endBeforeStart: 0,
    firstStart: Infinity,
  };
  for (const d of datagrams) {
    if (d.dstPort !== port) continue;
    if (++index === skip) continue; // a datagram lost on the way
    const out = decoder.decode(d.payload, { address: '127.0.0.1', port: 34567 }, d.timeMs);
    s.gaps += out.gaps.length;
    s.rejections += out.rejections.length;
    for (const b of out.batches) {
      for (let i = 0; i < b.length; i++) {
        s.flows++;
        const key = formatIpv4(b.srcIp4[i]!);
        const e = s.perSource.get(key) ?? { flows: 0, packets: 0, bytes: 0 };
        e.flows++;
        e.packets += b.packets[i]!;
        e.bytes += b.bytes[i]!;
        s.perSource.set(key, e);
        if (b.end[i]! < b.start[i]!) s.endBeforeStart++;
        s.firstStart = Math.min(s.firstStart, b.start[i]!);
      }
    }
  }
  return { ...s, missed: decoder.stats().missed };
}

describe('softflowd exports of the lab capture', () => {
  const v9 = decodePort(9995);
  const v5 = decodePort(9996);
  const ipfix = decodePort(9997);

  it('holds the three exports', () => {
    expect(datagrams.filter((d) => d.dstPort === 9995)).toHaveLength(420);
    expect(datagrams.filter((d) => d.dstPort === 9996)).toHaveLength(447);
    expect(datagrams.filter((d) => d.dstPort === 9997)).toHaveLength(420);
  });

  it.each([
    ['v9', v9],
    ['v5', v5],
    ['IPFIX', ipfix],
  ])('%s yields 13,207 flows, no rejection, no sequence gap, no end before start', (_name, s) => {
    expect(s.flows).toBe(13_207);
    expect(s.rejections).toBe(0);
    // softflowd numbers IPFIX messages including their own records; that is not loss.
    expect(s.gaps).toBe(0);
    expect(s.endBeforeStart).toBe(0);
  });

  it('gives the same per-address flow, packet and byte counts in all three', () => {
    const sorted = (m: Summary['perSource']) => [...m].sort(([a], [b]) => a.localeCompare(b));
    expect(sorted(v9.perSource)).toEqual(sorted(v5.perSource));
    expect(sorted(ipfix.perSource)).toEqual(sorted(v5.perSource));
    expect(v5.perSource.get('10.200.0.7')?.flows).toBe(5000); // the SYN and UDP floods: one flow per random source port
    const packets = [...v5.perSource.values()].reduce((a, e) => a + e.packets, 0);
    expect(packets).toBe(26_519); // the capture's errata: 26,519 packets became flows
  });

  it('places the first flow at the same time in v5 and IPFIX; v9 is early by under 1.3 s (whole-second header)', () => {
    expect(Math.abs(ipfix.firstStart - v5.firstStart)).toBeLessThan(0.002);
    const early = v5.firstStart - v9.firstStart;
    expect(early).toBeGreaterThanOrEqual(0);
    expect(early).toBeLessThan(1.3);
  });

  it.each([
    ['v9', 9995, 'packets'],
    ['v5', 9996, 'flows'],
    ['IPFIX', 9997, 'records'],
  ] as const)(
    '%s: a lost datagram becomes one sequence gap of exactly what it carried',
    (_name, port, unit) => {
      const lost = decodePort(port, 100);
      expect(lost.gaps).toBe(1);
      const missingFlows = 13_207 - lost.flows;
      expect(missingFlows).toBeGreaterThan(0);
      // v5 counts flows and IPFIX data records (the lost message held flow records only); v9 counts
      // export packets.
      expect(lost.missed).toEqual({
        flows: unit === 'flows' ? missingFlows : 0,
        packets: unit === 'packets' ? 1 : 0,
        records: unit === 'records' ? missingFlows : 0,
      });
    },
  );
});
