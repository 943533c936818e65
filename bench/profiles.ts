// Host profiles (src/behavior) in `npm run bench`: the memory of 10 000 profiles with every bound
// reached (256 used and 256 served ports, 1 024 peers, a full day of buckets: the worst case), and
// the time the online update takes over parsed batches (annotation excluded: the pipeline does it
// once for every detector), to set beside the time of the ingest without detection.
//   node bench/profiles.ts [vpc-file]   prints both figures

import { readFileSync } from 'node:fs';
import { createProfileBook } from '../src/behavior/book.ts';
import {
  BUCKET_SECONDS,
  MAX_PEERS,
  MAX_PORTS,
  RECENT_BUCKETS,
  commitBucket,
  createProfile,
} from '../src/behavior/profile.ts';
import { formatIpv4 } from '../src/core/ip.ts';
import { DEFAULT_SERVICE_PORTS, createAnnotator } from '../src/engine/annotate.ts';
import type { FlowView } from '../src/engine/detector.ts';
import { createAddressInterner } from '../src/engine/keys.ts';
import { noIntel } from '../src/engine/lookups.ts';
import { createNetScope } from '../src/engine/net-scope.ts';
import { parseVpcBuffer } from '../src/parsers/vpc/parser.ts';

const gc = (globalThis as { gc?: () => void }).gc;
const heap = (): number => {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** MiB held by `hosts` profiles with every bound reached. */
export function benchProfileMemory(hosts = 10_000): { mib: number; hosts: number; exact: boolean } {
  const before = heap();
  const book = createProfileBook(hosts);
  const t0 = 1_795_392_000;
  for (let h = 0; h < hosts; h++) {
    const p = createProfile(formatIpv4((0x0a000000 + h) >>> 0), t0);
    for (let k = 0; k < MAX_PORTS; k++) {
      p.used.add(6 * 65536 + 1000 + k);
      p.served.add(17 * 65536 + 2000 + k);
    }
    for (let k = 0; k < MAX_PEERS; k++) p.peers.add((0x5f000000 + h * 7919 + k * 104729) % 1073741789);
    for (let k = 0; k < RECENT_BUCKETS; k++) commitBucket(p, t0 + k * BUCKET_SECONDS, 1000 + k);
    book.add(p);
  }
  const mib = (heap() - before) / 1048576;
  if (book.profiles.length !== hosts) throw new Error('book dropped profiles');
  return { mib, hosts, exact: gc !== undefined };
}

/** CPU seconds the online profile update takes over the records of a VPC file (parsed beforehand). */
export function benchProfileUpdates(buf: Buffer): { seconds: number; records: number; hosts: number } {
  const parsed = parseVpcBuffer(buf, { file: 'bench' });
  const annotator = createAnnotator(
    createNetScope({ internalCidrs: [], externalCidrs: [] }),
    noIntel,
    createAddressInterner(),
    new Set(DEFAULT_SERVICE_PORTS),
    120,
  );
  // Views are copied so the timing covers the profile update only.
  const views: FlowView[] = parsed.batches.map((b) => {
    const v = annotator.annotate(b, -Infinity);
    return {
      ...v,
      srcKey: v.srcKey.slice(),
      dstKey: v.dstKey.slice(),
      srcInternal: v.srcInternal.slice(),
      dstInternal: v.dstInternal.slice(),
      reply: v.reply.slice(),
      skip: v.skip.slice(),
      trusted: v.trusted.slice(),
    };
  });
  const book = createProfileBook();
  let records = 0;
  // CPU time (user + system) of this single thread: steadier than wall time on a shared machine.
  const c0 = process.cpuUsage();
  for (const v of views) {
    book.observe(v);
    records += v.batch.length;
    book.advance(v.batch.start[v.batch.length - 1]! - 900);
  }
  book.advance(Infinity);
  const c = process.cpuUsage(c0);
  return { seconds: (c.user + c.system) / 1e6, records, hosts: book.profiles.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const m = benchProfileMemory();
  console.log(
    `${m.hosts} profiles, every bound reached: ${m.mib.toFixed(1)} MiB${m.exact ? '' : ' (run with --expose-gc for an exact figure)'}`,
  );
  const file = process.argv[2];
  if (file !== undefined) {
    const u = benchProfileUpdates(readFileSync(file));
    console.log(
      `online update: ${u.records} records in ${u.seconds.toFixed(2)} CPU s (${Math.round(u.records / u.seconds)} records/s), ${u.hosts} hosts`,
    );
  }
}
