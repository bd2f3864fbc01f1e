import { ScimError } from '../errors';
import {
  AttributeDefinition,
  AttributeType,
  Mutability,
  Returned,
  SchemaDefinition,
  Uniqueness,
} from './attribute-definition';

/**
 * A custom schema extension (RFC 7643 §3.3) declared in configuration (config/schema-extensions.json) and
 * attached to one resource type. parseExtensionConfig() (same file) turns the JSON document into these.
 */
export interface ExtensionConfig {
  /** The extension schema itself: its URN is `schema.id`. */
  schema: SchemaDefinition;
  /** Name of the resource type it extends, e.g. "User" (RFC 7643 §6 ResourceType.name). */
  resourceType: string;
  /** RFC 7643 §6 schemaExtensions.required: whether every resource of the type must carry it. */
  required: boolean;
}

const TYPES: readonly AttributeType[] = [
  'string',
  'boolean',
  'decimal',
  'integer',
  'dateTime',
  'binary',
  'reference',
  'complex',
];
const MUTABILITIES: readonly Mutability[] = ['readOnly', 'readWrite', 'immutable', 'writeOnly'];
const RETURNED: readonly Returned[] = ['always', 'never', 'default', 'request'];
const UNIQUENESS: readonly Uniqueness[] = ['none', 'server', 'global'];
const ATTRIBUTE_KEYS = new Set([
  'name',
  'type',
  'multiValued',
  'description',
  'required',
  'caseExact',
  'mutability',
  'returned',
  'uniqueness',
  'canonicalValues',
  'referenceTypes',
  'subAttributes',
]);
const EXTENSION_KEYS = new Set([
  'schema',
  'id',
  'name',
  'description',
  'resourceType',
  'required',
  'attributes',
]);
/** RFC 7643 §2.1 ATTRNAME, plus "$ref" which RFC 7643 §2.3.7 allows for sub-attributes. */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

function configError(where: string, problem: string): ScimError {
  return ScimError.invalidValue(`Schema extension configuration: ${where}: ${problem}`);
}

function isObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw);
}

function optionalBoolean(o: Record<string, unknown>, key: string, where: string, fallback: boolean): boolean {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw configError(where, `"${key}" must be true or false`);
  return v;
}

