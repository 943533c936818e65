// Tokens of HCL2 native syntax with their lines. Quoted strings and heredocs arrive already split
// into literal text and `${...}` interpolation source, which the parser reads recursively.

export type StringPart = { literal: string } | { interpolation: string; line: number };

export type Token =
  | { t: 'ident'; v: string; line: number }
  | { t: 'number'; v: number; line: number }
  | { t: 'string'; parts: StringPart[]; line: number; endLine: number }
  | { t: 'punct'; v: string; line: number }
  | { t: 'newline'; line: number }
  | { t: 'eof'; line: number };

export class HclSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.name = 'HclSyntaxError';
    this.line = line;
  }
}

const TWO_CHAR = new Set(['==', '!=', '<=', '>=', '&&', '||', '=>', '...']);
const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isIdentChar = (c: string): boolean => /[A-Za-z0-9_-]/.test(c);

export function tokenize(src: string, firstLine = 1): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = firstLine;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      out.push({ t: 'newline', line });
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let k = i; k < stop; k++) if (src[k] === '\n') line++;
      i = stop;
    } else if (c === '"') {
      const start = line;
      const r = readQuoted(src, i + 1, line);
      out.push({ t: 'string', parts: r.parts, line: start, endLine: r.line });
      i = r.end;
      line = r.line;
    } else if (c === '<' && src[i + 1] === '<' && /[-A-Za-z_]/.test(src[i + 2] ?? '')) {
      const start = line;
      const r = readHeredoc(src, i, line);
      out.push({ t: 'string', parts: r.parts, line: start, endLine: r.line });
      i = r.end;
      line = r.line;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i, i + 64))!;
      out.push({ t: 'number', v: Number(m[0]), line });
      i += m[0].length;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(src[j]!)) j++;
      out.push({ t: 'ident', v: src.slice(i, j), line });
      i = j;
    } else {
      const three = src.slice(i, i + 3);
      const two = src.slice(i, i + 2);
      const v = TWO_CHAR.has(three) ? three : TWO_CHAR.has(two) ? two : c;
      out.push({ t: 'punct', v, line });
      i += v.length;
    }
  }
  out.push({ t: 'eof', line });
  return out;
}

function readQuoted(
  src: string,
  from: number,
  startLine: number,
): { parts: StringPart[]; end: number; line: number } {
  const parts: StringPart[] = [];
  let lit = '';
  let i = from;
  let line = startLine;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"') {
      if (lit) parts.push({ literal: lit });
      return { parts, end: i + 1, line };
    }
    if (c === '\n') throw new HclSyntaxError('unterminated string', startLine);
    if (c === '\\') {
      const e = src[i + 1] ?? '';
      const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
      if (e === 'u' || e === 'U') {
        const len = e === 'u' ? 4 : 8;
        lit += String.fromCodePoint(parseInt(src.slice(i + 2, i + 2 + len), 16) || 0xfffd);
        i += 2 + len;
      } else {
        lit += map[e] ?? e;
        i += 2;
      }
      continue;
    }
    if ((c === '$' || c === '%') && src[i + 1] === '{') {
      if (src[i - 1] === c && src[i - 2] !== c) {
        // `$${` is an escaped literal `${`
        lit = `${lit.slice(0, -1)}${c}{`;
        i += 2;
        continue;
      }
      const close = matchBrace(src, i + 1);
      if (close < 0) throw new HclSyntaxError('unterminated interpolation', line);
      if (lit) parts.push({ literal: lit });
      lit = '';
      const inner = src.slice(i + 2, close);
      // Template directives (%{if}/%{for}) are kept as an opaque interpolation of their own text.
      parts.push(c === '$' ? { interpolation: inner, line } : { interpolation: 'null', line });
      for (const ch of inner) if (ch === '\n') line++;
      i = close + 1;
      continue;
    }
    lit += c;
    i++;
  }
  throw new HclSyntaxError('unterminated string', startLine);
}

/** Index of the `}` closing the `{` at `open`, skipping nested braces and quoted strings. */
function matchBrace(src: string, open: number): number {
  let depth = 0;
  let inStr = false;
  for (let i = open; i < src.length; i++) {
    const c = src[i]!;
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function readHeredoc(
  src: string,
  at: number,
  startLine: number,
): { parts: StringPart[]; end: number; line: number } {
  const header = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(src.slice(at, at + 200));
  if (!header) throw new HclSyntaxError('malformed heredoc', startLine);
  const marker = header[2]!;
  let i = at + header[0].length;
  let line = startLine + 1;
  const body: string[] = [];
  while (i < src.length) {
    const nl = src.indexOf('\n', i);
    const raw = src.slice(i, nl < 0 ? src.length : nl).replace(/\r$/, '');
    if (raw.trim() === marker) {
      const parts: StringPart[] = [{ literal: body.join('\n') + (body.length ? '\n' : '') }];
      return { parts, end: i + raw.length, line };
    }
    body.push(raw);
    line++;
    i = nl < 0 ? src.length : nl + 1;
  }
  throw new HclSyntaxError(`heredoc ${marker} is never closed`, startLine);
}
