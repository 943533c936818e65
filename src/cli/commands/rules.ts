// `sakura-guard rules check|test|hunt|list|enable|disable|reload`: user-written detection rules
// (docs/rules.md). check reports every problem at once; test runs rules over sample files
// without a store; hunt runs them over stored data as SQL (through a running serve when one holds
// the store); enable/disable write the data directory's state file and reload a running server
// (SIGHUP), as `reload` does.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import { EXIT_FINDINGS, UserError } from '../../core/errors.ts';
import { isoTime } from '../../findings/finding.ts';
import {
  type RulesConfig,
  isEnabled,
  readRulesState,
  resolveRulesPaths,
  statePath,
  writeRulesState,
} from '../../rules/config.ts';
import { basesOf, runHunt, type HuntResult } from '../../rules/hunt.ts';
import { formatProblem, loadRules } from '../../rules/load.ts';
import { createLocalRun } from '../../rules/run-local.ts';
import { selectRules } from '../../rules/select.ts';
import { openFlowInputs } from '../../sources/files.ts';
import { openDuckDbStore } from '../../store/duckdb.ts';
import { type CliContext, writeLine } from '../context.ts';
import { reloadRunningServer, runningServer } from '../server-client.ts';
import { renderTable } from '../table.ts';
import { parseTimeOption } from './export.ts';

interface DirOpts {
  config?: string;
  rules?: string[];
}

