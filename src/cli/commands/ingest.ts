// `sakura-guard ingest PATH...`: import flow logs and event logs into the store, detecting as it goes.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import YAML from 'yaml';
import { loadAssets } from '../../assets/load.ts';
import { profiledDetectors, type PersistedProfiles } from '../../behavior/duckdb-profiles.ts';
import { systemClock } from '../../core/clock.ts';
import { EXIT_INPUT, EXIT_STORE, UserError, errorMessage } from '../../core/errors.ts';
import { openQuarantine, type QuarantineSummary } from '../../core/quarantine.ts';
import { createDetectionPipeline, type DetectionPipeline } from '../../engine/pipeline.ts';
import { createDuckDbFindingStore } from '../../findings/duckdb-store.ts';
import { type IngestCounts, runIngest } from '../../ingest/ingest.ts';
import { followIngest, type FollowCounts } from '../../ingest/follow.ts';
import { openFlowInputsInWorker } from '../../ingest/parallel-inputs.ts';
import { loadIntel } from '../../intel/store.ts';
import { openFlowInputs } from '../../sources/files.ts';
import { isLineFormat, LINE_FORMATS } from '../../sources/log-flows.ts';
import { expandInputPaths } from '../../sources/paths.ts';
import { openDuckDbStore } from '../../store/duckdb.ts';
import { type CliContext, writeLine } from '../context.ts';
import { createProgress, formatBytes, formatCount } from '../progress.ts';
import { ingestThroughServer } from '../ingest-upload.ts';
import { runningServer } from '../server-client.ts';

/**
 * Formats `--format` names; `auto` recognises each format by content, `vpc` forces VPC, the line
 * formats (zeek, nfdump, iptables, sshd, access, sakura-router, syslog) force their parser.
 */
export const INGEST_FORMATS = [
  'auto',
  'vpc',
  'netflow',
  'zeek',
  'nfdump',
  'syslog',
  'iptables',
  'sshd',
  'access',
  'sakura-router',
  'jsonl',
];
const IMPLEMENTED_FORMATS = new Set(['auto', 'vpc', ...LINE_FORMATS]);

export interface IngestOptions {
  format: string;
  vpcFormat?: string;
  detect: boolean;
  config?: string;
  json?: boolean;
}

export interface IngestSummary extends IngestCounts {
  dataDir: string;
  recordsPerSecond: number;
  rejectedByReason: Record<string, number>;
  quarantineFile: string | null;
  findings: { new: number; updated: number } | null;
  peakRssBytes: number;
}

