import { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition } from './attribute-definition';
import { COMMON_ATTRIBUTES } from './common-attributes';

/** An attribute path resolved against the registry (RFC 7644 §3.10 attribute notation). */
export interface ResolvedAttribute {
  /** The schema that owns the attribute (core or extension). */
  schema: SchemaDefinition;
  isExtension: boolean;
  /** The named attribute: a sub-attribute when the path has one. */
  attribute: AttributeDefinition;
  /** The top-level attribute when `attribute` is a sub-attribute. */
  parent?: AttributeDefinition;
  /** Canonical path as a client may write it: `name.givenName`, `urn:…:User:manager.value`. */
  path: string;
  /** Field names in the stored document: ['name', 'givenName'], ['urn:…:enterprise:2_0:User', 'manager', 'value']. */
  storagePath: string[];
}

/**
 * Extension data is stored under a field named after its schema URN. MongoDB field names cannot contain
 * dots (and the URN has "2.0"), so dots become underscores; the mapping is one-to-one for the URNs we accept.
 */
export function extensionStorageKey(schemaUrn: string): string {
  return schemaUrn.replace(/\./g, '_');
}

const lower = (s: string) => s.toLowerCase();

/**
 * The registry: schemas and resource types as data, with case-insensitive attribute lookup
 * (RFC 7643 §2.1: attribute names are case insensitive).
 */
export class SchemaRegistry {
  private readonly schemasById = new Map<string, SchemaDefinition>();
  private readonly resourceTypesByName = new Map<string, ResourceTypeDefinition>();

  constructor(schemas: SchemaDefinition[], resourceTypes: ResourceTypeDefinition[]) {
    for (const schema of schemas) this.schemasById.set(lower(schema.id), schema);
    for (const type of resourceTypes) {
      for (const urn of [type.schema, ...type.schemaExtensions.map((e) => e.schema)]) {
        if (!this.schemasById.has(lower(urn))) {
          throw new Error(`Resource type ${type.name} names unknown schema ${urn}`);
        }
      }
      this.resourceTypesByName.set(lower(type.name), type);
    }
  }

  allSchemas(): SchemaDefinition[] {
    return [...this.schemasById.values()];
  }

  schema(urn: string): SchemaDefinition | undefined {
    return this.schemasById.get(lower(urn));
  }

  allResourceTypes(): ResourceTypeDefinition[] {
    return [...this.resourceTypesByName.values()];
  }

  resourceType(name: string): ResourceTypeDefinition {
    const type = this.resourceTypesByName.get(lower(name));
    if (!type) throw new Error(`Unknown resource type ${name}`);
    return type;
  }

  coreSchema(resourceType: string): SchemaDefinition {
    return this.schema(this.resourceType(resourceType).schema)!;
  }

  extensionSchemas(resourceType: string): SchemaDefinition[] {
    return this.resourceType(resourceType).schemaExtensions.map((e) => this.schema(e.schema)!);
  }

  /** The extension schema of this resource type whose URN matches (case-insensitively), if any. */
  extension(resourceType: string, urn: string): SchemaDefinition | undefined {
    return this.extensionSchemas(resourceType).find((s) => lower(s.id) === lower(urn));
  }

  /** Top-level attributes of the core schema plus the common attributes id, externalId, meta (RFC 7643 §3.1). */
  coreAttributes(resourceType: string): AttributeDefinition[] {
    return [...COMMON_ATTRIBUTES, ...this.coreSchema(resourceType).attributes];
  }

  /**
   * Resolves `attr`, `attr.sub`, `urn:…:attr` or `urn:…:attr.sub` for a resource type.
   * Returns undefined when the path names nothing in the registry; callers decide whether that is an error.
   */
  resolve(resourceType: string, path: string): ResolvedAttribute | undefined {
    const split = this.splitUrn(resourceType, path);
    if (!split) return undefined;
    const { schema, isExtension, rest } = split;
    if (!rest) return undefined;
    const [topName, subName, ...extra] = rest.split('.');
    if (extra.length > 0 || !topName) return undefined;
    const candidates = isExtension ? schema.attributes : this.coreAttributes(resourceType);
    const top = findAttribute(candidates, topName);
    if (!top) return undefined;
    const prefix = isExtension ? [extensionStorageKey(schema.id)] : [];
    const urnPrefix = isExtension ? `${schema.id}:` : '';
    if (subName === undefined) {
      return {
        schema,
        isExtension,
        attribute: top,
        path: urnPrefix + top.name,
        storagePath: [...prefix, top.name],
      };
    }
    const sub = findAttribute(top.subAttributes ?? [], subName);
    if (!sub) return undefined;
    return {
      schema,
      isExtension,
      attribute: sub,
      parent: top,
      path: `${urnPrefix}${top.name}.${sub.name}`,
      storagePath: [...prefix, top.name, sub.name],
    };
  }

  /** A sub-attribute of a complex attribute, by name, case-insensitively. */
  subAttribute(parent: AttributeDefinition, name: string): AttributeDefinition | undefined {
    return findAttribute(parent.subAttributes ?? [], name);
  }

  /**
   * Splits a possibly URN-qualified path into its schema and the attribute part (RFC 7644 §3.10).
   * `urn:…:User` alone (no attribute) yields `rest: ''` and designates the whole extension.
   * Returns undefined for a URN that is not a schema of this resource type.
   */
  splitUrn(
    resourceType: string,
    path: string,
  ): { schema: SchemaDefinition; isExtension: boolean; rest: string } | undefined {
    const core = this.coreSchema(resourceType);
    if (!lower(path).startsWith('urn:')) return { schema: core, isExtension: false, rest: path };
    const candidates = [core, ...this.extensionSchemas(resourceType)].sort(
      (a, b) => b.id.length - a.id.length,
    );
    for (const schema of candidates) {
      const id = lower(schema.id);
      const p = lower(path);
      if (p === id) return { schema, isExtension: schema !== core, rest: '' };
      if (p.startsWith(id + ':'))
        return { schema, isExtension: schema !== core, rest: path.slice(id.length + 1) };
    }
    return undefined;
  }
}

export function findAttribute(
  attributes: AttributeDefinition[],
  name: string,
): AttributeDefinition | undefined {
  const wanted = lower(name);
  return attributes.find((a) => lower(a.name) === wanted);
}
