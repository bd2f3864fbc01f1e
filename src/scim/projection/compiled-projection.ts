import { AttributeDefinition } from '../schema/attribute-definition';
import { isPlainObject } from '../schema/coerce';
import { extensionStorageKey, SchemaRegistry } from '../schema/schema.registry';
import { undeclaredExtensionUrn } from '../schema/undeclared-extension';
import { AttributeSelection, Selection } from './attribute-selection';
import { ResourceContext } from './projection.types';

/**
 * Storage → wire (RFC 7643 §2.4 "returned", RFC 7644 §3.9 attributes / excludedAttributes), compiled.
 *
 * Which attributes and sub-attributes a response carries depends only on the registry, the resource type and
 * the selection, never on the document; and nearly every request uses one of very few selections (the default
 * one, or the list Entra sends every time). So the decisions are taken once per selection into a plan — the
 * attributes to copy per schema, their sub-attributes in schema order, which `$ref`s to derive — and each
 * resource only runs the plan. The output is exactly the interpreter's (projection-test.reference.ts): same
 * keys, same key order, same values; compiled-projection.spec.ts compares the two on generated documents.
 *
 * Extension data goes back under its URN, `$ref` is computed from `value`, `meta.location` from the request.
 * The result shares nothing with the stored document: the embedded store's objects must not leak out.
 */
export type CompiledProjection = (
  doc: Record<string, unknown>,
  context: ResourceContext,
) => Record<string, unknown>;

/** A sub-attribute that a complex value keeps. */
interface SubAttributePlan {
  name: string;
  /** RFC 7643 §2.3.7: the `$ref` of a resource reference is the resource's URI, derived from `value`. */
  derivesRef: boolean;
  /** A `$ref` whose definition has no referenceTypes is never derived. */
  hasReferenceTypes: boolean;
  /** Endpoint of the first referenceType that is a resource type: used when the element's `type` is none. */
  fallbackEndpoint?: string;
}

/** Where a core value comes from: the document, or what the caller computed (meta.location, members, groups). */
type ValueSource = 'stored' | 'meta' | 'members' | 'groups';

/** A top-level attribute the selection returns, and how to copy its value. */
interface AttributePlan {
  name: string;
  source: ValueSource;
  complex: boolean;
  /** The sub-attributes kept, in schema order (complex attributes only). */
  subs: SubAttributePlan[];
  /** The group's member list is returned even when empty (see copyValue). */
  keepsEmptyList: boolean;
  /** Whether the elements built for members/groups need their `$ref`: only when a `$ref` is kept. */
  needsRef: boolean;
  /** meta can be read in place, without building `{ ...meta, location }` first (no `$ref` to derive in it). */
  readsMetaInPlace: boolean;
}

interface ExtensionPlan {
  storageKey: string;
  urn: string;
  attributes: AttributePlan[];
}

interface ProjectionPlan {
  coreUrn: string;
  core: AttributePlan[];
  /** The declared extensions with at least one attribute the selection can return. */
  extensions: ExtensionPlan[];
  /** Storage keys of every declared extension: the other URN-named objects are undeclared extensions. */
  declaredKeys: Set<string>;
  /** Which attributes of undeclared extensions are returned; undefined = none can be. */
  undeclared?: (storageKey: string, name: string) => boolean;
  /** Resource type name (lower case) → endpoint, for `$ref`. */
  endpoints: Map<string, string>;
}

const lower = (s: string) => s.toLowerCase();
const URN = /^urn:/i;

/** Compiles the projection of one selection, uncached (see compiledProjection in projection-cache.ts). */
export function compileProjection(
  registry: SchemaRegistry,
  resourceType: string,
  attributes?: string[],
  excludedAttributes?: string[],
): CompiledProjection {
  const plan = planProjection(registry, resourceType, attributes, excludedAttributes);
  return (doc, context) => runPlan(plan, doc, context);
}

function planProjection(
  registry: SchemaRegistry,
  resourceType: string,
  attributes: string[] | undefined,
  excludedAttributes: string[] | undefined,
): ProjectionPlan {
  const selection = new AttributeSelection(registry, resourceType, attributes, excludedAttributes);
  const endpoints = new Map<string, string>();
  for (const type of registry.allResourceTypes()) {
    if (!endpoints.has(lower(type.name))) endpoints.set(lower(type.name), type.endpoint);
  }
  const planAttributes = (scope: string, definitions: AttributeDefinition[]) => {
    const plans: AttributePlan[] = [];
    for (const definition of definitions) {
      const wanted = selection.topLevel(scope, definition);
      if (wanted !== undefined) plans.push(attributePlan(selection, scope, definition, wanted, endpoints));
    }
    return plans;
  };

  const extensions: ExtensionPlan[] = [];
  const declaredKeys = new Set<string>();
  for (const schema of registry.extensionSchemas(resourceType)) {
    const storageKey = extensionStorageKey(schema.id);
    declaredKeys.add(storageKey);
    const planned = planAttributes(storageKey, schema.attributes);
    if (planned.length > 0) extensions.push({ storageKey, urn: schema.id, attributes: planned });
  }
  return {
    coreUrn: registry.coreSchema(resourceType).id,
    core: planAttributes('', registry.coreAttributes(resourceType)),
    extensions,
    declaredKeys,
    undeclared: selection.undeclaredAttributeTest(declaredKeys),
    endpoints,
  };
}

