/** What a projection is given besides the stored document (projection.ts, compiled-projection.ts). */

export interface MemberRef {
  value: string;
  /** "User" or "Group" (RFC 7643 §4.2); "User" when unknown. */
  type?: string;
  display?: string;
}

export interface GroupRef {
  value: string;
  display?: string;
  /** RFC 7643 §4.1.2 groups.type. */
  type: 'direct' | 'indirect';
}

/** What changes from one resource to the next under one compiled selection. */
export interface ResourceContext {
  /** meta.location of the resource (RFC 7644 §3.1). */
  location: string;
  /** The SCIM base URL (…/scim/v2, no trailing slash needed) used to build `$ref` values. */
  baseUrl: string;
  /** Group members, loaded by the caller when wantsAttribute(…, 'members', …); undefined = not loaded, omitted. */
  members?: MemberRef[];
  /** A user's groups (RFC 7643 §4.1.2), loaded when wanted; undefined or empty = omitted. */
  groups?: GroupRef[];
}

export interface ProjectionContext extends ResourceContext {
  /** RFC 7644 §3.9 `attributes`: raw or parseAttributeList() output. */
  attributes?: string[];
  /** RFC 7644 §3.9 `excludedAttributes`: raw or parseAttributeList() output. */
  excludedAttributes?: string[];
}
