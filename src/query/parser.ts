// Recursive-descent parser for commands: query := command ("|" command)*. Expressions are
// parsed by expr-parser.ts.

import type { Command, Expr, ParsePattern, PipeQuery, Projection, SortKey } from './ast.ts';
import { KEYWORDS, parseOr, parsePrimary } from './expr-parser.ts';
import { regexGroupNames } from './patterns.ts';
import { isRelationName, RELATION_NAMES } from './relations.ts';
import { QueryError } from './query-error.ts';
import { TokenCursor } from './token-cursor.ts';

export const SUPPORTED_COMMANDS = [
  'source',
  'fields',
  'display',
  'filter',
  'stats',
  'sort',
  'limit',
  'parse',
  'dedup',
] as const;

/** Logs Insights commands outside our subset (FORMATS.md §2.1): rejected with a clear message. */
const UNSUPPORTED_COMMANDS: Record<string, string> = {
  pattern: 'it is ML clustering of log text and has no SQL equivalent',
  diff: 'it compares with a previous time window; run two queries with different time filters instead',
  unmask: 'there is no data-protection masking here',
  anomaly: 'it needs an anomaly model; use the detectors and `sakura-guard findings` instead',
  filterindex: 'there are no field indexes to select; use `filter`',
  unnest: 'flow records have no nested lists',
  lookup: 'there are no lookup tables in the pipe language; write SQL with a JOIN instead',
  join: 'write SQL with a JOIN instead',
  addtotals: 'compute totals with a second `stats` or in SQL',
  logcompare: 'it compares log groups; run two queries instead',
  relevantfields: 'list the fields with `sakura-guard query "DESCRIBE flows"` instead',
};

export function parsePipeQuery(text: string): PipeQuery {
  return new Parser(text).query();
}

class Parser {
  private readonly c: TokenCursor;

  constructor(text: string) {
    this.c = new TokenCursor(text);
  }

  query(): PipeQuery {
    const commands: Command[] = [];
    if (this.c.peek().kind === 'eof')
      throw new QueryError('the query is empty', 0, 'try: fields @timestamp, srcAddr, dstAddr | limit 20');
    // A bare relation name before the first "|" (`events | filter ...`) is `source events`.
    const first = this.c.peek();
    const bare = first.kind === 'ident' ? first.text.toLowerCase() : '';
    const next = this.c.tokens[this.c.pos + 1];
    if (isRelationName(bare) && (next?.kind === 'eof' || this.c.isOpAt(this.c.pos + 1, '|'))) {
      commands.push({ kind: 'source', relation: bare, start: first.start, end: first.end });
      if (next?.kind === 'eof') return { commands };
      this.c.pos += 2;
    }
    for (;;) {
      commands.push(this.command());
      const t = this.c.peek();
      if (t.kind === 'eof') break;
      if (!this.c.isOp('|')) throw this.c.unexpected(t, 'expected "|" before the next command');
      this.c.pos++;
    }
    return { commands };
  }