/** The `detection` section of a YAML configuration file, if one was given. */
export function readDetectionConfig(file: string | undefined): unknown {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read the configuration file ${file}: ${errorMessage(e)}`, {
      hint: 'check the path given to --config',
    });
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new UserError(`${file} is not valid YAML: ${errorMessage(e)}`, { hint: 'fix the line it names' });
  }
  if (doc === null || doc === undefined) return undefined;
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UserError(`${file} must hold a YAML mapping`, {
      hint: 'see docs/detections.md for an example',
    });
  }
  return (doc as Record<string, unknown>).detection;
}

/** Throws a UserError for an unknown `--format` or one file import cannot force. */
export function checkIngestFormat(opts: IngestOptions): void {
  if (!INGEST_FORMATS.includes(opts.format)) {
    throw new UserError(`unknown --format ${JSON.stringify(opts.format)}`, {
      hint: `use one of: ${INGEST_FORMATS.join(', ')}`,
    });
  }
  if (!IMPLEMENTED_FORMATS.has(opts.format)) {
    throw new UserError(`--format ${opts.format} cannot be forced in file import yet`, {
      hint:
        'use --format auto: it recognises VPC Flow Logs, Zeek conn.log (TSV, JSON), nfdump CSV, ' +
        'iptables/nftables/pf LOG lines, sshd/auth logs, web access logs and other syslog files by ' +
        'their content; NetFlow is received live by `serve`; see docs/cli.md',
    });
  }
}

export async function ingestPaths(
  ctx: CliContext,
  paths: string[],
  opts: IngestOptions,
): Promise<IngestSummary> {
  checkIngestFormat(opts);
  const detectionConfig = readDetectionConfig(opts.config);
  const dataDir = ctx.dataDir();
  const clock = systemClock;
  const started = clock.now();
  // Expand first: a missing path is an error before anything is written.
  const files = await expandInputPaths(paths);
  const totalBytes = files.reduce((n, f) => n + (f.kind === 'file' ? f.sizeBytes : 0), 0);

  const store = await openDuckDbStore(dataDir);
  const quarantine = openQuarantine(dataDir, clock.now());
  let pipeline: DetectionPipeline | null = null;
  let profiles: PersistedProfiles | null = null;
  let counts: IngestCounts;
  let findings: { new: number; updated: number } | null = null;
  let quarantined: QuarantineSummary;
  try {
    if (opts.detect) {
      // Host profiles (src/behavior) persist in the data directory; learned from stored flows once.
      const profiled = await profiledDetectors(store.connection, detectionConfig);
      profiles = profiled.profiles;
      pipeline = createDetectionPipeline({
        detectors: profiled.detectors,
        config: detectionConfig,
        intel: await loadIntel(dataDir),
        assets: await loadAssets(dataDir),
        findingStore: await createDuckDbFindingStore(store.connection),
        clock,
      });
    }
    const progress = createProgress(ctx.stderr, clock);
    const inputOptions = {
      ...(opts.vpcFormat === undefined ? {} : { format: opts.vpcFormat }),
      ...(isLineFormat(opts.format) ? { lineFormat: opts.format } : {}),
    };
    // Parsing runs in a worker thread (the main thread stores); SAKURA_GUARD_INGEST_WORKER=0 keeps
    // everything on the main thread.
    const inputs =
      process.env.SAKURA_GUARD_INGEST_WORKER === '0'
        ? openFlowInputs(paths, inputOptions)
        : openFlowInputsInWorker(paths, inputOptions);
    counts = await runIngest(inputs, {
      sink: store,
      quarantine,
      observers: pipeline ? [pipeline] : [],
      clock,
      totalBytes,
      fileCount: files.length,
      onProgress: (p) =>
        progress.update({
          label: 'ingest',
          done: p.bytesDone,
          total: p.bytesTotal,
          records: p.records,
          detail: `file ${p.fileIndex}/${p.files}`,
        }),
    });
    progress.done();
    await store.flush();
    if (pipeline) {
      const r = await pipeline.finish();
      findings = { new: r.findingsNew, updated: r.findingsUpdated };
      await profiles?.save();
    }
  } finally {
    quarantined = quarantine.summary();
    quarantine.close();
    await store.close();
  }
  // The whole command: reading, storing, detecting, and the final flush.
  const elapsedMs = clock.now() - started;
  const secs = Math.max(elapsedMs, 1) / 1000;
  return {
    ...counts,
    elapsedMs,
    dataDir,
    recordsPerSecond: Math.round((counts.flows + counts.events) / secs),
    rejectedByReason: Object.fromEntries(quarantined.byReason),
    quarantineFile: quarantined.file,
    findings,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

/**
 * `ingest --follow PATH`: reads one growing file until SIGINT/SIGTERM (or `signal`), storing and
 * detecting as lines arrive; the position is kept in DATA_DIR/follow/ (src/ingest/follow.ts).
 */
export async function followPath(
  ctx: CliContext,
  file: string,
  opts: IngestOptions,
  signal?: AbortSignal,
): Promise<FollowCounts> {
  if (opts.format !== 'auto' && !isLineFormat(opts.format)) {
    throw new UserError(`--follow reads line formats; --format ${opts.format} cannot be followed`, {
      hint: 'use --format auto or one of: zeek, nfdump, iptables, sshd, access, syslog, sakura-router',
    });
  }
  if (file === '-') {
    throw new UserError('--follow needs a file, not standard input', {
      hint: 'pipe into `sakura-guard ingest -` instead',
    });
  }
  const dataDir = ctx.dataDir();
  const clock = systemClock;
  const store = await openDuckDbStore(dataDir);
  const quarantine = openQuarantine(dataDir, clock.now());
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  signal?.addEventListener('abort', onSignal);
  try {
    const pipeline = opts.detect
      ? createDetectionPipeline({
          config: readDetectionConfig(opts.config),
          intel: await loadIntel(dataDir),
          assets: await loadAssets(dataDir),
          findingStore: await createDuckDbFindingStore(store.connection),
          clock,
        })
      : null;
    writeLine(ctx.stderr, `following ${file} (stop with Ctrl-C); position kept in ${dataDir}/follow/`);
    const counts = await followIngest({ store, pipeline, quarantine, clock, dataDir }, file, {
      ...(opts.format === 'auto' ? {} : { format: opts.format }),
      signal: stop.signal,
    });
    await pipeline?.finish();
    return counts;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    quarantine.close();
    await store.close();
  }
}

const iso = (t: number | null): string => (t === null ? '-' : new Date(t * 1000).toISOString());

export function printIngestSummary(ctx: CliContext, s: IngestSummary): void {
  const out = ctx.stdout;
  const n = (v: number): string => v.toLocaleString('en-US');
  writeLine(
    out,
    `Imported ${n(s.files)} file(s), ${formatBytes(s.bytesRead)}, in ${(s.elapsedMs / 1000).toFixed(1)} s into ${s.dataDir}`,
  );
  writeLine(out, `  flows stored     ${n(s.flows)}  (${formatCount(s.recordsPerSecond)} records/s)`);
  if (s.events > 0) writeLine(out, `  events stored    ${n(s.events)}`);
  const gapTotal = s.gaps.nodata + s.gaps.skipdata + s.gaps.sequence;
  writeLine(
    out,
    `  coverage gaps    ${n(gapTotal)}${gapTotal > 0 ? `  (NODATA ${n(s.gaps.nodata)}, SKIPDATA ${n(s.gaps.skipdata)})` : ''}`,
  );
  writeLine(out, `  rejected lines   ${n(s.rejected)}${s.quarantineFile ? `  -> ${s.quarantineFile}` : ''}`);
  for (const [reason, count] of Object.entries(s.rejectedByReason).sort((a, b) => b[1] - a[1])) {
    writeLine(out, `      ${reason.padEnd(20)} ${n(count)}`);
  }
  writeLine(out, `  event time       ${iso(s.firstTime)} .. ${iso(s.lastTime)}`);
  if (s.findings) {
    writeLine(
      out,
      `  findings         ${n(s.findings.new)} new, ${n(s.findings.updated)} updated  (see: sakura-guard findings)`,
    );
  } else {
    writeLine(out, '  findings         detection was off (--no-detect)');
  }
}

export function registerIngest(program: Command, ctx: CliContext): void {
  program
    .command('ingest')
    .description(
      'import flow and event logs (files, directories walked recursively, .gz, or - for stdin) into the store, detecting as it goes',
    )
    .argument('<paths...>', 'files or directories to import; - reads standard input')
    .option('--format <format>', `input format: ${INGEST_FORMATS.join('|')}`, 'auto')
    .option(
      '--vpc-format <fields>',
      'VPC Flow Logs format for files without a header line, e.g. "${version} ${srcaddr} ..."',
    )
    .option('--config <file>', 'YAML configuration; its `detection` section tunes the detectors')
    .option('--no-detect', 'store only, without running detection')
    .option(
      '--follow',
      'keep reading one file as it grows (rotation-safe, resumes after a restart) until Ctrl-C',
    )
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText(
      'after',
      '\nExit codes: 0 imported (malformed lines, if any, are in the quarantine file); 2 bad usage;\n' +
        '3 nothing could be imported (every record was malformed); 4 the store could not be opened.',
    )
    .action(
      async (
        paths: string[],
        opts: {
          format: string;
          vpcFormat?: string;
          config?: string;
          detect: boolean;
          json?: boolean;
          follow?: boolean;
        },
      ) => {
        if (opts.follow) {
          if (paths.length !== 1) {
            throw new UserError('--follow reads exactly one file', { hint: 'start one command per file' });
          }
          const held = runningServer(ctx.dataDir());
          if (held) {
            throw new UserError(`--follow needs the store, and ${held.url} (sakura-guard serve) holds it`, {
              hint: 'while serve runs, ship the lines with `sakura-guard agent` or POST /api/v1/ingest (docs/ingest-http.md), or stop serve',
              exitCode: EXIT_STORE,
            });
          }
          const counts = await followPath(ctx, paths[0]!, opts);
          writeLine(ctx.stdout, JSON.stringify(counts));
          return;
        }
        // While `serve` holds the store, the files are uploaded to it (cli/ingest-upload.ts).
        const server = runningServer(ctx.dataDir());
        if (server) checkIngestFormat(opts);
        const summary = server
          ? await ingestThroughServer(ctx, server, paths, opts)
          : await ingestPaths(ctx, paths, opts);
        if (opts.json) writeLine(ctx.stdout, JSON.stringify(summary, null, 2));
        else printIngestSummary(ctx, summary);
        if (
          summary.flows === 0 &&
          summary.events === 0 &&
          summary.gaps.nodata + summary.gaps.skipdata === 0 &&
          summary.rejected > 0
        ) {
          writeLine(
            ctx.stderr,
            `sakura-guard: no record could be imported: all ${summary.rejected} were malformed (see ${summary.quarantineFile ?? 'the quarantine folder'})`,
          );
          writeLine(ctx.stderr, 'hint: check the format; for files without a header line pass --vpc-format');
          ctx.exitCode = EXIT_INPUT;
        }
      },
    );
}
