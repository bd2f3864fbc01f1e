import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Query } from 'mingo';
import {
  CommitResult,
  FindOptions,
  FindResult,
  MembershipChange,
  QueryDocument,
  ResourceRepository,
  WriteUnit,
} from '../ports';
import { ResourceDocument } from '../../scim/document/resource-document';
import {
  assertDocumentTenant,
  compareIds,
  normalizePage,
  projectFields,
  sortDocuments,
  uniquenessError,
} from '../store-query.util';
import { missingMembersError } from '../missing-members.error';
import { StagedJournal } from './embedded-journal';
import { EmbeddedStore, toJsonValue } from './embedded.store';
import { isExactProbe, planQuery } from './query.planner';
import { PROBE_FIELDS, ResourceCollection } from './resource.collection';
import { frozen } from './frozen';

/**
 * Compiled filters are MongoDB query documents, executed here by mingo exactly as MongoDB would execute them.
 * Server-side JavaScript (`$where`, `$function`) is switched off: nothing a filter compiles to needs it.
 */
function compileQuery(query: QueryDocument): Query {
  return new Query(query, { scriptEnabled: false });
}

/** One part of a commit: its SQLite statements (inside the transaction) and its in-memory change (after it). */
interface Step {
  write(): void;
  apply(): void;
}

function notApplied(): CommitResult {
  return { applied: false, journalSeqs: [] };
}

export class EmbeddedResourceRepository extends ResourceRepository {
  constructor(private readonly store: EmbeddedStore) {
    super();
  }

  async findById(tenantId: string, resourceType: string, id: string): Promise<ResourceDocument | null> {
    const doc = this.store.collection(tenantId, resourceType)?.get(id);
    return doc ? frozen(doc) : null;
  }

  /**
   * Checks everything first (CAS, uniqueness, added members exist) without writing; then one SQLite
   * transaction writes the document, the memberships and the journal entries; only after it committed does
   * memory change. So a refused or failed write leaves both SQLite and memory as they were, and no journal
   * entry. Nothing awaits before the change: no other write can interleave between the checks and it.
   *
   * Then the promise waits until the commit is durable (EmbeddedStore.durable(): one fdatasync shared with every
   * commit of the same moment, off the event loop) and only then resolves: nothing is acknowledged before it is
   * on disk. Its journal entries become readable by consumers at the same moment.
   */
  async commit(tenantId: string, unit: WriteUnit): Promise<CommitResult> {
    const result = this.commitNow(tenantId, unit);
    // A refused write (CAS) still yields once: a caller retrying or looping lets other work in.
    if (result.applied) await this.store.durable();
    else await yieldToEventLoop();
    return result;
  }

  private commitNow(tenantId: string, unit: WriteUnit): CommitResult {
    const changes = [unit.insert, unit.replace, unit.delete].filter((c) => c !== undefined);
    if (changes.length > 1) throw new Error('A write unit changes at most one document');
    const steps: { write: () => void; apply: () => void }[] = [];
    if (unit.insert) {
      const step = this.insertStep(tenantId, unit.insert);
      steps.push(step);
    } else if (unit.replace) {
      const step = this.replaceStep(tenantId, unit.replace.doc, unit.replace.expectedRev);
      if (!step) return notApplied();
      steps.push(step);
    } else if (unit.delete) {
      const { resourceType, id, expectedRev } = unit.delete;
      const step = this.deleteStep(tenantId, resourceType, id, expectedRev);
      if (!step) return notApplied();
      steps.push(step);
    }
    if (unit.memberships) steps.push(this.membershipStep(tenantId, unit.memberships));
    let staged: StagedJournal | undefined;
    this.store.transaction(() => {
      for (const step of steps) step.write();
      staged = this.store.journal.stage(tenantId, unit.journal);
    });
    for (const step of steps) step.apply();
    staged!.publish();
    return { applied: true, journalSeqs: staged!.seqs };
  }

