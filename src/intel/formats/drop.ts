// Spamhaus DROP: the legacy text form (`1.10.16.0/20 ; SBL256894`, `;` comment headers) and the
// current NDJSON form (`{"cidr":"…","sblid":"SBL…","rir":"apnic"}` per line, then a trailing
// `{"type":"metadata",…}` line).

import { ListCollector, eachLine, stripComment, type ParsedList } from '../entry.ts';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseDropList(text: string, file: string): ParsedList {
  const c = new ListCollector(file);
  eachLine(text, c, (line, lineNo) => {
    const trimmed = line.trim();
    if (trimmed.startsWith('{')) {
      let record: unknown;
      try {
        record = JSON.parse(trimmed);
      } catch {
        c.reject(lineNo, 'bad-json', line);
        return;
      }
      if (!isRecord(record)) return c.reject(lineNo, 'bad-json', line);
      if (record.type === 'metadata') return;
      if (typeof record.cidr !== 'string') return c.reject(lineNo, 'no-cidr', line);
      c.add(record.cidr, lineNo, line);
      return;
    }
    const body = stripComment(line);
    if (body === '') return;
    c.add(body.split(/\s+/, 1)[0]!, lineNo, line);
  });
  return c.result('drop');
}
