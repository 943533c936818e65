// The query language: pipe queries compiled to DuckDB SQL, and the helpers the store and CLI need.

export {
  compilePipeQuery,
  DEFAULT_LIMIT,
  MAX_LIMIT,
  PIPE_SOURCE,
  type CompiledQuery,
  type SqlValue,
} from './compile.ts';
export { isPipeQuery } from './detect.ts';
export { FIELD_ALIASES, lookupField, type FieldAlias, type FieldDef } from './fields.ts';
export { ATHENA_COMPAT_SQL } from './athena-compat.ts';
export { QueryError } from './query-error.ts';
