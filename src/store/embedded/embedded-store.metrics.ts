import { statSync } from 'node:fs';
import { Counter, Gauge, Histogram, register, Registry } from 'prom-client';
import type { FlushObserver } from './group-sync';

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
 * growing means checkpoints cannot complete (docs/metrics.md).
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

export const EMBEDDED_STORE_WAL_FLUSHES = 'scim_embedded_store_wal_flushes_total';
export const EMBEDDED_STORE_WAL_FLUSHED_COMMITS = 'scim_embedded_store_wal_flushed_commits_total';
export const EMBEDDED_STORE_WAL_FLUSH_DURATION = 'scim_embedded_store_wal_flush_duration_seconds';

/**
 * The group commit's flushes as metrics (docs/metrics.md): flushed commits / flushes is how many commits one
 * fdatasync serves. Created once in `registry` (the global one by default): several stores in one process
 * (tests) add to the same series.
 */
export function observeWalFlushes(registry: Registry = register): FlushObserver {
  function once<T>(name: string, create: () => T): T {
    return (registry.getSingleMetric(name) as T | undefined) ?? create();
  }
  const registers = [registry];
  const flushes = once(
    EMBEDDED_STORE_WAL_FLUSHES,
    () =>
      new Counter({
        name: EMBEDDED_STORE_WAL_FLUSHES,
        help: 'Group-commit flushes of the embedded store: one fdatasync of the SQLite WAL each',
        registers,
      }),
  );
  const commits = once(
    EMBEDDED_STORE_WAL_FLUSHED_COMMITS,
    () =>
      new Counter({
        name: EMBEDDED_STORE_WAL_FLUSHED_COMMITS,
        help: 'Commits of the embedded store made durable by its WAL flushes',
        registers,
      }),
  );
  const duration = once(
    EMBEDDED_STORE_WAL_FLUSH_DURATION,
    () =>
      new Histogram({
        name: EMBEDDED_STORE_WAL_FLUSH_DURATION,
        help: 'Seconds of one WAL flush of the embedded store (fdatasync, and the checkpoint that may follow)',
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers,
      }),
  );
  return (flushed) => {
    flushes.inc();
    commits.inc(flushed.commits);
    duration.observe(flushed.seconds);
  };
}
