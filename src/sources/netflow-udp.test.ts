// The collector on real loopback sockets: the lab's softflowd exports replayed to it, a full queue
// dropping and counting, IPv6, and a port that is taken. Bounded in packets and in time.

import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../core/clock.ts';
import { UserError } from '../core/errors.ts';
import type { ParseOutput } from '../core/records.ts';
import { readUdpFromPcap, SOFTFLOWD_CAPTURE } from '../parsers/netflow/testdata/read-pcap.ts';
import { createNetflowUdpSource, netflowUdpConfigSchema, type NetflowUdpSource } from './netflow-udp.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function sender(type: 'udp4' | 'udp6'): Socket {
  const s = createSocket(type);
  cleanups.push(() => new Promise<void>((resolve) => s.close(() => resolve())));
  return s;
}

function send(s: Socket, msg: Buffer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => s.send(msg, port, host, (e) => (e ? reject(e) : resolve())));
}

/** Polls until `done()` or the deadline; never asserts on durations. */
async function until(done: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function collector(
  options: Parameters<typeof createNetflowUdpSource>[0],
  onOutput: (o: ParseOutput) => void | Promise<void>,
) {
  const source: NetflowUdpSource = createNetflowUdpSource(options, { clock: systemClock, onOutput });
  cleanups.push(() => source.stop());
  return source;
}

describe('NetFlow UDP collector', () => {
  it('has defaults that validate', () => {
    const c = netflowUdpConfigSchema.parse({});
    expect(c.listen).toEqual([{ host: '0.0.0.0', port: 2055 }]);
    expect(c.decoder.templateTtlSeconds).toBe(1800);
  });

  it('round-trips the example configuration of docs/netflow.md', () => {
    const example = {
      listen: [{ host: '0.0.0.0', port: 2055 }],
      receiveBufferBytes: 33554432,
      queuePackets: 65536,
      decodeBatchPackets: 256,
      decoder: {
        templateTtlSeconds: 1800,
        maxTemplates: 10000,
        maxPendingSets: 512,
        maxPendingBytes: 4194304,
        pendingTtlSeconds: 900,
        maxStreams: 10000,
        batchCapacity: 4096,
      },
    };
    expect(netflowUdpConfigSchema.parse(example)).toEqual(example);
    expect(netflowUdpConfigSchema.parse({})).toEqual(example); // the example is the defaults
  });

  it('rejects a bad configuration with a UserError and a hint', () => {
    expect(() => createNetflowUdpSource({ listen: [] }, { clock: systemClock, onOutput: () => {} })).toThrow(
      UserError,
    );
  });

  it('decodes the softflowd v5, v9 and IPFIX exports replayed over 127.0.0.1', async () => {
    const datagrams = readUdpFromPcap(SOFTFLOWD_CAPTURE);
    let flows = 0;
    let rejections = 0;
    const source = collector({ listen: [{ host: '127.0.0.1', port: 0 }] }, (o) => {
      for (const b of o.batches) flows += b.length;
      rejections += o.rejections.length;
    });
    const [bound] = await source.start();
    expect(bound?.family).toBe('IPv4');
    // One sending socket per export, as three exporters; paced so the kernel buffer never fills.
    const senders = new Map([9995, 9996, 9997].map((p) => [p, sender('udp4')]));
    let sent = 0;
    for (const d of datagrams) {
      await send(senders.get(d.dstPort)!, d.payload, bound!.port, '127.0.0.1');
      sent++;
      if (sent % 64 === 0)
        await until(() => source.counters().receivedPackets === sent, 'the collector to catch up');
    }
    await until(() => source.counters().receivedPackets === datagrams.length, 'all datagrams');
    await source.drain();
    const c = source.counters();
    expect(c).toMatchObject({
      receivedPackets: 1287,
      droppedPackets: 0,
      decodedPackets: 1287,
      decodedFlows: 3 * 13_207,
      rejected: 0,
      sequenceGaps: 0,
      outputErrors: 0,
    });
    expect(flows).toBe(3 * 13_207);
    expect(rejections).toBe(0);
    expect([0, null]).toContain(c.kernelDrops);
    expect(c.receivedBytes).toBe(datagrams.reduce((a, d) => a + d.payload.length, 0));
    expect(source.decoderStats().packetsByVersion).toEqual({ v5: 447, v9: 420, ipfix: 420 });
  });

  it('drops and counts datagrams when the queue is full, and never loses count', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let rejectionsSeen = 0;
    const source = collector({ listen: [{ host: '127.0.0.1', port: 0 }], queuePackets: 4 }, async (o) => {
      rejectionsSeen += o.rejections.length;
      await gate; // the downstream stage is stuck: back-pressure reaches the queue
    });
    const [bound] = await source.start();
    const s = sender('udp4');
    const junk = Buffer.from([0, 5, 0, 0]); // a runt v5 header: rejected, still one output
    for (let i = 0; i < 20; i++) await send(s, junk, bound!.port, '127.0.0.1');
    await until(() => source.counters().receivedPackets === 20, 'all datagrams');
    const during = source.counters();
    expect(during.droppedPackets).toBeGreaterThanOrEqual(20 - 4 - 1);
    expect(during.queuedPackets).toBeLessThanOrEqual(4);
    release();
    await source.drain();
    const after = source.counters();
    expect(after.decodedPackets + after.droppedPackets).toBe(20);
    expect(rejectionsSeen).toBe(after.decodedPackets);
    expect(after.rejected).toBe(after.decodedPackets);
  });

  it('counts an output stage that throws and keeps going', async () => {
    let calls = 0;
    const source = collector({ listen: [{ host: '127.0.0.1', port: 0 }] }, () => {
      calls++;
      throw new Error('sink down');
    });
    const [bound] = await source.start();
    const s = sender('udp4');
    for (let i = 1; i <= 3; i++) {
      await send(s, Buffer.from([0, 9]), bound!.port, '127.0.0.1');
      await until(() => source.counters().receivedPackets === i, 'the datagram');
      await source.drain();
      expect(source.counters()).toMatchObject({ decodedPackets: i, outputErrors: i });
    }
    expect(calls).toBe(3);
  });

  it('listens on ::1 and reports the exporter by its IPv6 address', async () => {
    const resources: (string | null)[] = [];
    const source = collector({ listen: [{ host: '::1', port: 0 }] }, (o) => {
      for (const b of o.batches) for (let i = 0; i < b.length; i++) resources.push(b.resource[i] ?? null);
    });
    let bound;
    try {
      [bound] = await source.start();
    } catch (e) {
      // A host without IPv6 loopback cannot run this case.
      expect(e).toBeInstanceOf(UserError);
      return;
    }
    expect(bound?.family).toBe('IPv6');
    const v5 = readUdpFromPcap(SOFTFLOWD_CAPTURE).find((d) => d.dstPort === 9996)!;
    await send(sender('udp6'), v5.payload, bound!.port, '::1');
    await until(() => source.counters().receivedPackets === 1, 'the datagram');
    await source.drain();
    expect(resources.length).toBe(v5.payload.readUInt16BE(2));
    expect(new Set(resources)).toEqual(new Set(['::1']));
  });

  it('says which port is taken when it cannot bind', async () => {
    const first = collector({ listen: [{ host: '127.0.0.1', port: 0 }] }, () => {});
    const [bound] = await first.start();
    const second = collector({ listen: [{ host: '127.0.0.1', port: bound!.port }] }, () => {});
    await expect(second.start()).rejects.toThrow(new RegExp(`port ${bound!.port}`));
  });
});
