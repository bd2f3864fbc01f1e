import { Collection, Connection, mongo } from 'mongoose';
import {
  CommitResult,
  FindOptions,
  FindResult,
  MembershipChange,
  QueryDocument,
  ResourceRepository,
  WriteUnit,
} from '../ports';
import { DocumentModel } from '../../scim/document/document-model';
import { ResourceDocument } from '../../scim/document/resource-document';
import { missingMembersError } from '../missing-members.error';
import { assertDocumentTenant, normalizePage } from '../store-query.util';
import { writeJournalEntries } from './mongo-journal.repository';
import { findPipeline, scopedFilter } from './mongo-query.builder';
import {
  fromStored,
  isDuplicateKeyError,
  MEMBER_LOCK_FIELD,
  resourceDuplicateKeyError,
  toStored,
} from './mongo.mapping';

/**
 * A duplicate key on a membership or journal counter inside a transaction: two first-time upserts raced.
 * The transaction is aborted and the whole unit retried (the record exists by then).
 */
class UpsertRace extends Error {}

/** How often a unit is retried after an UpsertRace (the driver itself retries transient errors). */
const MAX_UPSERT_RACE_RETRIES = 3;

function notApplied(): CommitResult {
  return { applied: false, journalSeqs: [] };
}

/**
 * Thin: maps documents and runs the engine's query documents; uniqueness is the job of the unique indexes
 * declared from the model (uniqueResourceIndexes), whose `_ci` shadows are recomputed here on every write.
 */
export class MongoResourceRepository extends ResourceRepository {
  constructor(
    private readonly connection: Connection,
    private readonly resources: Collection,
    private readonly memberships: Collection,
    private readonly journal: Collection,
    private readonly journalCounters: Collection,
    private readonly model: DocumentModel,
  ) {
    super();
  }

