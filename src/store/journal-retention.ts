/**
 * Retention of the change journal (JOURNAL_RETENTION_DAYS), shared by both adapters: the embedded store
 * deletes older entries at boot and hourly, MongoDB through a TTL index on `time`. Sequence numbers are never
 * reused, whatever has been pruned.
 */
export const DEFAULT_JOURNAL_RETENTION_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The ISO time before which entries have expired. */
export function journalRetentionCutoff(retentionDays: number, now: number = Date.now()): string {
  return new Date(now - retentionDays * DAY_MS).toISOString();
}