function attributePlan(
  selection: AttributeSelection,
  scope: string,
  definition: AttributeDefinition,
  wanted: Selection,
  endpoints: Map<string, string>,
): AttributePlan {
  const complex = definition.type === 'complex';
  const subs = complex
    ? (definition.subAttributes ?? [])
        .filter((sub) => selection.subAttribute(scope, definition, sub, wanted))
        .map((sub) => subAttributePlan(sub, endpoints))
    : [];
  const source = scope === '' ? valueSource(definition) : 'stored';
  return {
    name: definition.name,
    source,
    complex,
    subs,
    keepsEmptyList: definition.name === 'members' && scope === '',
    needsRef: subs.some((sub) => sub.name === '$ref'),
    readsMetaInPlace: complex && !subs.some((sub) => sub.derivesRef),
  };
}

/** The core attributes that are not stored as such: meta.location, a group's members, a user's groups. */
function valueSource(definition: AttributeDefinition): ValueSource {
  if (definition.name === 'meta') return 'meta';
  if (definition.name === 'members' && definition.multiValued && definition.type === 'complex')
    return 'members';
  if (definition.name === 'groups' && definition.multiValued && definition.mutability === 'readOnly') {
    return 'groups';
  }
  return 'stored';
}

function subAttributePlan(sub: AttributeDefinition, endpoints: Map<string, string>): SubAttributePlan {
  const referenceTypes = sub.referenceTypes ?? [];
  let fallbackEndpoint: string | undefined;
  for (let i = 0; fallbackEndpoint === undefined && i < referenceTypes.length; i++) {
    fallbackEndpoint = endpoints.get(lower(referenceTypes[i]));
  }
  return {
    name: sub.name,
    derivesRef: sub.name === '$ref' && sub.type === 'reference',
    hasReferenceTypes: !!sub.referenceTypes,
    fallbackEndpoint,
  };
}

/** What copying needs besides the plan: where `$ref`s point. */
interface RefTarget {
  baseUrl: string;
  endpoints: Map<string, string>;
}

function runPlan(
  plan: ProjectionPlan,
  doc: Record<string, unknown>,
  context: ResourceContext,
): Record<string, unknown> {
  const baseUrl = context.baseUrl.endsWith('/') ? context.baseUrl.replace(/\/+$/, '') : context.baseUrl;
  const target: RefTarget = { baseUrl, endpoints: plan.endpoints };
  const schemas = [plan.coreUrn];
  // Key order: schemas, id, externalId, meta, core attributes in schema order, then extensions. Writing
  // into one object in that order gives the keys of the interpreter's `{ schemas, ...core, ...extensions }`
  // (none of them can be `__proto__`: core names are ATTRNAMEs, extension keys are URNs).
  const resource: Record<string, unknown> = { schemas };
  for (const attribute of plan.core) {
    const projected = coreValue(attribute, doc, context, target);
    if (projected !== undefined) resource[attribute.name] = projected;
  }

  for (const extension of plan.extensions) {
    const data = doc[extension.storageKey];
    if (!isPlainObject(data)) continue;
    let out: Record<string, unknown> | undefined;
    for (const attribute of extension.attributes) {
      const projected = copyValue(attribute, data[attribute.name], target);
      if (projected !== undefined) (out ??= {})[attribute.name] = projected;
    }
    if (out !== undefined) {
      resource[extension.urn] = out;
      schemas.push(extension.urn);
    }
  }

  if (plan.undeclared) addUndeclaredExtensions(plan, plan.undeclared, doc, resource, schemas);
  return resource;
}

/** Undeclared extensions (see undeclared-extension.ts): every field is a string, returned by default. */
function addUndeclaredExtensions(
  plan: ProjectionPlan,
  returns: (storageKey: string, name: string) => boolean,
  doc: Record<string, unknown>,
  resource: Record<string, unknown>,
  schemas: string[],
): void {
  let storedSchemas: string[] | undefined;
  for (const key of Object.keys(doc)) {
    // undeclaredExtensionUrn wants a URN: checked first, as most keys and some objects (name, meta) are none.
    if (plan.declaredKeys.has(key) || !URN.test(key)) continue;
    const data = doc[key];
    if (!isPlainObject(data)) continue;
    storedSchemas ??= Array.isArray(doc.schemas)
      ? doc.schemas.filter((s): s is string => typeof s === 'string')
      : [];
    const urn = undeclaredExtensionUrn(key, storedSchemas);
    if (!urn) continue;
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(data)) {
      if (value === null || value === undefined) continue;
      if (returns(key, name)) out[name] = value;
    }
    // Object.keys, not a flag: these names come from the document, and `out.__proto__ = …` adds no key.
    if (Object.keys(out).length > 0) {
      resource[urn] = out;
      schemas.push(urn);
    }
  }
}

