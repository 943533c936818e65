// Assembles SELECT text from compiled pieces. Pieces are SQL built by the compiler from the
// alias table and placeholders; no user text reaches this file.

export interface OrderKey {
  sql: string;
  descending: boolean;
}

export interface SelectParts {
  /** `expr AS "name"` items. */
  list: string[];
  from: string;
  where: string[];
  /** Group by the first N select items (0: no GROUP BY). */
  groupBy: number;
  order: OrderKey[];
  /** Placeholder of the limit, if any. */
  limit: string | undefined;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function orderSql(order: OrderKey[]): string {
  return order.length > 0
    ? ` ORDER BY ${order.map((o) => `${o.sql} ${o.descending ? 'DESC' : 'ASC'}`).join(', ')}`
    : '';
}

export function selectSql(p: SelectParts): string {
  const where = p.where.length > 0 ? ` WHERE ${p.where.join(' AND ')}` : '';
  const groupBy =
    p.groupBy > 0 ? ` GROUP BY ${Array.from({ length: p.groupBy }, (_v, i) => i + 1).join(', ')}` : '';
  const limit = p.limit ? ` LIMIT ${p.limit}` : '';
  return `SELECT ${p.list.join(', ')} FROM ${p.from}${where}${groupBy}${orderSql(p.order)}${limit}`;
}

/**
 * Logs Insights `dedup`: rank rows per key in `order`, keep rank 1 and every row whose key is
 * null, and return them in `order`. Keys and order values ride along in hidden columns.
 */
export function dedupSelectSql(p: SelectParts, keys: string[], order: OrderKey[]): string {
  const keyCols = keys.map((_k, i) => quoteIdent(`__dedup_key${i}`));
  const orderCols = order.map((_o, i) => quoteIdent(`__dedup_order${i}`));
  const rank = `row_number() OVER (PARTITION BY ${keys.join(', ')}${orderSql(order)}) AS "__dedup_rank"`;
  const inner = selectSql({
    ...p,
    list: [
      ...p.list,
      ...keys.map((k, i) => `${k} AS ${keyCols[i]}`),
      ...order.map((o, i) => `${o.sql} AS ${orderCols[i]}`),
      rank,
    ],
    order: [],
    limit: undefined,
  });
  const keep = ['"__dedup_rank" = 1', ...keyCols.map((k) => `${k} IS NULL`)].join(' OR ');
  const hidden = [...keyCols, ...orderCols, '"__dedup_rank"'].join(', ');
  const outerOrder = order.map((o, i) => ({ sql: orderCols[i]!, descending: o.descending }));
  const limit = p.limit ? ` LIMIT ${p.limit}` : '';
  return `SELECT * EXCLUDE (${hidden}) FROM (${inner}) AS dedup WHERE ${keep}${orderSql(outerOrder)}${limit}`;
}
