import { ScimError } from '../errors';
import { AttributeDefinition, SchemaDefinition } from './attribute-definition';
import { assertMaxLength, CoerceOptions, coerceValue, isPlainObject } from './coerce';
import { extensionStorageKey, ResolvedAttribute, SchemaRegistry } from './schema.registry';
import { GROUP_SCHEMA, MICROSOFT_GROUP_SCHEMA } from './schema-urns';
import { ATTRIBUTE_NAME, parseUndeclaredExtensionPath } from './undeclared-extension';

/**
 * Wire → storage conversion of POST and PUT bodies (RFC 7643 §2, §7; RFC 7644 §3.3, §3.5.1).
 *
 * Choices where the RFCs leave room, made for interoperability with Entra and other clients:
 * - Unknown core attributes are ignored, not rejected (RFC 7644 §3.3 lets the service provider ignore what it
 *   does not support; Entra may send attributes mapped by an administrator that we do not model).
 * - Unknown schema URNs in `schemas` are ignored (Entra sends the Microsoft ADSCIM group URI, and once a
 *   malformed "…enterprise:2.0User", docs/entra.md §4.1, §4.9) unless `strictExtensions` is set.
 * - Attributes of undeclared extensions (`urn:…:extension:<Name>:2.0:User:<attr>`) are kept as strings in
 *   lenient mode (docs/entra.md §7.4), rejected with 400 invalidPath in strict mode.
 * - canonicalValues are advisory (RFC 7643 §2.3.1 "MAY"): not enforced.
 * - An immutable attribute left out of a PUT keeps its existing value: a client cannot clear it anyway.
 */

/** SCIM attributes of a stored resource (storage shape, see src/store/resource-document.ts), no `_` fields. */
export type StorageAttributes = Record<string, unknown>;

/** One member of a group as sent by the client; `$ref` is dropped (computed on output). */
export interface MemberInput {
  value: string;
  type?: string;
  display?: string;
}

export interface ValidateResourceOptions {
  mode: 'create' | 'replace';
  /** The stored resource being replaced (mode 'replace'): used for the immutability check. */
  existing?: StorageAttributes;
  /** Reject attributes of undeclared extensions and unknown schema URNs instead of accepting them. */
  strictExtensions?: boolean;
  /** Passed to coerceValue (lenient booleans and numbers by default). */
  coerce?: CoerceOptions;
}

export interface ValidatedResource {
  /** Storage shape: canonical names, extensions under extensionStorageKey(urn); no id, meta, schemas. */
  attributes: Record<string, unknown>;
  /** Core schema URN, then every extension (declared or not) that has data or is required. */
  schemas: string[];
  /** RFC 7643 §4.1.1 password in clear text: the caller hashes it; it is never put in `attributes`. */
  password?: string;
  /**
   * Group members when the body had a `members` key (`[]` for an empty list or null), undefined when the
   * key was absent: the caller decides what a PUT without members means. Deduplicated by value.
   */
  members?: MemberInput[];
}

interface Pending {
  definition: AttributeDefinition;
  raw: unknown;
}

/** Reference types that designate SCIM resources: their `$ref` is computed from `value` on output. */
const RESOURCE_REFERENCE = (types: string[] | undefined) =>
  !!types && types.length > 0 && types.every((t) => t !== 'external' && t !== 'uri');

