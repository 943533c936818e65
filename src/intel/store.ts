// Lists live in DATA_DIR/intel/: for each list a normalised copy (`NAME.txt`, one CIDR a line), a
// manifest (`NAME.json`) and, when lines were rejected, `NAME.rejected.ndjson` with each one's
// file, line and reason. The manifest is written last, so a half-added list is never loaded.
// Lists load in name order, never in file-system order.

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import { EXIT_INPUT, EXIT_STORE, EXIT_USAGE, UserError, errorMessage } from '../core/errors.ts';
import { LIST_FORMATS, type ParsedList } from './entry.ts';
import { parseList, type FormatChoice } from './formats/index.ts';
import {
  buildIntelLookup,
  LIST_KINDS,
  type IntelIndex,
  type IntelListInput,
  type ListKind,
} from './lookup.ts';

/** Larger files are refused before reading (GuardDuty's own limit is 35 MB). */
export const MAX_LIST_FILE_BYTES = 64 * 1024 * 1024;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const intelManifestSchema = z.object({
  version: z.literal(1),
  name: z.string().regex(NAME),
  kind: z.enum(LIST_KINDS as [ListKind, ...ListKind[]]),
  format: z.enum(LIST_FORMATS as [string, ...string[]]),
  /** Absolute path of the file the list was added from. */
  source: z.string(),
  sha256: z.string(),
  entries: z.number().int().min(0),
  entriesV4: z.number().int().min(0),
  entriesV6: z.number().int().min(0),
  rejected: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  skipped: z.record(z.string(), z.number().int()),
  addedAt: z.string(),
});
export type IntelManifest = z.infer<typeof intelManifestSchema>;

export const intelDir = (dataDir: string): string => path.join(dataDir, 'intel');

/** A list name from a file name: `feodo_ips.csv` -> `feodo_ips`. */
export function defaultListName(file: string): string {
  const base = path.basename(file).replace(/\.(txt|csv|tsv|json|ndjson|list)$/i, '');
  const cleaned = base.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return cleaned.slice(0, 64) || 'list';
}

export interface AddIntelOptions {
  name?: string;
  kind: ListKind;
  format: FormatChoice;
  clock: Clock;
}

export interface AddIntelResult {
  manifest: IntelManifest;
  parsed: ParsedList;
  /** Where the rejected lines were written, when there were any. */
  rejectedFile: string | null;
}

export async function listIntelLists(dataDir: string): Promise<IntelManifest[]> {
  const dir = intelDir(dataDir);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e: unknown) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UserError(`cannot read ${dir}: ${errorMessage(e)}`, {
      exitCode: EXIT_STORE,
      hint: 'check the --data-dir path and its permissions',
    });
  }
  const out: IntelManifest[] = [];
  for (const f of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = path.join(dir, f);
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (e: unknown) {
      throw new UserError(`the list manifest ${file} is unreadable: ${errorMessage(e)}`, {
        exitCode: EXIT_STORE,
        hint: `remove it with 'intel remove ${f.slice(0, -5)}' and add the list again`,
      });
    }
    const r = intelManifestSchema.safeParse(parsed);
    if (!r.success) {
      const where = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new UserError(`the list manifest ${file} is invalid: ${where}`, {
        exitCode: EXIT_STORE,
        hint: `remove it with 'intel remove ${f.slice(0, -5)}' and add the list again`,
      });
    }
    out.push(r.data);
  }
  return out;
}

