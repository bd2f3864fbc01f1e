/**
 * SQLite's result codes for "cannot write here now" (https://sqlite.org/rescode.html), as better-sqlite3 reports
 * them in `SqliteError.code` (extended codes included: SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED, …).
 */
export function sqliteStorageFailure(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL') return `the disk is full (${code})`;
  if (code.startsWith('SQLITE_READONLY')) return `the data files are read-only (${code})`;
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) {
    return `an I/O error on the data files (${code})`;
  }
  return undefined;
}