  private command(): Command {
    const t = this.c.next();
    if (t.kind !== 'ident')
      throw this.c.unexpected(t, `expected a command (${SUPPORTED_COMMANDS.join(', ')})`);
    const name = t.text.toLowerCase();
    const start = t.start;
    switch (name) {
      case 'fields':
      case 'display': {
        const items = this.projections();
        return { kind: name, items, start, end: this.c.lastEnd() };
      }
      case 'filter': {
        const condition = parseOr(this.c);
        return { kind: 'filter', condition, start, end: this.c.lastEnd() };
      }
      case 'stats': {
        const aggregates = this.projections();
        let by: Projection[] = [];
        if (this.c.isKeyword('by')) {
          this.c.pos++;
          by = this.projections();
        }
        return { kind: 'stats', aggregates, by, start, end: this.c.lastEnd() };
      }
      case 'sort': {
        const keys: SortKey[] = [];
        do {
          const expr = parseOr(this.c);
          let descending = false;
          if (this.c.isKeyword('desc')) {
            descending = true;
            this.c.pos++;
          } else if (this.c.isKeyword('asc')) {
            this.c.pos++;
          }
          keys.push({ expr, descending });
        } while (this.c.eatOp(','));
        return { kind: 'sort', keys, start, end: this.c.lastEnd() };
      }
      case 'limit': {
        const n = this.c.next();
        if (n.kind !== 'number' || !Number.isInteger(n.value) || n.value < 1) {
          throw this.c.unexpected(
            n,
            'limit needs a whole number of rows',
            'e.g. limit 100 (default 10000, max 100000)',
          );
        }
        return { kind: 'limit', count: n.value, start, end: n.end };
      }
      case 'parse':
        return this.parseCommand(start);
      case 'source': {
        const n = this.c.next();
        const relation = n.kind === 'ident' ? n.text.toLowerCase() : '';
        if (!isRelationName(relation))
          throw this.c.unexpected(
            n,
            `source takes one of ${RELATION_NAMES.join(', ')}`,
            'e.g. source events',
          );
        return { kind: 'source', relation, start, end: n.end };
      }
      case 'dedup': {
        const keys: Expr[] = [];
        do keys.push(parseOr(this.c));
        while (this.c.eatOp(','));
        return { kind: 'dedup', keys, start, end: this.c.lastEnd() };
      }
      default: {
        const why = UNSUPPORTED_COMMANDS[name];
        if (why !== undefined)
          throw new QueryError(
            `the "${t.text}" command is not supported: ${why}`,
            start,
            `supported commands: ${SUPPORTED_COMMANDS.join(', ')}`,
          );
        throw new QueryError(
          `unknown command "${t.text}"`,
          start,
          `supported commands: ${SUPPORTED_COMMANDS.join(', ')}`,
        );
      }
    }
  }

  private parseCommand(start: number): Command {
    const source = parsePrimary(this.c);
    const p = this.c.next();
    let pattern: ParsePattern;
    let names: string[];
    if (p.kind === 'regex') {
      pattern = { kind: 'regex', pattern: p.pattern };
      names = regexGroupNames(p.pattern);
      if (names.length === 0)
        throw new QueryError(
          'the parse regex has no named groups',
          p.start,
          'name what to extract: /user=(?<user>\\S+)/',
        );
    } else if (p.kind === 'string') {
      pattern = { kind: 'glob', text: p.value };
      if (!this.c.isKeyword('as'))
        throw this.c.unexpected(
          this.c.peek(),
          'a parse glob needs "as" and one name per *',
          'e.g. parse @message "* user=*" as prefix, user',
        );
      this.c.pos++;
      names = [];
      do names.push(this.name());
      while (this.c.eatOp(','));
      const stars = p.value.split('*').length - 1;
      if (stars !== names.length) {
        throw new QueryError(
          `the glob has ${stars} "*" but ${names.length} names follow "as"`,
          p.start,
          'give exactly one name per *',
        );
      }
    } else {
      throw this.c.unexpected(
        p,
        'parse needs a glob string ("* text *") or a regex with named groups (/(?<name>…)/)',
      );
    }
    return { kind: 'parse', source, pattern, names, start, end: this.c.lastEnd() };
  }

  private projections(): Projection[] {
    const items: Projection[] = [];
    do {
      const first = this.c.peek();
      const expr = parseOr(this.c);
      const end = this.c.lastEnd();
      let alias: string | undefined;
      if (this.c.isKeyword('as')) {
        this.c.pos++;
        alias = this.name();
      }
      items.push({
        expr,
        alias,
        text: this.c.text.slice(first.start, end).trim(),
        start: first.start,
        end: this.c.lastEnd(),
      });
    } while (this.c.eatOp(','));
    return items;
  }

  /** A name after `as`: a plain identifier or a `quoted` one. */
  private name(): string {
    const t = this.c.next();
    if ((t.kind === 'ident' && !KEYWORDS.has(t.text.toLowerCase())) || t.kind === 'quoted') return t.text;
    throw this.c.unexpected(t, 'expected a name');
  }
}