export async function addIntelList(
  dataDir: string,
  file: string,
  opts: AddIntelOptions,
): Promise<AddIntelResult> {
  const name = opts.name ?? defaultListName(file);
  if (!NAME.test(name))
    throw new UserError(`invalid list name '${name}'`, {
      exitCode: EXIT_USAGE,
      hint: 'use 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit (--name NAME)',
    });
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile())
      throw new UserError(`${file} is not a file`, {
        exitCode: EXIT_INPUT,
        hint: 'give the path of a list file',
      });
    size = s.size;
  } catch (e: unknown) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${file}: ${errorMessage(e)}`, {
      exitCode: EXIT_INPUT,
      hint: 'check the path of the list file',
    });
  }
  if (size > MAX_LIST_FILE_BYTES)
    throw new UserError(`${file} is ${size} bytes, more than the ${MAX_LIST_FILE_BYTES} accepted`, {
      exitCode: EXIT_INPUT,
      hint: 'split the list into several files and add each with its own --name',
    });
  const existing = await listIntelLists(dataDir);
  const clash = existing.find((m) => m.name.toLowerCase() === name.toLowerCase());
  if (clash)
    throw new UserError(
      `a list named '${clash.name}' already exists (${clash.entries} entries from ${clash.source})`,
      {
        exitCode: EXIT_USAGE,
        hint: `choose another name with --name, or replace it: 'intel remove ${clash.name}' then add again`,
      },
    );

  const bytes = await readFile(file);
  const text = bytes.toString('utf8');
  const source = path.resolve(file);
  const parsed = parseList(text, source, opts.format, { nowMs: opts.clock.now() });
  if (parsed.entries.length === 0) {
    const reasons = summariseReasons(parsed);
    throw new UserError(
      `no usable entries in ${file} (read as ${parsed.format}${reasons ? `; ${reasons}` : ''})`,
      {
        exitCode: EXIT_INPUT,
        hint: `check the file, or name its format with --format (${LIST_FORMATS.join(', ')})`,
      },
    );
  }
  const manifest: IntelManifest = {
    version: 1,
    name,
    kind: opts.kind,
    format: parsed.format,
    source,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    entries: parsed.entries.length,
    entriesV4: parsed.v4,
    entriesV6: parsed.v6,
    rejected: parsed.rejections.length,
    duplicates: parsed.duplicates,
    skipped: parsed.skipped,
    addedAt: new Date(opts.clock.now()).toISOString(),
  };
  const dir = intelDir(dataDir);
  try {
    await mkdir(dir, { recursive: true });
    const body = `# sakura-guard list ${name} (${opts.kind}) from ${source}\n${parsed.entries.join('\n')}\n`;
    await writeAtomic(path.join(dir, `${name}.txt`), body);
    let rejectedFile: string | null = null;
    if (parsed.rejections.length > 0) {
      rejectedFile = path.join(dir, `${name}.rejected.ndjson`);
      await writeAtomic(rejectedFile, parsed.rejections.map((r) => JSON.stringify(r)).join('\n') + '\n');
    }
    await writeAtomic(path.join(dir, `${name}.json`), `${JSON.stringify(manifest, null, 2)}\n`);
    return { manifest, parsed, rejectedFile };
  } catch (e: unknown) {
    throw new UserError(`cannot write the list into ${dir}: ${errorMessage(e)}`, {
      exitCode: EXIT_STORE,
      hint: 'check the --data-dir path, its permissions and free space',
    });
  }
}

export async function removeIntelList(dataDir: string, name: string): Promise<IntelManifest> {
  const lists = await listIntelLists(dataDir);
  const found =
    lists.find((m) => m.name === name) ?? lists.find((m) => m.name.toLowerCase() === name.toLowerCase());
  if (!found)
    throw new UserError(`no list named '${name}'`, {
      exitCode: EXIT_USAGE,
      hint:
        lists.length > 0
          ? `the lists are: ${lists.map((m) => m.name).join(', ')}`
          : "add one with 'intel add FILE'",
    });
  const dir = intelDir(dataDir);
  // The manifest goes first: without it the other files are ignored by loadIntel.
  await rm(path.join(dir, `${found.name}.json`), { force: true });
  await rm(path.join(dir, `${found.name}.txt`), { force: true });
  await rm(path.join(dir, `${found.name}.rejected.ndjson`), { force: true });
  return found;
}

/** Builds the matcher from every list in DATA_DIR/intel (an empty one when there are none). */
export async function loadIntel(dataDir: string): Promise<IntelIndex> {
  const manifests = await listIntelLists(dataDir);
  const lists: IntelListInput[] = [];
  for (const m of manifests) {
    const file = path.join(intelDir(dataDir), `${m.name}.txt`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e: unknown) {
      throw new UserError(`the list '${m.name}' has no data file ${file}: ${errorMessage(e)}`, {
        exitCode: EXIT_STORE,
        hint: `remove it with 'intel remove ${m.name}' and add it again`,
      });
    }
    lists.push({ name: m.name, kind: m.kind, entries: dataLines(text) });
  }
  return buildIntelLookup(lists);
}

/** "3 bad-ip, 1 bad-prefix; skipped 2 revoked" */
export function summariseReasons(parsed: ParsedList): string {
  const counts = new Map<string, number>();
  for (const r of parsed.rejections) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
  const rejected = [...counts].map(([k, v]) => `${v} ${k}`).join(', ');
  const skipped = Object.entries(parsed.skipped)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  return [rejected && `rejected ${rejected}`, skipped && `skipped ${skipped}`].filter(Boolean).join('; ');
}

/** The entry lines of a normalised copy, without building an array of 250 000 strings. */
function* dataLines(text: string): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start && text.charCodeAt(start) !== 35) yield text.slice(start, end);
    start = end + 1;
  }
}

async function writeAtomic(file: string, body: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, body);
  await rename(tmp, file);
}
