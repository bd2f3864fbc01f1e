import { AttributeDefinition } from '../schema/attribute-definition';
import { isPlainObject } from '../schema/coerce';
import { extensionStorageKey, SchemaRegistry } from '../schema/schema.registry';
import { undeclaredExtensionUrn } from '../schema/undeclared-extension';
import { AttributeSelection, Selection } from './attribute-selection';
import { ProjectionContext } from './projection.types';

/**
 * TEST ONLY: the projection interpreter as it was before compiled-projection.ts, kept verbatim as the
 * reference the compiled projection must match byte for byte (compiled-projection.spec.ts). It decides
 * every rule on every call (selection, selectors, schema walk), which the compiler does once per
 * selection. Not for the application, and not to be "fixed": a change here changes the reference. The
 * selection rules themselves (attribute-selection.ts) are shared with the compiler: what the reference checks
 * is that a plan made once decides every attribute as deciding it per call does.
 */

const lower = (s: string) => s.toLowerCase();

export function interpretScimResource(
  registry: SchemaRegistry,
  resourceType: string,
  doc: Record<string, unknown>,
  context: ProjectionContext,
): Record<string, unknown> {
  const baseUrl = context.baseUrl.replace(/\/+$/, '');
  const selection = new AttributeSelection(
    registry,
    resourceType,
    context.attributes,
    context.excludedAttributes,
  );
  const refFor = (referenceTypes: string[] | undefined, preferred: string | undefined, value: unknown) =>
    resourceRef(registry, baseUrl, referenceTypes, preferred, value);

  const core: Record<string, unknown> = {};
  for (const definition of registry.coreAttributes(resourceType)) {
    const wanted = selection.topLevel('', definition);
    if (wanted === undefined) continue;
    const value = coreValue(definition, doc, context, baseUrl, registry);
    const projected = projectValue(definition, value, wanted, '', selection, refFor);
    if (projected !== undefined) core[definition.name] = projected;
  }

  const schemas = [registry.coreSchema(resourceType).id];
  const extensions: Record<string, unknown> = {};
  const registeredKeys = new Set<string>();
  for (const schema of registry.extensionSchemas(resourceType)) {
    const key = extensionStorageKey(schema.id);
    registeredKeys.add(key);
    const data = doc[key];
    if (!isPlainObject(data)) continue;
    const out: Record<string, unknown> = {};
    for (const definition of schema.attributes) {
      const wanted = selection.topLevel(key, definition);
      if (wanted === undefined) continue;
      const projected = projectValue(definition, data[definition.name], wanted, key, selection, refFor);
      if (projected !== undefined) out[definition.name] = projected;
    }
    if (Object.keys(out).length > 0) {
      extensions[schema.id] = out;
      schemas.push(schema.id);
    }
  }

  // Undeclared extensions (see undeclared-extension.ts): every field is a string, returned by default.
  const storedSchemas = Array.isArray(doc.schemas)
    ? doc.schemas.filter((s): s is string => typeof s === 'string')
    : [];
  for (const [key, data] of Object.entries(doc)) {
    if (registeredKeys.has(key) || !isPlainObject(data)) continue;
    const urn = undeclaredExtensionUrn(key, storedSchemas);
    if (!urn) continue;
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(data)) {
      if (value === null || value === undefined) continue;
      const definition = { ...STRING_DEFINITION, name };
      if (selection.topLevel(key, definition) !== undefined) out[name] = value;
    }
    if (Object.keys(out).length > 0) {
      extensions[urn] = out;
      schemas.push(urn);
    }
  }

  // Key order: schemas, id, externalId, meta, core attributes in schema order, then extensions.
  return { schemas, ...core, ...extensions };
}

const STRING_DEFINITION: AttributeDefinition = {
  name: '',
  type: 'string',
  multiValued: false,
  description: '',
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
};

