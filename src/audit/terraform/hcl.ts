// A small HCL2 native-syntax parser that keeps line numbers (npm's HCL parsers convert to JSON and
// lose them; SARIF regions need them). Expressions the auditor cannot evaluate (function calls,
// conditionals, for-expressions, arithmetic) are kept as `other` with their references.

import { HclSyntaxError, type StringPart, type Token, tokenize } from './hcl-lexer.ts';

export { HclSyntaxError };

export type HclExpr =
  | { type: 'literal'; value: string | number | boolean | null; line: number }
  | { type: 'template'; parts: (string | HclExpr)[]; line: number }
  | { type: 'tuple'; items: HclExpr[]; line: number; endLine: number }
  | { type: 'object'; entries: HclObjectEntry[]; line: number; endLine: number }
  | { type: 'ref'; path: string; line: number }
  | { type: 'other'; refs: string[]; line: number };

export interface HclObjectEntry {
  key: string;
  value: HclExpr;
  line: number;
  endLine: number;
}

export interface HclAttribute {
  name: string;
  value: HclExpr;
  line: number;
  endLine: number;
}

export interface HclBlock {
  type: string;
  labels: string[];
  body: HclBody;
  line: number;
  endLine: number;
}

export interface HclBody {
  attributes: HclAttribute[];
  blocks: HclBlock[];
}

export interface HclFile {
  body: HclBody;
  /** Every traversal (`aws_vpc.main.id`, `var.x`) anywhere in the file, for reference graphs. */
  references: string[];
}

const BINARY = new Set(['==', '!=', '<', '>', '<=', '>=', '&&', '||', '+', '-', '*', '/', '%', '?', ':']);

class Parser {
  private pos = 0;
  private readonly toks: Token[];
  constructor(toks: Token[]) {
    this.toks = toks;
  }