/** The rules section: --config FILE's (paths relative to it), with --rules DIR added. */
function rulesSection(ctx: CliContext, opts: DirOpts): RulesConfig {
  const config = loadConfig(opts.config, ctx.env);
  const base = opts.config === undefined ? process.cwd() : path.dirname(path.resolve(opts.config));
  const r = resolveRulesPaths(config.rules, base, ctx.dataDir());
  return { ...r, directories: [...r.directories, ...(opts.rules ?? [])] };
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function signalServer(ctx: CliContext): void {
  writeLine(ctx.stdout, reloadRunningServer(ctx.dataDir(), 'rules'));
}

/** `--json` output, as before the API route existed: {rule, matches, records} or {rule, groups}. */
function huntJson(h: HuntResult): unknown {
  return h.kind === 'detection'
    ? { rule: h.rule, matches: h.matches, records: h.records }
    : { rule: h.rule, groups: h.groups };
}

function printHunt(ctx: CliContext, h: HuntResult, from: Date, to: Date): void {
  if (h.kind === 'detection') {
    writeLine(
      ctx.stdout,
      `rule ${h.rule} (${h.title}): ${h.matches} matching record(s) from ${from.toISOString()} to ${to.toISOString()}`,
    );
    if (h.records.length > 0)
      ctx.stdout.write(
        renderTable({ columns: Object.keys(h.records[0]!), rows: h.records.map((x) => Object.values(x)) }),
      );
    return;
  }
  writeLine(ctx.stdout, `rule ${h.rule} (${h.title}): ${h.groups.length} group(s) met "${h.condition}"`);
  if (h.groups.length > 0)
    ctx.stdout.write(
      renderTable({
        columns: ['window', ...h.groupBy, 'observed'],
        rows: h.groups.map((g) => [isoTime(g.windowStart), ...g.group.map((x) => x ?? '-'), g.observed]),
      }),
    );
}

export function registerRules(program: Command, ctx: CliContext): void {
  const rules = program
    .command('rules')
    .description('user-written detection rules: check, test, hunt, enable (docs/rules.md)');

  rules
    .command('check')
    .description('load rule files and report every problem with file, line and what to fix')
    .argument('<paths...>', 'rule files or directories')
    .option('--json', 'print the problems as JSON')
    .action((paths: string[], opts: { json?: boolean }) => {
      const started = performance.now();
      const r = loadRules(paths);
      const ms = Math.round(performance.now() - started);
      if (opts.json) {
        writeLine(
          ctx.stdout,
          JSON.stringify({ files: r.files, rules: r.rules.length, problems: r.problems, ms }, null, 2),
        );
      } else {
        for (const p of r.problems) writeLine(ctx.stdout, formatProblem(p));
        writeLine(
          ctx.stdout,
          `${r.rules.length} rule(s) ok in ${r.files} file(s), ${r.problems.length} problem(s) (${ms} ms)`,
        );
      }
      if (r.problems.length > 0 || r.files === 0) ctx.exitCode = EXIT_FINDINGS;
    });

  rules
    .command('test')
    .description('run rules over sample files (any format ingest reads) and show what they would raise')
    .argument('<rule>', 'rule file or directory, or a rule id in --rules/--config directories')
    .requiredOption('--with <files...>', 'sample flow or log files')
    .option('--rules <dir>', 'more rule directories (rules a correlation refers to)', collect)
    .option('--config <file>', 'configuration file: its rules.directories')
    .option('--window <seconds>', 'detection rule window in seconds', '300')
    .option('--json', 'print the result as JSON')
    .action(async (arg: string, opts: DirOpts & { with: string[]; window: string; json?: boolean }) => {
      const sel = selectRules(arg, opts.config || opts.rules ? rulesSection(ctx, opts).directories : []);
      const chosen = sel.chosen.flatMap((r) =>
        r.kind === 'correlation' ? [r, ...basesOf(r, sel.all)] : [r],
      );
      const run = createLocalRun([...new Set(chosen)], { windowSeconds: Number(opts.window) });
      let records = 0;
      for await (const ev of openFlowInputs(opts.with)) {
        if (ev.kind !== 'output') continue;
        for (const b of ev.output.batches) {
          records += b.length;
          run.onFlows(b);
        }
        for (const e of ev.output.events ?? []) {
          records++;
          run.onEvent(e);
        }
      }
      const res = run.finish();
      const ids = new Set(sel.chosen.map((r) => r.id));
      const signals = res.signals.filter((s) => ids.has(String(s.detail.rule)));
      const matches = Object.fromEntries([...res.matches].filter(([id]) => ids.has(id)));
      if (opts.json) {
        writeLine(ctx.stdout, JSON.stringify({ records, matches, findings: signals }, null, 2));
        return;
      }
      writeLine(ctx.stdout, `${records} record(s) read from ${opts.with.length} file(s)`);
      for (const r of sel.chosen) {
        const n = signals.filter((s) => s.detail.rule === r.id);
        const m = r.kind === 'detection' ? `${matches[r.id] ?? 0} matching record(s), ` : '';
        writeLine(ctx.stdout, `rule ${r.id} (${r.title}): ${m}${n.length} finding update(s)`);
      }
      if (signals.length > 0) {
        ctx.stdout.write(
          renderTable({
            columns: ['rule', 'window', 'resource', 'actor', 'observed', 'first sample'],
            rows: signals.map((s) => [
              String(s.detail.rule),
              isoTime(s.windowStart),
              s.resource.ip,
              s.actor.ip,
              s.observed,
              s.sample[0] ?? '',
            ]),
          }),
        );
      }
    });

  rules
    .command('hunt')
    .description('run a rule over stored flows/events as SQL and print its matches')
    .argument('<rule>', 'rule file or directory, or a rule id in --rules/--config directories')
    .option('--from <time>', 'start (inclusive, ISO 8601); default 24 h before --to')
    .option('--to <time>', 'end (exclusive, ISO 8601); default now')
    .option('--limit <n>', 'records printed per detection rule', '100')
    .option('--rules <dir>', 'more rule directories (rules a correlation refers to)', collect)
    .option('--config <file>', 'configuration file: its rules.directories')
    .option('--json', 'print the result as JSON')
    .action(
      async (arg: string, opts: DirOpts & { from?: string; to?: string; limit: string; json?: boolean }) => {
        const sel = selectRules(arg, opts.config || opts.rules ? rulesSection(ctx, opts).directories : []);
        const to = parseTimeOption('to', opts.to) ?? new Date();
        const from = parseTimeOption('from', opts.from) ?? new Date(to.getTime() - 86_400_000);
        if (from >= to)
          throw new UserError('--from must be earlier than --to', { hint: 'swap the two times' });
        const range = { from: from.getTime() / 1000, to: to.getTime() / 1000 };
        const limit = Number(opts.limit);
        const server = runningServer(ctx.dataDir());
        let results: HuntResult[];
        if (server !== null) {
          // serve holds the store: it hunts with the same code over the rule files sent to it.
          const files = [
            ...new Set(sel.chosen.flatMap((r) => [r, ...basesOf(r, sel.all)]).map((r) => r.file)),
          ];
          const answer = await server.request<{ results: HuntResult[] }>('POST', '/api/v1/rules/hunt', {
            files: files.map((file) => ({ file, text: readFileSync(file, 'utf8') })),
            rules: sel.chosen.map((r) => r.id),
            ...range,
            limit,
          });
          results = answer.results;
        } else {
          const store = await openDuckDbStore(ctx.dataDir(), { readOnly: true });
          try {
            results = await runHunt(store, sel.chosen, sel.all, range, limit);
          } finally {
            await store.close();
          }
        }
        if (!opts.json) for (const h of results) printHunt(ctx, h, from, to);
        if (opts.json) writeLine(ctx.stdout, JSON.stringify(results.map(huntJson), null, 2));
      },
    );

  rules
    .command('list')
    .description('list the rules of the configured directories and whether each is on')
    .option('--rules <dir>', 'rule directories (besides rules.directories of --config)', collect)
    .option('--config <file>', 'configuration file: its rules section')
    .option('--json', 'print the list as JSON')
    .action((opts: DirOpts & { json?: boolean }) => {
      const section = rulesSection(ctx, opts);
      const loaded = loadRules(section.directories);
      const state = readRulesState(section.stateFile);
      const rows = loaded.rules.map((r) => ({
        id: r.id,
        kind: r.kind === 'detection' ? r.records : r.type,
        level: r.level,
        enabled: isEnabled(r.id, section, state),
        title: r.title,
        file: `${r.file}:${r.line}`,
      }));
      if (opts.json)
        writeLine(ctx.stdout, JSON.stringify({ rules: rows, problems: loaded.problems }, null, 2));
      else {
        ctx.stdout.write(
          renderTable({
            columns: ['id', 'kind', 'level', 'enabled', 'title', 'file'],
            rows: rows.map((r) => Object.values(r)),
          }),
        );
        if (loaded.problems.length > 0)
          writeLine(ctx.stdout, `${loaded.problems.length} problem(s): run sakura-guard rules check`);
      }
    });

  for (const verb of ['enable', 'disable'] as const) {
    rules
      .command(verb)
      .description(`${verb} a rule by id (written to DATA_DIR/rules-state.json; a running server reloads)`)
      .argument('<id>', 'rule id')
      .option('--rules <dir>', 'rule directories to look the id up in', collect)
      .option('--config <file>', 'configuration file: its rules section')
      .action((id: string, opts: DirOpts) => {
        const section = rulesSection(ctx, opts);
        if (
          section.directories.length > 0 &&
          !loadRules(section.directories).rules.some((r) => r.id === id)
        ) {
          throw new UserError(`no rule with id ${id} in ${section.directories.join(', ')}`, {
            hint: 'list the rules with `sakura-guard rules list`',
          });
        }
        const file = section.stateFile ?? statePath(ctx.dataDir());
        const state = readRulesState(file);
        const on = verb === 'enable';
        state.enable = state.enable.filter((x) => x !== id);
        state.disable = state.disable.filter((x) => x !== id);
        (on ? state.enable : state.disable).push(id);
        writeRulesState(file, state);
        writeLine(ctx.stdout, `rule ${id} ${on ? 'enabled' : 'disabled'} (${file})`);
        signalServer(ctx);
      });
  }

  rules
    .command('reload')
    .description('make the running server reload its rule directories and state (as SIGHUP does)')
    .action(() => signalServer(ctx));
}
