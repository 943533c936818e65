// A realistic small VPC in flow-log form, seeded and deterministic: web servers behind a load
// balancer, health checks, monitoring scrapes, DNS, NTP, a database pool, an internal backup,
// admin SSH, internet background noise, benign look-alikes (a trusted vulnerability scanner, a
// crawler reaching many sites), routine periodic jobs (a fleet of nodes with DNS, NTP, a metrics
// agent and scrapes; external health checks; backups to object storage every 30 min), and
// injected attacks with a label for each.

import { formatIpv4, isPrivateIpv4, parseIpv4 } from '../core/ip.ts';
import { createRandom, type Random } from './random.ts';
import { formatNoData, formatVpcLine, type GenFlow } from './vpc-text.ts';

export const ATTACKS = [
  'inbound-vscan',
  'internal-hscan',
  'ssh-bruteforce',
  'port-sweep',
  'dos-outbound',
  'inbound-flood',
  'long-connection',
  'mining-pool',
  'large-upload',
  'threat-list',
  'tor-client',
  'beacon',
  'unusual-port',
  'volume-spike',
] as const;
export type AttackName = (typeof ATTACKS)[number];

export interface GeneratorOptions {
  seed: number;
  /** Unix seconds of the first minute. */
  startTime?: number;
  hours?: number;
  version?: 2 | 5;
  attacks?: readonly AttackName[];
  /** Nodes with routine periodic traffic (DNS, NTP, metrics agent, scrapes). Default 30. */
  fleet?: number;
}

/** Ground truth: the finding type expected, the acting address and our resource. */
export interface AttackLabel {
  attack: AttackName;
  type: string;
  actor: string;
  resource: string;
  start: number;
  end: number;
  /** Other finding types that are also true of this activity (count as true, not required). */
  related?: string[];
}

export interface GeneratedVpc {
  lines: string[];
  labels: AttackLabel[];
  threatList: string[];
  torList: string[];
  trusted: string[];
}

interface Host {
  name: string;
  ip: number;
  eni: string;
}

const ip = (t: string): number => parseIpv4(t);