export function validateResource(
  registry: SchemaRegistry,
  resourceType: string,
  body: unknown,
  options: ValidateResourceOptions,
): ValidatedResource {
  const strict = options.strictExtensions ?? false;
  const coerceOptions: CoerceOptions = { ...options.coerce, ignoreReadOnly: true };
  if (!isPlainObject(body)) throw ScimError.invalidSyntax('The request body must be a JSON object');
  const type = registry.resourceType(resourceType);
  const core = registry.coreSchema(resourceType);
  const declaredSchemas = checkSchemas(registry, resourceType, body, strict);

  // 1. Collect raw values per schema and canonical attribute name (names are case-insensitive, RFC 7643 §2.1).
  const pending = new Map<SchemaDefinition, Map<string, Pending>>();
  const undeclared = new Map<string, { urn: string; values: Map<string, { name: string; raw: unknown }> }>();
  const presentExtensions = new Set<SchemaDefinition>();

  const assign = (resolved: ResolvedAttribute, raw: unknown) => {
    let bySchema = pending.get(resolved.schema);
    if (!bySchema) pending.set(resolved.schema, (bySchema = new Map()));
    if (!resolved.parent) {
      bySchema.set(resolved.attribute.name, { definition: resolved.attribute, raw });
      return;
    }
    // A flattened sub-attribute ("name.givenName", "urn:…:User:manager.value") merges into its parent.
    const entry = bySchema.get(resolved.parent.name);
    const parentRaw = entry && isPlainObject(entry.raw) ? { ...entry.raw } : {};
    parentRaw[resolved.attribute.name] = raw;
    bySchema.set(resolved.parent.name, { definition: resolved.parent, raw: parentRaw });
  };

  const unknown = (path: string) => {
    if (strict) {
      throw ScimError.invalidPath(
        `Attribute '${path}' is not defined by any schema of resource type ${type.name}`,
      );
    }
  };

  const assignUndeclared = (urn: string, name: string, raw: unknown) => {
    if (strict) {
      throw ScimError.invalidPath(
        `Attribute '${urn}:${name}' belongs to an undeclared schema extension; declare ${urn} in the schema extension configuration`,
      );
    }
    if (!ATTRIBUTE_NAME.test(name)) {
      throw ScimError.invalidPath(`'${name}' is not a valid attribute name in extension ${urn}`);
    }
    const spelled = canonicalUndeclaredUrn(urn, options.existing);
    let ext = undeclared.get(spelled.toLowerCase());
    if (!ext) undeclared.set(spelled.toLowerCase(), (ext = { urn: spelled, values: new Map() }));
    const previous = ext.values.get(name.toLowerCase());
    ext.values.set(name.toLowerCase(), { name: previous?.name ?? name, raw });
  };

  for (const [key, raw] of Object.entries(body)) {
    if (key.toLowerCase() === 'schemas') continue;
    if (!key.toLowerCase().startsWith('urn:')) {
      const resolved = registry.resolve(resourceType, key);
      if (resolved) assign(resolved, raw);
      // else: unknown core attribute, ignored (see the file comment).
      continue;
    }
    const split = registry.splitUrn(resourceType, key);
    if (split && split.rest === '') {
      // RFC 7643 §3.3: extension attributes sit in an object under the extension's URN.
      if (raw === null || raw === undefined) continue;
      if (!isPlainObject(raw)) {
        throw ScimError.invalidValue(
          `'${split.schema.id}' must be a JSON object holding the extension's attributes`,
        );
      }
      if (split.isExtension) presentExtensions.add(split.schema);
      for (const [name, value] of Object.entries(raw)) {
        const resolved = registry.resolve(resourceType, `${split.schema.id}:${name}`);
        if (resolved) assign(resolved, value);
        else unknown(`${split.schema.id}:${name}`);
      }
      continue;
    }
    if (split) {
      // Entra's flattened form: "urn:…:enterprise:2.0:User:employeeNumber" at the top level.
      const resolved = registry.resolve(resourceType, key);
      if (resolved) assign(resolved, raw);
      else unknown(key);
      continue;
    }
    const dynamic = parseUndeclaredExtensionPath(registry, resourceType, key);
    if (!dynamic) {
      unknown(key);
      continue;
    }
    if (dynamic.attributeName !== undefined) {
      assignUndeclared(dynamic.urn, dynamic.attributeName, raw);
    } else if (raw !== null && raw !== undefined) {
      if (!isPlainObject(raw)) {
        throw ScimError.invalidValue(
          `'${dynamic.urn}' must be a JSON object holding the extension's attributes`,
        );
      }
      for (const [name, value] of Object.entries(raw)) assignUndeclared(dynamic.urn, name, value);
    }
  }

  // 2. Coerce and place in storage shape.
  const attributes: Record<string, unknown> = {};
  let password: string | undefined;
  let members: MemberInput[] | undefined;
  for (const [schema, entries] of pending) {
    const isExtension = schema !== core;
    const target: Record<string, unknown> = isExtension ? {} : attributes;
    for (const { definition, raw } of entries.values()) {
      const path = isExtension ? `${schema.id}:${definition.name}` : definition.name;
      // RFC 7644 §3.5.1 / RFC 7643 §2.2: readOnly values sent by the client (id, meta, groups) are ignored.
      if (definition.mutability === 'readOnly') continue;
      if (!isExtension && definition.name === 'password' && definition.mutability === 'writeOnly') {
        const value = coerceValue(definition, raw, path, coerceOptions);
        if (typeof value === 'string') password = value;
        continue;
      }
      if (!isExtension && schema.id === GROUP_SCHEMA && definition.name === 'members') {
        members = toMembers(definition, raw, options.coerce);
        continue;
      }
      const value = stripComputedRefs(definition, coerceValue(definition, raw, path, coerceOptions));
      if (isAbsent(value)) continue; // explicit null and empty arrays mean "no value" (RFC 7643 §2.5)
      checkPrimary(definition, value, path);
      target[definition.name] = value;
    }
    if (isExtension && Object.keys(target).length > 0) attributes[extensionStorageKey(schema.id)] = target;
  }
  for (const ext of undeclared.values()) {
    const target: Record<string, string> = {};
    for (const { name, raw } of ext.values.values()) {
      if (raw === null || raw === undefined) continue;
      if (
        typeof raw === 'string' ||
        typeof raw === 'boolean' ||
        (typeof raw === 'number' && Number.isFinite(raw))
      ) {
        target[name] = assertMaxLength(String(raw), `${ext.urn}:${name}`, options.coerce?.maxStringLength);
      } else {
        throw ScimError.invalidValue(
          `Attribute '${ext.urn}:${name}' of an undeclared extension must be a string, number or boolean`,
        );
      }
    }
    if (Object.keys(target).length > 0) attributes[extensionStorageKey(ext.urn)] = target;
  }

  // 3. Immutability against the stored resource (RFC 7644 §3.5.1), before required checks: carried values count.
  if (options.mode === 'replace' && options.existing) {
    checkImmutable(registry, resourceType, attributes, options.existing);
  }

  // 4. Required attributes (RFC 7643 §2.2 "required"; RFC 7643 §6 required extensions).
  checkRequired(core.attributes, attributes, '');
  const schemas = [core.id];
  for (const ref of type.schemaExtensions) {
    const ext = registry.schema(ref.schema)!;
    const data = attributes[extensionStorageKey(ext.id)];
    const hasData = isPlainObject(data);
    if (ref.required && !hasData && !declaredSchemas.has(ext.id.toLowerCase())) {
      throw ScimError.invalidValue(`Schema extension ${ext.id} is required for resource type ${type.name}`);
    }
    if (hasData || ref.required || presentExtensions.has(ext)) {
      checkRequired(ext.attributes, hasData ? (data as Record<string, unknown>) : {}, `${ext.id}:`);
    }
    if (hasData || ref.required) schemas.push(ext.id);
  }
  for (const ext of undeclared.values()) {
    if (attributes[extensionStorageKey(ext.urn)] !== undefined) schemas.push(ext.urn);
  }

  const result: ValidatedResource = { attributes, schemas };
  if (password !== undefined) result.password = password;
  if (members !== undefined) result.members = members;
  return result;
}

