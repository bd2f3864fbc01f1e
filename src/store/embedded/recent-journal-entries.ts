import type { JournalEntry } from '../ports';
import { frozen } from './frozen';

/**
 * How many entries the embedded journal keeps at hand, across tenants. Every subscription of a tenant reads
 * the same entries right after their commit (issue "Streaming": one read per subscription and event), so a
 * few thousand cover every consumer that keeps up; one that lags reads SQLite as before. About 1–2 KB each.
 */
export const RECENT_JOURNAL_ENTRIES = 4096;

/**
 * The journal entries committed or read last, so that N subscriptions reading an event cost one SQLite query
 * and one JSON.parse instead of N. An entry is kept as the JSON written at commit and parsed (then frozen,
 * see ./frozen.ts) at its first read; every later reader shares that object. Entries never change once
 * committed, so an entry here is never stale; the journal forgets everything when retention prunes, so that a
 * pruned entry is never served. Oldest first out (a Map iterates in insertion order).
 */
export class RecentJournalEntries {
  private readonly entries = new Map<string, JournalEntry | string>();

  constructor(private readonly capacity: number = RECENT_JOURNAL_ENTRIES) {}

  /** A committed entry, as the JSON that was written for it. */
  remember(tenantId: string, seq: number, entry: JournalEntry | string): void {
    this.entries.set(keyOf(tenantId, seq), entry);
    if (this.entries.size > this.capacity) this.evictOldest();
  }

  /** The entry, frozen, or undefined when it is not at hand. */
  get(tenantId: string, seq: number): JournalEntry | undefined {
    const key = keyOf(tenantId, seq);
    const kept = this.entries.get(key);
    if (typeof kept !== 'string') return kept;
    const entry = frozen(JSON.parse(kept) as JournalEntry);
    this.entries.set(key, entry); // an existing key keeps its place in the eviction order
    return entry;
  }

  forgetAll(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private evictOldest(): void {
    for (const key of this.entries.keys()) {
      this.entries.delete(key);
      if (this.entries.size <= this.capacity) return;
    }
  }
}

/** Tenant ids never hold a NUL (ID_PATTERN in src/admin/admin.dto.ts), so the key is unambiguous. */
function keyOf(tenantId: string, seq: number): string {
  return `${tenantId}\u0000${seq}`;
}
