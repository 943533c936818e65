import { describe, expect, it } from 'vitest';
import { T0, detect, repeat } from './test-harness.ts';

describe('long-connection', () => {
  it('a connection with an outside address held for over an hour is low', async () => {
    const fs = await detect(
      repeat(70, (k) => ({
        t: T0 + k * 60,
        end: T0 + k * 60 + 60,
        src: '10.0.0.5',
        dst: '198.51.100.1',
        sport: 40000,
        dport: 8443,
        packets: 30,
        bytes: 4000,
      })),
    );
    expect(fs).toMatchObject([
      {
        type: 'Behavior:Host/LongConnection',
        severityLabel: 'low',
        resource: { ip: '10.0.0.5' },
        actor: { ip: '198.51.100.1', port: 8443 },
      },
    ]);
    expect(fs[0]!.detail).toMatchObject({ tierSeconds: 3600, tiers: ['3600', '14400', '28800', '43200'] });
    expect(fs[0]!.detail.explanation).toMatch(/^one connection open for 70 min: past the 60 min tier/);
    const series = JSON.parse(String(fs[0]!.detail.series)) as { points: [number, number][] };
    expect(series.points.length).toBeGreaterThan(5);
  });
  it('the same 5-tuple reused after a long silence is a new connection (NTP)', async () => {
    const fs = await detect(
      repeat(6, (k) => ({
        t: T0 + k * 1020,
        src: '10.0.0.5',
        dst: '198.51.100.1',
        sport: 123,
        dport: 123,
        proto: 17,
      })),
    );
    expect(fs).toEqual([]);
  });
});

describe('large-upload', () => {
  it('fires above the per-window volume and names the destination', async () => {
    const fs = await detect(
      repeat(20, (k) => ({
        t: T0 + k * 60,
        src: '10.0.0.5',
        dst: '198.51.100.1',
        sport: 40000,
        dport: 443,
        packets: 30000,
        bytes: 40 * 1048576,
      })),
    );
    expect(fs).toMatchObject([
      { type: 'Exfiltration:Host/LargeUpload', role: 'actor', actor: { ip: '198.51.100.1' } },
    ]);
  });
  it('a server answering big downloads is not an upload', async () => {
    const fs = await detect(
      repeat(20, (k) => ({
        t: T0 + k * 60,
        src: '10.0.0.5',
        dst: '198.51.100.1',
        sport: 443,
        dport: 40000 + k,
        packets: 30000,
        bytes: 40 * 1048576,
      })),
    );
    expect(fs).toEqual([]);
  });
  it('excluded destinations (backup targets) stay silent', async () => {
    const flows = repeat(20, (k) => ({
      t: T0 + k * 60,
      src: '10.0.0.5',
      dst: '198.51.100.1',
      sport: 40000,
      dport: 443,
      packets: 30000,
      bytes: 40 * 1048576,
    }));
    expect(
      await detect(flows, { detectors: { 'large-upload': { excludeDestinations: ['198.51.100.0/24'] } } }),
    ).toEqual([]);
  });
});
