/**
 * Find semantics shared by both adapters (ordering, paging, projection), written once so that the embedded
 * store and MongoDB answer the same query the same way. The Mongo adapter mirrors these rules in its
 * aggregation pipeline (mongo/mongo-query.builder.ts); its specs check the two against each other.
 */
import {
  FindOptions,
  JournalRepository,
  MembershipRepository,
  ResourceRepository,
  ServerSecretRepository,
  SortSpec,
  StoreHealth,
  TenantRepository,
  StaticTokenRepository,
  OAuthClientRepository,
} from './ports';
import { ScimError } from '../scim/errors';
import { SubscriptionRepository } from './subscription.port';
import { foldAsciiCase } from '../scim/filter/folded-order';

/** The ports bound together: what an adapter factory returns. */
/** DI token of the adapters chosen at boot (internal to src/store). */
export const STORE_ADAPTERS = Symbol('STORE_ADAPTERS');

export interface StoreAdapters {
  resources: ResourceRepository;
  memberships: MembershipRepository;
  tenants: TenantRepository;
  staticTokens: StaticTokenRepository;
  oauthClients: OAuthClientRepository;
  health: StoreHealth;
  journal: JournalRepository;
  secrets: ServerSecretRepository;
  subscriptions: SubscriptionRepository;
}

/** Fields every projection keeps: a resource cannot be rendered or versioned without them. */
export const ALWAYS_LOADED_FIELDS: readonly string[] = ['id', 'schemas', 'meta', '_tenant', '_type', '_rev'];

/** RFC 7644 §3.4.2.4: a negative count is interpreted as 0; the store's skip is 0-based. */
export function normalizePage(options: Pick<FindOptions, 'skip' | 'limit'>): { skip: number; limit: number } {
  const clamp = (n: number) => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
  return { skip: clamp(options.skip), limit: clamp(options.limit) };
}

/**
 * Inclusion paths without overlaps ('name' swallows 'name.givenName'), with ALWAYS_LOADED_FIELDS added and in
 * a stable order. MongoDB rejects overlapping projection paths ("path collision"), so both adapters use this.
 */
export function normalizeFieldPaths(fields: readonly string[]): string[] {
  const all = [...new Set([...ALWAYS_LOADED_FIELDS, ...fields.filter((f) => f.length > 0)])].sort();
  const kept: string[] = [];
  for (const path of all) {
    // Sorted order puts a prefix right before its extensions, but not necessarily the last kept one
    // ('a', 'a-b', 'a.c'): check every kept path.
    if (!kept.some((k) => path.startsWith(`${k}.`))) kept.push(path);
  }
  return kept;
}

type ProjectionTree = Map<string, ProjectionTree | true>;

function projectionTree(paths: readonly string[]): ProjectionTree {
  const root: ProjectionTree = new Map();
  for (const path of paths) {
    const segments = path.split('.');
    let node = root;
    segments.forEach((segment, i) => {
      if (i === segments.length - 1) {
        node.set(segment, true);
        return;
      }
      let child = node.get(segment);
      if (child === undefined || child === true) {
        child = new Map();
        node.set(segment, child);
      }
      node = child;
    });
  }
  return root;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** MongoDB inclusion projection: sub-paths reach into objects and into each object element of arrays. */
function projectInto(source: Record<string, unknown>, tree: ProjectionTree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, sub] of tree) {
    if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
    const value = source[key];
    if (sub === true) {
      out[key] = value;
      continue;
    }
    const projected = projectValue(value, sub);
    if (projected !== undefined) out[key] = projected;
  }
  return out;
}

function projectValue(value: unknown, tree: ProjectionTree): unknown {
  if (Array.isArray(value)) {
    return value.filter((e) => isPlainObject(e) || Array.isArray(e)).map((e) => projectValue(e, tree));
  }
  if (isPlainObject(value)) return projectInto(value, tree);
  return undefined; // a scalar has no sub-fields: MongoDB drops it
}

/** Applies FindOptions.fields to a document (a new object; values may be shared with the input). */
export function projectFields<T extends Record<string, unknown>>(
  doc: T,
  fields: readonly string[] | undefined,
): T {
  if (fields === undefined) return doc;
  return projectInto(doc, projectionTree(normalizeFieldPaths(fields))) as T;
}

/**
 * RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary value, else by its first value.
 * Applied at every level of the path so that 'emails.value' and 'addresses.locality' follow the rule.
 */
function pickOne(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const primary = value.find((e) => isPlainObject(e) && e.primary === true);
  return primary !== undefined ? primary : value[0];
}

/** The sort key of a document for a storage path; undefined when it has no value (missing or null). */
export function sortKey(doc: Record<string, unknown>, path: string): unknown {
  let value: unknown = doc;
  for (const segment of path.split('.')) {
    const container = pickOne(value);
    if (!isPlainObject(container)) return undefined;
    value = container[segment];
  }
  const key = pickOne(value);
  return key === null ? undefined : key;
}

/** BSON comparison order of the JSON types we store (numbers < strings < objects < arrays < booleans). */
function typeRank(value: unknown): number {
  if (typeof value === 'number') return 1;
  if (typeof value === 'string') return 2;
  if (Array.isArray(value)) return 4;
  if (typeof value === 'object') return 3;
  if (typeof value === 'boolean') return 5;
  return 6;
}

/**
 * Compares two present sort keys like MongoDB's default (simple) collation: by type first, then by value;
 * strings by code unit, which matches MongoDB's binary order everywhere outside the surrogate range.
 */
export function compareSortValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts documents as every adapter must (see SortSpec): by the sort key (string keys ASCII-folded when
 * `caseInsensitive`), missing keys last when ascending and first when descending (RFC 7644 §3.4.2.3), ties by
 * id ascending. Returns a new array.
 */
export function sortDocuments<T extends { id: string }>(docs: readonly T[], sort: SortSpec): T[] {
  const keyed = docs.map((doc) => {
    const key = sortKey(doc as unknown as Record<string, unknown>, sort.field);
    // Folded once per document, not per comparison.
    return { doc, key: sort.caseInsensitive && typeof key === 'string' ? foldAsciiCase(key) : key };
  });
  keyed.sort((a, b) => {
    const aMissing = a.key === undefined;
    const bMissing = b.key === undefined;
    if (aMissing !== bMissing) return (aMissing ? 1 : -1) * sort.direction;
    if (!aMissing) {
      const order = compareSortValues(a.key, b.key) * sort.direction;
      if (order !== 0) return order;
    }
    return compareIds(a.doc.id, b.doc.id);
  });
  return keyed.map((k) => k.doc);
}

/** RFC 7644 §3.3 / §3.5.1: a duplicate unique attribute is 409 with scimType uniqueness. */
export function uniquenessError(resourceType: string, attribute: string, value: unknown): ScimError {
  const shown = typeof value === 'string' ? `"${value}"` : 'this value';
  return ScimError.uniqueness(
    `${attribute} ${shown} is already used by another ${resourceType} in this tenant`,
  );
}

/**
 * The tenant is passed explicitly and must agree with the document: a mismatch is a programming error that
 * would otherwise write into another tenant's data, so it fails loudly.
 */
export function assertDocumentTenant(tenantId: string, doc: { _tenant: string; id: string }): void {
  if (doc._tenant !== tenantId) {
    throw new Error(`Document ${doc.id} belongs to tenant ${doc._tenant}, not to ${tenantId}`);
  }
}
