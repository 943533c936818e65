// Small helpers over async byte streams: count what was read, peek at the head, gunzip.

import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

export interface ByteCounter {
  bytes: number;
}

/** Passes chunks through, adding their sizes to `counter` (compressed bytes, for progress). */
export async function* counted(source: AsyncIterable<Buffer>, counter: ByteCounter): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    counter.bytes += chunk.length;
    yield chunk;
  }
}

/** Reads until at least `n` bytes (or the end) and returns them with the whole stream, unconsumed. */
export async function peek(
  source: AsyncIterable<Buffer>,
  n: number,
): Promise<{ head: Buffer; stream: AsyncIterable<Buffer> }> {
  const it = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const r = await it.next();
    if (r.done === true) {
      done = true;
      break;
    }
    parts.push(r.value);
    size += r.value.length;
  }
  const head = Buffer.concat(parts);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    while (true) {
      const r = await it.next();
      if (r.done === true) return;
      yield r.value;
    }
  }
  return { head, stream: rest() };
}

/** Streams the gunzipped bytes (multi-member gzip included); a corrupt stream throws while iterating. */
export function gunzipped(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const gz = createGunzip({ chunkSize: 1 << 20 });
  const input = Readable.from(source, { objectMode: false });
  input.on('error', (e) => gz.destroy(e));
  input.pipe(gz);
  return gz;
}

/** Splits a byte stream into text lines (for the low-volume JSON inputs, not the VPC hot path). */
export async function* textLines(source: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of source) {
    const text = carry + decoder.write(chunk);
    const parts = text.split('\n');
    carry = parts.pop() ?? '';
    for (const p of parts) yield p;
  }
  carry += decoder.end();
  if (carry !== '') yield carry;
}
