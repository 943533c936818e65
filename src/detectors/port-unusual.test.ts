import { describe, expect, it } from 'vitest';
import type { TestFlow } from '../engine/test-flows.ts';
import { T0, detect } from './test-harness.ts';

/** A web server: answers on 443 and calls the resolver every minute for `minutes`. */
function history(minutes: number): TestFlow[] {
  const out: TestFlow[] = [];
  for (let m = 0; m < minutes; m++) {
    const t = T0 + m * 60;
    out.push({
      t,
      src: '203.0.113.9',
      dst: '10.0.1.11',
      sport: 50000 + m,
      dport: 443,
      packets: 6,
      bytes: 900,
    });
    out.push({
      t,
      src: '10.0.1.11',
      dst: '203.0.113.9',
      sport: 443,
      dport: 50000 + m,
      packets: 8,
      bytes: 9000,
    });
    out.push({ t, src: '10.0.1.11', dst: '10.0.0.2', sport: 40000 + m, dport: 53, proto: 17, bytes: 70 });
  }
  return out;
}

const irc = (t: number): TestFlow[] => [
  { t, src: '10.0.1.11', dst: '198.51.100.66', sport: 45000, dport: 6667, packets: 20, bytes: 1500 },
  { t, src: '198.51.100.66', dst: '10.0.1.11', sport: 6667, dport: 45000, packets: 25, bytes: 3000 },
];

const unusual = (fs: Awaited<ReturnType<typeof detect>>) =>
  fs.filter((f) => f.type === 'Behavior:Host/NetworkPortUnusual');

describe('port-unusual', () => {
  it('a web server with a mature profile suddenly using IRC is reported with its baseline', async () => {
    const fs = unusual(await detect([...history(120), ...irc(T0 + 100 * 60), ...irc(T0 + 101 * 60)]));
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      resource: { ip: '10.0.1.11' },
      actor: { ip: '198.51.100.66', port: 6667 },
      severity: 5,
      detail: { direction: 'outbound', port: 6667, baselinePorts: ['udp/53'] },
    });
    expect(fs[0]!.description).toMatch(/learned from 100 min of history .* used only: udp\/53/);
  });

  it('cold start: nothing before the profile is mature (one hour by default)', async () => {
    expect(unusual(await detect([...history(120), ...irc(T0 + 30 * 60)]))).toEqual([]);
  });

  it('a port already in the history is not unusual', async () => {
    const dns = {
      t: T0 + 100 * 60,
      src: '10.0.1.11',
      dst: '10.0.0.2',
      sport: 39999,
      dport: 53,
      proto: 17,
      bytes: 70,
    };
    expect(unusual(await detect([...history(120), dns]))).toEqual([]);
  });

  it('a newly served port (a listener answering the internet) is reported inbound', async () => {
    const t = T0 + 100 * 60;
    const backdoor: TestFlow[] = [
      { t, src: '198.51.100.70', dst: '10.0.1.11', sport: 51000, dport: 4444, packets: 5, bytes: 300 },
      { t, src: '10.0.1.11', dst: '198.51.100.70', sport: 4444, dport: 51000, packets: 5, bytes: 300 },
    ];
    const fs = unusual(await detect([...history(120), ...backdoor]));
    expect(fs).toMatchObject([{ role: 'target', detail: { direction: 'inbound', port: 4444 } }]);
  });
});
