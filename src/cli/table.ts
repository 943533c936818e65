// Rendering query results for people (aligned table), programs (JSON) and spreadsheets (CSV).

export interface ResultSet {
  columns: string[];
  rows: unknown[][];
}

export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

const isNumeric = (v: unknown): boolean => typeof v === 'number' || typeof v === 'bigint';

/** An aligned text table; numbers right-aligned; control characters made visible. */
export function renderTable(rs: ResultSet, maxCellWidth = 60): string {
  const clean = (s: string): string => {
    const t = s.replace(
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u001f\u007f]/g,
      (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
    );
    return t.length > maxCellWidth ? `${t.slice(0, maxCellWidth - 1)}…` : t;
  };
  const cells = rs.rows.map((r) => r.map((v) => clean(cellText(v))));
  const widths = rs.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const numericCol = rs.columns.map(
    (_, i) => rs.rows.length > 0 && rs.rows.every((r) => r[i] == null || isNumeric(r[i])),
  );
  const line = (vals: string[], header: boolean): string =>
    vals
      .map((v, i) => (!header && numericCol[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(rs.columns, true), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of cells) out.push(line(r, false));
  out.push(`(${rs.rows.length} row${rs.rows.length === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}

function csvField(s: string): string {
  // Quote when needed; neutralise spreadsheet formula injection (=, +, -, @ at the start).
  let t = s;
  if (/^[=+\-@\t\r]/.test(t) && !/^-?\d+(\.\d+)?$/.test(t)) t = `'${t}`;
  return /[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

export function renderCsv(rs: ResultSet): string {
  const lines = [rs.columns.map(csvField).join(',')];
  for (const r of rs.rows) lines.push(r.map((v) => csvField(cellText(v))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A JSON array of objects keyed by column name. */
export function renderJson(rs: ResultSet): string {
  const objs = rs.rows.map((r) => Object.fromEntries(rs.columns.map((c, i) => [c, r[i] ?? null])));
  return `${JSON.stringify(objs, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2)}\n`;
}
