import { ResourceDocument } from '../scim/document/resource-document';

/** A MongoDB query document (as emitted by the filter compiler); adapters execute it, mingo or MongoDB. */
export type QueryDocument = Record<string, unknown>;

/**
 * Ordering of a find (RFC 7644 §3.4.2.3), identical in every adapter:
 * - the key is the value at `field`; where the path crosses a multi-valued attribute, the element with
 *   `primary: true` is used, else the first element;
 * - documents without a value (missing or null) come last when ascending and first when descending;
 * - ties are broken by `id` ascending, so paging is stable. Without a SortSpec the order is `id` ascending.
 * Strings compare by code unit (case-sensitive), unless `caseInsensitive`; a `_ci` shadow path also gives a
 * case-insensitive order (and can use an index).
 */
export interface SortSpec {
  /** Storage path, e.g. 'name.familyName' or '_ci.userName'. */
  field: string;
  direction: 1 | -1;
  /**
   * RFC 7644 §3.4.2.3 (caseExact=false): string keys compare with ASCII letters lower-cased (A–Z → a–z, what
   * MongoDB's $toLower does; foldAsciiCase), so "adam" < "Bob" < "carol"; keys equal once folded tie, by id.
   * Keys of other types are unaffected.
   */
  caseInsensitive?: boolean;
}

export interface FindOptions {
  sort?: SortSpec;
  /** 0-based number of matching documents to skip. */
  skip: number;
  /** Maximum number of documents to return; 0 returns none (only the total). */
  limit: number;
  /**
   * Storage paths to load (MongoDB inclusion-projection semantics: 'emails.value' keeps `value` in each element
   * of `emails`); all when absent. `id`, `schemas`, `meta`, `_tenant`, `_type` and `_rev` are always loaded.
   */
  fields?: string[];
}

export interface FindResult {
  totalResults: number;
  resources: ResourceDocument[];
}

/**
 * One port per aggregate (architecture §4). Every method takes the tenant explicitly: forgetting it is a
 * compile error, not a data leak.
 *
 * The only write is commit(): every change of a resource or of a membership is a WriteUnit with its journal
 * entries, so no change can bypass the journal (and the change stream built on it). Adapters recompute each
 * document's `_ci` shadows from their DocumentModel and enforce per tenant the uniqueness of every attribute it
 * declares unique (409 uniqueness).
 */
export abstract class ResourceRepository {
  /**
   * Documents returned by findById and find are read-only: the embedded adapter returns its stored, frozen
   * objects (src/store/embedded/frozen.ts). Copy before changing.
   */
  abstract findById(tenantId: string, resourceType: string, id: string): Promise<ResourceDocument | null>;
  /**
   * Runs a compiled filter, with a stable order (see SortSpec) and paging. `totalResults` counts every match;
   * negative skip/limit count as 0 (RFC 7644 §3.4.2.4).
   */
  abstract find(
    tenantId: string,
    resourceType: string,
    query: QueryDocument,
    options: FindOptions,
  ): Promise<FindResult>;
  /** Ids of the given resources that exist in this tenant (for member and manager reference checks). */
  abstract existingIds(tenantId: string, resourceType: string, ids: string[]): Promise<Set<string>>;
  /**
   * Applies one unit of work atomically: the document change, the membership changes and the journal entries
   * are all written or none is. Order: the document change, then memberships (removeAll, remove, add), then
   * the journal. Journal entries get the tenant's next sequence numbers (1, 2, …, no gaps, no duplicates),
   * assigned inside the same transaction, so an acknowledged change always has its entry and a failed one
   * never does.
   *
   * `applied: false` (nothing written, no journal) when a `replace` or `delete` finds the document gone or at
   * another revision than expected. Throws ScimError 409 uniqueness (nothing written) on a duplicate key.
   *
   * Every member a unit adds must exist when the unit commits, as a resource of the tenant of its memberType
   * (User or Group); checked inside the commit, so that a delete of the member cannot slip in between the
   * caller's own check and the write (the group would keep a dangling member). Otherwise throws ScimError 400
   * invalidValue, nothing written, no journal (after the compare-and-swap: a stale unit is `applied: false`).
   */
  abstract commit(tenantId: string, unit: WriteUnit): Promise<CommitResult>;
}

/**
 * What a change did, as the journal records it (issue "Many tenants, one server"). `admin`: an action of the
 * admin API (tenants, credentials, subscriptions); `adminAction` says which.
 */
export type JournalOperation =
  'create' | 'replace' | 'patch' | 'delete' | 'membership' | 'activate' | 'deactivate' | 'admin';

/** A member as a membership change names it (RFC 7643 §4.2 members.value / members.type). */
export interface MemberRefValue {
  value: string;
  /** 'User' or 'Group'. */
  type: string;
}

/** The membership change of one write, as it took effect: only members really added or removed. */
export interface MembersDelta {
  added: MemberRefValue[];
  removed: MemberRefValue[];
}

/** Who made a change: the credential the request authenticated with. */
export interface JournalActor {
  credentialId: string;
  label: string;
}