function optionalEnum<T extends string>(
  o: Record<string, unknown>,
  key: string,
  where: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const v = o[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !allowed.includes(v as T)) {
    throw configError(where, `"${key}" must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

function optionalStrings(o: Record<string, unknown>, key: string, where: string): string[] | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) {
    throw configError(where, `"${key}" must be an array of non-empty strings`);
  }
  return [...(v as string[])];
}

function parseAttribute(raw: unknown, where: string, isSub: boolean): AttributeDefinition {
  if (!isObject(raw)) throw configError(where, 'an attribute must be a JSON object');
  for (const key of Object.keys(raw)) {
    if (!ATTRIBUTE_KEYS.has(key)) throw configError(where, `unknown attribute characteristic "${key}"`);
  }
  const name = raw.name;
  if (typeof name !== 'string' || !(ATTRIBUTE_NAME.test(name) || (isSub && name === '$ref'))) {
    throw configError(where, '"name" must be an attribute name (a letter, then letters, digits, "-" or "_")');
  }
  where = `${where} (${name})`;
  const type = optionalEnum(raw, 'type', where, TYPES, 'string');
  if (raw.description !== undefined && typeof raw.description !== 'string') {
    throw configError(where, '"description" must be a string');
  }
  const def: AttributeDefinition = {
    name,
    type,
    multiValued: optionalBoolean(raw, 'multiValued', where, false),
    description: (raw.description as string | undefined) ?? '',
    required: optionalBoolean(raw, 'required', where, false),
    caseExact: optionalBoolean(raw, 'caseExact', where, false),
    mutability: optionalEnum(raw, 'mutability', where, MUTABILITIES, 'readWrite'),
    returned: optionalEnum(raw, 'returned', where, RETURNED, 'default'),
    uniqueness: optionalEnum(raw, 'uniqueness', where, UNIQUENESS, 'none'),
  };
  const canonicalValues = optionalStrings(raw, 'canonicalValues', where);
  if (canonicalValues) def.canonicalValues = canonicalValues;
  const referenceTypes = optionalStrings(raw, 'referenceTypes', where);
  if (type === 'reference') def.referenceTypes = referenceTypes ?? ['external'];
  else if (referenceTypes) throw configError(where, '"referenceTypes" applies to reference attributes only');
  if (type === 'complex') {
    // RFC 7643 §2.3.8: a complex attribute's sub-attributes cannot themselves be complex.
    if (isSub) throw configError(where, 'a sub-attribute cannot be complex (RFC 7643 §2.3.8)');
    if (!Array.isArray(raw.subAttributes) || raw.subAttributes.length === 0) {
      throw configError(where, 'a complex attribute needs a non-empty "subAttributes" array');
    }
    def.subAttributes = raw.subAttributes.map((s, i) =>
      parseAttribute(s, `${where}.subAttributes[${i}]`, true),
    );
    assertUniqueNames(def.subAttributes, where);
  } else if (raw.subAttributes !== undefined) {
    throw configError(where, '"subAttributes" applies to complex attributes only');
  }
  return def;
}

function assertUniqueNames(attributes: AttributeDefinition[], where: string): void {
  const seen = new Set<string>();
  for (const a of attributes) {
    // RFC 7643 §2.1: attribute names are case-insensitive, so two names differing only in case clash.
    const key = a.name.toLowerCase();
    if (seen.has(key)) throw configError(where, `attribute "${a.name}" is declared twice`);
    seen.add(key);
  }
}

/**
 * Validates a schema-extension configuration document (config/schema-extensions.json) and fills in the
 * RFC 7643 §2.2 default characteristics. Accepts `{ "extensions": [...] }` or a bare array. Each extension:
 * `{ schema: URN, name?, description?, resourceType?: "User", required?: false, attributes: [...] }`.
 * Throws ScimError 400 invalidValue naming the offending entry, so the same parser serves an admin API.
 */
export function parseExtensionConfig(json: unknown): ExtensionConfig[] {
  const list = Array.isArray(json) ? json : isObject(json) ? json.extensions : undefined;
  if (list === undefined && isObject(json)) return [];
  if (!Array.isArray(list)) throw configError('document', 'expected an object with an "extensions" array');
  const seen = new Set<string>();
  return list.map((raw, i): ExtensionConfig => {
    let where = `extensions[${i}]`;
    if (!isObject(raw)) throw configError(where, 'an extension must be a JSON object');
    for (const key of Object.keys(raw)) {
      if (!EXTENSION_KEYS.has(key)) throw configError(where, `unknown key "${key}"`);
    }
    const urn = raw.schema ?? raw.id;
    if (typeof urn !== 'string' || !/^urn:[^\s]+$/i.test(urn) || urn.endsWith(':')) {
      throw configError(
        where,
        '"schema" must be the extension URN, e.g. urn:ietf:params:scim:schemas:extension:acme:2.0:User',
      );
    }
    where = `${where} (${urn})`;
    if (seen.has(urn.toLowerCase())) throw configError(where, 'declared twice');
    seen.add(urn.toLowerCase());
    const name = raw.name ?? deriveName(urn);
    if (typeof name !== 'string' || name === '')
      throw configError(where, '"name" must be a non-empty string');
    if (raw.description !== undefined && typeof raw.description !== 'string') {
      throw configError(where, '"description" must be a string');
    }
    const resourceType = raw.resourceType ?? 'User';
    if (typeof resourceType !== 'string' || resourceType === '') {
      throw configError(where, '"resourceType" must be a resource type name such as "User"');
    }
    if (!Array.isArray(raw.attributes) || raw.attributes.length === 0) {
      throw configError(where, '"attributes" must be a non-empty array');
    }
    const attributes = raw.attributes.map((a, j) => parseAttribute(a, `${where}.attributes[${j}]`, false));
    assertUniqueNames(attributes, where);
    return {
      schema: { id: urn, name, description: (raw.description as string | undefined) ?? name, attributes },
      resourceType,
      required: optionalBoolean(raw, 'required', where, false),
    };
  });
}

/** "urn:…:extension:acme:2.0:User" → "acme". */
function deriveName(urn: string): string {
  const parts = urn.split(':');
  const versionAt = parts.findIndex((p) => /^\d+\.\d+$/.test(p));
  return versionAt > 0 ? parts[versionAt - 1] : parts[parts.length - 1];
}
