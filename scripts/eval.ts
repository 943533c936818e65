// `npm run eval`: runs the detectors over labelled data and prints per-detector true/false
// positives and misses; writes docs/detection-quality.md.
//   1. the VPC generator (src/generate) under several seeds, v5 and v2 lines, with an operator
//      threat list, a Tor list and a trusted list;
//   2. the shared lab capture (../shared/datasets/generated, VPC files derived from it) when present;
//   3. RITA's real sensor capture (../shared/datasets/rita/missing_host, Zeek conn logs) when
//      present: its DNS and NTP are periodic and benign, so no beacon may be reported there.
// Generator runs also count the benign periodic pairs and the beacon findings among them.
// Also checks that shuffling the order of input chunks (within the lateness) changes nothing.

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { manualClock } from '../src/core/clock.ts';
import { createDetectionPipeline } from '../src/engine/pipeline.ts';
import { createListIntel, noAssets, type IntelLookup } from '../src/engine/lookups.ts';
import type { Finding } from '../src/findings/finding.ts';
import { createMemoryFindingStore } from '../src/findings/memory-store.ts';
import { generateVpc, vpcHeader } from '../src/generate/vpc-generator.ts';
import { parseVpcBuffer } from '../src/parsers/vpc/parser.ts';
import { ZeekConnParser } from '../src/parsers/zeek/parser.ts';
import type { CoverageGap, FlowBatch } from '../src/core/flow.ts';
import { parseIpv4 } from '../src/core/ip.ts';
import { scoreFindings, type Label, type Score } from '../src/generate/score.ts';

const root = path.resolve(import.meta.dirname, '..');
const labDir = path.resolve(root, '../shared/datasets/generated');
const ritaDir = path.resolve(root, '../shared/datasets/rita/missing_host/2024-04-19');
const BEACON = 'Backdoor:Host/C&CActivity.Beacon';

async function detect(
  text: string,
  config: unknown,
  intel: IntelLookup,
): Promise<{ findings: Finding[]; records: number; ms: number }> {
  // The product's own VPC parser, as `ingest` uses it; every line must parse.
  const parsed = parseVpcBuffer(Buffer.from(text), { file: 'eval' });
  if (parsed.rejections.length > 0) {
    throw new Error(
      `eval input has ${parsed.rejections.length} malformed lines, first: ${JSON.stringify(parsed.rejections[0])}`,
    );
  }
  const r = await detectBatches(parsed.batches, parsed.gaps, config, intel);
  return r;
}

async function detectBatches(
  batches: readonly FlowBatch[],
  gaps: readonly CoverageGap[],
  config: unknown,
  intel: IntelLookup,
): Promise<{ findings: Finding[]; records: number; ms: number }> {
  const store = createMemoryFindingStore();
  const pipeline = createDetectionPipeline({
    config,
    intel,
    assets: noAssets,
    findingStore: store,
    clock: manualClock(0),
  });
  const t0 = performance.now();
  let records = 0;
  for (const b of batches) {
    records += b.length;
    await pipeline.onFlows(b);
  }
  pipeline.onGaps([...gaps]);
  await pipeline.finish();
  return { findings: await store.list(), records, ms: performance.now() - t0 };
}

/** Findings as comparable text: id, count, severity, first/last seen. */
function fingerprint(fs: readonly Finding[]): string {
  return fs
    .map((f) => `${f.id} ${f.count} ${f.severity} ${f.firstSeen} ${f.lastSeen}`)
    .sort()
    .join('\n');
}

/** Swaps neighbouring 5-minute chunks: out of order, but within the 15-minute lateness. */
function shuffleChunks(lines: readonly string[]): string[] {
  const chunks = new Map<number, string[]>();
  for (const l of lines) {
    const start = Number(l.split(' ')[10]);
    const k = Math.floor(start / 300);
    const list = chunks.get(k);
    if (list) list.push(l);
    else chunks.set(k, [l]);
  }
  const keys = [...chunks.keys()].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < keys.length; i += 2) {
    const a = chunks.get(keys[i]!)!;
    const b = keys[i + 1] === undefined ? [] : chunks.get(keys[i + 1]!)!;
    out.push(...b.slice().reverse(), ...a.slice().reverse());
  }
  return out;
}

