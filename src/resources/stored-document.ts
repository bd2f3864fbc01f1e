/** Small helpers over stored documents shared by the write and the read side. */
import { ScimError } from '../scim/errors';
import { ResourceDocument } from '../scim/document/resource-document';
import { StorageAttributes } from '../scim/schema/resource.validator';

const ENDPOINT: Record<string, string> = { User: 'Users', Group: 'Groups' };

/** The resource's absolute URL (RFC 7644 §3.1 meta.location): computed, never stored. */
export function locationOf(baseUrl: string, doc: Pick<ResourceDocument, '_type' | 'id'>): string {
  return `${baseUrl}/${ENDPOINT[doc._type] ?? doc._type}/${doc.id}`;
}

/** The SCIM attributes of a stored document: internal `_` fields dropped (and meta/id kept only for output). */
export function attributesOf(doc: ResourceDocument, withCommon = false): StorageAttributes {
  const attributes: StorageAttributes = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key.startsWith('_')) continue;
    if (!withCommon && (key === 'meta' || key === 'schemas')) continue;
    attributes[key] = value;
  }
  if (withCommon) (attributes.meta as Record<string, unknown>) = { ...doc.meta };
  return attributes;
}

/** The resource's externalId (RFC 7643 §3.1), when it has one. */
export function externalIdOf(doc: ResourceDocument): string | undefined {
  return typeof doc.externalId === 'string' ? doc.externalId : undefined;
}

export function notFound(resourceType: string, id: string): ScimError {
  return ScimError.notFound(`${resourceType} ${JSON.stringify(id)} not found`);
}

export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
