import { ScimError } from '../../scim/errors';
import { DocumentModel } from '../../scim/document/document-model';
import { ResourceDocument } from '../../scim/document/resource-document';
import { uniquenessError } from '../store-query.util';

/** MongoDB's "E11000 duplicate key" error code. */
export const DUPLICATE_KEY = 11000;

/**
 * A counter on resource documents that a commit adding them as group members increments, only to make a
 * concurrent delete of the member conflict with it (mongo-resource.repository.ts, lockMembers). Not part of the
 * resource: never returned, and a replace drops it.
 */
export const MEMBER_LOCK_FIELD = '_memberLock';

/** Removes MongoDB's own fields: services never see `_id` (nor `__v`, nor the member lock counter). */
export function fromStored<T>(stored: Record<string, unknown>): T {
  const { _id: _ignoredId, __v: _ignoredVersion, [MEMBER_LOCK_FIELD]: _ignoredLock, ...rest } = stored;
  return rest as T;
}

/**
 * The document as it is written: plain JSON, exactly what the embedded store keeps (undefined members
 * dropped rather than written as null), detached from the caller's object.
 */
export function toStored<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function isDuplicateKeyError(
  error: unknown,
): error is { code: number; keyPattern?: Record<string, unknown> } {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; writeErrors?: unknown };
  if (e.code === DUPLICATE_KEY) return true;
  // Bulk writes report per-operation errors.
  return (
    Array.isArray(e.writeErrors) &&
    e.writeErrors.some((w) => (w as { code?: unknown })?.code === DUPLICATE_KEY)
  );
}

/**
 * Maps a duplicate-key error of the resources collection to the SCIM error (RFC 7644 §3.3: 409 uniqueness),
 * naming the attribute from the index that refused the write (its `_ci` shadow, looked up in the model) and
 * the value from the document.
 */
export function resourceDuplicateKeyError(
  error: { keyPattern?: Record<string, unknown> },
  doc: ResourceDocument,
  model: DocumentModel,
): ScimError {
  const keys = Object.keys(error.keyPattern ?? {});
  const shadow = keys.find((k) => k.startsWith('_ci.'))?.slice('_ci.'.length);
  if (shadow !== undefined) {
    const attribute = model.uniqueAttributeByShadow(doc._type, shadow);
    const value = attribute ? model.uniqueValue(attribute, doc) : undefined;
    return uniquenessError(doc._type, attribute?.path ?? shadow, value ?? doc._ci[shadow]);
  }
  return uniquenessError(doc._type, 'id', doc.id);
}
