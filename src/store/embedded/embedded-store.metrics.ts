import { statSync } from 'node:fs';
import { Gauge, register, Registry } from 'prom-client';

/** Bytes on disk of the embedded store, by file: `database` (the SQLite file) and `wal` (its write-ahead log). */
export const EMBEDDED_STORE_BYTES = 'scim_embedded_store_bytes';

/** The SQLite file whose size the gauge reports: the store this process opened last. */
let current: string | undefined;

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // no WAL between a checkpoint that truncated it and the next write
  }
}

/**
 * Reports the size of `sqliteFile` and of its WAL at each scrape (two stat calls, no query). A WAL that keeps
 * growing means SQLite's automatic checkpoints cannot complete (docs/metrics.md).
 */
export function trackEmbeddedStoreSize(sqliteFile: string, registry: Registry = register): void {
  current = sqliteFile;
  if (registry.getSingleMetric(EMBEDDED_STORE_BYTES)) return;
  new Gauge({
    name: EMBEDDED_STORE_BYTES,
    help: 'Bytes on disk of the embedded store, by file (database, wal)',
    labelNames: ['file'],
    registers: [registry],
    collect() {
      if (current === undefined) return;
      this.set({ file: 'database' }, sizeOf(current));
      this.set({ file: 'wal' }, sizeOf(`${current}-wal`));
    },
  });
}