/** RFC 7643 §3: `schemas` is REQUIRED and names the core schema. Returns the lower-cased URNs listed. */
function checkSchemas(
  registry: SchemaRegistry,
  resourceType: string,
  body: Record<string, unknown>,
  strict: boolean,
): Set<string> {
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'schemas');
  const core = registry.coreSchema(resourceType);
  const raw = key === undefined ? undefined : body[key];
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((s) => typeof s !== 'string')) {
    throw ScimError.invalidSyntax(
      `The request body must have a 'schemas' array of URNs including ${core.id}`,
    );
  }
  const listed = new Set((raw as string[]).map((s) => s.toLowerCase()));
  if (!listed.has(core.id.toLowerCase())) {
    throw ScimError.invalidSyntax(
      `'schemas' must include ${core.id} for a ${registry.resourceType(resourceType).name}`,
    );
  }
  if (strict) {
    for (const urn of raw as string[]) {
      const known =
        urn.toLowerCase() === MICROSOFT_GROUP_SCHEMA.toLowerCase() ||
        urn.toLowerCase() === core.id.toLowerCase() ||
        registry.extension(resourceType, urn) !== undefined;
      if (!known)
        throw ScimError.invalidSyntax(`'schemas' lists ${urn}, which is not a schema of this resource type`);
    }
  }
  return listed;
}

