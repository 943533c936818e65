// Recursive-descent parser: tokens -> PipeQuery. Grammar (FORMATS.md §2.3, SQL precedence):
//   query  := command ("|" command)*
//   or     := and ("or" and)*          and := not ("and" not)*        not := "not" not | pred
//   pred   := sum [cmp sum | ["not"] "like" (STRING|REGEX) | "=~" REGEX | ["not"] "in" "[" lit, ... "]"]
//   sum    := product (("+"|"-") product)*     product := power (("*"|"/"|"%") power)*
//   power  := unary ["^" power]                 unary := "-" unary | primary
//   primary:= NUMBER | STRING | DURATION | "(" or ")" | ident "(" args ")" | FIELD

import type {
  Command,
  ComparisonOp,
  Expr,
  Literal,
  ParsePattern,
  PipeQuery,
  Projection,
  SortKey,
} from './ast.ts';
import { tokenize, type Token } from './lexer.ts';
import { QueryError } from './query-error.ts';

export const SUPPORTED_COMMANDS = [
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
  source: 'the source is always the flow store',
  addtotals: 'compute totals with a second `stats` or in SQL',
  logcompare: 'it compares log groups; run two queries instead',
  relevantfields: 'list the fields with `sakura-guard query "DESCRIBE flows"` instead',
};

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'as', 'by', 'asc', 'desc']);
const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

export function parsePipeQuery(text: string): PipeQuery {
  return new Parser(text).query();
}

/** Names of the named groups of a regex (`(?<name>…)` or `(?P<name>…)`), in order. */
export function regexGroupNames(pattern: string): string[] {
  return [...pattern.matchAll(/\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]!);
}

class Parser {
  private readonly text: string;
  private readonly tokens: Token[];
  private pos = 0;

  constructor(text: string) {
    this.text = text;
    this.tokens = tokenize(text);
  }

  query(): PipeQuery {
    const commands: Command[] = [];
    if (this.peek().kind === 'eof')
      throw new QueryError('the query is empty', 0, 'try: fields @timestamp, srcAddr, dstAddr | limit 20');
    for (;;) {
      commands.push(this.command());
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (!this.isOp('|')) throw this.unexpected(t, 'expected "|" before the next command');
      this.pos++;
    }
    return { commands };
  }

