import { SchemaRegistry, extensionStorageKey } from '../schema/schema.registry';
import { AttributeDefinition } from '../schema/attribute-definition';
import {
  lookupShadows,
  newResourceDocument,
  ResourceDocument,
  SHADOWED_PATHS,
  ShadowFields,
  versionTag,
} from './resource-document';

const LOOKUP_SHADOWS: ReadonlySet<string> = new Set(Object.values(SHADOWED_PATHS));

/** An attribute the stores keep unique per tenant (RFC 7643 §2.2 uniqueness "server" or "global"). */
export interface UniqueAttribute {
  resourceType: string;
  /** Its key in `_ci`: the attribute name for a core attribute, `storageKey:name` for an extension's. */
  shadow: string;
  /** How a client writes it (RFC 7644 §3.10), for error messages: `userName`, `urn:…:User:employeeBadge`. */
  path: string;
  /** Where its value sits in the stored document. */
  storagePath: readonly string[];
  /** caseExact=false: compared lower-cased (RFC 7643 §2.2), so "Alice" and "alice" collide. */
  caseExact: boolean;
}

/** The value types a shadow can hold: a unique key must compare as one string. */
const SHADOWABLE_TYPES = new Set([
  'string',
  'reference',
  'binary',
  'dateTime',
  'integer',
  'decimal',
  'boolean',
]);

function isUniqueKeyCandidate(attribute: AttributeDefinition): boolean {
  return (
    (attribute.uniqueness === 'server' || attribute.uniqueness === 'global') &&
    !attribute.multiValued &&
    SHADOWABLE_TYPES.has(attribute.type)
  );
}

function valueAt(doc: Record<string, unknown>, path: readonly string[]): unknown {
  let value: unknown = doc;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * The stored document model of one server, derived once from its schema registry (core schemas and the
 * extensions of config/schema-extensions.json): which attributes are unique per tenant and the `_ci` shadows
 * that make them comparable, besides the eq-lookup shadows of the filter compiler (SHADOWED_PATHS).
 *
 * Every singular attribute declared `uniqueness: "server"` or `"global"` is enforced per tenant by both stores
 * (409 uniqueness, RFC 7644 §3.3); `id` is left out (the store's key already makes it unique) and so are
 * multi-valued and complex attributes (no single value to compare). "global" is enforced per tenant too: a
 * tenant must not learn, by a 409, what another tenant stores. Non-string values are shadowed as their JSON
 * text, so that one string index serves every type; the registry gives an attribute one type, so no two
 * values of different types meet in one index.
 */
export class DocumentModel {
  private readonly uniqueByType = new Map<string, readonly UniqueAttribute[]>();

  constructor(registry: SchemaRegistry) {
    for (const type of registry.allResourceTypes()) {
      const unique: UniqueAttribute[] = [];
      for (const attribute of registry.coreSchema(type.name).attributes) {
        if (!isUniqueKeyCandidate(attribute) || attribute.name === 'id') continue;
        unique.push({
          resourceType: type.name,
          shadow: attribute.name,
          path: attribute.name,
          storagePath: [attribute.name],
          caseExact: attribute.caseExact,
        });
      }
      for (const schema of registry.extensionSchemas(type.name)) {
        const storageKey = extensionStorageKey(schema.id);
        for (const attribute of schema.attributes) {
          if (!isUniqueKeyCandidate(attribute)) continue;
          unique.push({
            resourceType: type.name,
            shadow: `${storageKey}:${attribute.name}`,
            path: `${schema.id}:${attribute.name}`,
            storagePath: [storageKey, attribute.name],
            caseExact: attribute.caseExact,
          });
        }
      }
      for (const attribute of unique) {
        // The eq-lookup shadows are lower-cased: a case-exact unique key cannot share their slot.
        if (attribute.caseExact && LOOKUP_SHADOWS.has(attribute.shadow)) {
          throw new Error(`${type.name}.${attribute.path} is caseExact and unique: no shadow can serve both`);
        }
      }
      this.uniqueByType.set(type.name, unique);
    }
  }

  /** The attributes kept unique per tenant for this resource type (none for an unknown type). */
  uniqueAttributes(resourceType: string): readonly UniqueAttribute[] {
    return this.uniqueByType.get(resourceType) ?? [];
  }

  /** Every unique attribute of every resource type (the MongoDB adapter declares one index for each). */
  allUniqueAttributes(): readonly UniqueAttribute[] {
    return [...this.uniqueByType.values()].flat();
  }

  /** The unique attribute whose shadow is `shadow`, e.g. to name it in a 409 raised by an index. */
  uniqueAttributeByShadow(resourceType: string, shadow: string): UniqueAttribute | undefined {
    return this.uniqueAttributes(resourceType).find((a) => a.shadow === shadow);
  }

  /** `_ci` of a document of this type: the eq-lookup shadows plus one per unique attribute it has a value for. */
  shadows(resourceType: string, attributes: Record<string, unknown>): ShadowFields {
    const shadows = lookupShadows(attributes);
    for (const attribute of this.uniqueAttributes(resourceType)) {
      const value = valueAt(attributes, attribute.storagePath);
      if (value === undefined || value === null) continue;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      shadows[attribute.shadow] = attribute.caseExact ? text : text.toLowerCase();
    }
    return shadows;
  }

  /** The value of a unique attribute as a client wrote it (for a 409's detail). */
  uniqueValue(attribute: UniqueAttribute, doc: Record<string, unknown>): unknown {
    return valueAt(doc, attribute.storagePath);
  }

  /** The first revision of a new resource: meta.created = meta.lastModified, version 1 (RFC 7643 §3.1). */
  newDocument(
    tenantId: string,
    resourceType: string,
    id: string,
    attributes: Record<string, unknown>,
    schemas: string[],
    now: string = new Date().toISOString(),
  ): ResourceDocument {
    return newResourceDocument(tenantId, resourceType, id, attributes, schemas, now, this);
  }

  /**
   * The next revision of `existing` with these attributes (a PUT or PATCH result): `_rev` + 1, meta.created
   * kept, meta.lastModified now, meta.version from the new revision (RFC 7644 §3.14). `_secret` is the caller's to carry over.
   */
  nextRevision(
    existing: ResourceDocument,
    attributes: Record<string, unknown>,
    schemas: string[],
    now: string = new Date().toISOString(),
  ): ResourceDocument {
    const rev = existing._rev + 1;
    return {
      ...attributes,
      _tenant: existing._tenant,
      _type: existing._type,
      _rev: rev,
      _ci: this.shadows(existing._type, attributes),
      id: existing.id,
      schemas,
      meta: {
        resourceType: existing.meta.resourceType,
        created: existing.meta.created,
        lastModified: now,
        version: versionTag(existing.id, rev),
      },
    };
  }
}
