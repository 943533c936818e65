// Whether an error means the data directory's file system is full (DuckDB reports a failed WAL or
// checkpoint write with the OS message; Node with ENOSPC). DuckDB keeps working after such an
// error (measured: the failed commit is rolled back, later commits succeed once space is freed).

export function isDiskFull(e: unknown): boolean {
  if ((e as { code?: unknown } | null)?.code === 'ENOSPC') return true;
  const message = e instanceof Error ? e.message : String(e);
  return /no space left on device|ENOSPC|disk (is )?full/i.test(message);
}
