// Deterministic VPC Flow Logs (default v2 format, with the S3 header line) for the benchmark.
// The shape is a busy VPC: a few thousand internal hosts behind a couple of hundred interfaces,
// a long tail of internet peers (Zipf-like), service ports and ephemeral ports, ~10 % REJECT,
// time-ordered over one day. The same seed always writes the same bytes.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { isPrivateIpv4 } from '../src/core/ip.js';
/** A small, fast, seedable PRNG (mulberry32). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SERVICE_PORTS = [443, 443, 443, 443, 80, 80, 22, 53, 123, 3306, 5432, 6379, 8080, 8443, 25, 3389];
export const V2_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
export async function writeVpcFile(file, opts) {
  const rnd = prng(opts.seed ?? 42);
  const start = opts.startTime ?? 1_763_596_800; // 2025-11-20T00:00:00Z
  const span = opts.spanSeconds ?? 86_400;
  const internal = [];
  for (let i = 0; i < 4000; i++) internal.push(`10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  const external = [];
  for (let i = 0; i < 200_000; i++) {
    const v = Math.floor(rnd() * 0xdfffffff) + 0x01000000;
    if (isPrivateIpv4(v)) {
      i--;
      continue;
    }
    external.push(`${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`);
  }
  const enis = [];
  for (let i = 0; i < 200; i++)
    enis.push(`eni-${(0x0a1b2c3d4e5f0000 + i * 7919).toString(16).padStart(17, '0')}`);
  const out = createWriteStream(file, { highWaterMark: 1 << 22 });
  if (opts.header !== false) out.write(`${V2_HEADER}\n`);
  const chunk = [];
  for (let i = 0; i < opts.records; i++) {
    const t = start + Math.floor((i / opts.records) * span);
    const hostIdx = Math.floor(rnd() * rnd() * internal.length);
    const host = internal[hostIdx];
    const eni = enis[hostIdx % enis.length];
    // Zipf-like peer choice: small indexes are much more popular.
    const peer = external[Math.floor(Math.pow(rnd(), 3) * external.length)];
    const svc = SERVICE_PORTS[Math.floor(rnd() * SERVICE_PORTS.length)];
    const eph = 32768 + Math.floor(rnd() * 28000);
    const inbound = rnd() < 0.5;
    const reject = rnd() < 0.1;
    const proto = svc === 53 || svc === 123 ? 17 : 6;
    const packets = reject ? 1 : 1 + Math.floor(rnd() * rnd() * 2000);
    const bytes = reject ? 40 + Math.floor(rnd() * 20) : packets * (60 + Math.floor(rnd() * 1400));
    const dur = reject ? 0 : Math.floor(rnd() * 60);
    const line = inbound
      ? `2 123456789012 ${eni} ${peer} ${host} ${eph} ${svc} ${proto} ${packets} ${bytes} ${t} ${t + dur} ${reject ? 'REJECT' : 'ACCEPT'} OK`
      : `2 123456789012 ${eni} ${host} ${peer} ${eph} ${svc} ${proto} ${packets} ${bytes} ${t} ${t + dur} ${reject ? 'REJECT' : 'ACCEPT'} OK`;
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
//# sourceMappingURL=generate-vpc.js.map
