// VPC flow logs delivered to S3 as Parquet, read with DuckDB's bundled Parquet reader (an in-memory
// instance, the path bound as a parameter) chunk by chunk. Columns are matched by name (Athena's
// underscore names: `log_status` -> `log-status`; unknown ones go to `extra`), and each chunk is
// turned back into VPC text records so that the one parser validates every source alike.

import { DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { ParseOutput } from '../core/records.ts';
import { layoutOf, type VpcLayout } from '../parsers/vpc/fields.ts';
import type { VpcParser } from '../parsers/vpc/parser.ts';

function token(v: DuckDBValue): string {
  if (v === null || v === undefined) return '-';
  const s = typeof v === 'string' ? v : String(v);
  // A record is space-separated: an empty or spaced value would shift the columns.
  return s === '' ? '-' : s.replace(/\s/g, '_');
}

export interface ParquetProgress {
  output: ParseOutput;
  rows: number;
  /** The last step: the file is fully read. */
  done: boolean;
}

/** Streams the Parquet file's rows through a parser made for its columns; yields after each chunk. */
export async function* parseParquetFile(
  path: string,
  makeParser: (layout: VpcLayout) => VpcParser,
): AsyncGenerator<ParquetProgress> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  let parser: VpcParser | null = null;
  let rows = 0;
  try {
    // hive_partitioning off: the year=/month= folders must not become extra columns
    const result = await conn.stream('SELECT * FROM read_parquet(?, hive_partitioning = false)', [path]);
    parser = makeParser(layoutOf(result.columnNames()));
    while (true) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      const lines: string[] = [];
      for (const row of chunk.getRows()) lines.push(row.map(token).join(' '));
      rows += lines.length;
      yield { output: parser.push(Buffer.from(`${lines.join('\n')}\n`)), rows, done: false };
    }
  } catch (e) {
    // keep the rows read before a damaged row group; the caller reports the error
    if (parser !== null) yield { output: parser.end(), rows, done: false };
    throw e;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  yield { output: parser.end(), rows, done: true };
}
