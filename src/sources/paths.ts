// Expands the paths given to `ingest` into the files to read: files as given, directories walked
// recursively in sorted order (so the S3 layout `.../{yyyy}/{mm}/{dd}/` and the Hive layout
// `.../year=/month=/day=/` come out in time order), `-` for standard input. Hidden files and
// folders (a leading dot) are skipped; a missing path is a UserError before anything is read.

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT_INPUT, UserError, errorMessage } from '../core/errors.ts';

export const STDIN_NAME = '<stdin>';

export type InputFile = { kind: 'file'; path: string; sizeBytes: number } | { kind: 'stdin' };

export function inputName(input: InputFile): string {
  return input.kind === 'stdin' ? STDIN_NAME : input.path;
}

/** Byte order, not locale order: the same on every machine. */
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function expandInputPaths(paths: readonly string[]): Promise<InputFile[]> {
  if (paths.length === 0) {
    throw new UserError('No input given.', {
      hint: 'Give one or more files or directories, or - to read standard input.',
      exitCode: EXIT_INPUT,
    });
  }
  const out: InputFile[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push({ kind: 'stdin' });
      continue;
    }
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      throw new UserError(`Input path not found or not accessible: ${p} (${errorMessage(e)})`, {
        hint: 'Check the path. Give files, directories (read recursively) or - for standard input.',
        exitCode: EXIT_INPUT,
        cause: e,
      });
    }
    if (st.isDirectory()) await walk(p, out);
    else out.push({ kind: 'file', path: p, sizeBytes: st.size });
  }
  return out;
}

async function walk(dir: string, out: InputFile[]): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new UserError(`Cannot read directory ${dir} (${errorMessage(e)})`, {
      hint: 'Check its permissions, or give the files inside it one by one.',
      exitCode: EXIT_INPUT,
      cause: e,
    });
  }
  names.sort(byCodeUnit);
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    let st;
    try {
      st = await stat(path);
    } catch {
      // A dangling symlink: report it as an unreadable file so that it is not silently lost.
      out.push({ kind: 'file', path, sizeBytes: 0 });
      continue;
    }
    if (st.isDirectory()) await walk(path, out);
    else if (st.isFile()) out.push({ kind: 'file', path, sizeBytes: st.size });
  }
}

/**
 * The time window encoded in an S3 flow log object name
 * (`{acct}_vpcflowlogs_{region}_{id}_{YYYYMMDDTHHmmZ}_{hash}.log.gz`), as Unix seconds, or undefined.
 */
export function s3WindowTime(path: string): number | undefined {
  const m = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[^/\\]*$/.exec(path);
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}
