import { SortSpec } from '../ports';
import { ResourceDocument } from '../../scim/document/resource-document';
import { compareIds } from '../store-query.util';
import { FieldIndex } from './field.index';
import { CandidatePlan } from './query.planner';

/**
 * Fields with a hash index (besides `id`, which keys the collection itself): the hot lookups of provisioning
 * clients (Entra: `userName eq`, `externalId eq`, `displayName eq`) and email lookups. `_ci.emails` is
 * multi-key: a document is indexed under each of its values.
 */
export const INDEXED_FIELDS: readonly string[] = [
  '_ci.userName',
  '_ci.displayName',
  'externalId',
  '_ci.emails',
];

/** Every field a query may probe by equality, `id` included. */
export const PROBE_FIELDS: ReadonlySet<string> = new Set(['id', ...INDEXED_FIELDS]);

/**
 * How many sorted orders a collection keeps (least recently used dropped first). Each is one array of
 * references to the stored documents: 8 bytes per document, i.e. ~0.8 MB for 100,000 users, ~3.2 MB at most
 * per collection. Clients page by one or two orders at a time; more would only hold memory.
 */
export const SORTED_ORDERS_KEPT = 4;

/** First index in the sorted array whose id is >= id. */
function lowerBound(sorted: readonly string[], id: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The documents of one resource type in one tenant, with their hash indexes and the ids in ascending order
 * (so that an unfiltered page costs O(page) and needs no sort). Holds the store's own objects: callers clone.
 */
export class ResourceCollection {
  private readonly docs = new Map<string, ResourceDocument>();
  /** The fields this collection indexes (INDEXED_FIELDS and the unique shadows). */
  private readonly indexedFields: ReadonlySet<string>;
  /**
   * The indexes built so far. An index is built at the first lookup of its field, from the documents then
   * held, and kept up to date from then on: a boot loads 100,000 documents without indexing them four times
   * over (half a second), and a field nobody looks up (emails, often) is never indexed.
   */
  private readonly indexes = new Map<string, FieldIndex>();
  private sortedIds: string[] = [];
  private sortedIdsStale = false;
  /** Sorted orders by sortOrderKey, in least-recently-used-first order (Map keeps insertion order). */
  private readonly sortedOrders = new Map<string, readonly ResourceDocument[]>();

  /** `uniqueFields`: the `_ci` shadows of the type's unique attributes (DocumentModel), indexed besides INDEXED_FIELDS. */
  constructor(uniqueFields: readonly string[] = []) {
    this.indexedFields = new Set([...INDEXED_FIELDS, ...uniqueFields]);
  }

  get size(): number {
    return this.docs.size;
  }

  get(id: string): ResourceDocument | undefined {
    return this.docs.get(id);
  }

  /** Ids in ascending order. */
  ids(): readonly string[] {
    if (this.sortedIdsStale) {
      this.sortedIds.sort(compareIds);
      this.sortedIdsStale = false;
    }
    return this.sortedIds;
  }

  /**
   * All documents in the order of `sort`, computed by `sortAll` at the first call after a write and kept until
   * the next write, so that every further page of the same order costs O(page) instead of a sort of the whole
   * collection. The array is the cache itself: callers must not change it.
   */
  sortedOrder(
    sort: SortSpec,
    sortAll: (docs: ResourceDocument[]) => ResourceDocument[],
  ): readonly ResourceDocument[] {
    const key = JSON.stringify([sort.field, sort.direction, sort.caseInsensitive === true]);
    let order = this.sortedOrders.get(key);
    if (order) {
      this.sortedOrders.delete(key); // re-inserted below: most recently used last
    } else {
      order = sortAll(this.ids().map((id) => this.docs.get(id)!));
      if (this.sortedOrders.size >= SORTED_ORDERS_KEPT) {
        this.sortedOrders.delete(this.sortedOrders.keys().next().value!);
      }
    }
    this.sortedOrders.set(key, order);
    return order;
  }

  /**
   * Adds a document at boot. SQLite hands the rows over in key order, which is nearly always the ids' order
   * already; when it is not (byte order and UTF-16 order differ beyond the BMP) the order is restored once, at
   * the first ids() call, instead of per insert.
   */
  load(doc: ResourceDocument): void {
    if (this.sortedOrders.size > 0) this.written();
    this.docs.set(doc.id, doc);
    if (this.indexes.size > 0) this.indexDocument(doc);
    const last = this.sortedIds.length > 0 ? this.sortedIds[this.sortedIds.length - 1] : undefined;
    if (last !== undefined && compareIds(last, doc.id) >= 0) this.sortedIdsStale = true;
    this.sortedIds.push(doc.id);
  }

  add(doc: ResourceDocument): void {
    this.written();
    const ids = this.ids() as string[];
    this.docs.set(doc.id, doc);
    this.indexDocument(doc);
    ids.splice(lowerBound(ids, doc.id), 0, doc.id);
  }

  replace(doc: ResourceDocument): void {
    this.written();
    const previous = this.docs.get(doc.id);
    if (previous) this.unindexDocument(previous);
    this.docs.set(doc.id, doc);
    this.indexDocument(doc);
  }

  remove(id: string): ResourceDocument | undefined {
    const doc = this.docs.get(id);
    if (!doc) return undefined;
    this.written();
    this.docs.delete(id);
    this.unindexDocument(doc);
    const ids = this.ids() as string[];
    const at = lowerBound(ids, id);
    if (ids[at] === id) ids.splice(at, 1);
    return doc;
  }

  /** Ids of the documents whose `field` holds `value`. */
  lookup(field: string, value: string): ReadonlySet<string> {
    return new Set(this.idsOf(field, value));
  }

  /** Another document than `exceptId` whose `field` holds `value` (a uniqueness conflict), if any. */
  findOther(field: string, value: string, exceptId: string): ResourceDocument | undefined {
    for (const id of this.idsOf(field, value)) if (id !== exceptId) return this.docs.get(id);
    return undefined;
  }

  /** Candidate documents from the cheapest plan (fewest ids to test), in no particular order. */
  candidates(plans: readonly CandidatePlan[]): ResourceDocument[] {
    let best: Set<string> | undefined;
    for (const plan of plans) {
      const ids = new Set<string>();
      for (const { field, values } of plan) {
        for (const value of values) for (const id of this.idsOf(field, value)) ids.add(id);
        if (best && ids.size >= best.size) break;
      }
      if (!best || ids.size < best.size) best = ids;
      if (best.size === 0) break;
    }
    return [...(best ?? [])].map((id) => this.docs.get(id)!);
  }

  /**
   * Every cached order is stale after any change of a document (a replace may move it anywhere). Membership
   * changes do not come here and need not: group members are not in the documents, so no sort key reads them.
   */
  private written(): void {
    this.sortedOrders.clear();
  }

  private idsOf(field: string, value: string): Iterable<string> {
    if (field === 'id') return this.docs.has(value) ? [value] : [];
    return this.index(field)?.idsOf(value) ?? [];
  }

  private index(field: string): FieldIndex | undefined {
    let index = this.indexes.get(field);
    if (index === undefined && this.indexedFields.has(field)) {
      index = new FieldIndex(field);
      for (const doc of this.docs.values()) index.add(doc.id, doc);
      this.indexes.set(field, index);
    }
    return index;
  }

  private indexDocument(doc: ResourceDocument): void {
    for (const index of this.indexes.values()) index.add(doc.id, doc);
  }

  private unindexDocument(doc: ResourceDocument): void {
    for (const index of this.indexes.values()) index.remove(doc.id, doc);
  }
}
