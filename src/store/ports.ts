import { ResourceDocument } from './resource-document';

/** A MongoDB query document (as emitted by the filter compiler); adapters execute it, mingo or MongoDB. */
export type QueryDocument = Record<string, unknown>;

/**
 * Ordering of a find (RFC 7644 §3.4.2.3), identical in every adapter:
 * - the key is the value at `field`; where the path crosses a multi-valued attribute, the element with
 *   `primary: true` is used, else the first element;
 * - documents without a value (missing or null) come last when ascending and first when descending;
 * - ties are broken by `id` ascending, so paging is stable. Without a SortSpec the order is `id` ascending.
 * Strings compare by code unit (case-sensitive): pass a `_ci` shadow path for a case-insensitive order.
 */
export interface SortSpec {
  /** Storage path, e.g. 'name.familyName' or '_ci.userName'. */
  field: string;
  direction: 1 | -1;
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
 * compile error, not a data leak. Adapters enforce per-tenant uniqueness of UNIQUE_KEY (409 uniqueness).
 */
export abstract class ResourceRepository {
  /** Inserts a new document; throws ScimError 409 uniqueness on a duplicate unique key. */
  abstract insert(tenantId: string, doc: ResourceDocument): Promise<void>;
  abstract findById(tenantId: string, resourceType: string, id: string): Promise<ResourceDocument | null>;
  /**
   * Replaces a document if its stored `_rev` still equals `expectedRev` (compare-and-swap).
   * Returns false when the document is gone or has changed meanwhile; throws 409 uniqueness on a duplicate key.
   */
  abstract replace(tenantId: string, doc: ResourceDocument, expectedRev: number): Promise<boolean>;
  /** Deletes a document and every membership that references it. Returns false when it did not exist. */
  abstract delete(tenantId: string, resourceType: string, id: string): Promise<boolean>;
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
 */
export abstract class MembershipRepository {
  /** Adds memberships; existing ones are left as they are (idempotent). Returns how many were new. */
  abstract add(tenantId: string, groupId: string, members: Omit<Membership, 'groupId'>[]): Promise<number>;
  /** Removes memberships of these members; absent ones are ignored. Returns how many were removed. */
  abstract remove(tenantId: string, groupId: string, memberIds: string[]): Promise<number>;
  abstract removeAllOfGroup(tenantId: string, groupId: string): Promise<void>;
  abstract membersOf(tenantId: string, groupId: string): Promise<Membership[]>;
  /** Groups whose direct members include any of these ids. */
  abstract groupsWithMember(tenantId: string, memberIds: string[]): Promise<Membership[]>;
  abstract isMember(tenantId: string, groupId: string, memberId: string): Promise<boolean>;
}

/** Tenants and their credentials. Only hashes of secrets are ever stored. */
export interface TenantRecord {
  id: string;
  name: string;
  disabled: boolean;
  createdAt: string;
}

export interface TokenRecord {
  id: string;
  tenantId: string;
  label: string;
  /** SHA-256 of the token, hex. Tokens are high-entropy random strings, so a fast hash is adequate. */
  hash: string;
  createdAt: string;
  expiresAt?: string;
  revoked: boolean;
}

export abstract class TenantRepository {
  abstract findTenant(tenantId: string): Promise<TenantRecord | null>;
  abstract upsertTenant(tenant: TenantRecord): Promise<void>;
  abstract findTokenByHash(hash: string): Promise<TokenRecord | null>;
  /** Throws ScimError 409 when a token with the same id or hash exists. */
  abstract insertToken(token: TokenRecord): Promise<void>;
  abstract listTokens(tenantId: string): Promise<TokenRecord[]>;
  /** All tenants, ordered by id (admin API). */
  abstract listTenants(): Promise<TenantRecord[]>;
  /** Marks a token revoked. Returns false when the tenant has no token with this id. */
  abstract revokeToken(tenantId: string, tokenId: string): Promise<boolean>;
}

/** Liveness of the store for the readiness probe. */
export abstract class StoreHealth {
  /** Resolves when the store answers; rejects with a reason otherwise. */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
