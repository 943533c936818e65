// Small helpers over the `yaml` package's node tree: lines of nodes and typed map access, for the
// compose and Kubernetes readers (their findings point at the exact line).

import {
  type Document,
  LineCounter,
  type Node,
  type Pair,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
} from 'yaml';

export interface YamlSource {
  docs: Document.Parsed[];
  lines: LineCounter;
}

export function parseYaml(text: string): YamlSource {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false });
  return { docs: Array.isArray(docs) ? docs : [], lines };
}

export function lineOf(src: YamlSource, node: Node | Pair | null | undefined): number {
  const n = node && 'range' in node ? node : node && 'key' in node ? (node.key as Node | null) : null;
  const start = n?.range?.[0];
  return start === undefined ? 1 : src.lines.linePos(start).line;
}

export function endLineOf(src: YamlSource, node: Node | null | undefined): number {
  const r = node?.range;
  if (!r) return 1;
  // range[1] is the end of the value; step back over a trailing newline.
  return src.lines.linePos(Math.max(r[0], r[1] - 1)).line;
}

/** The pair for `key` in a map node, if the node is a map and has the key. */
export function pairOf(node: unknown, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(node)) return undefined;
  for (const p of node.items)
    if (isScalar(p.key) && String(p.key.value) === key) return p as Pair<Node, Node | null>;
  return undefined;
}

export function child(node: unknown, key: string): Node | null | undefined {
  return pairOf(node, key)?.value;
}

export function scalar(node: unknown): string | number | boolean | null | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null
    ? v
    : String(v);
}

export function seqItems(node: unknown): Node[] {
  return isSeq(node) ? (node.items as Node[]) : [];
}

export function mapPairs(node: unknown): Pair<Node, Node | null>[] {
  return isMap(node) ? (node.items as Pair<Node, Node | null>[]) : [];
}

export function keyText(p: Pair<Node, Node | null>): string {
  return isScalar(p.key) ? String(p.key.value) : '';
}