/** Keeps the spelling of an undeclared URN already used by the stored resource, so case variants share data. */
function canonicalUndeclaredUrn(urn: string, existing: StorageAttributes | undefined): string {
  const schemas = existing && Array.isArray(existing.schemas) ? (existing.schemas as unknown[]) : [];
  const match = schemas.find(
    (s): s is string => typeof s === 'string' && s.toLowerCase() === urn.toLowerCase(),
  );
  return match ?? urn;
}

function isAbsent(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

/** `$ref` of a resource reference (members, manager) is derived from `value` on output; never stored. */
function stripComputedRefs(definition: AttributeDefinition, value: unknown): unknown {
  const ref = definition.subAttributes?.find((s) => s.name === '$ref');
  if (!ref || !RESOURCE_REFERENCE(ref.referenceTypes) || value === null) return value;
  const strip = (element: unknown) => {
    if (!isPlainObject(element) || !('$ref' in element)) return element;
    const { $ref: _ref, ...rest } = element;
    return Object.keys(rest).length > 0 ? rest : null;
  };
  if (Array.isArray(value)) return value.map(strip).filter((e) => e !== null);
  return strip(value);
}

/** RFC 7643 §2.4: the primary attribute value "true" MUST appear no more than once. */
function checkPrimary(definition: AttributeDefinition, value: unknown, path: string): void {
  if (!definition.multiValued || !Array.isArray(value)) return;
  const primaries = value.filter((e) => isPlainObject(e) && e.primary === true).length;
  if (primaries > 1) {
    throw ScimError.invalidValue(
      `Attribute '${path}' has ${primaries} values marked primary; at most one may be`,
    );
  }
}

function toMembers(
  definition: AttributeDefinition,
  raw: unknown,
  options: CoerceOptions | undefined,
): MemberInput[] {
  // members.display is readOnly but kept here: the caller may use it as a hint; it is not stored.
  const elements = (coerceValue(definition, raw, 'members', { ...options, ignoreReadOnly: false }) ??
    []) as Record<string, unknown>[];
  const byValue = new Map<string, MemberInput>();
  elements.forEach((element, i) => {
    const value = element.value;
    if (typeof value !== 'string' || value === '') {
      throw ScimError.invalidValue(`Attribute 'members[${i}].value' is required: the id of the member`);
    }
    const member: MemberInput = { value };
    if (typeof element.type === 'string') member.type = element.type;
    if (typeof element.display === 'string') member.display = element.display;
    if (!byValue.has(value)) byValue.set(value, member);
  });
  return [...byValue.values()];
}

function checkRequired(
  definitions: AttributeDefinition[],
  data: Record<string, unknown>,
  prefix: string,
): void {
  for (const definition of definitions) {
    const value = data[definition.name];
    // readOnly attributes are set by the service provider; a client cannot be asked for them.
    if (definition.required && definition.mutability !== 'readOnly' && isAbsent(value)) {
      throw ScimError.invalidValue(`Attribute '${prefix}${definition.name}' is required`);
    }
    if (definition.type !== 'complex' || isAbsent(value)) continue;
    const elements = Array.isArray(value) ? value : [value];
    elements.forEach((element, i) => {
      const where = Array.isArray(value)
        ? `${prefix}${definition.name}[${i}]`
        : `${prefix}${definition.name}`;
      for (const sub of definition.subAttributes ?? []) {
        if (
          sub.required &&
          sub.mutability !== 'readOnly' &&
          isPlainObject(element) &&
          isAbsent(element[sub.name])
        ) {
          throw ScimError.invalidValue(`Attribute '${where}.${sub.name}' is required`);
        }
      }
    });
  }
}

/**
 * RFC 7644 §3.5.1 immutable: "If one or more values are already set for the attribute, the input value(s)
 * MUST match". A value left out keeps the stored one. Sub-attributes of multi-valued attributes (Group
 * members) are not compared: values may be added and removed (RFC 7643 §4.2).
 */
function checkImmutable(
  registry: SchemaRegistry,
  resourceType: string,
  attributes: Record<string, unknown>,
  existing: StorageAttributes,
): void {
  const groups: { prefix: string; key?: string; definitions: AttributeDefinition[] }[] = [
    { prefix: '', definitions: registry.coreAttributes(resourceType) },
    ...registry.extensionSchemas(resourceType).map((s) => ({
      prefix: `${s.id}:`,
      key: extensionStorageKey(s.id),
      definitions: s.attributes,
    })),
  ];
  for (const group of groups) {
    const oldData = group.key ? existing[group.key] : existing;
    if (!isPlainObject(oldData)) continue;
    const readNew = () => (group.key ? attributes[group.key] : attributes);
    const writeNew = (name: string, value: unknown) => {
      let target = readNew();
      if (!isPlainObject(target)) attributes[group.key!] = target = {};
      (target as Record<string, unknown>)[name] = structuredClone(value);
    };
    for (const definition of group.definitions) {
      const oldValue = oldData[definition.name];
      if (isAbsent(oldValue) || definition.mutability === 'readOnly') continue;
      const newData = readNew();
      const newValue = isPlainObject(newData) ? newData[definition.name] : undefined;
      const path = `${group.prefix}${definition.name}`;
      if (definition.mutability === 'immutable') {
        if (newValue === undefined) writeNew(definition.name, oldValue);
        else if (!sameValue(definition, oldValue, newValue)) {
          throw ScimError.mutability(`Attribute '${path}' is immutable and cannot be changed once set`);
        }
        continue;
      }
      if (definition.type !== 'complex' || definition.multiValued || !isPlainObject(oldValue)) continue;
      for (const sub of definition.subAttributes ?? []) {
        if (sub.mutability !== 'immutable' || isAbsent(oldValue[sub.name])) continue;
        const newSub = isPlainObject(newValue) ? newValue[sub.name] : undefined;
        if (newSub === undefined) {
          const merged = { ...(isPlainObject(newValue) ? newValue : {}), [sub.name]: oldValue[sub.name] };
          writeNew(definition.name, merged);
        } else if (!sameValue(sub, oldValue[sub.name], newSub)) {
          throw ScimError.mutability(
            `Attribute '${path}.${sub.name}' is immutable and cannot be changed once set`,
          );
        }
      }
    }
  }
}

/** Equality as SCIM sees it: case-insensitive strings unless caseExact (RFC 7643 §2.2), arrays as sets. */
function sameValue(definition: AttributeDefinition, a: unknown, b: unknown): boolean {
  return canonical(definition, a) === canonical(definition, b);
}

function canonical(definition: AttributeDefinition, value: unknown): string {
  if (Array.isArray(value)) {
    const single = { ...definition, multiValued: false };
    return JSON.stringify(value.map((v) => canonical(single, v)).sort());
  }
  if (isPlainObject(value)) {
    const parts = Object.keys(value)
      .sort()
      .map((k) => {
        const sub = definition.subAttributes?.find((s) => s.name === k) ?? definition;
        return [k, canonical(sub, value[k])];
      });
    return JSON.stringify(parts);
  }
  if (typeof value === 'string' && !definition.caseExact && definition.type !== 'binary') {
    return JSON.stringify(value.toLowerCase());
  }
  return JSON.stringify(value);
}
