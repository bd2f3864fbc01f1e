import { JournalEntry, JournalRepository } from '../ports';
import { EmbeddedStore } from './embedded.store';

/** Reads the journal straight from SQLite (primary key range scan on (tenant, seq)), up to what is durable. */
export class EmbeddedJournalRepository extends JournalRepository {
  constructor(private readonly store: EmbeddedStore) {
    super();
  }

  async read(tenantId: string, sinceSeq: number, limit: number): Promise<JournalEntry[]> {
    return this.store.journal.read(tenantId, sinceSeq, limit);
  }

  async lastSeq(tenantId: string): Promise<number> {
    // Durable only: a head a reader could ask for but not yet read would look like a gap.
    return this.store.journal.durableSeqOf(tenantId);
  }
}
