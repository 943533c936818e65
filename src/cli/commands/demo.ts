// `sakura-guard demo`: a day of a small VPC's flow logs, with attacks in it, generated, imported
// and examined, so a new user sees the whole path in one command and on their own machine.

import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { systemClock } from '../../core/clock.ts';
import { UserError } from '../../core/errors.ts';
import { createDuckDbFindingStore } from '../../findings/duckdb-store.ts';
import type { Finding } from '../../findings/finding.ts';
import { generateVpc, labelsCsv, vpcHeader } from '../../generate/vpc-generator.ts';
import { addIntelList } from '../../intel/store.ts';
import { openDuckDbStore } from '../../store/duckdb.ts';
import { type CliContext, writeLine } from '../context.ts';
import { renderTable } from '../table.ts';
import { ingestPaths, printIngestSummary } from './ingest.ts';
import { toSql } from './query.ts';
import { runUserQuery } from '../../store/user-query.ts';

const MARKER = '.sakura-guard-demo';
const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-1';

interface DemoOptions {
  dir: string;
  hours: string;
  seed: string;
}

/** Writes the generated lines as hourly gzipped files in AWS's S3 layout. Returns the logs root. */
function writeS3Layout(
  root: string,
  header: string,
  lines: readonly string[],
): { dir: string; files: number } {
  const byHour = new Map<number, string[]>();
  for (const line of lines) {
    const start = Number(line.split(' ')[10]);
    const hour = Number.isFinite(start) ? Math.floor(start / 3600) * 3600 : 0;
    let bucket = byHour.get(hour);
    if (!bucket) byHour.set(hour, (bucket = []));
    bucket.push(line);
  }
  const logs = path.join(root, 'logs');
  for (const [hour, bucket] of byHour) {
    const d = new Date(hour * 1000);
    const y = String(d.getUTCFullYear());
    const m = String(d.getUTCMonth() + 1).padStart(2, '0');
    const day = String(d.getUTCDate()).padStart(2, '0');
    const hh = String(d.getUTCHours()).padStart(2, '0');
    const dir = path.join(logs, 'AWSLogs', ACCOUNT, 'vpcflowlogs', REGION, y, m, day);
    mkdirSync(dir, { recursive: true });
    const name = `${ACCOUNT}_vpcflowlogs_${REGION}_fl-0demo_${y}${m}${day}T${hh}00Z_demo.log.gz`;
    writeFileSync(path.join(dir, name), gzipSync(`${header}\n${bucket.join('\n')}\n`));
  }
  return { dir: logs, files: byHour.size };
}

/** Refuses to reuse a directory that has other content than an earlier demo's. */
function prepareDir(dir: string): void {
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      throw new UserError(`${dir} exists and was not made by the demo`, {
        hint: 'pass --dir with a new or empty directory; the demo replaces the directory it writes',
      });
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, MARKER), 'made by `sakura-guard demo`; safe to delete\n');
}

