// What a file holds, judged by its first bytes rather than its name.

export type ContentKind = 'gzip' | 'parquet' | 'cloudwatch-base64' | 'json' | 'text' | 'empty';

/** Bytes needed to decide; fewer only at the end of the input. */
export const SNIFF_BYTES = 16;

export function sniffContent(head: Buffer): ContentKind {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.toString('latin1', 0, 4) === 'PAR1') return 'parquet';
  let i = 0;
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && (head[i] === 32 || head[i] === 9 || head[i] === 10 || head[i] === 13)) i++;
  if (i >= head.length) return head.length < SNIFF_BYTES ? 'empty' : 'text';
  // base64 of a gzip stream starts with "H4sI" (1f 8b 08): a CloudWatch Logs subscription payload
  if (head.toString('latin1', i, i + 4) === 'H4sI') return 'cloudwatch-base64';
  if (head[i] === 0x7b || head[i] === 0x5b) return 'json';
  return 'text';
}
