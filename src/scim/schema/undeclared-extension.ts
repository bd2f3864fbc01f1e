import { AttributeDefinition } from './attribute-definition';
import { extensionStorageKey, SchemaRegistry } from './schema.registry';

/**
 * Undeclared ("dynamic") extension attributes.
 *
 * Entra lets an administrator map any source attribute to `urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attr>`
 * without the server declaring that schema, and does not list the URN in `schemas` (docs/entra.md §7.4). In lenient
 * mode such attributes are kept, as strings, under extensionStorageKey(urn)[attr] — exactly where a declared
 * extension would live — and emitted back under their URN by the projection. Only simple single-valued
 * attributes are possible there (docs/entra.md §7.4), hence one synthetic string definition for all of them.
 *
 * The URN must end with `:<major>.<minor>:<ResourceType>` of the resource type being written, so that a User
 * extension sent to /Groups is not mistaken for a Group one.
 */
export interface UndeclaredExtensionPath {
  /** The extension URN as the client spelt it. */
  urn: string;
  /** Field of the stored document holding the extension object. */
  storageKey: string;
  /** The attribute name after the URN; undefined when the path is the URN alone. */
  attributeName?: string;
  /** Synthetic definition (string, readWrite, returned default) for the attribute, when there is one. */
  attribute?: AttributeDefinition;
}

/** RFC 7643 §2.1 ATTRNAME: ALPHA *(ALPHA / DIGIT / "-" / "_"). Also keeps `__proto__` and `_internal` out. */
export const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

const EXTENSION_PREFIX = 'urn:ietf:params:scim:schemas:extension:';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A string attribute definition as undeclared extension attributes get (see the file comment). */
export function undeclaredAttributeDefinition(name: string): AttributeDefinition {
  return {
    name,
    type: 'string',
    multiValued: false,
    description: 'Attribute of an undeclared schema extension, kept as a string.',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
  };
}

/**
 * Recognises `urn:ietf:params:scim:schemas:extension:<Name…>:<d>.<d>:<ResourceType>[:<attr>]` for a URN that
 * is NOT a schema of `resourceType` in the registry. Returns undefined for anything else (declared schemas
 * included: resolve those with registry.resolve). A sub-attribute path (`:attr.sub`) is not recognised.
 */
export function parseUndeclaredExtensionPath(
  registry: SchemaRegistry,
  resourceType: string,
  path: string,
): UndeclaredExtensionPath | undefined {
  if (!path.toLowerCase().startsWith(EXTENSION_PREFIX)) return undefined;
  if (registry.splitUrn(resourceType, path)) return undefined;
  const typeName = registry.resourceType(resourceType).name;
  const pattern = new RegExp(
    `^(${escapeRegExp(EXTENSION_PREFIX)}[A-Za-z0-9_-][^:]*(?::[^:]+)*?:\\d+\\.\\d+:${escapeRegExp(typeName)})(?::([^:]+))?$`,
    'i',
  );
  const m = pattern.exec(path);
  if (!m) return undefined;
  const urn = m[1];
  const attributeName = m[2];
  if (attributeName !== undefined && !ATTRIBUTE_NAME.test(attributeName)) return undefined;
  return {
    urn,
    storageKey: extensionStorageKey(urn),
    attributeName,
    attribute: attributeName !== undefined ? undeclaredAttributeDefinition(attributeName) : undefined,
  };
}

/**
 * The URN a stored extension field stands for, for fields that no registered schema owns. The document's own
 * `schemas` list is authoritative (the validator records undeclared URNs there); otherwise the "2_0" version
 * segment is turned back into "2.0", which inverts extensionStorageKey for every URN of the form above.
 */
export function undeclaredExtensionUrn(
  storageKey: string,
  schemas: readonly string[] = [],
): string | undefined {
  if (!storageKey.toLowerCase().startsWith(EXTENSION_PREFIX)) return undefined;
  const listed = schemas.find((urn) => extensionStorageKey(urn) === storageKey);
  if (listed) return listed;
  return storageKey.replace(/:(\d+)_(\d+):/g, ':$1.$2:');
}