export interface JournalEntryInput {
  /** ISO 8601 timestamp of the change (the resource's meta.lastModified for a write). */
  time: string;
  actor: JournalActor;
  /** The X-Request-Id of the request (several entries share it in a Bulk request). */
  requestId?: string;
  operation: JournalOperation;
  resourceType: string;
  resourceId: string;
  /** meta.version after the change; for a delete, the last version the resource had. */
  version?: string;
  /** Top-level attribute names (extension attributes as `urn:…:name`), `members` and `password` included. */
  changedAttributes: string[];
  /** The resource's externalId as of the change (the last one it had, for a delete). */
  externalId?: string;
  /** The resource's absolute URL as the request that changed it addressed it (meta.location). */
  location?: string;
  /**
   * The resource as GET returned it right after the change (default attributes), without `password`, without
   * the computed `groups`, and a Group without `members` (the delta says what changed). Absent on delete.
   */
  snapshot?: Record<string, unknown>;
  /**
   * For a Group write: the members really added and removed (a group delete removes all of them). For a
   * delete of a resource that was a member of groups: `removed` lists nothing of its own; see `memberOf`.
   */
  members?: MembersDelta;
  /** For a delete of a User or Group: the groups it was a direct member of, whose memberships went with it. */
  memberOf?: { removed: MemberRefValue[] };
  /** For operation 'admin': what happened, e.g. 'tenant.created', 'token.revoked', 'subscription.deleted'. */
  adminAction?: string;
}

/** A journal entry as stored: `seq` is per tenant, from 1, increasing by one with every committed entry. */
export interface JournalEntry extends JournalEntryInput {
  tenantId: string;
  seq: number;
}

/** Membership changes of one group, applied in this order: removeAll, remove, add (like MembersDelta). */
export interface MembershipChange {
  groupId: string;
  removeAll?: boolean;
  remove?: string[];
  add?: Omit<Membership, 'groupId'>[];
}

/** One atomic write: at most one document change, optional memberships, and its journal entries. */
export interface WriteUnit {
  insert?: ResourceDocument;
  /** Compare-and-swap: applied only while the stored `_rev` still equals `expectedRev`. */
  replace?: { doc: ResourceDocument; expectedRev: number };
  /** Deletes the document and every membership that references it; CAS on `_rev` when expectedRev is given. */
  delete?: { resourceType: string; id: string; expectedRev?: number };
  memberships?: MembershipChange;
  journal: JournalEntryInput[];
}

export interface CommitResult {
  /** False when the CAS of a replace/delete failed or the document was gone: nothing was written. */
  applied: boolean;
  /** The sequence numbers given to `unit.journal`, in order (empty when not applied). */
  journalSeqs: number[];
}

/**
 * Reads the change journal written by ResourceRepository.commit. Entries older than the retention period
 * (JOURNAL_RETENTION_DAYS) are removed by the adapters, so a reader may find the first entries gone.
 */
export abstract class JournalRepository {
  /** Entries of the tenant with seq > sinceSeq, ascending, at most `limit` of them. */
  abstract read(tenantId: string, sinceSeq: number, limit: number): Promise<JournalEntry[]>;
  /** The last seq ever committed for the tenant (0 when none), whatever retention has pruned since. */
  abstract lastSeq(tenantId: string): Promise<number>;
}

export interface Membership {
  groupId: string;
  memberId: string;
  /** 'User' or 'Group' (RFC 7643 §4.2 members.type). */
  memberType: string;
}

/**
 * Group membership as records of their own (not an array inside the group), so that adding or removing one
 * member costs the same in a group of 100,000 as in a group of 10, and concurrent changes lose nothing.
 * Read-only: memberships change through ResourceRepository.commit (WriteUnit.memberships), journalled.
 */
export abstract class MembershipRepository {
  abstract membersOf(tenantId: string, groupId: string): Promise<Membership[]>;
  /** Groups whose direct members include any of these ids. */
  abstract groupsWithMember(tenantId: string, memberIds: string[]): Promise<Membership[]>;
  /** Ids of the groups that have at least one member (filter `members pr`), each once, in no set order. */
  abstract groupIdsWithAnyMember(tenantId: string): Promise<string[]>;
  /** Ids of everything (users and groups) that is a member of at least one group (filter `groups pr`), each once. */
  abstract memberIdsInAnyGroup(tenantId: string): Promise<string[]>;
  /**
   * The ids among `memberIds` that are direct members of the group: one question however many ids (a retried
   * add of 10,000 members is one query, not 10,000).
   */
  abstract existingMembers(tenantId: string, groupId: string, memberIds: string[]): Promise<Set<string>>;
}

/** Liveness of the store for the readiness probe. */
export abstract class StoreHealth {
  /** Resolves when the store answers; rejects with a reason otherwise. */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}

/**
 * Secrets the server generates for itself (the RFC 9865 cursor key, the OAuth signing key), kept in the store
 * so that every replica sharing the database uses the same ones: a cursor or an access token issued by one
 * replica is accepted by the others.
 */
export abstract class ServerSecretRepository {
  /**
   * The value stored under `name`; when there is none yet, stores what `create` returns. Atomic: callers
   * racing on a missing name (replicas booting together) all get the one value that was stored first, so
   * `create` may run in several of them but only one result is kept. `create` runs only when the name is
   * missing; a rejection of `create` stores nothing and is passed on.
   */
  abstract getOrCreate(name: string, create: () => string | Promise<string>): Promise<string>;
}

export * from './tenant.ports';