  private peek(k = 0): Token {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)]!;
  }
  private next(): Token {
    return this.toks[Math.min(this.pos++, this.toks.length - 1)]!;
  }
  private isPunct(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t.t === 'punct' && t.v === v;
  }
  private expect(v: string): Token {
    const t = this.next();
    if (t.t !== 'punct' || t.v !== v) throw new HclSyntaxError(`expected '${v}'`, t.line);
    return t;
  }
  private skipNewlines(): void {
    while (this.peek().t === 'newline') this.pos++;
  }

  parseBody(closing: boolean): HclBody {
    const body: HclBody = { attributes: [], blocks: [] };
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (t.t === 'eof') {
        if (closing) throw new HclSyntaxError("missing '}'", t.line);
        return body;
      }
      if (t.t === 'punct' && t.v === '}') {
        if (!closing) throw new HclSyntaxError("unexpected '}'", t.line);
        return body;
      }
      if (t.t !== 'ident') throw new HclSyntaxError('expected an attribute or block name', t.line);
      this.pos++;
      if (this.isPunct('=')) {
        this.pos++;
        const value = this.parseExpr(true);
        body.attributes.push({ name: t.v, value, line: t.line, endLine: this.prevLine() });
        continue;
      }
      const labels: string[] = [];
      for (;;) {
        const l = this.peek();
        if (l.t === 'ident') labels.push(l.v);
        else if (l.t === 'string')
          labels.push(l.parts.map((p) => ('literal' in p ? p.literal : '')).join(''));
        else break;
        this.pos++;
      }
      this.expect('{');
      const inner = this.parseBody(true);
      const close = this.expect('}');
      body.blocks.push({ type: t.v, labels, body: inner, line: t.line, endLine: close.line });
    }
  }

  private prevLine(): number {
    const t = this.toks[this.pos - 1];
    if (!t) return 1;
    return t.t === 'string' ? t.endLine : t.line;
  }

  /** An expression; `stopAtNewline` is true at attribute level, false inside brackets. */
  parseExpr(stopAtNewline: boolean): HclExpr {
    const first = this.parsePostfix(stopAtNewline);
    if (!this.atOperator()) return first;
    const refs = collectRefs(first);
    while (this.atOperator()) {
      this.pos++;
      if (!stopAtNewline) this.skipNewlines();
      refs.push(...collectRefs(this.parsePostfix(stopAtNewline)));
    }
    return { type: 'other', refs, line: first.line };
  }

  private atOperator(): boolean {
    const t = this.peek();
    return t.t === 'punct' && BINARY.has(t.v);
  }

  private parsePostfix(stopAtNewline: boolean): HclExpr {
    let e = this.parsePrimary(stopAtNewline);
    for (;;) {
      if (
        this.isPunct('.') &&
        (this.peek(1).t === 'ident' || this.isPunct('*', 1) || this.peek(1).t === 'number')
      ) {
        this.pos++;
        const part = this.next();
        const name = part.t === 'ident' ? part.v : part.t === 'number' ? String(part.v) : '*';
        e =
          e.type === 'ref'
            ? { ...e, path: `${e.path}.${name}` }
            : { type: 'other', refs: collectRefs(e), line: e.line };
      } else if (this.isPunct('[')) {
        this.pos++;
        this.skipNewlines();
        const idx = this.isPunct('*') ? (this.pos++, null) : this.parseExpr(false);
        this.skipNewlines();
        this.expect(']');
        if (e.type === 'ref' && idx && idx.type === 'literal')
          e = { ...e, path: `${e.path}[${String(idx.value)}]` };
        else if (e.type === 'ref') e = { ...e, path: `${e.path}[*]` };
        else e = { type: 'other', refs: [...collectRefs(e), ...(idx ? collectRefs(idx) : [])], line: e.line };
      } else {
        return e;
      }
    }
  }

  private parsePrimary(stopAtNewline: boolean): HclExpr {
    const t = this.next();
    switch (t.t) {
      case 'number':
        return { type: 'literal', value: t.v, line: t.line };
      case 'string':
        return this.template(t.parts, t.line);
      case 'ident': {
        if (t.v === 'true' || t.v === 'false')
          return { type: 'literal', value: t.v === 'true', line: t.line };
        if (t.v === 'null') return { type: 'literal', value: null, line: t.line };
        if (this.isPunct('(')) return this.call(t.line);
        return { type: 'ref', path: t.v, line: t.line };
      }
      case 'punct':
        if (t.v === '[') return this.tuple(t.line);
        if (t.v === '{') return this.object(t.line);
        if (t.v === '(') {
          this.skipNewlines();
          const inner = this.parseExpr(false);
          this.skipNewlines();
          this.expect(')');
          return inner.type === 'ref' ? { type: 'other', refs: [inner.path], line: t.line } : inner;
        }
        if (t.v === '-' || t.v === '!') {
          const operand = this.parsePostfix(stopAtNewline);
          if (t.v === '-' && operand.type === 'literal' && typeof operand.value === 'number')
            return { ...operand, value: -operand.value };
          return { type: 'other', refs: collectRefs(operand), line: t.line };
        }
        throw new HclSyntaxError(`unexpected '${t.v}'`, t.line);
      case 'newline':
      case 'eof':
        throw new HclSyntaxError('expected an expression', t.line);
    }
  }

  private call(line: number): HclExpr {
    this.expect('(');
    const refs: string[] = [];
    this.skipNewlines();
    while (!this.isPunct(')')) {
      refs.push(...collectRefs(this.parseExpr(false)));
      this.skipNewlines();
      if (this.isPunct(',') || this.isPunct('...')) this.pos++;
      this.skipNewlines();
    }
    this.expect(')');
    return { type: 'other', refs, line };
  }

  private tuple(line: number): HclExpr {
    this.skipNewlines();
    if (this.peek().t === 'ident' && (this.peek() as { v: string }).v === 'for')
      return this.forExpr(']', line);
    const items: HclExpr[] = [];
    while (!this.isPunct(']')) {
      items.push(this.parseExpr(false));
      this.skipNewlines();
      if (this.isPunct(',')) this.pos++;
      this.skipNewlines();
    }
    const close = this.expect(']');
    return { type: 'tuple', items, line, endLine: close.line };
  }

  private object(line: number): HclExpr {
    this.skipNewlines();
    if (this.peek().t === 'ident' && (this.peek() as { v: string }).v === 'for')
      return this.forExpr('}', line);
    const entries: HclObjectEntry[] = [];
    while (!this.isPunct('}')) {
      const k = this.parsePostfix(false);
      const key =
        k.type === 'ref'
          ? k.path
          : k.type === 'literal'
            ? String(k.value)
            : k.type === 'template'
              ? templateText(k)
              : '';
      if (!this.isPunct('=') && !this.isPunct(':'))
        throw new HclSyntaxError("expected '=' in object", this.peek().line);
      this.pos++;
      this.skipNewlines();
      const value = this.parseExpr(false);
      entries.push({ key, value, line: k.line, endLine: this.prevLine() });
      while (this.peek().t === 'newline' || this.isPunct(',')) this.pos++;
    }
    const close = this.expect('}');
    return { type: 'object', entries, line, endLine: close.line };
  }

  /** `[for x in y : z]` / `{for k, v in y : k => v}`: kept as its references. */
  private forExpr(closing: string, line: number): HclExpr {
    const refs: string[] = [];
    let depth = 0;
    let afterDot = false;
    for (;;) {
      const t = this.next();
      if (t.t === 'eof') throw new HclSyntaxError('unterminated for expression', line);
      if (t.t === 'punct' && (t.v === '[' || t.v === '{' || t.v === '(')) depth++;
      if (t.t === 'punct' && (t.v === ']' || t.v === '}' || t.v === ')')) {
        if (depth === 0 && t.v === closing) break;
        depth--;
      }
      if (t.t === 'ident') {
        if (afterDot && refs.length > 0) refs[refs.length - 1] += `.${t.v}`;
        else refs.push(t.v);
      }
      afterDot = t.t === 'punct' && t.v === '.';
    }
    return { type: 'other', refs, line };
  }

  private template(parts: StringPart[], line: number): HclExpr {
    if (parts.every((p) => 'literal' in p)) {
      return { type: 'literal', value: parts.map((p) => ('literal' in p ? p.literal : '')).join(''), line };
    }
    const out: (string | HclExpr)[] = [];
    for (const p of parts) {
      if ('literal' in p) out.push(p.literal);
      else {
        const sub = new Parser(tokenize(p.interpolation, p.line));
        sub.skipNewlines();
        const e = sub.parseExpr(false);
        out.push(e);
      }
    }
    return { type: 'template', parts: out, line };
  }
}

function templateText(e: Extract<HclExpr, { type: 'template' }>): string {
  return e.parts.map((p) => (typeof p === 'string' ? p : '')).join('');
}

export function collectRefs(e: HclExpr): string[] {
  switch (e.type) {
    case 'literal':
      return [];
    case 'ref':
      return [e.path];
    case 'other':
      return [...e.refs];
    case 'template':
      return e.parts.flatMap((p) => (typeof p === 'string' ? [] : collectRefs(p)));
    case 'tuple':
      return e.items.flatMap(collectRefs);
    case 'object':
      return e.entries.flatMap((x) => collectRefs(x.value));
  }
}

/** Parses one file. Throws HclSyntaxError with a line on malformed input. */
export function parseHcl(src: string): HclFile {
  const body = new Parser(tokenize(src)).parseBody(false);
  return { body, references: bodyRefs(body) };
}

function bodyRefs(body: HclBody): string[] {
  return [
    ...body.attributes.flatMap((a) => collectRefs(a.value)),
    ...body.blocks.flatMap((b) => bodyRefs(b.body)),
  ];
}
