// ClickHouse's HTTP interface, spoken with fetch: statements go in the POST body, results come
// back as TSVWithNamesAndTypes and are typed here (no client library). Values in statements are
// written by literal.ts only.

import { errorMessage } from '../../core/errors.ts';

export interface ClickHouseConnection {
  /** http(s)://host:port of the HTTP interface. */
  url: string;
  user: string;
  password: string;
}

const TIMESTAMP_TYPE = 'Decimal(18, 6)';

/** Reverses ClickHouse's TSV escaping. */
function unescape(field: string): string {
  if (!field.includes('\\')) return field;
  let out = '';
  for (let i = 0; i < field.length; i++) {
    const c = field[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = field[++i] ?? '';
    const mapped: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '0': '\0' };
    out += mapped[e] ?? e;
  }
  return out;
}

function bigOrNumber(text: string): number | bigint {
  const b = BigInt(text);
  const n = Number(b);
  return Number.isSafeInteger(n) ? n : b;
}

/** Decimal64(6) seconds as a Date (millisecond precision, as DuckDB's TIMESTAMP reads back). */
function timestampValue(text: string): Date {
  const [whole = '0', frac = ''] = text.split('.');
  const micros =
    BigInt(whole) * 1_000_000n +
    BigInt(`${whole.startsWith('-') ? '-' : ''}${frac.padEnd(6, '0').slice(0, 6)}`);
  return new Date(Number(micros / 1000n));
}

/** One TSV field of a column of ClickHouse type `type` as a JS value. */
export function typedValue(field: string, type: string): unknown {
  let t = type;
  const low = /^LowCardinality\((.*)\)$/.exec(t);
  if (low) t = low[1]!;
  const nullable = /^Nullable\((.*)\)$/.exec(t);
  if (nullable) {
    if (field === '\\N') return null;
    t = nullable[1]!;
  }
  if (t === TIMESTAMP_TYPE) return timestampValue(field);
  if (/^U?Int(8|16|32)$/.test(t)) return Number(field);
  if (/^U?Int(64|128|256)$/.test(t)) return bigOrNumber(field);
  if (/^Float(32|64)$/.test(t)) {
    if (field === 'nan' || field === '-nan') return NaN;
    if (field === 'inf' || field === '+inf') return Infinity;
    if (field === '-inf') return -Infinity;
    return Number(field);
  }
  if (t.startsWith('Decimal')) return Number(field);
  if (t === 'Date') return new Date(`${field}T00:00:00Z`);
  if (t === 'DateTime') return new Date(`${field.replace(' ', 'T')}Z`);
  if (t === 'Nothing') return null;
  return unescape(field);
}

/** Parses a TSVWithNamesAndTypes body into row objects. */
export function parseTsv(body: string): Record<string, unknown>[] {
  if (body === '') return [];
  const lines = body.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const names = (lines[0] ?? '').split('\t').map(unescape);
  const types = (lines[1] ?? '').split('\t').map(unescape);
  const rows: Record<string, unknown>[] = [];
  for (let i = 2; i < lines.length; i++) {
    const fields = lines[i]!.split('\t');
    const row: Record<string, unknown> = {};
    names.forEach((name, k) => {
      row[name] = typedValue(fields[k] ?? '\\N', types[k] ?? 'String');
    });
    rows.push(row);
  }
  return rows;
}

/** Thrown when ClickHouse answers with an error; the message is ClickHouse's. */
export class ClickHouseError extends Error {}

/** Sends one statement; returns the response body. `database` sets the default database. */
export async function send(
  conn: ClickHouseConnection,
  sql: string,
  options: { database?: string; format?: boolean } = {},
): Promise<string> {
  const url = new URL(conn.url);
  if (options.database !== undefined) url.searchParams.set('database', options.database);
  if (options.format !== false) url.searchParams.set('default_format', 'TSVWithNamesAndTypes');
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body: sql,
      headers: {
        'X-ClickHouse-User': conn.user,
        'X-ClickHouse-Key': conn.password,
        'Content-Type': 'text/plain; charset=utf-8',
      },
    });
  } catch (e) {
    throw new ClickHouseError(`cannot reach ClickHouse at ${conn.url}: ${errorMessage(e)}`, { cause: e });
  }
  const text = await response.text();
  if (!response.ok) throw new ClickHouseError(`ClickHouse: ${text.trim().slice(0, 2000)}`);
  return text;
}
