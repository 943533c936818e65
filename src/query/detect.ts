// Tells SQL from a pipe query by its first word. SQL statements the store may accept start with
// one of SQL_STARTS (or "(" for a parenthesised SELECT); everything else is a pipe query, whose
// first word is a command (fields, filter, stats, ...).

const SQL_STARTS = new Set([
  'select',
  'with',
  'from',
  'values',
  'table',
  'describe',
  'show',
  'summarize',
  'explain',
  'pivot',
  'unpivot',
  // Not read-only: routed to SQL so that the store's read-only check refuses them by name.
  'insert',
  'update',
  'delete',
  'create',
  'drop',
  'alter',
  'copy',
  'attach',
  'detach',
  'pragma',
  'set',
  'call',
  'load',
  'install',
  'export',
  'import',
]);

/** True when `text` is a Logs-Insights-style pipe query rather than SQL. */
export function isPipeQuery(text: string): boolean {
  // Skip leading whitespace and comments of either language (`#`, `--`, `/* */`).
  const body = text.replace(/^(?:\s+|#[^\n]*|--[^\n]*|\/\*[\s\S]*?\*\/)*/, '');
  if (body.startsWith('(')) return false;
  const word = /^[A-Za-z_]+/.exec(body)?.[0]?.toLowerCase();
  return word === undefined ? false : !SQL_STARTS.has(word);
}
