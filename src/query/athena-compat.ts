// Trino/Athena functions that AWS's example queries use and DuckDB lacks, as DuckDB macros. The
// store runs these statements on each connection it queries with (TEMP: they live in the
// connection, so they also work on a store opened read-only) so that the Athena examples of FORMATS.md §3
// run as written against the `vpc_flow_logs` view.

export const ATHENA_COMPAT_SQL: readonly string[] = [
  // Trino: ISO day of week, Monday = 1 ... Sunday = 7.
  'CREATE OR REPLACE TEMP MACRO day_of_week(d) AS isodow(d)',
  // Trino: Unix seconds -> timestamp (UTC). make_timestamp takes microseconds and ignores the
  // session time zone.
  'CREATE OR REPLACE TEMP MACRO from_unixtime(s) AS make_timestamp(CAST(round(s * 1000000) AS BIGINT))',
  // Trino: ISO 8601 text with milliseconds and a Z (our timestamps are UTC).
  "CREATE OR REPLACE TEMP MACRO to_iso8601(t) AS strftime(CAST(t AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%gZ')",
];
