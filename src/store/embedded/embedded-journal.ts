import { DEFAULT_JOURNAL_RETENTION_DAYS, journalRetentionCutoff } from '../journal-retention';
import { JournalEntry, JournalEntryInput } from '../ports';
import { frozen } from './frozen';
import { RecentJournalEntries } from './recent-journal-entries';
import { sqliteStorageFailure } from './sqlite-storage-failure';
import { SqliteDatabase } from './sqlite.database';

/** How often the embedded store prunes expired entries while it runs (besides once at boot). */
export const JOURNAL_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

type JournalRow = [tenant: string, seq: number, time: string, doc: string];

function prepareStatements(db: SqliteDatabase) {
  return {
    insert: db.prepare<JournalRow>('INSERT INTO journal (tenant, seq, time, doc) VALUES (?, ?, ?, ?)'),
    setCounter: db.prepare<[string, number]>(
      'INSERT INTO journal_counters (tenant, last_seq) VALUES (?, ?) ' +
        'ON CONFLICT (tenant) DO UPDATE SET last_seq = excluded.last_seq',
    ),
    read: db
      .prepare<[string, number, number, number]>(
        'SELECT doc FROM journal WHERE tenant = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
      )
      .pluck(true),
    prune: db.prepare<[string]>('DELETE FROM journal WHERE time < ?'),
  };
}

/** Entries staged inside a transaction: `publish()` once the transaction has committed. */
export interface StagedJournal {
  seqs: number[];
  publish(): void;
}

/**
 * The change journal of the embedded store, in SQLite (table `journal`, PK (tenant, seq)).
 *
 * Sequence numbers: the last one of each tenant is kept in memory (loaded from `journal_counters` at boot)
 * and in `journal_counters`, written in the same transaction as the entries. `stage()` numbers entries from
 * the in-memory value without changing it; the caller publishes the new value only after its transaction
 * committed, so a rolled-back write leaves no gap. Node runs one callback at a time and better-sqlite3 is
 * synchronous, so no other write can interleave between stage() and publish().
 *
 * Durability (group commit, docs/stores.md): a committed entry is in the SQLite file at once but durable only
 * when the store's next flush (fdatasync of the WAL) has ended. Readers see entries up to the durable number
 * (`durableSeqOf`), so no consumer is ever handed an event that a power loss could still take back and number
 * again. The store calls `takeUndurable()` when a flush starts and `markDurable()` with its result when it ended.
 *
 * Retention: entries whose time is older than `retentionDays` are deleted at boot and every hour. The
 * counters are never pruned, so numbers are never reused.
 */
