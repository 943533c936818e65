// A throughput and memory measurement of the intel matcher, for `scripts/bench-intel.ts` and the
// project benchmark: N lists of M random entries (mostly /32, some /24../16 networks, a few IPv6
// prefixes), then lookups of random addresses. Not a test: it times things.

import { formatIpv4 } from '../core/ip.ts';
import { buildIntelLookup, type IntelListInput } from './lookup.ts';

export interface IntelBenchOptions {
  lists?: number;
  entriesPerList?: number;
  lookups?: number;
  seed?: number;
}

export interface IntelBenchResult {
  lists: number;
  entries: number;
  buildMs: number;
  /** Heap + external memory held once the input lists are dropped (meaningful with --expose-gc). */
  memoryBytes: number;
  indexBytes: number;
  lookups: number;
  /** Per second of wall time, and per second of this process's CPU time (steadier on a busy machine). */
  lookupsPerSecond: number;
  lookupsPerCpuSecond: number;
  v6LookupsPerSecond: number;
  v6LookupsPerCpuSecond: number;
  hits: number;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

/** A full collection, then a pause so that freed array buffers are swept before measuring. */
const gc = async (): Promise<void> => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) return;
  g();
  await new Promise((resolve) => setTimeout(resolve, 100));
  g();
};

export async function benchIntelLookup(opts: IntelBenchOptions = {}): Promise<IntelBenchResult> {
  const nLists = opts.lists ?? 6;
  const perList = opts.entriesPerList ?? 250_000;
  const nLookups = opts.lookups ?? 5_000_000;
  const r = rng(opts.seed ?? 42);
  await gc();
  const baseline = used();
  const lists: IntelListInput[] = [];
  for (let l = 0; l < nLists; l++) {
    const entries: string[] = [];
    for (let i = 0; i < perList; i++) {
      const a = Math.floor(r() * 2 ** 32);
      const p = r();
      if (p < 0.9) entries.push(`${formatIpv4(a)}/32`);
      else if (p < 0.995) entries.push(`${formatIpv4(a & 0xffffff00)}/24`.replace(/^-/, ''));
      else entries.push(`2001:db8:${(a >>> 16).toString(16)}:${(a & 0xffff).toString(16)}::/64`);
    }
    lists.push({ name: `list-${l}`, kind: l === nLists - 1 ? 'trusted' : 'threat', entries });
  }
  const t0 = performance.now();
  const index = buildIntelLookup(lists);
  const buildMs = performance.now() - t0;
  lists.length = 0; // so that only the index stays reachable for the memory figure
  await gc();
  const memoryBytes = used() - baseline;

  const probes = new Uint32Array(1 << 16);
  for (let i = 0; i < probes.length; i++) probes[i] = Math.floor(r() * 2 ** 32);
  let hits = 0;
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  for (let i = 0; i < nLookups; i++) {
    if (index.match(probes[i & 0xffff]!, null) !== null) hits++;
  }
  const lookupMs = performance.now() - t1;
  const lookupCpuMs = cpuMs(process.cpuUsage(c1));

  const v6Probes = Array.from({ length: 4096 }, () => {
    const a = Math.floor(r() * 2 ** 32);
    return `2001:db8:${(a >>> 16).toString(16)}:${(a & 0xffff).toString(16)}::1`;
  });
  const nV6 = Math.max(1, Math.floor(nLookups / 10));
  const c2 = process.cpuUsage();
  const t2 = performance.now();
  for (let i = 0; i < nV6; i++) if (index.match(0, v6Probes[i & 4095]!) !== null) hits++;
  const v6Ms = performance.now() - t2;
  const v6CpuMs = cpuMs(process.cpuUsage(c2));

  return {
    lists: nLists,
    entries: nLists * perList,
    buildMs,
    memoryBytes,
    indexBytes: index.bytes,
    lookups: nLookups,
    lookupsPerSecond: nLookups / (lookupMs / 1000),
    lookupsPerCpuSecond: nLookups / (lookupCpuMs / 1000),
    v6LookupsPerSecond: nV6 / (v6Ms / 1000),
    v6LookupsPerCpuSecond: nV6 / (v6CpuMs / 1000),
    hits,
  };
}