export function generateVpc(options: GeneratorOptions): GeneratedVpc {
  const rnd = createRandom(options.seed);
  const start = Math.floor((options.startTime ?? 1795392000) / 60) * 60;
  const minutes = Math.round((options.hours ?? 4) * 60);
  const version = options.version ?? 5;
  const attacks = new Set(options.attacks ?? ATTACKS);
  const out: { t: number; line: string }[] = [];
  const labels: AttackLabel[] = [];

  let eniN = 0;
  const host = (name: string, addr: string): Host => ({
    name,
    ip: ip(addr),
    eni: `eni-0gen${String(++eniN).padStart(12, '0')}`,
  });
  const lb = host('lb', '10.0.0.10');
  const bastion = host('bastion', '10.0.0.6');
  const monitor = host('monitor', '10.0.0.5');
  const webs = [host('web1', '10.0.1.11'), host('web2', '10.0.1.12'), host('web3', '10.0.1.13')];
  const apps = [host('app1', '10.0.2.21'), host('app2', '10.0.2.22')];
  const db = host('db1', '10.0.3.31');
  const backup = host('backup', '10.0.3.40');
  const fleet = Array.from({ length: options.fleet ?? 30 }, (_, k) =>
    host(`node${k + 1}`, `10.0.4.${10 + k}`),
  );
  const hosts = [lb, bastion, monitor, ...webs, ...apps, db, backup];
  const byIp = new Map([...hosts, ...fleet].map((h) => [h.ip, h]));
  const resolver = ip('10.0.0.2');

  const publicIp = (r: Random): number => {
    for (;;) {
      const v = (r.int(1, 223) * 16777216 + r.int(0, 16777215)) >>> 0;
      if (!isPrivateIpv4(v) && v >>> 24 !== 127) return v;
    }
  };
  const clients = Array.from({ length: 3000 }, () => publicIp(rnd));
  const apis = Array.from({ length: 6 }, () => publicIp(rnd));
  const ntp = Array.from({ length: 4 }, () => publicIp(rnd));
  const office = ip('198.51.100.20');
  const trustedScanner = publicIp(rnd);
  const threat = Array.from({ length: 50 }, () => publicIp(rnd));
  const tor = Array.from({ length: 50 }, () => publicIp(rnd));
  const eph = (): number => rnd.int(32768, 60999);
  // Routine periodic destinations: a metrics SaaS, public resolvers, uptime checkers, object storage.
  const metricsSaas = Array.from({ length: 2 }, () => publicIp(rnd));
  const publicDns = [ip('8.8.8.8'), ip('1.1.1.1')];
  const uptime = Array.from({ length: 3 }, () => publicIp(rnd));
  const objectStore = publicIp(rnd);
  const fleetPhase = fleet.map(() => rnd.int(0, 59));

  /** Logs one flow interval on every internal interface it crosses, request and reply. */
  function conn(
    t: number,
    client: number,
    cport: number,
    server: number,
    sport: number,
    proto: number,
    req: [number, number],
    resp: [number, number] | null,
    action: 'ACCEPT' | 'REJECT' = 'ACCEPT',
    duration = 60,
  ): void {
    const s = Math.floor(t / 60) * 60;
    const e = s + Math.max(1, Math.min(60, duration));
    const reqFlags = resp === null ? 2 : 19;
    for (const [h, dir] of [
      [byIp.get(client), 'egress'],
      [byIp.get(server), 'ingress'],
    ] as const) {
      if (!h) continue;
      const f: GenFlow = {
        iface: h.eni,
        src: client,
        dst: server,
        sport: cport,
        dport: sport,
        proto,
        packets: req[0],
        bytes: req[1],
        start: s,
        end: e,
        action,
        tcpFlags: proto === 6 ? reqFlags : 0,
        direction: dir,
      };
      out.push({ t: s, line: formatVpcLine(f, version) });
      if (resp && action === 'ACCEPT') {
        const r: GenFlow = {
          ...f,
          src: server,
          dst: client,
          sport,
          dport: cport,
          packets: resp[0],
          bytes: resp[1],
          tcpFlags: proto === 6 ? 19 : 0,
          direction: dir === 'egress' ? 'ingress' : 'egress',
        };
        out.push({ t: s, line: formatVpcLine(r, version) });
      }
    }
  }

  const label = (
    attack: AttackName,
    type: string,
    actor: number,
    resource: number,
    from: number,
    to: number,
    related: string[] = [],
  ): void => {
    if (attacks.has(attack))
      labels.push({
        attack,
        type,
        actor: formatIpv4(actor),
        resource: formatIpv4(resource),
        start: from,
        end: to,
        ...(related.length > 0 ? { related } : {}),
      });
  };
  // Our host acting on a port it never used is also an unusual port (once its profile is mature).
  const PORT = 'Behavior:Host/NetworkPortUnusual';

  const dbPool = apps.map(() => [eph(), eph()]);
  for (let m = 0; m < minutes; m++) {
    const t = start + m * 60;
    // Web clients through the load balancer, proxied to the web servers.
    for (let k = rnd.int(20, 40); k > 0; k--)
      conn(
        t,
        rnd.pick(clients),
        eph(),
        lb.ip,
        443,
        6,
        [rnd.int(8, 20), rnd.int(1200, 4000)],
        [rnd.int(10, 40), rnd.int(8000, 60000)],
      );
    for (const w of webs) {
      conn(
        t,
        lb.ip,
        eph(),
        w.ip,
        80,
        6,
        [rnd.int(100, 300), rnd.int(30000, 90000)],
        [rnd.int(150, 400), rnd.int(200000, 900000)],
      );
      for (let k = 0; k < 6; k++) conn(t, lb.ip, eph(), w.ip, 80, 6, [5, 400], [4, 600], 'ACCEPT', 1);
      conn(t, w.ip, eph(), resolver, 53, 17, [2, 140], [2, 280]);
    }
    // Monitoring scrapes every host every 15 s.
    for (const h of hosts)
      if (h !== monitor)
        for (let k = 0; k < 4; k++)
          conn(t, monitor.ip, eph(), h.ip, 9100, 6, [6, 500], [8, 6000], 'ACCEPT', 1);
    // Apps: database pool (long-lived internal connections) and outside APIs.
    apps.forEach((a, j) => {
      for (const p of dbPool[j]!)
        conn(
          t,
          a.ip,
          p,
          db.ip,
          5432,
          6,
          [rnd.int(50, 200), rnd.int(8000, 30000)],
          [rnd.int(50, 200), rnd.int(20000, 90000)],
        );
      for (let k = rnd.int(1, 4); k > 0; k--)
        conn(t, a.ip, eph(), rnd.pick(apis), 443, 6, [12, 3000], [14, 12000], 'ACCEPT', 2);
      conn(t, a.ip, eph(), resolver, 53, 17, [3, 210], [3, 420]);
    });
    if (m % 17 === 0)
      for (const h of hosts) conn(t, h.ip, 123, rnd.pick(ntp), 123, 17, [1, 76], [1, 76], 'ACCEPT', 1);
    // Nightly-style backup to the internal backup host: large, but internal.
    if (m >= 60 && m < 75) conn(t, db.ip, 40001, backup.ip, 873, 6, [70000, 100_000_000], [20000, 1_100_000]);
    // Admin SSH from the office: a few long sessions.
    if (m % 50 === 3) conn(t, office, eph(), bastion.ip, 22, 6, [300, 40000], [400, 90000]);
    // Internet background: lone probes on common ports, mostly rejected.
    for (let k = rnd.int(3, 12); k > 0; k--) {
      const target = rnd.pick([lb, bastion, webs[0]!]);
      const port = rnd.pick([22, 23, 80, 443, 445, 3389, 5900, 8080, 1433, 6379, 25, 8443]);
      const ok = (target === bastion && port === 22) || (target === lb && port === 443);
      conn(
        t,
        rnd.pick(clients),
        eph(),
        target.ip,
        port,
        6,
        [1, 44],
        ok ? [1, 40] : null,
        ok ? 'ACCEPT' : 'REJECT',
        1,
      );
    }
    // Benign look-alike: the crawler on app2 reaching many sites on 443, all answering.
    if (m >= 30 && m < 35)
      for (let k = 0; k < 30; k++)
        conn(t, apps[1]!.ip, eph(), rnd.pick(clients), 443, 6, [15, 2000], [20, 30000], 'ACCEPT', 3);
    // Benign look-alike: the trusted vulnerability scanner sweeping web1's ports.
    if (m === 40)
      for (let p = 1; p <= 400; p++)
        conn(t, trustedScanner, 47000, webs[0]!.ip, p, 6, [1, 44], null, 'REJECT', 1);
    // Routine periodic jobs. Each fleet node: DNS to the VPC resolver and the metrics agent to
    // the SaaS every minute, a scrape by the monitor, NTP to a pool server every 16 min.
    fleet.forEach((n, j) => {
      const ts = t + fleetPhase[j]!;
      conn(ts, n.ip, eph(), resolver, 53, 17, [1, 70], [1, 180], 'ACCEPT', 1);
      conn(ts, n.ip, eph(), metricsSaas[j % 2]!, 443, 6, [8, rnd.int(1800, 2600)], [6, 600], 'ACCEPT', 1);
      conn(ts, monitor.ip, eph(), n.ip, 9100, 6, [6, 500], [8, rnd.int(5000, 7000)], 'ACCEPT', 1);
      // chrony: an ephemeral source port per poll.
      if ((m + j) % 16 === 0) conn(ts, n.ip, eph(), ntp[j % 4]!, 123, 17, [1, 76], [1, 76], 'ACCEPT', 1);
    });
    // Web servers ask public resolvers every 5 min; uptime checkers hit the load balancer every 30 s.
    if (m % 5 === 0)
      for (const w of webs) conn(t, w.ip, eph(), publicDns[m % 2]!, 53, 17, [1, 75], [1, 240], 'ACCEPT', 1);
    for (const u of uptime) conn(t, u, eph(), lb.ip, 443, 6, [6, 700], [6, 5200], 'ACCEPT', 1);
    // Backups every 30 min: the database to object storage (tens of MB), the backup host every 15.
    if (m % 30 === 7)
      conn(t, db.ip, eph(), objectStore, 443, 6, [20000, rnd.int(20, 60) * 1048576], [4000, 300000]);
    if (m % 15 === 11)
      conn(t, backup.ip, eph(), objectStore, 443, 6, [6000, rnd.int(5, 15) * 1048576], [1500, 90000]);
    // A monitoring gap: the backup host's interface reports NODATA for 5 minutes.
    if (m === 100) out.push({ t, line: formatNoData(backup.eni, t, t + 300, version, 'NODATA') });
  }

  // Attacks, each at a seeded offset inside the capture.
  const at = (lo: number, hi: number): number =>
    start + rnd.int(Math.floor(minutes * lo), Math.floor(minutes * hi)) * 60;
  const scanner = publicIp(rnd);
  let t0 = at(0.05, 0.2);
  if (attacks.has('inbound-vscan'))
    for (let p = 1; p <= 300; p++)
      conn(t0 + (p % 120), scanner, 51000, webs[1]!.ip, p, 6, [1, 44], null, 'REJECT', 1);
  label('inbound-vscan', 'Recon:Host/Portscan', scanner, webs[1]!.ip, t0, t0 + 180);

  t0 = at(0.2, 0.3);
  if (attacks.has('internal-hscan'))
    for (let h = 50; h < 90; h++)
      conn(t0 + (h % 60), apps[1]!.ip, eph(), ip(`10.0.2.${h}`), 445, 6, [2, 88], null, 'ACCEPT', 1);
  label('internal-hscan', 'Recon:Host/Portscan', apps[1]!.ip, apps[1]!.ip, t0, t0 + 120);

  const brute = publicIp(rnd);
  t0 = at(0.3, 0.4);
  if (attacks.has('ssh-bruteforce'))
    for (let k = 0; k < 40; k++)
      conn(t0 + k * 12, brute, eph(), bastion.ip, 22, 6, [12, 1800], [11, 2400], 'ACCEPT', 5);
  label('ssh-bruteforce', 'UnauthorizedAccess:Host/SSHBruteForce', brute, bastion.ip, t0, t0 + 480);

  t0 = at(0.4, 0.5);
  if (attacks.has('port-sweep'))
    for (let k = 0; k < 300; k++)
      conn(t0 + (k % 240), apps[0]!.ip, eph(), publicIp(rnd), 23, 6, [1, 60], null, 'ACCEPT', 1);
  label('port-sweep', 'Impact:Host/PortSweep', apps[0]!.ip, apps[0]!.ip, t0, t0 + 240, [PORT]);

  const victim = publicIp(rnd);
  t0 = at(0.5, 0.6);
  if (attacks.has('dos-outbound'))
    for (let s = 0; s < 3; s++)
      for (let k = 0; k < 100; k++)
        conn(t0 + s * 60, webs[1]!.ip, eph(), victim, 80, 17, [300, 300 * 60], null, 'ACCEPT', 60);
  label(
    'dos-outbound',
    'Backdoor:Host/DenialOfService.UdpOnTcpPorts',
    webs[1]!.ip,
    webs[1]!.ip,
    t0,
    t0 + 180,
    [PORT, 'Exfiltration:Host/LargeUpload', 'Behavior:Host/TrafficVolumeUnusual'],
  );

  const flooder = publicIp(rnd);
  t0 = at(0.6, 0.7);
  if (attacks.has('inbound-flood'))
    for (let s = 0; s < 2; s++)
      for (let k = 0; k < 200; k++)
        conn(t0 + s * 60, flooder, eph(), lb.ip, 443, 6, [100, 4000], [100, 4000], 'ACCEPT', 60);
  label('inbound-flood', 'Impact:Host/InboundFlood', flooder, lb.ip, t0, t0 + 120);

  const tunnel = publicIp(rnd);
  t0 = start + 10 * 60;
  const tunnelPort = eph();
  const tunnelMinutes = Math.min(minutes - 20, 150);
  if (attacks.has('long-connection'))
    for (let m = 0; m < tunnelMinutes; m++)
      conn(t0 + m * 60, apps[1]!.ip, tunnelPort, tunnel, 8443, 6, [30, 4000], [30, 5000]);
  label(
    'long-connection',
    'Behavior:Host/LongConnection',
    apps[1]!.ip,
    apps[1]!.ip,
    t0,
    t0 + tunnelMinutes * 60,
    [PORT],
  );

  const pool = publicIp(rnd);
  t0 = at(0.3, 0.6);
  const poolPort = eph();
  if (attacks.has('mining-pool'))
    for (let m = 0; m < 40; m++) conn(t0 + m * 60, apps[0]!.ip, poolPort, pool, 3333, 6, [4, 600], [4, 900]);
  label('mining-pool', 'CryptoCurrency:Host/MiningPoolConnection', apps[0]!.ip, apps[0]!.ip, t0, t0 + 2400, [
    PORT,
  ]);

  const drop = publicIp(rnd);
  t0 = at(0.7, 0.85);
  const upPort = eph();
  // A multi-GB upload to a destination the database had never contacted.
  if (attacks.has('large-upload'))
    for (let m = 0; m < 20; m++)
      conn(t0 + m * 60, db.ip, upPort, drop, 443, 6, [110000, 150 * 1048576], [9000, 500000]);
  label('large-upload', 'Exfiltration:Host/LargeUpload', db.ip, db.ip, t0, t0 + 1200, [
    'Behavior:Host/TrafficVolumeUnusual',
  ]);

  const bad = threat[7]!;
  t0 = at(0.1, 0.9);
  if (attacks.has('threat-list'))
    for (let k = 0; k < 3; k++)
      conn(t0 + k * 30, apps[0]!.ip, eph(), bad, 8080, 6, [8, 900], [6, 1400], 'ACCEPT', 2);
  label(
    'threat-list',
    'UnauthorizedAccess:Host/MaliciousIPCaller.Custom',
    apps[0]!.ip,
    apps[0]!.ip,
    t0,
    t0 + 90,
    [PORT],
  );

  const relay = tor[3]!;
  t0 = at(0.1, 0.9);
  if (attacks.has('tor-client'))
    for (let k = 0; k < 5; k++)
      conn(t0 + k * 60, webs[2]!.ip, eph(), relay, 9001, 6, [40, 9000], [40, 20000]);
  label('tor-client', 'UnauthorizedAccess:Host/TorClient', webs[2]!.ip, webs[2]!.ip, t0, t0 + 300, [PORT]);

  // A C&C beacon with ±5 % jitter: every 60, 120 or 300 s, a few hundred bytes each time.
  const c2 = publicIp(rnd);
  const period = rnd.pick([60, 120, 300]);
  t0 = at(0.1, 0.25);
  const beaconEnd = start + minutes * 60 - 60;
  if (attacks.has('beacon'))
    for (let ts = t0; ts < beaconEnd; ts += period * (0.95 + 0.1 * rnd.next()))
      conn(ts, apps[0]!.ip, eph(), c2, 443, 6, [5, rnd.int(400, 440)], [5, rnd.int(1100, 1300)], 'ACCEPT', 1);
  label('beacon', 'Backdoor:Host/C&CActivity.Beacon', apps[0]!.ip, apps[0]!.ip, t0, beaconEnd, [PORT]);

  // A web server suddenly talking IRC to an outside server.
  const irc = publicIp(rnd);
  t0 = at(0.45, 0.8);
  const ircPort = eph();
  if (attacks.has('unusual-port'))
    for (let k = 0; k < 8; k++)
      conn(t0 + k * 60, webs[0]!.ip, ircPort, irc, 6667, 6, [20, 1500], [25, 3000], 'ACCEPT', 60);
  label('unusual-port', PORT, webs[0]!.ip, webs[0]!.ip, t0, t0 + 480);

  // The backup host, which sends 5-15 MB to object storage every 15 min, sends 300 MB there in
  // 10 min: a known destination, under the fixed upload thresholds, far above its own baseline.
  t0 = at(0.5, 0.85);
  if (attacks.has('volume-spike'))
    for (let k = 0; k < 10; k++)
      conn(t0 + k * 60, backup.ip, eph(), objectStore, 443, 6, [22000, 30 * 1048576], [3000, 200000]);
  label('volume-spike', 'Behavior:Host/TrafficVolumeUnusual', backup.ip, backup.ip, t0, t0 + 600);

  out.sort((a, b) => a.t - b.t);
  return {
    lines: out.map((o) => o.line),
    labels,
    threatList: [...threat, trustedScanner].map(formatIpv4),
    torList: tor.map(formatIpv4),
    trusted: [formatIpv4(trustedScanner)],
  };
}

export function vpcHeader(version: 2 | 5): string {
  return version === 2
    ? 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'
    : 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr flow-direction';
}

export function labelsCsv(labels: readonly AttackLabel[]): string {
  return (
    [
      'attack,type,actor,resource,start,end',
      ...labels.map((l) => `${l.attack},${l.type},${l.actor},${l.resource},${l.start},${l.end}`),
    ].join('\n') + '\n'
  );
}