/**
 * Outbound pairs (internal IPv4 client, remote, port) with connections in at least 12 distinct
 * minutes: the periodic and repeated traffic a beacon detector must pass over.
 */
function repeatedPairs(batches: readonly FlowBatch[]): Set<string> {
  const minutes = new Map<string, Set<number>>();
  for (const b of batches)
    for (let i = 0; i < b.length; i++) {
      if (b.srcIp6[i] !== null || b.srcPort[i]! < b.dstPort[i]! || b.srcPort[i]! < 1024) continue;
      const src = b.srcIp4[i]!;
      if (src >>> 24 !== 10 || b.srcPort[i]! === b.dstPort[i]!) continue;
      const k = `${src} ${b.dstIp4[i]} ${b.dstPort[i]}`;
      let m = minutes.get(k);
      if (!m) minutes.set(k, (m = new Set()));
      if (m.size < 12) m.add(Math.floor(b.start[i]! / 60));
    }
  const out = new Set<string>();
  for (const [k, m] of minutes) if (m.size >= 12) out.add(k);
  return out;
}

interface Run {
  name: string;
  score: Score;
  records: number;
  ms: number;
  orderInvariant: boolean | null;
  /** Benign periodic pairs in the data and beacon findings that are not true (null: not counted). */
  periodicPairs: number | null;
  beaconFalse: number;
}

const runs: Run[] = [];
const seeds = (process.env.EVAL_SEEDS ?? '1,2,3,4,5').split(',').map(Number);
for (const seed of seeds) {
  const version = seed % 2 === 0 ? 2 : 5;
  const g = generateVpc({ seed, version, hours: 4 });
  const intel = createListIntel(
    [
      { name: 'operator-threats', kind: 'threat', entries: g.threatList },
      { name: 'tor-nodes', kind: 'tor-relay', entries: g.torList },
    ],
    g.trusted,
  );
  const text = `${vpcHeader(version)}\n${g.lines.join('\n')}`;
  const a = await detect(text, {}, intel);
  const b = await detect(`${vpcHeader(version)}\n${shuffleChunks(g.lines).join('\n')}`, {}, intel);
  const labels: Label[] = g.labels.map((l) => ({ ...l, name: l.attack }));
  const score = scoreFindings(a.findings, labels, g.trusted);
  // Every repeated outbound pair but the true beacon's.
  const trueBeacons = new Set(
    a.findings
      .filter((f) => f.type === BEACON && !score.falsePositives.includes(f))
      .map((f) => `${parseIpv4(f.resource.ip)} ${parseIpv4(f.actor.ip)} ${f.actor.port}`),
  );
  const parsed = parseVpcBuffer(Buffer.from(text), { file: 'eval' });
  const periodic = [...repeatedPairs(parsed.batches)].filter((k) => !trueBeacons.has(k));
  runs.push({
    name: `generator seed ${seed} (VPC v${version}, 4 h)`,
    score,
    records: a.records,
    ms: a.ms,
    orderInvariant: fingerprint(a.findings) === fingerprint(b.findings),
    periodicPairs: periodic.length,
    beaconFalse: score.falsePositives.filter((f) => f.type === BEACON).length,
  });
}