/** The value of a core attribute, with what is not stored filled in: meta.location, members, groups. */
function coreValue(
  definition: AttributeDefinition,
  doc: Record<string, unknown>,
  context: ProjectionContext,
  baseUrl: string,
  registry: SchemaRegistry,
): unknown {
  if (definition.name === 'meta') {
    const meta = isPlainObject(doc.meta) ? doc.meta : {};
    return { ...meta, location: context.location };
  }
  if (definition.name === 'members' && definition.multiValued && definition.type === 'complex') {
    if (!context.members) return undefined;
    return context.members.map((m) => {
      const type = m.type ?? 'User';
      const out: Record<string, unknown> = {
        value: m.value,
        $ref: resourceRef(registry, baseUrl, [type], type, m.value),
        type,
      };
      if (m.display !== undefined) out.display = m.display;
      return out;
    });
  }
  if (definition.name === 'groups' && definition.multiValued && definition.mutability === 'readOnly') {
    if (!context.groups || context.groups.length === 0) return undefined;
    return context.groups.map((g) => {
      const out: Record<string, unknown> = {
        value: g.value,
        $ref: resourceRef(registry, baseUrl, ['Group'], 'Group', g.value),
        type: g.type,
      };
      if (g.display !== undefined) out.display = g.display;
      return out;
    });
  }
  return doc[definition.name];
}

/** `${baseUrl}/Users/{id}` for a reference to a SCIM resource type; undefined for external/uri references. */
function resourceRef(
  registry: SchemaRegistry,
  baseUrl: string,
  referenceTypes: string[] | undefined,
  preferred: string | undefined,
  value: unknown,
): string | undefined {
  if (typeof value !== 'string' || value === '' || !referenceTypes) return undefined;
  const endpoints = endpointsOf(registry);
  let endpoint = preferred === undefined || preferred === '' ? undefined : endpoints.get(lower(preferred));
  for (let i = 0; endpoint === undefined && i < referenceTypes.length; i++) {
    endpoint = endpoints.get(lower(referenceTypes[i]));
  }
  if (endpoint === undefined) return undefined;
  return `${baseUrl}${endpoint}/${encodeURIComponent(value)}`;
}

/** Resource type name (lower case) → endpoint, once per registry: every `$ref` of every response needs it. */
const endpointsByRegistry = new WeakMap<SchemaRegistry, Map<string, string>>();

function endpointsOf(registry: SchemaRegistry): Map<string, string> {
  let endpoints = endpointsByRegistry.get(registry);
  if (!endpoints) {
    endpoints = new Map();
    for (const type of registry.allResourceTypes()) {
      if (!endpoints.has(lower(type.name))) endpoints.set(lower(type.name), type.endpoint);
    }
    endpointsByRegistry.set(registry, endpoints);
  }
  return endpoints;
}

type RefBuilder = (
  referenceTypes: string[] | undefined,
  preferred: string | undefined,
  value: unknown,
) => string | undefined;

/** Copies a stored value, keeping the selected sub-attributes and computing `$ref` (never aliasing `value`). */
function projectValue(
  definition: AttributeDefinition,
  value: unknown,
  wanted: Selection,
  scope: string,
  selection: AttributeSelection,
  refFor: RefBuilder,
): unknown {
  if (value === null || value === undefined) return undefined;
  if (definition.type !== 'complex') {
    if (Array.isArray(value)) return value.length > 0 ? structuredClone(value) : undefined;
    return typeof value === 'object' ? structuredClone(value) : value;
  }
  const projectElement = (element: unknown): Record<string, unknown> | undefined => {
    if (!isPlainObject(element)) return undefined;
    const out: Record<string, unknown> = {};
    for (const sub of definition.subAttributes ?? []) {
      if (!selection.subAttribute(scope, definition, sub, wanted)) continue;
      let v = element[sub.name];
      // RFC 7643 §2.3.7: $ref of a resource reference is the resource's URI, derived here from `value`.
      if (sub.name === '$ref' && sub.type === 'reference' && (v === undefined || v === null)) {
        v = refFor(
          sub.referenceTypes,
          typeof element.type === 'string' ? element.type : undefined,
          element.value,
        );
      }
      if (v === null || v === undefined) continue;
      out[sub.name] = typeof v === 'object' ? structuredClone(v) : v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  if (Array.isArray(value)) {
    const elements = value.map(projectElement).filter((e): e is Record<string, unknown> => e !== undefined);
    // The group's member list is returned even when empty (Entra's create response shows "members": [],
    // test/fixtures/entra/4.09-create-group*.json), on every read, also after the last member was removed: RFC
    // 7643 §2.5 makes [] and unassigned equivalent and only allows omitting it, so one group reads one way
    // (issue 11; test/e2e/protocol/conformance.e2e-spec.ts).
    if (elements.length === 0 && !(definition.name === 'members' && scope === '' && value.length === 0)) {
      return undefined;
    }
    return elements;
  }
  return projectElement(value);
}