export class EmbeddedJournal {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly lastSeq = new Map<string, number>();
  private readonly durableSeq = new Map<string, number>();
  /** Tenants whose last number moved since the last takeUndurable(). */
  private readonly undurable = new Set<string>();
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    private readonly db: SqliteDatabase,
    readonly retentionDays: number = DEFAULT_JOURNAL_RETENTION_DAYS,
    /** Told when pruning fails for a storage reason (full disk, read-only files): pruning retries next time. */
    private readonly onStorageFailure: (reason: string) => void = () => undefined,
    /** What every subscription of a tenant reads right after a commit: one query and one parse for all. */
    private readonly recent: RecentJournalEntries = new RecentJournalEntries(),
  ) {
    if (!Number.isInteger(retentionDays) || retentionDays < 1) {
      throw new Error(`journal retention must be a whole number of days >= 1 (got ${retentionDays})`);
    }
    this.statements = prepareStatements(db);
    const counters = db.prepare('SELECT tenant, last_seq FROM journal_counters').raw(true);
    for (const [tenant, lastSeq] of counters.iterate() as Iterable<[string, number]>) {
      this.lastSeq.set(tenant, lastSeq);
      this.durableSeq.set(tenant, lastSeq);
    }
  }

  /** The last sequence number committed for the tenant (0 when it has none), durable or not. */
  lastSeqOf(tenantId: string): number {
    return this.lastSeq.get(tenantId) ?? 0;
  }

  /** The last sequence number of the tenant that is durable: what readers may see. */
  durableSeqOf(tenantId: string): number {
    return this.durableSeq.get(tenantId) ?? 0;
  }

  /** The last numbers committed since the previous call: a flush starting now makes them durable. */
  takeUndurable(): Array<[tenant: string, seq: number]> {
    const taken = [...this.undurable].map((tenant): [string, number] => [tenant, this.lastSeqOf(tenant)]);
    this.undurable.clear();
    return taken;
  }

  /** After a flush that started when `takeUndurable()` returned `taken` has ended. */
  markDurable(taken: ReadonlyArray<[tenant: string, seq: number]>): void {
    for (const [tenant, seq] of taken) {
      if (seq > this.durableSeqOf(tenant)) this.durableSeq.set(tenant, seq);
    }
  }

  /** A flush that was to cover `taken` failed: the next one covers them again. */
  retakeUndurable(taken: ReadonlyArray<[tenant: string, seq: number]>): void {
    for (const [tenant] of taken) this.undurable.add(tenant);
  }

  /** Writes the entries with the tenant's next numbers. Must run inside the caller's SQLite transaction. */
  stage(tenantId: string, entries: readonly JournalEntryInput[]): StagedJournal {
    if (entries.length === 0) return { seqs: [], publish: () => undefined };
    const first = this.lastSeqOf(tenantId) + 1;
    const seqs = entries.map((_, i) => first + i);
    const written = entries.map((input, i) => {
      const json = JSON.stringify({ ...input, tenantId, seq: seqs[i] } satisfies JournalEntry);
      this.statements.insert.run(tenantId, seqs[i], input.time, json);
      return json;
    });
    const last = seqs[seqs.length - 1];
    this.statements.setCounter.run(tenantId, last);
    return {
      seqs,
      publish: () => {
        this.lastSeq.set(tenantId, last);
        this.undurable.add(tenantId);
        // Only once committed: a rolled-back transaction's entries must never be read.
        written.forEach((json, i) => this.recent.remember(tenantId, seqs[i], json));
      },
    };
  }

  /**
   * Entries with seq > sinceSeq, ascending, up to the durable number; read-only (frozen, shared by every
   * reader). Those at hand come from `recent`, the rest from SQLite. Numbers have no gaps, so the entries at
   * hand from since + 1 on are exactly the next ones; the query continues after the last of them.
   */
  read(tenantId: string, sinceSeq: number, limit: number): JournalEntry[] {
    const since = Number.isFinite(sinceSeq) ? Math.max(0, Math.floor(sinceSeq)) : 0;
    const count = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 0;
    if (count === 0) return [];
    const upTo = this.durableSeqOf(tenantId);
    const entries: JournalEntry[] = [];
    for (let seq = since + 1; seq <= upTo && entries.length < count; seq++) {
      const entry = this.recent.get(tenantId, seq);
      if (!entry) break;
      entries.push(entry);
    }
    const after = since + entries.length;
    if (entries.length === count || after >= upTo) return entries;
    for (const json of this.statements.read.all(tenantId, after, upTo, count - entries.length) as string[]) {
      const entry = frozen(JSON.parse(json) as JournalEntry);
      this.recent.remember(tenantId, entry.seq, entry);
      entries.push(entry);
    }
    return entries;
  }

  /** Deletes the entries older than the retention period; returns how many. */
  prune(now: number = Date.now()): number {
    const pruned = this.statements.prune.run(journalRetentionCutoff(this.retentionDays, now)).changes;
    // A pruned entry must not be served from memory: readers judge a gap by what is gone.
    if (pruned > 0) this.recent.forgetAll();
    return pruned;
  }

  /** Prunes now and then every `intervalMs` (the timer does not keep the process alive). */
  startPruning(intervalMs: number = JOURNAL_PRUNE_INTERVAL_MS): void {
    this.pruneTolerantly();
    this.stopPruning();
    this.pruneTimer = setInterval(() => {
      if (this.db.open) this.pruneTolerantly();
    }, intervalMs);
    this.pruneTimer.unref();
  }

  /**
   * Prunes; a storage failure is reported instead of thrown: on a full disk the server still boots and serves
   * reads, and an exception in the timer would end the process.
   */
  private pruneTolerantly(): void {
    try {
      this.prune();
    } catch (error) {
      const reason = sqliteStorageFailure(error);
      if (reason === undefined) throw error;
      this.onStorageFailure(reason);
    }
  }

  stopPruning(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = undefined;
  }
}