// The shared lab: 10.200.0.0/24 is private, so the attackers are declared external, and the
// lab's exfiltration (8 MB in 0.1 s) is far below the production default, so the lab config
// lowers the upload thresholds. Beaconing and the web scan need later issues (baselines,
// access logs) and are listed as out of scope.
const LAB_TYPES: Record<string, string | null> = {
  vscan: 'Recon:Host/Portscan',
  hscan: 'Recon:Host/Portscan',
  masscan: 'Recon:Host/Portscan',
  sshbf: 'UnauthorizedAccess:Host/SSHBruteForce',
  exfil: 'Exfiltration:Host/LargeUpload',
  synflood: 'Impact:Host/InboundFlood',
  udpflood: 'Impact:Host/InboundFlood',
  beacon: null,
  webscan: null,
};
const labConfig = {
  scope: {
    externalCidrs: [
      '10.200.0.1/32',
      '10.200.0.3/32',
      '10.200.0.4/32',
      '10.200.0.5/32',
      '10.200.0.6/32',
      '10.200.0.7/32',
      '10.200.0.8/32',
      '10.200.0.9/32',
      '10.200.0.50/32',
    ],
  },
  detectors: { 'large-upload': { windowBytes: 4 * 1048576, flowBytes: 4 * 1048576 } },
};
const outOfScope: string[] = [];
if (existsSync(path.join(labDir, 'ndr-lab.labels.csv'))) {
  const rows = readFileSync(path.join(labDir, 'ndr-lab.labels.csv'), 'utf8').trim().split('\n').slice(1);
  const labels: Label[] = [];
  for (const row of rows) {
    const [event, , epoch, detail] = row.split(',');
    if (!event?.endsWith('_start')) continue;
    const name = event.slice(0, -'_start'.length);
    const type = LAB_TYPES[name];
    if (type === undefined) continue;
    if (type === null) {
      outOfScope.push(`${name} (${detail})`);
      continue;
    }
    const m = /^(\d+\.\d+\.\d+\.\d+)->(\d+\.\d+\.\d+\.\d+)/.exec(detail ?? '');
    const end = rows.map((r) => r.split(',')).find((r) => r[0] === `${name}_end`)?.[2];
    if (!m) continue;
    const actor = name === 'exfil' ? m[1]! : m[1]!;
    const resource =
      name === 'hscan' ? '10.200.0.10' : m[2] === undefined ? m[1]! : name === 'exfil' ? m[1]! : m[2];
    labels.push({ name, type, actor, resource, start: Number(epoch) - 2, end: Number(end ?? epoch) + 30 });
  }
  for (const file of ['vpcflow-custom-v5', 'vpcflow-v2']) {
    const text = gunzipSync(readFileSync(path.join(labDir, `ndr-lab.${file}-DERIVED.log.gz`))).toString();
    const r = await detect(text, labConfig, createListIntel([]));
    runs.push({
      name: `shared lab ${file}`,
      score: scoreFindings(r.findings, labels),
      records: r.records,
      ms: r.ms,
      orderInvariant: null,
      periodicPairs: null,
      beaconFalse: r.findings.filter((f) => f.type === BEACON).length,
    });
  }
} else {
  console.log(`note: ${labDir} not found; the shared lab is skipped`);
}

// RITA's sensor: a real internet-facing host (64.225.56.201) whose own traffic is DNS to its
// resolvers and NTP, periodic and benign. No official labels: every beacon finding is false.
const ritaNotes: string[] = [];
if (existsSync(ritaDir)) {
  const batches: FlowBatch[] = [];
  const files = readdirSync(ritaDir)
    .filter((f) => f.endsWith('.log.gz'))
    .sort();
  for (const f of files) {
    const parser = new ZeekConnParser({ file: f });
    const out = [parser.push(gunzipSync(readFileSync(path.join(ritaDir, f)))), parser.end()];
    for (const o of out) batches.push(...o.batches);
  }
  const r = await detectBatches(
    batches,
    [],
    { scope: { internalCidrs: ['64.225.56.201/32'] } },
    createListIntel([]),
  );
  const beacons = r.findings.filter((f) => f.type === BEACON);
  const byType = new Map<string, number>();
  for (const f of r.findings) byType.set(f.type, (byType.get(f.type) ?? 0) + 1);
  ritaNotes.push(
    `- ${files.length} hourly Zeek conn logs, ${r.records} connections; beacon findings: ${beacons.length} (the sensor's DNS to 67.207.67.2/.3 and NTP to 91.189.91.157 are periodic and benign).`,
    `- Findings by type (no official labels): ${
      [...byType]
        .sort()
        .map(([t, n]) => `${t} ${n}`)
        .join(', ') || 'none'
    }.`,
    ...beacons.map((f) => `- beacon: ${f.title}`),
  );
  runs.push({
    name: 'RITA sensor 2024-04-19 (Zeek, 24 h, unlabelled)',
    score: scoreFindings([], []),
    records: r.records,
    ms: r.ms,
    orderInvariant: null,
    periodicPairs: null,
    beaconFalse: beacons.length,
  });
} else {
  console.log(`note: ${ritaDir} not found; the RITA capture is skipped`);
}

