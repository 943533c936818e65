// `sakura-guard audit PATH...`: posture audit of compose, Terraform, iptables/nft and Kubernetes
// files, optionally joined with observed flows. Exit 1 with --fail-on when a finding reaches it.

import { writeFile } from 'node:fs/promises';
import { Option } from 'commander';
import { loadAssets } from '../../assets/load.ts';
import { systemClock } from '../../core/clock.ts';
import { EXIT_FINDINGS, EXIT_USAGE, UserError } from '../../core/errors.ts';
import { auditPaths, type AuditReport } from '../../audit/audit.ts';
import { joinFlows } from '../../audit/flows/join.ts';
import { isDataDir } from '../../audit/flows/read-store.ts';
import { type PostureRecordCounts, recordPostureFindings, savePostureReport } from '../../audit/record.ts';
import { createDuckDbFindingStore } from '../../findings/duckdb-store.ts';
import { loadIntel } from '../../intel/store.ts';
import { openDuckDbStore } from '../../store/duckdb.ts';
import { toJson } from '../../audit/output/json.ts';
import { toJunit } from '../../audit/output/junit.ts';
import { toSarif } from '../../audit/output/sarif.ts';
import { toTable, worstSeverity } from '../../audit/output/table.ts';
import { SEVERITIES, type Severity, severityRank } from '../../audit/types.ts';
import { VERSION } from '../main.ts';
import { writeLine } from '../context.ts';
import { runningServer } from '../server-client.ts';
import type { RegisterCommand } from './index.ts';

interface AuditCliOptions {
  format: 'table' | 'json' | 'sarif' | 'junit';
  failOn?: string;
  output?: string;
  flowsFrom?: string[];
  window?: string;
  showSuppressed?: boolean;
  record?: boolean;
}

export const registerAudit: RegisterCommand = (program, ctx) => {
  program
    .command('audit')
    .description('audit network posture of docker-compose, Terraform, iptables-save/nft and Kubernetes files')
    .argument('<paths...>', 'files or directories (searched recursively)')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['table', 'json', 'sarif', 'junit'])
        .default('table'),
    )
    .option(
      '--fail-on <severity>',
      `exit 1 when an unsuppressed finding is at or above: ${SEVERITIES.join(', ')}`,
    )
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option(
      '--flows-from <paths...>',
      'join with observed traffic: a Sakura Guard data directory or VPC flow-log files',
    )
    .option('--window <days>', 'days of traffic to consider with --flows-from (default 30)')
    .option('--show-suppressed', 'list suppressed findings in the table too')
    .option(
      '--record',
      'store the report and its Policy:Host/ExposedSensitivePort findings in the data directory (joins with its flows unless --flows-from is given)',
    )
    .action(async (paths: string[], opts: AuditCliOptions) => {
      let failOn: Severity | undefined;
      if (opts.failOn !== undefined) {
        const s = opts.failOn.toLowerCase();
        if (!(SEVERITIES as readonly string[]).includes(s))
          throw new UserError(`unknown severity '${opts.failOn}' for --fail-on`, {
            hint: `use one of: ${SEVERITIES.join(', ')}`,
            exitCode: EXIT_USAGE,
          });
        failOn = s as Severity;
      }
      let report = await auditPaths(paths);
      if (report.files.length === 0)
        writeLine(
          ctx.stderr,
          `sakura-guard: no docker-compose, Terraform, iptables-save, nft or Kubernetes file found in ${paths.join(', ')}`,
        );
      let flowsFrom = opts.flowsFrom ?? [];
      const days = opts.window === undefined ? 30 : Number(opts.window);
      if (!Number.isFinite(days) || days <= 0)
        throw new UserError(`--window must be a positive number of days, got '${opts.window}'`, {
          hint: 'for example --window 30',
        });
      // While `serve` holds the store, it joins the report with its flows and records it.
      const server = opts.record ? runningServer(ctx.dataDir()) : null;
      if (opts.record && flowsFrom.length === 0 && !server) {
        if (!isDataDir(ctx.dataDir()))
          throw new UserError(`--record needs observed traffic: no store in ${ctx.dataDir()}`, {
            hint: 'pass --flows-from DIR|FILES, or --data-dir pointing at a directory `sakura-guard ingest` filled',
            exitCode: EXIT_USAGE,
          });
        flowsFrom = [ctx.dataDir()];
      }
      if (flowsFrom.length > 0) await joinFlows(report, { from: flowsFrom, windowDays: days });
      if (server) {
        const r = await server.request<{ counts: PostureRecordCounts; report: AuditReport }>(
          'POST',
          '/api/v1/posture/reports',
          { report, ...(flowsFrom.length === 0 ? { joinDays: days } : {}) },
        );
        report = r.report;
        writeLine(ctx.stderr, recordedLine(`${ctx.dataDir()} (through ${server.url})`, r.counts));
      }
      const text =
        opts.format === 'json'
          ? toJson(report)
          : opts.format === 'sarif'
            ? `${JSON.stringify(toSarif(report, VERSION), null, 2)}\n`
            : opts.format === 'junit'
              ? toJunit(report)
              : toTable(report, { showSuppressed: opts.showSuppressed === true });
      if (opts.record && !server) await record(report, ctx.dataDir(), ctx.stderr);
      if (opts.output) await writeFile(opts.output, text);
      else ctx.stdout.write(text);
      const worst = worstSeverity(report);
      if (failOn && worst && severityRank(worst) >= severityRank(failOn)) ctx.exitCode = EXIT_FINDINGS;
    });
};

/** `--record`: findings through the findings stage and the report itself, in the data directory. */
async function record(report: AuditReport, dataDir: string, stderr: NodeJS.WritableStream): Promise<void> {
  const clock = systemClock;
  const intel = await loadIntel(dataDir);
  const assets = await loadAssets(dataDir);
  const store = await openDuckDbStore(dataDir);
  try {
    const findings = await createDuckDbFindingStore(store.connection);
    const c = await recordPostureFindings(report, { store: findings, clock, intel, assets });
    await savePostureReport(store.connection, report, clock.now());
    writeLine(stderr, recordedLine(dataDir, c));
  } finally {
    await store.close();
  }
}

function recordedLine(where: string, c: PostureRecordCounts): string {
  return (
    `Recorded the posture report in ${where}: ${c.signals} exposed-port signal(s) -> ${c.new} new, ` +
    `${c.updated} updated, ${c.repeat} unchanged finding(s)` +
    (c.trusted > 0 ? `, ${c.trusted} skipped (trusted)` : '')
  );
}
