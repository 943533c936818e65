// `sakura-guard intel add|list|remove`: threat, Tor and trusted lists kept in DATA_DIR/intel for
// detection to load.

import { Option } from 'commander';
import { systemClock } from '../../core/clock.ts';
import { EXIT_USAGE, UserError } from '../../core/errors.ts';
import { parseFormatChoice } from '../../intel/formats/index.ts';
import { LIST_KINDS, type ListKind } from '../../intel/lookup.ts';
import { addIntelList, listIntelLists, removeIntelList, summariseReasons } from '../../intel/store.ts';
import { writeLine } from '../context.ts';
import { reloadRunningServer } from '../server-client.ts';
import { renderTable } from '../table.ts';
import type { RegisterCommand } from './index.ts';

/** How many rejected lines `intel add` prints (all are in the .rejected.ndjson file). */
const SHOWN_REJECTIONS = 10;

interface AddOptions {
  name?: string;
  trusted?: boolean;
  tor?: boolean;
  kind?: string;
  format: string;
}

function chooseKind(opts: AddOptions): ListKind {
  const chosen: ListKind[] = [];
  if (opts.trusted) chosen.push('trusted');
  if (opts.tor) chosen.push('tor-exit');
  if (opts.kind !== undefined) {
    if (!(LIST_KINDS as readonly string[]).includes(opts.kind))
      throw new UserError(`unknown list kind '${opts.kind}'`, {
        exitCode: EXIT_USAGE,
        hint: `use one of: ${LIST_KINDS.join(', ')}`,
      });
    chosen.push(opts.kind as ListKind);
  }
  if (new Set(chosen).size > 1)
    throw new UserError(`a list has one kind, got ${chosen.join(' and ')}`, {
      exitCode: EXIT_USAGE,
      hint: 'give only one of --trusted, --tor and --kind',
    });
  return chosen[0] ?? 'threat';
}

export const registerIntel: RegisterCommand = (program, ctx) => {
  const intel = program.command('intel').description('manage threat-intelligence, Tor and trusted IP lists');

  intel
    .command('add')
    .description('add an IP/CIDR list (TXT, CSV, STIX 2.1, Spamhaus DROP, Tor exit list)')
    .argument('<file>', 'the list file')
    .option('--name <name>', 'name of the list (default: the file name); findings name it')
    .option('--trusted', 'a trusted list: addresses on it never produce findings')
    .option('--tor', 'a list of Tor exit nodes (TorDNSEL exit-addresses or one IP a line)')
    .addOption(new Option('--kind <kind>', `what the list holds: ${LIST_KINDS.join(', ')}`))
    .option('--format <format>', 'auto, txt, csv, stix, drop or tor', 'auto')
    .action(async (file: string, opts: AddOptions) => {
      const format = parseFormatChoice(opts.format);
      const kind = chooseKind(opts);
      const r = await addIntelList(ctx.dataDir(), file, {
        name: opts.name,
        kind,
        format,
        clock: systemClock,
      });
      const m = r.manifest;
      writeLine(
        ctx.stdout,
        `added ${m.kind} list '${m.name}': ${m.entries} entries (${m.entriesV4} IPv4, ${m.entriesV6} IPv6) read as ${m.format} from ${m.source}`,
      );
      const details = [
        m.duplicates > 0 ? `${m.duplicates} duplicates kept once` : '',
        summariseReasons(r.parsed),
      ].filter(Boolean);
      if (details.length > 0) writeLine(ctx.stdout, `  ${details.join('; ')}`);
      for (const rej of r.parsed.rejections.slice(0, SHOWN_REJECTIONS))
        writeLine(ctx.stderr, `  rejected ${rej.file}:${rej.line}: ${rej.reason}: ${rej.text.slice(0, 120)}`);
      if (r.parsed.rejections.length > SHOWN_REJECTIONS)
        writeLine(ctx.stderr, `  ... and ${r.parsed.rejections.length - SHOWN_REJECTIONS} more`);
      if (r.rejectedFile) writeLine(ctx.stderr, `  every rejected line is in ${r.rejectedFile}`);
      writeLine(ctx.stdout, reloadRunningServer(ctx.dataDir(), 'intel lists'));
    });

  intel
    .command('list')
    .description('show the loaded lists')
    .option('--json', 'print the manifests as JSON')
    .action(async (opts: { json?: boolean }) => {
      const lists = await listIntelLists(ctx.dataDir());
      if (opts.json) {
        writeLine(ctx.stdout, JSON.stringify(lists, null, 2));
        return;
      }
      if (lists.length === 0) {
        writeLine(ctx.stdout, "no lists; add one with 'sakura-guard intel add FILE'");
        return;
      }
      ctx.stdout.write(
        renderTable({
          columns: ['name', 'kind', 'format', 'entries', 'ipv6', 'rejected', 'added', 'source'],
          rows: lists.map((m) => [
            m.name,
            m.kind,
            m.format,
            m.entries,
            m.entriesV6,
            m.rejected,
            m.addedAt,
            m.source,
          ]),
        }),
      );
    });

  intel
    .command('remove')
    .description('remove a list')
    .argument('<name>', 'the list name (see intel list)')
    .action(async (name: string) => {
      const m = await removeIntelList(ctx.dataDir(), name);
      writeLine(ctx.stdout, `removed ${m.kind} list '${m.name}' (${m.entries} entries)`);
      writeLine(ctx.stdout, reloadRunningServer(ctx.dataDir(), 'intel lists'));
    });
};
