import { describe, expect, it } from 'vitest';
import type { TestFlow } from '../engine/test-flows.ts';
import { T0, detect } from './test-harness.ts';

/** One connection every `period` s (± jitter) from 10.0.0.5 to dst:port, request and reply rows. */
function periodic(opts: {
  period: number;
  count: number;
  dst?: string;
  port?: number;
  proto?: number;
  bytes?: (k: number) => number;
  jitter?: number;
  flags?: number;
  reply?: boolean;
}): TestFlow[] {
  const out: TestFlow[] = [];
  const dst = opts.dst ?? '198.51.100.7';
  const port = opts.port ?? 443;
  for (let k = 0; k < opts.count; k++) {
    const j = opts.jitter ?? 0;
    const t = Math.round(T0 + k * opts.period + (((k * 7919) % 21) / 10 - 1) * j * opts.period);
    const sport = 40000 + (k % 20000);
    const bytes = opts.bytes?.(k) ?? 420 + (k % 5);
    out.push({
      t,
      src: '10.0.0.5',
      dst,
      sport,
      dport: port,
      proto: opts.proto ?? 6,
      packets: 5,
      bytes,
      flags: opts.flags ?? -1,
    });
    if (opts.reply !== false)
      out.push({
        t,
        src: dst,
        dst: '10.0.0.5',
        sport: port,
        dport: sport,
        proto: opts.proto ?? 6,
        packets: 5,
        bytes: 1200,
      });
  }
  return out;
}

const beacons = (fs: Awaited<ReturnType<typeof detect>>) =>
  fs.filter((f) => f.type === 'Backdoor:Host/C&CActivity.Beacon');

describe('beacon', () => {
  it('finds a beacon with ±5 % jitter and explains the score in words and components', async () => {
    const fs = beacons(await detect(periodic({ period: 60, count: 180, jitter: 0.05 })));
    expect(fs).toHaveLength(1);
    const f = fs[0]!;
    expect(f).toMatchObject({ resource: { ip: '10.0.0.5' }, actor: { ip: '198.51.100.7', port: 443 } });
    expect(f.severity).toBeGreaterThanOrEqual(7);
    expect(f.description).toMatch(/every 6\d s ± \d s, 42\d bytes each time \(± \d+\), 180 times over 3 h/);
    expect(f.detail).toMatchObject({ connections: 180, failedConnections: 0 });
    for (const k of ['tsScore', 'dsScore', 'histScore', 'durScore', 'score'])
      expect(f.detail[k]).toBeGreaterThan(0.5);
    const series = JSON.parse(String(f.detail.series)) as { points: [number, number][] };
    expect(series.points.length).toBeGreaterThan(50);
  });

  it('failed connections (SYN without ACK) never make a beacon', async () => {
    expect(beacons(await detect(periodic({ period: 60, count: 180, flags: 2, reply: false })))).toEqual([]);
  });

  it('unanswered requests without TCP flags do not make a beacon', async () => {
    expect(beacons(await detect(periodic({ period: 60, count: 180, reply: false })))).toEqual([]);
  });

  it('DNS and NTP polls are infrastructure, not beacons', async () => {
    const dns = periodic({ period: 60, count: 180, port: 53, proto: 17 });
    const ntp = periodic({ period: 64, count: 180, port: 123, proto: 17, dst: '198.51.100.8' });
    expect(beacons(await detect([...dns, ...ntp]))).toEqual([]);
  });

  it('a backup every 15 min (tens of MB) is a bulk transfer, not a beacon', async () => {
    const fs = await detect(periodic({ period: 900, count: 24, bytes: (k) => 50_000_000 + k * 1000 }));
    expect(beacons(fs)).toEqual([]);
  });

  it('a destination many of our hosts call periodically is shared infrastructure', async () => {
    const flows = ['10.0.0.5', '10.0.0.6', '10.0.0.7'].flatMap((src) =>
      periodic({ period: 60, count: 120 }).map((f) =>
        f.src === '10.0.0.5' ? { ...f, src } : { ...f, dst: src },
      ),
    );
    expect(beacons(await detect(flows))).toEqual([]);
  });

  it('one long connection logged minute by minute is not a beacon', async () => {
    const flows = periodic({ period: 60, count: 180 }).map((f) =>
      f.src === '10.0.0.5' ? { ...f, sport: 40001 } : { ...f, dport: 40001 },
    );
    expect(beacons(await detect(flows, { disabled: ['long-connection'] }))).toEqual([]);
  });

  it('irregular calls at minute granularity are not a beacon', async () => {
    const times = [
      0, 1, 3, 4, 8, 9, 10, 15, 16, 19, 22, 23, 27, 31, 32, 36, 40, 41, 45, 50, 51, 55, 58, 62, 63, 66,
    ];
    const flows = times.flatMap((m, k) =>
      periodic({ period: 60, count: 1 }).map((f) => ({
        ...f,
        t: T0 + m * 60,
        sport: 41000 + k,
        dport: f.dport === 443 ? 443 : 41000 + k,
      })),
    );
    expect(beacons(await detect(flows))).toEqual([]);
  });
});
