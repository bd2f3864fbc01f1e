/**
 * Public types of the PATCH engine (RFC 7644 §3.5.2). The engine is a pure function: it takes a resource in
 * storage shape (canonical attribute case, extension objects under extensionStorageKey(urn), no `_` fields,
 * no group members) and returns a new one, plus what the store must do besides writing the document.
 */

/** A resource in storage shape, minus the internal `_` fields (see src/store/resource-document.ts). */
export type StorageAttributes = Record<string, unknown>;

export interface PatchOptions {
  /** Most operations accepted in one request; more is 400 tooMany. Default 1000. */
  maxOperations?: number;
  /** Most values in one operation (array elements, see parsePatchRequest); more is 400 tooMany. Default 10000. */
  maxValuesPerOperation?: number;
  /** Longest string value, in characters; longer is 400 invalidValue. Unlimited when absent. */
  maxStringLength?: number;
  /**
   * What add/replace do when a value filter (`phoneNumbers[type eq "mobile"].value`) matches no element.
   * true (default): create the element from the filter's `eq` conditions plus the value, as Entra expects
   * (docs/entra.md §5 "Other PATCH facts"). false: 400 noTarget, the strict reading of RFC 7644 §3.5.2.3.
   */
  createOnNoTarget?: boolean;
  /**
   * Attributes of extensions the registry does not declare (`urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attr>`,
   * docs/entra.md §7.4). true: 400 invalidPath. false (default): kept as strings under extensionStorageKey(urn).
   */
  strictExtensions?: boolean;
}

/** A group member to add, as sent by the client (`$ref` is never kept: it is derived from the id). */
export interface MemberRef {
  value: string;
  type?: string;
  display?: string;
}

/**
 * Group members are membership records, not part of the document (architecture.md §3), so member operations
 * come out as a delta. The store applies it in this order: `removeAll`, then `remove`, then `add`; the engine
 * folds the request's operations so that this order gives the same result as applying them one by one.
 */
export interface MembersDelta {
  add: MemberRef[];
  remove: string[];
  removeAll: boolean;
}

export interface PatchResult {
  /** The patched resource: a new object; the input is never modified. */
  resource: StorageAttributes;
  /**
   * Canonical paths of what changed: top-level core attributes (`name`, `emails`), extension attributes as
   * `urn:…:enterprise:2.0:User:manager`, plus `password` when one was set and `members` when a member
   * operation produced a non-empty delta. Empty when the request changed nothing (RFC 7644 §3.5.2.1: then
   * the modify timestamp must not change).
   */
  changed: string[];
  /** Present when the request had member operations (Group resources only). */
  members?: MembersDelta;
  /** The new clear-text password (RFC 7643 §4.1.1, writeOnly) when the request set one; the caller hashes it. */
  password?: string;
}
