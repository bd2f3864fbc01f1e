import { Collection, Connection } from 'mongoose';
import { FindOptions, FindResult, QueryDocument, ResourceRepository } from '../ports';
import { ResourceDocument } from '../resource-document';
import { assertDocumentTenant, normalizePage } from '../store-query.util';
import { findPipeline, scopedFilter } from './mongo-query.builder';
import { fromStored, isDuplicateKeyError, resourceDuplicateKeyError, toStored } from './mongo.mapping';

/** Thin: maps documents and runs the engine's query documents; uniqueness is the unique indexes' job. */
export class MongoResourceRepository extends ResourceRepository {
  constructor(
    private readonly connection: Connection,
    private readonly resources: Collection,
    private readonly memberships: Collection,
  ) {
    super();
  }

  async insert(tenantId: string, doc: ResourceDocument): Promise<void> {
    assertDocumentTenant(tenantId, doc);
    try {
      await this.resources.insertOne(toStored(doc));
    } catch (error) {
      if (isDuplicateKeyError(error)) throw resourceDuplicateKeyError(error, doc);
      throw error;
    }
  }

  async findById(tenantId: string, resourceType: string, id: string): Promise<ResourceDocument | null> {
    const doc = await this.resources.findOne(
      { _tenant: tenantId, _type: resourceType, id },
      { projection: { _id: 0 } },
    );
    return doc ? fromStored<ResourceDocument>(doc) : null;
  }

  /** Compare-and-swap: the filter matches only while `_rev` is still the one the caller read. */
  async replace(tenantId: string, doc: ResourceDocument, expectedRev: number): Promise<boolean> {
    assertDocumentTenant(tenantId, doc);
    try {
      const result = await this.resources.replaceOne(
        { _tenant: tenantId, _type: doc._type, id: doc.id, _rev: expectedRev },
        toStored(doc),
      );
      return result.matchedCount === 1;
    } catch (error) {
      if (isDuplicateKeyError(error)) throw resourceDuplicateKeyError(error, doc);
      throw error;
    }
  }

  /** The document and its memberships go together (a replica set is required for the transaction). */
  async delete(tenantId: string, resourceType: string, id: string): Promise<boolean> {
    return this.connection.transaction(async (session) => {
      const { deletedCount } = await this.resources.deleteOne(
        { _tenant: tenantId, _type: resourceType, id },
        { session },
      );
      if (deletedCount === 0) return false;
      await this.memberships.deleteMany({ _tenant: tenantId, groupId: id }, { session });
      await this.memberships.deleteMany({ _tenant: tenantId, memberId: id }, { session });
      return true;
    });
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
