/**
 * The stored shape of a SCIM resource, shared by both adapters and by the filter compiler, whose query
 * documents address these fields.
 *
 * - SCIM attributes sit at the top level in their canonical case (`userName`, `name.givenName`, `emails`),
 *   extension data under `extensionStorageKey(urn)`; `id` and `meta` (created, lastModified, version) too.
 *   `meta.location` is not stored: it depends on the base URL and is computed on the way out.
 *   Group members are not stored here: they are membership records (MembershipRepository).
 * - Internal fields start with `_`, which no SCIM attribute name can (RFC 7643 §2.1 ATTRNAME starts with ALPHA).
 *   `_ci` holds lower-cased shadows of case-insensitive attributes that are looked up by equality, so that
 *   `userName eq "X"` is an index hit, not a scan, and the shadows of the unique attributes (document-model.ts).
 * - dateTime values are stored as `Date.prototype.toISOString()` strings, so string order is time order.
 */
export interface ResourceDocument {
  _tenant: string;
  _type: string;
  /** Increases by one on every change; meta.version is derived from it. Compare-and-swap token. */
  _rev: number;
  _ci: ShadowFields;
  /** Write-only secrets (RFC 7643 §4.1.1 password) as one-way hashes; never projected. */
  _secret?: { password?: string };
  id: string;
  schemas: string[];
  meta: { resourceType: string; created: string; lastModified: string; version: string };
  [attribute: string]: unknown;
}

/**
 * Comparison shadows (`_ci`): lower-cased copies of case-insensitive attributes that are matched by equality
 * (RFC 7643 §2.2 caseExact=false), and one entry per unique attribute of the type, lower-cased unless the
 * attribute is caseExact (DocumentModel.shadows). Keys of extension attributes are `storageKey:name`.
 */
export interface ShadowFields {
  userName?: string;
  displayName?: string;
  /** Every emails[].value, lower-cased. */
  emails?: string[];
  [shadow: string]: string | string[] | undefined;
}

/** Where the compiler finds a shadow for a case-insensitive `eq` on these canonical paths. */
export const SHADOWED_PATHS: Readonly<Record<string, 'userName' | 'displayName' | 'emails'>> = {
  userName: 'userName',
  displayName: 'displayName',
  'emails.value': 'emails',
};

/**
 * The eq-lookup shadows alone (userName, displayName, emails.value), whatever the type: the part of `_ci` that
 * does not depend on the registry. DocumentModel.shadows adds the unique attributes' shadows.
 */
export function lookupShadows(doc: Record<string, unknown>): ShadowFields {
  const shadows: ShadowFields = {};
  if (typeof doc.userName === 'string') shadows.userName = doc.userName.toLowerCase();
  if (typeof doc.displayName === 'string') shadows.displayName = doc.displayName.toLowerCase();
  if (Array.isArray(doc.emails)) {
    const values = doc.emails
      .map((e) => (e && typeof e === 'object' ? (e as { value?: unknown }).value : undefined))
      .filter((v): v is string => typeof v === 'string')
      .map((v) => v.toLowerCase());
    if (values.length > 0) shadows.emails = values;
  }
  return shadows;
}

/** meta.version is a weak entity tag (RFC 7644 §3.14) derived from the revision. */
export function versionTag(id: string, rev: number): string {
  return `W/"${rev}-${id.slice(0, 8)}"`;
}

/**
 * The first revision of a new resource: meta.created = meta.lastModified, version 1 (RFC 7643 §3.1). With a
 * model, `_ci` holds every shadow of the type (DocumentModel.newDocument); without, the lookup shadows only
 * (the stores complete them on commit).
 */
export function newResourceDocument(
  tenantId: string,
  resourceType: string,
  id: string,
  attributes: Record<string, unknown>,
  schemas: string[],
  now: string = new Date().toISOString(),
  model?: { shadows(resourceType: string, attributes: Record<string, unknown>): ShadowFields },
): ResourceDocument {
  return {
    ...attributes,
    _tenant: tenantId,
    _type: resourceType,
    _rev: 1,
    _ci: model ? model.shadows(resourceType, attributes) : lookupShadows(attributes),
    id,
    schemas,
    meta: { resourceType, created: now, lastModified: now, version: versionTag(id, 1) },
  };
}
