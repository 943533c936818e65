// Reading a rule file's YAML node tree with positions: every value read through here knows its
// line and column, and every problem is collected (never thrown) so `rules check` can report all
// of them at once.

import { LineCounter, type Node, type Pair, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Position, RuleProblem } from './types.ts';

export type YNode = Node | null | undefined;

export class YamlReader {
  readonly file: string;
  readonly problems: RuleProblem[];
  private readonly lines: LineCounter;

  constructor(file: string, lines: LineCounter, problems: RuleProblem[]) {
    this.file = file;
    this.lines = lines;
    this.problems = problems;
  }

  /** Position of a node (or of its pair's key); the fallback when the node has none. */
  at(node: YNode | Pair, fallback?: Position): Position {
    const n: YNode = node && 'range' in node ? node : node && 'key' in node ? (node.key as Node) : null;
    const start = n?.range?.[0];
    if (start === undefined) return fallback ?? { file: this.file, line: 1, column: 1 };
    const p = this.lines.linePos(start);
    return { file: this.file, line: p.line, column: p.col };
  }

  problem(where: Position, message: string, hint: string): void {
    this.problems.push({ ...where, message, hint });
  }

  pairs(node: YNode): Pair<Node, YNode>[] {
    return isMap(node) ? (node.items as Pair<Node, YNode>[]) : [];
  }

  key(p: Pair<Node, YNode>): string {
    return isScalar(p.key) ? String(p.key.value) : '';
  }

  child(node: YNode, key: string): Pair<Node, YNode> | undefined {
    return this.pairs(node).find((p) => this.key(p) === key);
  }

  isMap(node: YNode): boolean {
    return isMap(node);
  }

  isSeq(node: YNode): boolean {
    return isSeq(node);
  }

  items(node: YNode): YNode[] {
    return isSeq(node) ? (node.items as YNode[]) : [];
  }

  /** The scalar value, or undefined when the node is not a scalar. */
  scalar(node: YNode): string | number | boolean | null | undefined {
    if (node === null) return null;
    if (!isScalar(node)) return undefined;
    const v = node.value;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    return String(v);
  }

  /** A string value, or a problem and undefined. Numbers are accepted as their text. */
  text(
    p: Pair<Node, YNode> | undefined,
    what: string,
    required: boolean,
    where: Position,
  ): string | undefined {
    if (p === undefined) {
      if (required) this.problem(where, `missing "${what}"`, `add "${what}: ..." to the rule`);
      return undefined;
    }
    const v = this.scalar(p.value);
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (typeof v === 'number') return String(v);
    this.problem(
      this.at(p.value ?? p, where),
      `"${what}" must be a non-empty text`,
      `write "${what}: some text"`,
    );
    return undefined;
  }
}

export interface ParsedDocs {
  docs: { node: YNode; reader: YamlReader }[];
}

/** Parses every YAML document of a file; syntax errors become problems with their line. */
export function readYamlDocs(file: string, text: string, problems: RuleProblem[]): ParsedDocs {
  const lines = new LineCounter();
  const reader = new YamlReader(file, lines, problems);
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const out: ParsedDocs = { docs: [] };
  for (const d of list) {
    if (d.errors.length > 0) {
      for (const e of d.errors) {
        const lp = e.linePos?.[0];
        reader.problem(
          { file, line: lp?.line ?? 1, column: lp?.col ?? 1 },
          `YAML syntax: ${(e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, '')}`,
          'fix the YAML at this line (indentation, quotes, a missing ":")',
        );
      }
      continue;
    }
    if (d.contents === null) continue; // an empty document (e.g. a trailing ---)
    out.docs.push({ node: d.contents, reader });
  }
  return out;
}

/** The closest of `options` to `word` by edit distance, when close enough to suggest. */
export function didYouMean(word: string, options: readonly string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