  /** The stores never trust a caller's shadows: `_ci` is recomputed from the model on every write. */
  private shadowed(doc: ResourceDocument): ResourceDocument {
    return { ...doc, _ci: this.store.model.shadows(doc._type, doc) };
  }

  private insertStep(tenantId: string, doc: ResourceDocument): Step {
    assertDocumentTenant(tenantId, doc);
    const { json, value: stored } = toJsonValue(this.shadowed(doc));
    const collection = this.store.collectionForWrite(tenantId, doc._type);
    if (collection.get(doc.id)) throw uniquenessError(doc._type, 'id', doc.id);
    this.assertUnique(collection, stored);
    return {
      write: () => this.store.statements.insertResource.run(tenantId, doc._type, doc.id, json),
      apply: () => collection.add(stored),
    };
  }

  private replaceStep(tenantId: string, doc: ResourceDocument, expectedRev: number): Step | undefined {
    assertDocumentTenant(tenantId, doc);
    const collection = this.store.collection(tenantId, doc._type);
    const current = collection?.get(doc.id);
    if (!collection || !current || current._rev !== expectedRev) return undefined;
    const { json, value: stored } = toJsonValue(this.shadowed(doc));
    this.assertUnique(collection, stored);
    return {
      write: () => this.store.statements.updateResource.run(json, tenantId, doc._type, doc.id),
      apply: () => collection.replace(stored),
    };
  }

  private deleteStep(
    tenantId: string,
    resourceType: string,
    id: string,
    expectedRev: number | undefined,
  ): Step | undefined {
    const collection = this.store.collection(tenantId, resourceType);
    const current = collection?.get(id);
    if (!collection || !current || (expectedRev !== undefined && current._rev !== expectedRev)) {
      return undefined;
    }
    const { statements } = this.store;
    return {
      write: () => {
        statements.deleteResource.run(tenantId, resourceType, id);
        statements.deleteMembershipsOfGroup.run(tenantId, id);
        statements.deleteMembershipsOfMember.run(tenantId, id);
      },
      apply: () => {
        collection.remove(id);
        const graph = this.store.graph(tenantId);
        graph?.removeGroup(id);
        graph?.removeMember(id);
      },
    };
  }

  /**
   * removeAll, then remove, then add (existing memberships are kept as they are: adding is idempotent).
   * Every added member must exist now: commit() runs from here to the end without awaiting, so no delete can
   * come between this check and the write, whatever the caller checked before its own awaits.
   */
  private membershipStep(tenantId: string, change: MembershipChange): Step {
    const { groupId } = change;
    const remove = [...new Set(change.remove ?? [])];
    const seen = new Set<string>();
    const add = (change.add ?? []).filter((m) => !seen.has(m.memberId) && (seen.add(m.memberId), true));
    this.assertMembersExist(tenantId, add);
    const { statements } = this.store;
    return {
      write: () => {
        if (change.removeAll) statements.deleteMembershipsOfGroup.run(tenantId, groupId);
        for (const memberId of remove) statements.deleteMembership.run(tenantId, groupId, memberId);
        for (const m of add) statements.insertMembership.run(tenantId, groupId, m.memberId, m.memberType);
      },
      apply: () => {
        const graph = this.store.graphForWrite(tenantId);
        if (change.removeAll) graph.removeGroup(groupId);
        for (const memberId of remove) graph.remove(groupId, memberId);
        for (const m of add) graph.add(groupId, m.memberId, m.memberType);
      },
    };
  }