  /**
   * One transaction for the document, its memberships and its journal entries (a replica set is required).
   * A lone insert or replace without journal is a single-document write, atomic without a transaction.
   */
  async commit(tenantId: string, unit: WriteUnit): Promise<CommitResult> {
    const changes = [unit.insert, unit.replace, unit.delete].filter((c) => c !== undefined);
    if (changes.length > 1) throw new Error('A write unit changes at most one document');
    if (unit.insert) assertDocumentTenant(tenantId, unit.insert);
    if (unit.replace) assertDocumentTenant(tenantId, unit.replace.doc);
    unit = this.shadowed(unit);
    const doc = unit.insert ?? unit.replace?.doc;
    try {
      if (unit.journal.length === 0 && !unit.memberships && !unit.delete) {
        return await this.writeDocument(tenantId, unit);
      }
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.connection.transaction((session) => this.writeUnit(tenantId, unit, session));
        } catch (error) {
          if (!(error instanceof UpsertRace) || attempt >= MAX_UPSERT_RACE_RETRIES) throw error;
        }
      }
    } catch (error) {
      if (doc && isDuplicateKeyError(error)) throw resourceDuplicateKeyError(error, doc, this.model);
      throw error;
    }
  }

  /** The stores never trust a caller's shadows: `_ci` is recomputed from the model on every write. */
  private shadowed(unit: WriteUnit): WriteUnit {
    const shadow = (doc: ResourceDocument) => ({ ...doc, _ci: this.model.shadows(doc._type, doc) });
    if (unit.insert) return { ...unit, insert: shadow(unit.insert) };
    if (unit.replace) return { ...unit, replace: { ...unit.replace, doc: shadow(unit.replace.doc) } };
    return unit;
  }

  private async writeDocument(
    tenantId: string,
    unit: WriteUnit,
    session?: mongo.ClientSession,
  ): Promise<CommitResult> {
    if (unit.insert) {
      await this.resources.insertOne(toStored(unit.insert), { session });
    } else if (unit.replace) {
      const { doc, expectedRev } = unit.replace;
      const result = await this.resources.replaceOne(
        { _tenant: tenantId, _type: doc._type, id: doc.id, _rev: expectedRev },
        toStored(doc),
        { session },
      );
      if (result.matchedCount !== 1) return notApplied();
    } else if (unit.delete) {
      const { resourceType, id, expectedRev } = unit.delete;
      const filter: Record<string, unknown> = { _tenant: tenantId, _type: resourceType, id };
      if (expectedRev !== undefined) filter._rev = expectedRev;
      const { deletedCount } = await this.resources.deleteOne(filter, { session });
      if (deletedCount === 0) return notApplied();
      await this.memberships.deleteMany({ _tenant: tenantId, groupId: id }, { session });
      await this.memberships.deleteMany({ _tenant: tenantId, memberId: id }, { session });
    }
    return { applied: true, journalSeqs: [] };
  }

  /** Inside the transaction: document first (a failed CAS writes nothing), then memberships, then journal. */
  private async writeUnit(
    tenantId: string,
    unit: WriteUnit,
    session: mongo.ClientSession,
  ): Promise<CommitResult> {
    const written = await this.writeDocument(tenantId, unit, session);
    if (!written.applied) return written;
    if (unit.memberships) await this.writeMemberships(tenantId, unit.memberships, session);
    try {
      const journalSeqs = await writeJournalEntries(
        this.journal,
        this.journalCounters,
        tenantId,
        unit.journal,
        session,
      );
      return { applied: true, journalSeqs };
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new UpsertRace('journal counter created concurrently');
      throw error;
    }
  }

  private async writeMemberships(
    tenantId: string,
    change: MembershipChange,
    session: mongo.ClientSession,
  ): Promise<void> {
    const { groupId } = change;
    if (change.removeAll) await this.memberships.deleteMany({ _tenant: tenantId, groupId }, { session });
    const remove = [...new Set(change.remove ?? [])];
    if (remove.length > 0) {
      await this.memberships.deleteMany(
        { _tenant: tenantId, groupId, memberId: { $in: remove } },
        { session },
      );
    }
    const seen = new Set<string>();
    const add = (change.add ?? []).filter((m) => !seen.has(m.memberId) && (seen.add(m.memberId), true));
    if (add.length === 0) return;
    await this.lockMembers(tenantId, add, session);
    try {
      await this.memberships.bulkWrite(
        add.map((m) => ({
          updateOne: {
            filter: { _tenant: tenantId, groupId, memberId: m.memberId },
            update: { $setOnInsert: { memberType: m.memberType } },
            upsert: true,
          },
        })),
        { session, ordered: true },
      );
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new UpsertRace('membership created concurrently');
      throw error;
    }
  }

  /**
   * Makes the existence of the added members part of the transaction. Reading them would not be enough: under
   * snapshot isolation a delete of a member and this unit touch no document in common (the delete removes the
   * member's document and the membership records it sees; this unit inserts a new record), so both would
   * commit and the group would keep a dangling member. Hence every added member's document is written: an
   * `$inc` of an internal counter (MEMBER_LOCK_FIELD; a no-op `$set` is not written at all and conflicts with
   * nothing). `_rev`, and so the ETag, does not move. Then:
   * - a delete that committed after this transaction's snapshot makes the update fail with WriteConflict, a
   *   TransientTransactionError, which withTransaction retries on a fresh snapshot, where the member is gone;
   * - a delete that comes after this write conflicts itself and is retried once this unit has committed, and
   *   then removes the new membership record along with the member;
   * - fewer matches than members: a member is gone (or is no resource of its memberType): 400, nothing written.
   * The cost is one write per added member, in the same round trip.
   */
  private async lockMembers(
    tenantId: string,
    add: { memberId: string; memberType: string }[],
    session: mongo.ClientSession,
  ): Promise<void> {
    // By declared type: (tenant, type, id) is unique, so the matched count is exactly the members found.
    const byType = new Map<string, string[]>();
    for (const m of add) {
      const ids = byType.get(m.memberType);
      if (ids) ids.push(m.memberId);
      else byType.set(m.memberType, [m.memberId]);
    }
    const filter = {
      _tenant: tenantId,
      $or: [...byType].map(([type, memberIds]) => ({ _type: type, id: { $in: memberIds } })),
    };
    const { matchedCount } = await this.resources.updateMany(
      filter,
      { $inc: { [MEMBER_LOCK_FIELD]: 1 } },
      { session },
    );
    if (matchedCount === add.length) return;
    const found = await this.resources
      .find(filter, { projection: { _id: 0, _type: 1, id: 1 }, session })
      .toArray();
    const present = new Set(found.map((doc) => `${String(doc._type)}/${String(doc.id)}`));
    throw missingMembersError(
      add.filter((m) => !present.has(`${m.memberType}/${m.memberId}`)).map((m) => m.memberId),
    );
  }

  async findById(tenantId: string, resourceType: string, id: string): Promise<ResourceDocument | null> {
    const doc = await this.resources.findOne(
      { _tenant: tenantId, _type: resourceType, id },
      { projection: { _id: 0 } },
    );
    return doc ? fromStored<ResourceDocument>(doc) : null;
  }

  async find(
    tenantId: string,
    resourceType: string,
    query: QueryDocument,
    options: FindOptions,
  ): Promise<FindResult> {
    const { skip, limit } = normalizePage(options);
    const totalResults = await this.resources.countDocuments(scopedFilter(tenantId, resourceType, query));
    if (limit === 0 || skip >= totalResults) return { totalResults, resources: [] };
    const docs = await this.resources
      .aggregate(findPipeline(tenantId, resourceType, query, options), { allowDiskUse: true })
      .toArray();
    return { totalResults, resources: docs.map((doc) => fromStored<ResourceDocument>(doc)) };
  }

  async existingIds(tenantId: string, resourceType: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.resources
      .find(
        { _tenant: tenantId, _type: resourceType, id: { $in: [...new Set(ids)] } },
        { projection: { _id: 0, id: 1 } },
      )
      .toArray();
    return new Set(found.map((doc) => doc.id as string));
  }
}
