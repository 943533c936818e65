// Measures the threat-intel matcher: 6 lists x 250 000 entries by default.
// Run: node --expose-gc scripts/bench-intel.ts [lists] [entriesPerList] [lookups]

import { benchIntelLookup } from '../src/intel/bench.ts';

const [lists, perList, lookups] = process.argv.slice(2).map(Number);
const r = await benchIntelLookup({ lists, entriesPerList: perList, lookups });
const mib = (b: number): string => (b / 1024 / 1024).toFixed(1);
console.log(`lists: ${r.lists} x ${r.entries / r.lists} = ${r.entries} entries`);
console.log(
  `build: ${r.buildMs.toFixed(0)} ms; memory: ${mib(r.memoryBytes)} MiB measured, ${mib(r.indexBytes)} MiB in index arrays`,
);
const m = (x: number): string => (x / 1e6).toFixed(2);
console.log(
  `IPv4 lookups: ${m(r.lookupsPerSecond)} M/s wall, ${m(r.lookupsPerCpuSecond)} M/s per CPU second, over ${r.lookups}`,
);
console.log(
  `IPv6 lookups: ${m(r.v6LookupsPerSecond)} M/s wall, ${m(r.v6LookupsPerCpuSecond)} M/s per CPU second; hits: ${r.hits}`,
);
