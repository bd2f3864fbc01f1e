import { Collection, mongo } from 'mongoose';
import { JournalEntry, JournalEntryInput, JournalRepository } from '../ports';
import { toStored } from './mongo.mapping';

/** Name of the TTL index that enforces JOURNAL_RETENTION_DAYS on the journal collection. */
export const JOURNAL_TTL_INDEX = 'time_ttl';
const SECONDS_PER_DAY = 24 * 60 * 60;
/** MongoDB error codes of createIndex when an index of that name exists with other options. */
const INDEX_OPTIONS_CONFLICT = 85;
const INDEX_KEY_SPECS_CONFLICT = 86;

/**
 * The journal entry as stored in MongoDB: `time` is a BSON Date, because a TTL index only expires
 * documents whose indexed field is a Date; the API gives it back as an ISO string.
 */
export function toStoredEntry(entry: JournalEntry): Record<string, unknown> {
  return { ...toStored(entry), time: new Date(entry.time) };
}

export function fromStoredEntry(doc: Record<string, unknown>): JournalEntry {
  const { _id: _ignored, time, ...rest } = doc;
  return { ...(rest as Omit<JournalEntry, 'time'>), time: new Date(time as Date).toISOString() };
}

/**
 * Writes entries inside the caller's transaction: the tenant's counter (`journal_counters`, `_id` = tenant)
 * is incremented by the number of entries with $inc, which also serialises the tenant's journal writers
 * (a concurrent transaction hits a write conflict and is retried by the driver), so numbers are gapless
 * and become visible in order. Returns the numbers given to the entries.
 */
export async function writeJournalEntries(
  journal: Collection,
  counters: Collection,
  tenantId: string,
  entries: readonly JournalEntryInput[],
  session: mongo.ClientSession,
): Promise<number[]> {
  if (entries.length === 0) return [];
  const counter = await counters.findOneAndUpdate(
    { _id: tenantId as never },
    { $inc: { seq: entries.length } },
    { upsert: true, returnDocument: 'after', session },
  );
  const last = counter?.seq as number;
  const seqs = entries.map((_, i) => last - entries.length + 1 + i);
  await journal.insertMany(
    entries.map((input, i) => toStoredEntry({ ...input, tenantId, seq: seqs[i] })),
    { session },
  );
  return seqs;
}

/**
 * Creates the TTL index for the retention period, or changes its expireAfterSeconds (collMod) when it exists
 * with another value, so that changing JOURNAL_RETENTION_DAYS takes effect at the next boot. MongoDB's TTL
 * monitor deletes expired entries about once a minute.
 */
export async function ensureJournalRetention(
  db: mongo.Db,
  journal: Collection,
  retentionDays: number,
): Promise<void> {
  const expireAfterSeconds = retentionDays * SECONDS_PER_DAY;
  try {
    await journal.createIndex({ time: 1 }, { name: JOURNAL_TTL_INDEX, expireAfterSeconds });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== INDEX_OPTIONS_CONFLICT && code !== INDEX_KEY_SPECS_CONFLICT) throw error;
    await db.command({
      collMod: journal.collectionName,
      index: { name: JOURNAL_TTL_INDEX, expireAfterSeconds },
    });
  }
}

export class MongoJournalRepository extends JournalRepository {
  constructor(
    private readonly journal: Collection,
    private readonly counters: Collection,
  ) {
    super();
  }

  async lastSeq(tenantId: string): Promise<number> {
    const counter = await this.counters.findOne({ _id: tenantId as never });
    return (counter?.seq as number | undefined) ?? 0;
  }

  async read(tenantId: string, sinceSeq: number, limit: number): Promise<JournalEntry[]> {
    const since = Number.isFinite(sinceSeq) ? Math.max(0, Math.floor(sinceSeq)) : 0;
    const count = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 0;
    if (count === 0) return [];
    const docs = await this.journal
      .find({ tenantId, seq: { $gt: since } }, { projection: { _id: 0 } })
      .sort({ seq: 1 })
      .limit(count)
      .toArray();
    return docs.map((doc) => fromStoredEntry(doc));
  }
}