  private command(): Command {
    const t = this.next();
    if (t.kind !== 'ident') throw this.unexpected(t, `expected a command (${SUPPORTED_COMMANDS.join(', ')})`);
    const name = t.text.toLowerCase();
    const start = t.start;
    switch (name) {
      case 'fields':
      case 'display': {
        const items = this.projections();
        return { kind: name, items, start, end: this.lastEnd() };
      }
      case 'filter': {
        const condition = this.or();
        return { kind: 'filter', condition, start, end: this.lastEnd() };
      }
      case 'stats': {
        const aggregates = this.projections();
        let by: Projection[] = [];
        if (this.isKeyword('by')) {
          this.pos++;
          by = this.projections();
        }
        return { kind: 'stats', aggregates, by, start, end: this.lastEnd() };
      }
      case 'sort': {
        const keys: SortKey[] = [];
        do {
          const expr = this.or();
          let descending = false;
          if (this.isKeyword('desc')) {
            descending = true;
            this.pos++;
          } else if (this.isKeyword('asc')) {
            this.pos++;
          }
          keys.push({ expr, descending });
        } while (this.eatOp(','));
        return { kind: 'sort', keys, start, end: this.lastEnd() };
      }
      case 'limit': {
        const n = this.next();
        if (n.kind !== 'number' || !Number.isInteger(n.value) || n.value < 1) {
          throw this.unexpected(
            n,
            'limit needs a whole number of rows',
            'e.g. limit 100 (default 10000, max 100000)',
          );
        }
        return { kind: 'limit', count: n.value, start, end: n.end };
      }
      case 'parse':
        return this.parseCommand(start);
      case 'dedup': {
        const keys: Expr[] = [];
        do keys.push(this.or());
        while (this.eatOp(','));
        return { kind: 'dedup', keys, start, end: this.lastEnd() };
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
    const source = this.primary();
    const p = this.next();
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
      if (!this.isKeyword('as'))
        throw this.unexpected(
          this.peek(),
          'a parse glob needs "as" and one name per *',
          'e.g. parse @message "* user=*" as prefix, user',
        );
      this.pos++;
      names = [];
      do names.push(this.name());
      while (this.eatOp(','));
      const stars = p.value.split('*').length - 1;
      if (stars !== names.length) {
        throw new QueryError(
          `the glob has ${stars} "*" but ${names.length} names follow "as"`,
          p.start,
          'give exactly one name per *',
        );
      }
    } else {
      throw this.unexpected(
        p,
        'parse needs a glob string ("* text *") or a regex with named groups (/(?<name>…)/)',
      );
    }
    return { kind: 'parse', source, pattern, names, start, end: this.lastEnd() };
  }

  private projections(): Projection[] {
    const items: Projection[] = [];
    do {
      const first = this.peek();
      const expr = this.or();
      const end = this.lastEnd();
      let alias: string | undefined;
      if (this.isKeyword('as')) {
        this.pos++;
        alias = this.name();
      }
      items.push({
        expr,
        alias,
        text: this.text.slice(first.start, end).trim(),
        start: first.start,
        end: this.lastEnd(),
      });
    } while (this.eatOp(','));
    return items;
  }

  /** A name after `as`: a plain identifier or a `quoted` one. */
  private name(): string {
    const t = this.next();
    if ((t.kind === 'ident' && !KEYWORDS.has(t.text.toLowerCase())) || t.kind === 'quoted') return t.text;
    throw this.unexpected(t, 'expected a name');
  }

  private or(): Expr {
    let left = this.and();
    while (this.isKeyword('or')) {
      this.pos++;
      const right = this.and();
      left = { kind: 'logical', op: 'or', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isKeyword('and')) {
      this.pos++;
      const right = this.not();
      left = { kind: 'logical', op: 'and', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private not(): Expr {
    if (this.isKeyword('not')) {
      const start = this.next().start;
      const operand = this.not();
      return { kind: 'not', operand, start, end: operand.end };
    }
    return this.predicate();
  }

  private predicate(): Expr {
    const left = this.sum();
    const t = this.peek();
    if (t.kind === 'op' && COMPARISONS.has(t.text)) {
      this.pos++;
      const right = this.sum();
      return { kind: 'compare', op: t.text as ComparisonOp, left, right, start: left.start, end: right.end };
    }
    if (t.kind === 'op' && t.text === '=~') {
      this.pos++;
      const re = this.next();
      if (re.kind !== 'regex') throw this.unexpected(re, '=~ needs a regex: =~ /pattern/');
      return {
        kind: 'match',
        subject: left,
        negated: false,
        pattern: { kind: 'regex', pattern: re.pattern },
        start: left.start,
        end: re.end,
      };
    }
    let negated = false;
    if (this.isKeyword('not') && this.isKeywordAt(this.pos + 1, 'like', 'in')) {
      negated = true;
      this.pos++;
    }
    if (this.isKeyword('like')) {
      this.pos++;
      const p = this.next();
      if (p.kind === 'string')
        return {
          kind: 'match',
          subject: left,
          negated,
          pattern: { kind: 'substring', value: p.value },
          start: left.start,
          end: p.end,
        };
      if (p.kind === 'regex')
        return {
          kind: 'match',
          subject: left,
          negated,
          pattern: { kind: 'regex', pattern: p.pattern },
          start: left.start,
          end: p.end,
        };
      throw this.unexpected(p, 'like needs a string ("text", substring) or a regex (/pattern/)');
    }
    if (this.isKeyword('in')) {
      this.pos++;
      if (!this.eatOp('[')) throw this.unexpected(this.peek(), 'in needs a list in brackets: in [22, 3389]');
      const items: Literal[] = [];
      if (!this.isOp(']')) {
        do items.push(this.literal());
        while (this.eatOp(','));
      }
      const close = this.peek();
      if (!this.eatOp(']')) throw this.unexpected(close, 'expected "]" or "," in the list');
      return { kind: 'in', subject: left, negated, items, start: left.start, end: close.end };
    }
    return left;
  }

  private literal(): Literal {
    const t = this.next();
    if (t.kind === 'number') return { kind: 'number', value: t.value, start: t.start, end: t.end };
    if (t.kind === 'string') return { kind: 'string', value: t.value, start: t.start, end: t.end };
    if (t.kind === 'op' && t.text === '-') {
      const n = this.next();
      if (n.kind === 'number') return { kind: 'number', value: -n.value, start: t.start, end: n.end };
    }
    throw this.unexpected(t, 'expected a number or a string in the list');
  }

  private sum(): Expr {
    let left = this.product();
    for (let t = this.peek(); t.kind === 'op' && (t.text === '+' || t.text === '-'); t = this.peek()) {
      this.pos++;
      const right = this.product();
      left = { kind: 'arith', op: t.text, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private product(): Expr {
    let left = this.power();
    for (
      let t = this.peek();
      t.kind === 'op' && (t.text === '*' || t.text === '/' || t.text === '%');
      t = this.peek()
    ) {
      this.pos++;
      const right = this.power();
      left = { kind: 'arith', op: t.text, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private power(): Expr {
    const left = this.unary();
    if (this.isOp('^')) {
      this.pos++;
      const right = this.power();
      return { kind: 'arith', op: '^', left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && t.text === '-') {
      this.pos++;
      const operand = this.unary();
      return { kind: 'negate', operand, start: t.start, end: operand.end };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { kind: 'number', value: t.value, start: t.start, end: t.end };
      case 'string':
        return { kind: 'string', value: t.value, start: t.start, end: t.end };
      case 'duration':
        return { kind: 'duration', amount: t.amount, unit: t.unit, start: t.start, end: t.end };
      case 'quoted':
        return { kind: 'field', name: t.text, start: t.start, end: t.end };
      case 'ident': {
        if (this.isOp('(')) return this.call(t);
        if (KEYWORDS.has(t.text.toLowerCase()))
          throw this.unexpected(t, `"${t.text}" cannot start an expression`);
        return { kind: 'field', name: t.text, start: t.start, end: t.end };
      }
      case 'op':
        if (t.text === '(') {
          const inner = this.or();
          if (!this.eatOp(')')) throw this.unexpected(this.peek(), 'expected ")"');
          return inner;
        }
        throw this.unexpected(t, 'expected a field, a value or "("');
      case 'regex':
        throw this.unexpected(t, 'a regex can only follow like, =~ or parse <field>');
      case 'eof':
        throw this.unexpected(t, 'the query ends too early');
    }
  }

  private call(nameToken: Token & { kind: 'ident' }): Expr {
    this.pos++; // "("
    const args: Expr[] = [];
    let star = false;
    if (this.isOp('*') && this.isOpAt(this.pos + 1, ')')) {
      star = true;
      this.pos++;
    } else if (!this.isOp(')')) {
      do args.push(this.or());
      while (this.eatOp(','));
    }
    const close = this.peek();
    if (!this.eatOp(')')) throw this.unexpected(close, `expected ")" to close ${nameToken.text}(`);
    return { kind: 'call', name: nameToken.text, args, star, start: nameToken.start, end: close.end };
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }
  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  private lastEnd(): number {
    return this.tokens[this.pos - 1]?.end ?? 0;
  }
  private isOp(text: string): boolean {
    return this.isOpAt(this.pos, text);
  }
  private isOpAt(index: number, text: string): boolean {
    const t = this.tokens[index];
    return t?.kind === 'op' && t.text === text;
  }
  private eatOp(text: string): boolean {
    if (!this.isOp(text)) return false;
    this.pos++;
    return true;
  }
  private isKeyword(word: string): boolean {
    return this.isKeywordAt(this.pos, word);
  }
  private isKeywordAt(index: number, ...words: string[]): boolean {
    const t = this.tokens[index];
    return t?.kind === 'ident' && words.includes(t.text.toLowerCase());
  }

  private unexpected(t: Token, message: string, hint?: string): QueryError {
    const found = t.kind === 'eof' ? 'the end of the query' : `"${this.text.slice(t.start, t.end)}"`;
    return new QueryError(`${message}; found ${found}`, t.start, hint);
  }
}
