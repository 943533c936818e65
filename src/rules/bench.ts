// The rules benchmark (`npm run bench`, also runnable alone: node src/rules/bench.ts): 1 000
// enabled rules over generated flows on one core, and loading a 1 000-file rule directory in
// which 1 in 10 files has mistakes. The rule mix is written out below so the figure can be judged.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FlowBatch } from '../core/flow.ts';
import { loadRules } from './load.ts';
import { createLocalRun } from './run-local.ts';
import type { Rule } from './types.ts';
import { generatedFlows, seeded } from './testdata.ts';

/** Service ports rules are written about; the generated traffic uses the first 14 of them. */
const COMMON = [22, 25, 53, 80, 443, 3306, 5432, 6379, 8080, 9200, 27017, 3389, 587, 11211];

/**
 * 1 000 rules: 800 require a destination port (a quarter on the 14 ports the traffic uses, the
 * rest on other service ports) and a condition on the source, the bytes or the action that few
 * records meet (rules are about rare events); 150 have no port (address ranges, text patterns,
 * byte counts, one address); 50 are value_count correlations over rules of the 950.
 */
export function benchRuleFiles(dir: string, count = 1000, broken = 0): void {
  const rnd = seeded(99);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  mkdirSync(dir, { recursive: true });
  const corr = Math.round(count * 0.05);
  const noPort = Math.round(count * 0.15);
  for (let i = 0; i < count; i++) {
    const id = `bench-${i}`;
    let body: string;
    if (i < count - corr - noPort) {
      const port = rnd() < 0.25 ? pick(COMMON) : 1024 + Math.floor(rnd() * 20000);
      const extra = pick([
        `src_ip|cidr: 203.0.113.${i % 50}/32`,
        `bytes|gt: ${100_000 + Math.floor(rnd() * 100_000)}`,
        `src_ip: 198.51.100.${i % 50}\n    action: reject`,
      ]);
      body = `logsource: {category: flow}\ndetection:\n  sel:\n    dst_port: ${port}\n    ${extra}\n  inside: {src_ip|cidr: 10.${i % 256}.0.0/16}\n  condition: sel and not inside\n`;
    } else if (i < count - corr) {
      const sel = pick([
        `src_ip|cidr: 45.33.${i % 256}.0/24`,
        `vpc_id|contains: 'x${i}'`,
        `packets|gt: ${100 + i}`,
        `dst_ip: 8.8.${i % 256}.${i % 200}`,
      ]);
      body = `logsource: {category: flow}\ndetection:\n  sel: {${sel}}\n  condition: sel\n`;
    } else {
      const ref = `bench-${Math.floor(rnd() * (count - corr))}`;
      body = `correlation: {type: value_count, rules: [${ref}], group-by: [src_ip], timespan: 1m, condition: {gt: 20, field: dst_port}}\n`;
    }
    // A broken file: a misspelt field and an unknown modifier (two problems to report).
    if (i < broken) body = body.replace('dst_port:', 'dst_prot:').replace('|cidr', '|cidrr');
    writeFileSync(path.join(dir, `${id}.yml`), `title: bench rule ${i}\nid: ${id}\nlevel: low\n${body}`);
  }
}

export interface RulesScaling {
  rules: number;
  /** Records per CPU-second through annotation and the rule engine. */
  recordsPerSecond: number;
  /** recordsPerSecond / the same pipeline's with no rules. */
  ratioToBare: number;
  matches: number;
}

export interface RulesBench {
  rules: number;
  records: number;
  recordsPerSecond: number;
  matches: number;
  /** The same run with 0 (the bare pipeline: annotation, windows, watermarks), 10, 100 and 1 000 rules. */
  scaling: RulesScaling[];
  loadFiles: number;
  loadProblems: number;
  loadMs: number;
}

/** CPU seconds this process spent (the machine is shared: wall time would measure the others). */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function timeRun(rules: readonly Rule[], batches: readonly FlowBatch[]): { secs: number; matches: number } {
  const warm = createLocalRun(rules);
  warm.onFlows(batches[0]!);
  warm.finish();
  let best = Infinity;
  let matches = 0;
  // Best of two: a collection started by the previous run must not be charged to this one.
  for (let k = 0; k < 2; k++) {
    const run = createLocalRun(rules);
    const t = cpuSeconds();
    for (const b of batches) run.onFlows(b);
    const res = run.finish();
    best = Math.min(best, cpuSeconds() - t);
    matches = [...res.matches.values()].reduce((a, b) => a + b, 0);
  }
  return { secs: best, matches };
}

export const RULE_COUNTS = [0, 10, 100, 1000] as const;

export function benchRules(options: { records?: number } = {}): RulesBench {
  const dir = mkdtempSync(path.join(tmpdir(), 'sakura-rules-bench-'));
  try {
    benchRuleFiles(path.join(dir, 'broken'), 1000, 100);
    const t0 = performance.now();
    const broken = loadRules([path.join(dir, 'broken')]);
    const loadMs = performance.now() - t0;
    const total = options.records ?? 2_000_000;
    const batches: FlowBatch[] = [];
    for (let n = 0; n < total; n += 8192) batches.push(generatedFlows(Math.min(8192, total - n), 7 + n, 60));
    // Event times: consecutive batches one minute apart, so windows close as in a real run.
    batches.forEach((b, k) => {
      for (let i = 0; i < b.length; i++) b.start[i] = b.start[i]! + k * 60;
    });
    const scaling: RulesScaling[] = [];
    let bare = NaN;
    for (const count of RULE_COUNTS) {
      const ruleDir = path.join(dir, `ok-${count}`);
      benchRuleFiles(ruleDir, count);
      const loaded = loadRules([ruleDir]);
      if (loaded.problems.length > 0)
        throw new Error(`bench rules have problems: ${loaded.problems[0]?.message}`);
      const { secs, matches } = timeRun(loaded.rules, batches);
      const rate = total / secs;
      if (count === 0) bare = rate;
      scaling.push({ rules: loaded.rules.length, recordsPerSecond: rate, ratioToBare: rate / bare, matches });
    }
    const full = scaling[scaling.length - 1]!;
    return {
      rules: full.rules,
      records: total,
      recordsPerSecond: full.recordsPerSecond,
      matches: full.matches,
      scaling,
      loadFiles: broken.files,
      loadProblems: broken.problems.length,
      loadMs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = benchRules({ records: Number(process.argv[2] ?? 2_000_000) });
  for (const s of r.scaling)
    process.stdout.write(
      `${String(s.rules).padStart(5)} rules: ${Math.round(s.recordsPerSecond / 1000)} k records/CPU-s, x${s.ratioToBare.toFixed(2)} of the bare pipeline, ${s.matches} matches\n`,
    );
  process.stdout.write(
    `load: ${r.loadFiles} files, ${r.loadProblems} problems, ${Math.round(r.loadMs)} ms\n`,
  );
}
