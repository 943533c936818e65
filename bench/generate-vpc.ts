// Deterministic VPC Flow Logs (default v2 format, with the S3 header line) for the benchmark.
// The shape is a busy VPC: 4 000 internal hosts behind 200 interfaces, a long tail of internet
// peers (Zipf-like); outbound calls and their replies, internet clients of a web tier, east-west
// database traffic, and ~12 % internet background noise that the security groups REJECT;
// time-ordered over one day. The same seed always writes the same bytes.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { isPrivateIpv4 } from '../src/core/ip.ts';

export interface VpcGenOptions {
  records: number;
  seed?: number;
  /** Unix seconds of the first record. */
  startTime?: number;
  /** Seconds the data spans. */
  spanSeconds?: number;
  header?: boolean;
}

/** A small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OUTBOUND_PORTS = [443, 443, 443, 443, 80, 80, 53, 53, 123];
const DB_PORTS = [3306, 5432, 6379];
const NOISE_PORTS = [22, 23, 445, 3389, 1433, 3306, 5432, 6379, 8080, 2375];
const WEB_HOSTS = 40;
const DB_HOSTS = 12;

export const V2_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

export async function writeVpcFile(file: string, opts: VpcGenOptions): Promise<void> {
  const rnd = prng(opts.seed ?? 42);
  const start = opts.startTime ?? 1_763_596_800; // 2025-11-20T00:00:00Z
  const span = opts.spanSeconds ?? 86_400;
  const internal: string[] = [];
  for (let i = 0; i < 4000; i++) internal.push(`10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  const external: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    const v = Math.floor(rnd() * 0xdfffffff) + 0x01000000;
    if (isPrivateIpv4(v)) {
      i--;
      continue;
    }
    external.push(`${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`);
  }
  const enis: string[] = [];
  for (let i = 0; i < 200; i++)
    enis.push(`eni-${(0x0a1b2c3d4e5f0000 + i * 7919).toString(16).padStart(17, '0')}`);
  const out = createWriteStream(file, { highWaterMark: 1 << 22 });
  if (opts.header !== false) out.write(`${V2_HEADER}\n`);
  const chunk: string[] = [];
  for (let i = 0; i < opts.records; i++) {
    const t = start + Math.floor((i / opts.records) * span);
    const hostIdx = Math.floor(rnd() * rnd() * internal.length);
    const host = internal[hostIdx]!;
    const eni = enis[hostIdx % enis.length]!;
    // Zipf-like peer choice: small indexes are much more popular.
    const peer = external[Math.floor(Math.pow(rnd(), 3) * external.length)]!;
    const eph = 32768 + Math.floor(rnd() * 28000);
    const kind = rnd();
    let src: string, dst: string, sport: number, dport: number, proto: number, reject: boolean;
    if (kind < 0.35) {
      // Outbound: our hosts calling internet services.
      const svc = OUTBOUND_PORTS[Math.floor(rnd() * OUTBOUND_PORTS.length)]!;
      [src, dst, sport, dport, proto, reject] = [
        host,
        peer,
        eph,
        svc,
        svc === 53 || svc === 123 ? 17 : 6,
        false,
      ];
    } else if (kind < 0.55) {
      // Replies to outbound calls (service port -> ephemeral port).
      const svc = OUTBOUND_PORTS[Math.floor(rnd() * OUTBOUND_PORTS.length)]!;
      [src, dst, sport, dport, proto, reject] = [
        peer,
        host,
        svc,
        eph,
        svc === 53 || svc === 123 ? 17 : 6,
        false,
      ];
    } else if (kind < 0.75) {
      // Internet clients of the web tier.
      const web = internal[hostIdx % WEB_HOSTS]!;
      [src, dst, sport, dport, proto, reject] = [peer, web, eph, rnd() < 0.8 ? 443 : 80, 6, false];
    } else if (kind < 0.88) {
      // East-west: application hosts to the database tier.
      const db = internal[WEB_HOSTS + (hostIdx % DB_HOSTS)]!;
      const svc = DB_PORTS[Math.floor(rnd() * DB_PORTS.length)]!;
      [src, dst, sport, dport, proto, reject] = [host, db, eph, svc, 6, false];
    } else {
      // Internet background noise, dropped by the security groups.
      const port =
        rnd() < 0.5 ? NOISE_PORTS[Math.floor(rnd() * NOISE_PORTS.length)]! : 1 + Math.floor(rnd() * 65535);
      [src, dst, sport, dport, proto, reject] = [peer, host, eph, port, 6, true];
    }
    const packets = reject ? 1 : 1 + Math.floor(rnd() * rnd() * 2000);
    const bytes = reject ? 40 + Math.floor(rnd() * 20) : packets * (60 + Math.floor(rnd() * 1400));
    const dur = reject ? 0 : Math.floor(rnd() * 60);
    const line = `2 123456789012 ${eni} ${src} ${dst} ${sport} ${dport} ${proto} ${packets} ${bytes} ${t} ${t + dur} ${reject ? 'REJECT' : 'ACCEPT'} OK`;
    chunk.push(line);
    if (chunk.length === 65_536) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk.length = 0;
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
}
