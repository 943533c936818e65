// A read position over the tokens of one query, shared by the command and expression parsers.

import { tokenize, type Token } from './lexer.ts';
import { QueryError } from './query-error.ts';

export class TokenCursor {
  readonly text: string;
  readonly tokens: Token[];
  pos = 0;

  constructor(text: string) {
    this.text = text;
    this.tokens = tokenize(text);
  }

  peek(): Token {
    return this.tokens[this.pos]!;
  }
  next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  lastEnd(): number {
    return this.tokens[this.pos - 1]?.end ?? 0;
  }
  isOp(text: string): boolean {
    return this.isOpAt(this.pos, text);
  }
  isOpAt(index: number, text: string): boolean {
    const t = this.tokens[index];
    return t?.kind === 'op' && t.text === text;
  }
  eatOp(text: string): boolean {
    if (!this.isOp(text)) return false;
    this.pos++;
    return true;
  }
  isKeyword(word: string): boolean {
    return this.isKeywordAt(this.pos, word);
  }
  isKeywordAt(index: number, ...words: string[]): boolean {
    const t = this.tokens[index];
    return t?.kind === 'ident' && words.includes(t.text.toLowerCase());
  }

  unexpected(t: Token, message: string, hint?: string): QueryError {
    const found = t.kind === 'eof' ? 'the end of the query' : `"${this.text.slice(t.start, t.end)}"`;
    return new QueryError(`${message}; found ${found}`, t.start, hint);
  }
}