/** The value of a core attribute, with what is not stored filled in: meta.location, members, groups. */
function coreValue(
  attribute: AttributePlan,
  doc: Record<string, unknown>,
  context: ResourceContext,
  target: RefTarget,
): unknown {
  switch (attribute.source) {
    case 'stored':
      return copyValue(attribute, doc[attribute.name], target);
    case 'meta': {
      const meta = isPlainObject(doc.meta) ? doc.meta : {};
      if (attribute.readsMetaInPlace) return copyMeta(attribute.subs, meta, context.location);
      return copyValue(attribute, { ...meta, location: context.location }, target);
    }
    case 'members': {
      if (!context.members) return undefined;
      const elements = context.members.map((m) => {
        const type = m.type ?? 'User';
        const element: Record<string, unknown> = {
          value: m.value,
          $ref: attribute.needsRef ? resourceRef(target, type, m.value) : undefined,
          type,
        };
        if (m.display !== undefined) element.display = m.display;
        return element;
      });
      return copyValue(attribute, elements, target);
    }
    case 'groups': {
      if (!context.groups || context.groups.length === 0) return undefined;
      const elements = context.groups.map((g) => {
        const element: Record<string, unknown> = {
          value: g.value,
          $ref: attribute.needsRef ? resourceRef(target, 'Group', g.value) : undefined,
          type: g.type,
        };
        if (g.display !== undefined) element.display = g.display;
        return element;
      });
      return copyValue(attribute, elements, target);
    }
  }
}

/** `{ ...meta, location }` projected, without building it: location comes from the request, never the store. */
function copyMeta(
  subs: SubAttributePlan[],
  meta: Record<string, unknown>,
  location: string,
): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  for (const sub of subs) {
    const v = sub.name === 'location' ? location : meta[sub.name];
    if (v === null || v === undefined) continue;
    (out ??= {})[sub.name] = typeof v === 'object' ? structuredClone(v) : v;
  }
  return out;
}

/** Copies a value, keeping the planned sub-attributes and deriving `$ref` (never aliasing the stored value). */
function copyValue(attribute: AttributePlan, value: unknown, target: RefTarget): unknown {
  if (value === null || value === undefined) return undefined;
  if (!attribute.complex) {
    if (Array.isArray(value)) return value.length > 0 ? structuredClone(value) : undefined;
    return typeof value === 'object' ? structuredClone(value) : value;
  }
  if (!Array.isArray(value)) return copyElement(attribute.subs, value, target);
  const elements: Record<string, unknown>[] = [];
  for (const element of value) {
    const copied = copyElement(attribute.subs, element, target);
    if (copied !== undefined) elements.push(copied);
  }
  // The group's member list is returned even when empty (Entra's create response shows "members": [],
  // test/fixtures/entra/4.09-create-group*.json), on every read, also after the last member was removed: RFC
  // 7643 §2.5 makes [] and unassigned equivalent and only allows omitting it, so one group reads one way
  // (issue 11; test/e2e/protocol/conformance.e2e-spec.ts).
  if (elements.length === 0 && !(attribute.keepsEmptyList && value.length === 0)) return undefined;
  return elements;
}

/** One element of a complex value; undefined when nothing of it is kept. */
function copyElement(
  subs: SubAttributePlan[],
  element: unknown,
  target: RefTarget,
): Record<string, unknown> | undefined {
  if (!isPlainObject(element)) return undefined;
  // Created on the first kept value: sub-attribute names are ATTRNAMEs (never `__proto__`), so every
  // assignment adds a key, and "no key" is "nothing assigned".
  let out: Record<string, unknown> | undefined;
  for (const sub of subs) {
    let v = element[sub.name];
    if (sub.derivesRef && (v === undefined || v === null)) v = derivedRef(sub, element, target);
    if (v === null || v === undefined) continue;
    (out ??= {})[sub.name] = typeof v === 'object' ? structuredClone(v) : v;
  }
  return out;
}

/** RFC 7643 §2.3.7 `$ref` from the element's `value`, to the resource type its `type` names, if any. */
function derivedRef(sub: SubAttributePlan, element: Record<string, unknown>, target: RefTarget) {
  const value = element.value;
  if (typeof value !== 'string' || value === '' || !sub.hasReferenceTypes) return undefined;
  const type = element.type;
  const preferred = typeof type === 'string' && type !== '' ? target.endpoints.get(lower(type)) : undefined;
  const endpoint = preferred ?? sub.fallbackEndpoint;
  if (endpoint === undefined) return undefined;
  return `${target.baseUrl}${endpoint}/${encodeURIComponent(value)}`;
}

/** `${baseUrl}/Users/{id}` for a member or group of the given resource type; undefined for an unknown one. */
function resourceRef(target: RefTarget, type: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const endpoint = target.endpoints.get(lower(type));
  if (endpoint === undefined) return undefined;
  return `${target.baseUrl}${endpoint}/${encodeURIComponent(value)}`;
}