function findingRows(findings: readonly Finding[]): unknown[][] {
  return findings.map((f) => [
    f.severity.toFixed(1),
    f.type,
    f.actor.ip,
    f.resource.name ?? f.resource.ip,
    f.count,
    f.title,
  ]);
}

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description(
      'generate a day of VPC flow logs with attacks, import them, and show what Sakura Guard finds',
    )
    .option(
      '--dir <dir>',
      'where to write the demo logs and its data directory (replaced on each run)',
      'demo',
    )
    .option('--hours <n>', 'hours of traffic to generate', '24')
    .option('--seed <n>', 'random seed (the same seed gives the same traffic)', '2026')
    .action(async (opts: DemoOptions) => {
      const hours = Number(opts.hours);
      const seed = Number(opts.seed);
      if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 7) {
        throw new UserError(`--hours ${opts.hours} is out of range`, {
          hint: 'give a number of hours from 1 to 168',
        });
      }
      if (!Number.isInteger(seed)) throw new UserError(`--seed ${opts.seed} is not a whole number`);
      const root = path.resolve(opts.dir);
      prepareDir(root);
      const out = ctx.stdout;

      writeLine(out, `1. Generating ${hours} h of VPC Flow Logs (v5) for a small VPC, attacks included ...`);
      const g = generateVpc({ seed, hours, version: 5 });
      const logs = writeS3Layout(root, vpcHeader(5), g.lines);
      writeFileSync(path.join(root, 'labels.csv'), labelsCsv(g.labels));
      writeLine(
        out,
        `   ${g.lines.length.toLocaleString('en-US')} records in ${logs.files} gzipped files under ${logs.dir}`,
      );

      const dataDir = path.join(root, 'data');
      const demoCtx: CliContext = { ...ctx, dataDir: () => dataDir };
      writeLine(out, '2. Loading an operator threat list, a Tor exit list and a trusted list ...');
      const lists: [string, string[], 'threat' | 'tor-exit' | 'trusted'][] = [
        ['operator-threats', g.threatList, 'threat'],
        ['tor-exits', g.torList, 'tor-exit'],
        ['trusted-scanners', g.trusted, 'trusted'],
      ];
      for (const [name, entries, kind] of lists) {
        const file = path.join(root, `${name}.txt`);
        writeFileSync(file, `# ${name} (generated by the demo)\n${entries.join('\n')}\n`);
        await addIntelList(dataDir, file, { name, kind, format: 'txt', clock: systemClock });
      }

      writeLine(out, '3. Importing and detecting ...');
      const summary = await ingestPaths(demoCtx, [logs.dir], { format: 'auto', detect: true });
      printIngestSummary(demoCtx, summary);

      writeLine(out);
      writeLine(out, '4. Findings, most severe first:');
      const store = await openDuckDbStore(dataDir);
      try {
        const findings = await (await createDuckDbFindingStore(store.connection)).list({ status: 'active' });
        findings.sort((a, b) => b.severity - a.severity || a.type.localeCompare(b.type));
        out.write(
          renderTable(
            { columns: ['sev', 'type', 'actor', 'resource', 'count', 'title'], rows: findingRows(findings) },
            70,
          ),
        );
      } finally {
        await store.close();
      }

      writeLine(out);
      writeLine(
        out,
        '5. A question in the CloudWatch Logs Insights language: who sent the most bytes out of the VPC?',
      );
      const pipe =
        'filter isIpv4InSubnet(srcAddr, "10.0.0.0/16") and not isIpv4InSubnet(dstAddr, "10.0.0.0/8") | stats sum(bytes) as bytesOut by srcAddr, dstAddr | sort bytesOut desc | limit 5';
      writeLine(
        out,
        `   sakura-guard --data-dir ${path.relative(process.cwd(), dataDir) || dataDir} query '${pipe}'`,
      );
      const q = toSql(pipe);
      const r = await runUserQuery(dataDir, q.sql, q.params);
      out.write(renderTable({ columns: r.columns.map((c) => c.name), rows: r.rows }));

      writeLine(out);
      const rel = path.relative(process.cwd(), dataDir) || dataDir;
      writeLine(out, 'Next steps:');
      writeLine(
        out,
        `  npx sakura-guard --data-dir ${rel} findings            # the findings again, --json for the contract`,
      );
      writeLine(
        out,
        `  npx sakura-guard --data-dir ${rel} findings show ID    # one finding with its evidence`,
      );
      writeLine(out, `  npx sakura-guard --data-dir ${rel} query "SELECT * FROM flows LIMIT 5"`);
      writeLine(
        out,
        `  npx sakura-guard --data-dir ${rel} serve              # API and dashboard on http://127.0.0.1:8080 (it prints a one-time admin token)`,
      );
      writeLine(
        out,
        `  npx sakura-guard ingest path/to/your/AWSLogs/       # your own flow logs, into ./data`,
      );
      writeLine(out, `The attacks the generator injected are listed in ${path.join(root, 'labels.csv')}.`);
    });
}
