import { Query } from 'mingo';
import { FindOptions, FindResult, QueryDocument, ResourceRepository } from '../ports';
import { ResourceDocument, UNIQUE_KEY } from '../resource-document';
import {
  assertDocumentTenant,
  compareIds,
  normalizePage,
  projectFields,
  sortDocuments,
  uniquenessError,
} from '../store-query.util';
import { EmbeddedStore, toJsonValue } from './embedded.store';
import { planQuery } from './query.planner';
import { PROBE_FIELDS, ResourceCollection } from './resource.collection';

/**
 * Compiled filters are MongoDB query documents, executed here by mingo exactly as MongoDB would execute them.
 * Server-side JavaScript (`$where`, `$function`) is switched off: nothing a filter compiles to needs it.
 */
function compileQuery(query: QueryDocument): Query {
  return new Query(query, { scriptEnabled: false });
}

export class EmbeddedResourceRepository extends ResourceRepository {
  constructor(private readonly store: EmbeddedStore) {
    super();
  }

  async insert(tenantId: string, doc: ResourceDocument): Promise<void> {
    assertDocumentTenant(tenantId, doc);
    const { json, value: stored } = toJsonValue(doc);
    const collection = this.store.collectionForWrite(tenantId, doc._type);
    if (collection.get(doc.id)) throw uniquenessError(doc._type, 'id', doc.id);
    this.assertUnique(collection, stored);
    this.store.statements.insertResource.run(tenantId, doc._type, doc.id, json);
    collection.add(stored);
  }

  async findById(tenantId: string, resourceType: string, id: string): Promise<ResourceDocument | null> {
    const doc = this.store.collection(tenantId, resourceType)?.get(id);
    return doc ? structuredClone(doc) : null;
  }

  async replace(tenantId: string, doc: ResourceDocument, expectedRev: number): Promise<boolean> {
    assertDocumentTenant(tenantId, doc);
    const collection = this.store.collection(tenantId, doc._type);
    const current = collection?.get(doc.id);
    if (!collection || !current || current._rev !== expectedRev) return false;
    const { json, value: stored } = toJsonValue(doc);
    this.assertUnique(collection, stored);
    this.store.statements.updateResource.run(json, tenantId, doc._type, doc.id);
    collection.replace(stored);
    return true;
  }

  async delete(tenantId: string, resourceType: string, id: string): Promise<boolean> {
    const collection = this.store.collection(tenantId, resourceType);
    if (!collection?.get(id)) return false;
    const { statements } = this.store;
    this.store.transaction(() => {
      statements.deleteResource.run(tenantId, resourceType, id);
      statements.deleteMembershipsOfGroup.run(tenantId, id);
      statements.deleteMembershipsOfMember.run(tenantId, id);
    });
    collection.remove(id);
    const graph = this.store.graph(tenantId);
    graph?.removeGroup(id);
    graph?.removeMember(id);
    return true;
  }

  async find(
    tenantId: string,
    resourceType: string,
    query: QueryDocument,
    options: FindOptions,
  ): Promise<FindResult> {
    const { skip, limit } = normalizePage(options);
    const collection = this.store.collection(tenantId, resourceType);
    if (!collection) return { totalResults: 0, resources: [] };

    let page: ResourceDocument[];
    let totalResults: number;
    if (Object.keys(query).length === 0 && !options.sort) {
      // Unfiltered, default order: the ids are kept sorted, so a page costs O(page).
      const ids = collection.ids();
      totalResults = ids.length;
      page = ids.slice(skip, skip + limit).map((id) => collection.get(id)!);
    } else {
      let matches = this.match(collection, query);
      totalResults = matches.length;
      if (limit === 0) return { totalResults, resources: [] };
      if (options.sort) matches = sortDocuments(matches, options.sort);
      page = matches.slice(skip, skip + limit);
    }
    return {
      totalResults,
      resources: page.map((doc) => structuredClone(projectFields(doc, options.fields))),
    };
  }

  async existingIds(tenantId: string, resourceType: string, ids: string[]): Promise<Set<string>> {
    const collection = this.store.collection(tenantId, resourceType);
    return new Set(collection ? ids.filter((id) => collection.get(id) !== undefined) : []);
  }

  /** Matching documents in id order: from the indexes when the query allows it, else by a scan in id order. */
  private match(collection: ResourceCollection, query: QueryDocument): ResourceDocument[] {
    const ids = collection.ids();
    if (Object.keys(query).length === 0) return ids.map((id) => collection.get(id)!);
    const compiled = compileQuery(query);
    const plans = planQuery(query, PROBE_FIELDS);
    if (plans.length > 0) {
      return collection
        .candidates(plans)
        .filter((doc) => compiled.test(doc))
        .sort((a, b) => compareIds(a.id, b.id));
    }
    const matches: ResourceDocument[] = [];
    for (const id of ids) {
      const doc = collection.get(id)!;
      if (compiled.test(doc)) matches.push(doc);
    }
    return matches;
  }

  /** Per-tenant uniqueness of the type's UNIQUE_KEY without regard to case (RFC 7643 §2.1 uniqueness). */
  private assertUnique(collection: ResourceCollection, doc: ResourceDocument): void {
    const key = UNIQUE_KEY[doc._type];
    const value = key ? doc._ci?.[key] : undefined;
    if (typeof value !== 'string') return;
    if (collection.findOther(`_ci.${key}`, value, doc.id)) {
      throw uniquenessError(doc._type, key, doc[key] ?? value);
    }
  }
}