  /**
   * ScimError 400 (nothing written) when an added member is no resource of the tenant of its memberType (User
   * or Group), like the MongoDB adapter, whose check counts matches per (type, id).
   */
  private assertMembersExist(tenantId: string, add: { memberId: string; memberType: string }[]): void {
    const missing = add
      .filter((m) => !this.store.collection(tenantId, m.memberType)?.get(m.memberId))
      .map((m) => m.memberId);
    if (missing.length > 0) throw missingMembersError(missing);
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
    const unfiltered = Object.keys(query).length === 0;
    const { sort } = options;
    if (unfiltered && !sort) {
      // Unfiltered, default order: the ids are kept sorted, so a page costs O(page).
      const ids = collection.ids();
      totalResults = ids.length;
      page = ids.slice(skip, skip + limit).map((id) => collection.get(id)!);
    } else if (unfiltered && sort) {
      // Unfiltered, sorted: O(page) once the collection's order for this sort is cached (until the next write).
      totalResults = collection.size;
      if (limit === 0) return { totalResults, resources: [] };
      page = collection.sortedOrder(sort, (docs) => sortDocuments(docs, sort)).slice(skip, skip + limit);
    } else if (sort && limit > 0 && planQuery(query, PROBE_FIELDS).length === 0) {
      // Filtered by a scan anyway (no index probe): test the documents in the cached sorted order instead of
      // in id order, which gives the matches already sorted. Still O(n) tests, for the exact totalResults.
      ({ totalResults, page } = this.scanInOrder(
        collection.sortedOrder(sort, (docs) => sortDocuments(docs, sort)),
        compileQuery(query),
        skip,
        limit,
      ));
    } else {
      // Index probe (few candidates: sorting them is cheaper than walking the whole order), or no page wanted.
      let matches = this.match(collection, query);
      totalResults = matches.length;
      if (limit === 0) return { totalResults, resources: [] };
      if (sort) matches = sortDocuments(matches, sort);
      page = matches.slice(skip, skip + limit);
    }
    return {
      totalResults,
      resources: page.map((doc) => projectFields(frozen(doc), options.fields)),
    };
  }

  async existingIds(tenantId: string, resourceType: string, ids: string[]): Promise<Set<string>> {
    const collection = this.store.collection(tenantId, resourceType);
    return new Set(collection ? ids.filter((id) => collection.get(id) !== undefined) : []);
  }

  /** The matches of `compiled` among `ordered` (their total count), and the page [skip, skip + limit) of them. */
  private scanInOrder(
    ordered: readonly ResourceDocument[],
    compiled: Query,
    skip: number,
    limit: number,
  ): { totalResults: number; page: ResourceDocument[] } {
    const page: ResourceDocument[] = [];
    let totalResults = 0;
    for (const doc of ordered) {
      if (!compiled.test(doc)) continue;
      if (totalResults >= skip && page.length < limit) page.push(doc);
      totalResults++;
    }
    return { totalResults, page };
  }

  /** Matching documents in id order: from the indexes when the query allows it, else by a scan in id order. */
  private match(collection: ResourceCollection, query: QueryDocument): ResourceDocument[] {
    const ids = collection.ids();
    if (Object.keys(query).length === 0) return ids.map((id) => collection.get(id)!);
    const plans = planQuery(query, PROBE_FIELDS);
    // An exact probe needs no re-test (see isExactProbe: re-testing a large $in is quadratic), hence no compiled
    // query either: building one costs ~10 µs, paid per resource of a page when resolving `groups` names.
    if (plans.length > 0 && isExactProbe(query, PROBE_FIELDS)) {
      return collection.candidates(plans).sort((a, b) => compareIds(a.id, b.id));
    }
    const compiled = compileQuery(query);
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

  /**
   * Per-tenant uniqueness of every unique attribute of the type (DocumentModel: uniqueness "server" or
   * "global", RFC 7643 §2.2), by its shadow's hash index: lower-cased unless the attribute is caseExact.
   */
  private assertUnique(collection: ResourceCollection, doc: ResourceDocument): void {
    for (const attribute of this.store.model.uniqueAttributes(doc._type)) {
      const value = doc._ci[attribute.shadow];
      if (typeof value !== 'string') continue;
      if (collection.findOther(`_ci.${attribute.shadow}`, value, doc.id)) {
        throw uniquenessError(
          doc._type,
          attribute.path,
          this.store.model.uniqueValue(attribute, doc) ?? value,
        );
      }
    }
  }
}