// Report.
const lines: string[] = [];
const say = (s = ''): void => {
  console.log(s);
  lines.push(s);
};
say('# Detection quality');
say();
say('Written by `npm run eval` (scripts/eval.ts); do not edit by hand.');
say();
say(
  '| data | records | labels found | findings sev >= 4 | precision sev >= 4 | FP sev >= 4 | findings on trusted IPs | order-invariant |',
);
say('|---|---|---|---|---|---|---|---|');
for (const r of runs) {
  const fpHigh = Object.values(r.score.perDetector).reduce((n, d) => n + d.fpHigh, 0);
  say(
    `| ${r.name} | ${r.records} | ${r.score.found}/${r.score.labels} | ${r.score.findingsMedium} | ${r.score.precisionMedium.toFixed(3)} | ${fpHigh} | ${r.score.trustedFindings.length} | ${r.orderInvariant === null ? 'n/a' : r.orderInvariant ? 'yes' : 'NO'} |`,
  );
}
say();
say('## Per detector (all runs summed)');
say();
say('| detector | true positives | false positives (all severities) | of which sev >= 4 |');
say('|---|---|---|---|');
const sum: Record<string, { tp: number; fp: number; fpHigh: number }> = {};
for (const r of runs)
  for (const [d, s] of Object.entries(r.score.perDetector)) {
    const t = (sum[d] ??= { tp: 0, fp: 0, fpHigh: 0 });
    t.tp += s.tp;
    t.fp += s.fp;
    t.fpHigh += s.fpHigh;
  }
for (const [d, s] of Object.entries(sum).sort()) say(`| ${d} | ${s.tp} | ${s.fp} | ${s.fpHigh} |`);
say();
say('## Beacons and routine periodic traffic');
say();
say(
  '| data | other repeated outbound pairs (12+ distinct minutes: DNS, NTP, metrics agent, APIs, backups, ...) | beacon findings that are false |',
);
say('|---|---|---|');
for (const r of runs) say(`| ${r.name} | ${r.periodicPairs ?? 'n/a'} | ${r.beaconFalse} |`);
if (ritaNotes.length > 0) {
  say();
  say('RITA sensor capture:');
  say();
  for (const n of ritaNotes) say(n);
}
say();
say('## Misses');
say();
const misses = runs.flatMap((r) =>
  r.score.missed.map((m) => `- ${r.name}: ${m.name} (${m.type}, actor ${m.actor})`),
);
say(misses.length === 0 ? 'None.' : misses.join('\n'));
say();
say('## False positives (every severity)');
say();
const fps = runs.flatMap((r) =>
  r.score.falsePositives.map((f) => `- ${r.name}: sev ${f.severity} ${f.type}: ${f.title}`),
);
say(fps.length === 0 ? 'None.' : fps.join('\n'));
if (outOfScope.length > 0) {
  say();
  say('## Lab scenarios out of scope for flow detectors in this issue');
  say();
  for (const o of outOfScope) say(`- ${o}`);
}
say();
say('Detection throughput on this machine (single thread, memory store, includes the findings stage):');
for (const r of runs) say(`- ${r.name}: ${Math.round(r.records / (r.ms / 1000))} records/s`);
writeFileSync(path.join(root, 'docs/detection-quality.md'), `${lines.join('\n')}\n`);
