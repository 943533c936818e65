// The literal registry of threat-list formats, and format detection from a file's content.

import { UserError, EXIT_INPUT } from '../../core/errors.ts';
import { LIST_FORMATS, type ListFormat, type ParsedList } from '../entry.ts';
import { parseCsvList } from './csv.ts';
import { parseDropList } from './drop.ts';
import { parseStixList } from './stix.ts';
import { parseTorList } from './tor.ts';
import { parseTxtList } from './txt.ts';

export interface ParseListOptions {
  /** Milliseconds since the epoch: STIX indicators whose valid_until is not after it are skipped. */
  nowMs: number;
}

export function parseListAs(
  format: ListFormat,
  text: string,
  file: string,
  opts: ParseListOptions,
): ParsedList {
  switch (format) {
    case 'txt':
      return parseTxtList(text, file);
    case 'csv':
      return parseCsvList(text, file);
    case 'stix':
      return parseStixList(text, file, opts.nowMs);
    case 'drop':
      return parseDropList(text, file);
    case 'tor':
      return parseTorList(text, file);
    default: {
      const never: never = format;
      throw new Error(`unhandled list format ${String(never)}`);
    }
  }
}

/** Guesses a list's format from its first lines and its file name. */
export function detectListFormat(text: string, file: string): ListFormat {
  const head = text.slice(0, 64 * 1024).replace(/^\ufeff/, '');
  const start = head.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) {
    const firstLine = start.slice(0, start.indexOf('\n') < 0 ? undefined : start.indexOf('\n'));
    if (/"cidr"\s*:/.test(firstLine) || /"type"\s*:\s*"metadata"/.test(firstLine)) return 'drop';
    return 'stix';
  }
  const lines = head
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'))
    .slice(0, 50);
  if (lines.some((l) => /^(ExitNode|ExitAddress)\s/.test(l))) return 'tor';
  if (lines.some((l) => /;\s*SBL\d+/.test(l))) return 'drop';
  const commas = lines.filter((l) => /[,\t]/.test(l.replace(/#.*$/, ''))).length;
  if (/\.(csv|tsv)$/i.test(file) || (lines.length > 0 && commas >= lines.length / 2)) return 'csv';
  return 'txt';
}

export type FormatChoice = ListFormat | 'auto';

/** Validates a `--format` value. */
export function parseFormatChoice(value: string): FormatChoice {
  const v = value.toLowerCase();
  if (v === 'auto' || (LIST_FORMATS as readonly string[]).includes(v)) return v as FormatChoice;
  throw new UserError(`unknown list format '${value}'`, {
    hint: `use one of: auto, ${LIST_FORMATS.join(', ')}`,
    exitCode: EXIT_INPUT,
  });
}

/** Parses a list in the given format, or the detected one for `auto`. */
export function parseList(
  text: string,
  file: string,
  format: FormatChoice,
  opts: ParseListOptions,
): ParsedList {
  return parseListAs(format === 'auto' ? detectListFormat(text, file) : format, text, file, opts);
}
