import { ScimError } from '../errors';
import { AttributeDefinition } from '../schema/attribute-definition';
import { GROUP_SCHEMA, USER_SCHEMA } from '../schema/schema-urns';
import { ResolvedAttribute, SchemaRegistry } from '../schema/schema.registry';
import { parseUndeclaredExtensionPath } from '../schema/undeclared-extension';
import { SHADOWED_PATHS } from '../document/resource-document';
import {
  AttrPath,
  CompareNode,
  CompareOp,
  CompareValue,
  FilterNode,
  formatAttrPath,
  PresentNode,
  ValuePathNode,
} from './filter.ast';
import { parseAttributePath } from './filter.parser';
import { foldedOrderPattern } from './folded-order';

/** A MongoDB query document over the storage shape of src/store/resource-document.ts. */
export type QueryDocument = Record<string, unknown>;

export interface CompileFilterOptions {
  /**
   * What an attribute the registry does not know does to a filter. 'reject' (default): 400 invalidFilter
   * naming it. 'noMatch': the comparison matches no resource, as RFC 7644 §3.4.2.2 allows for attributes
   * that are not defined ("filter … on an attribute that is not defined … SHALL return no results" is the
   * lenient reading some clients expect).
   */
  unknownAttributes?: 'reject' | 'noMatch';
  /**
   * false (default): an attribute of an undeclared extension (`urn:ietf:params:scim:schemas:extension:<Name>:2.0:User:<attr>`)
   * is filterable as the string the lenient store keeps (docs/entra.md §6, §7.4: an admin may pick a custom attribute as
   * the matching attribute). true (STRICT_EXTENSIONS): such attributes are unknown.
   */
  strictExtensions?: boolean;
}

/**
 * Group membership is not stored in group documents (membership records, architecture §4), so a filter on
 * Group `members` or User `groups` cannot be a plain query. The compiler leaves a marker `{ __membership: index }`
 * in the query and describes what to look up; resolveMembership() swaps each marker for `{ id: { $in: ids } }`.
 */
export interface MembershipPredicate {
  index: number;
  /**
   * 'groupsHavingMember': Group filter `members[value eq "u"]` → ids of groups whose direct members include
   * one of `ids`. 'membersOfGroup': User filter `groups[value eq "g"]` → ids of direct or nested members
   * (RFC 7643 §4.1.2) of any group in `ids`.
   */
  kind: 'groupsHavingMember' | 'membersOfGroup';
  /** The member ids (groupsHavingMember) or group ids (membersOfGroup) named by the filter. */
  ids: string[];
  /** `members pr` / `groups pr`: any membership at all; `ids` is then empty. */
  any?: boolean;
}

export interface CompiledFilter {
  query: QueryDocument;
  membership: MembershipPredicate[];
}

/** The key of a membership marker object in a compiled query. */
export const MEMBERSHIP_MARKER = '__membership';

/** Matches no document, in MongoDB as in mingo. */
const MATCH_NOTHING: QueryDocument = { id: { $in: [] } };

/** Where a resolved attribute lives and how it may be compared. */
interface Target {
  attribute: AttributeDefinition;
  /** Storage field, dotted; relative to the element inside $elemMatch. */
  field: string;
  /** The `_ci` shadow field for case-insensitive equality, when the attribute has one. */
  shadow?: string;
  /** The field of the multi-valued complex parent, when `attribute` is its sub-attribute (top level only). */
  arrayParent?: string;
  /** The path as the client wrote it, for messages. */
  label: string;
}

/** Where paths are resolved: the resource, or the element/object of a value path `attr[…]`. */
interface Scope {
  /** Set inside `attr[…]`: paths name sub-attributes of this attribute. */
  parent?: ResolvedAttribute;
  /** Prepended to sub-attribute fields: '' inside $elemMatch, 'name.' inside `name[…]`. */
  prefix: string;
}

/**
 * Compiles a filter AST (RFC 7644 §3.4.2.2) into a MongoDB query document over the storage shape, reading
 * `type`, `caseExact` and `multiValued` from the registry. Pure: no I/O. Every user value ends up as a
 * comparison operand or an escaped regex, never as an operator or a field name.
 * Throws ScimError 400 invalidFilter for unknown attributes and unsupported attribute/operator/value combinations.
 */
export function compileFilter(
  registry: SchemaRegistry,
  resourceType: string,
  ast: FilterNode,
  options: CompileFilterOptions = {},
): CompiledFilter {
  const compiler = new FilterCompiler(
    registry,
    resourceType,
    options.unknownAttributes ?? 'reject',
    options.strictExtensions ?? false,
  );
  const query = compiler.compile(ast, { prefix: '' });
  return { query, membership: compiler.membership };
}

/**
 * Replaces every membership marker of a compiled filter by `{ id: { $in: ids } }`, where ids come from
 * `resolver` (one call per predicate). Works at any depth ($and, $or, $nor). Does not modify `compiled`.
 */
export async function resolveMembership(
  compiled: CompiledFilter,
  resolver: (predicate: MembershipPredicate) => Promise<string[]>,
): Promise<QueryDocument> {
  if (compiled.membership.length === 0) return compiled.query;
  const ids = await Promise.all(compiled.membership.map((p) => resolver(p)));
  return replaceMarkers(compiled.query, ids) as QueryDocument;
}

function replaceMarkers(value: unknown, ids: string[][]): unknown {
  if (Array.isArray(value)) return value.map((v) => replaceMarkers(v, ids));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === MEMBERSHIP_MARKER && typeof entries[0][1] === 'number') {
    return { id: { $in: ids[entries[0][1]] ?? [] } };
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, replaceMarkers(v, ids)]));
}

/** Where to sort: a storage field, and whether its strings compare without regard to case (SortSpec). */
export interface CompiledSort {
  field: string;
  caseInsensitive?: boolean;
}

/**
 * Resolves `sortBy` (RFC 7644 §3.4.2.3) to a storage field. Case-insensitive attributes with a `_ci` shadow
 * sort by the shadow, so that "adam" and "Bob" sort as a person expects; other caseExact=false strings are
 * marked `caseInsensitive` for the store to fold (ASCII letters, as MongoDB's $toLower). A multi-valued
 * complex attribute sorts by its `value` sub-attribute (the RFC's "primary or first value" simplified: the store's array
 * ordering applies). Unknown or unsortable attributes: 400 invalidValue (the RFC defines no scimType for
 * sortBy; invalidValue is the closest).
 */
export function compileSort(
  registry: SchemaRegistry,
  resourceType: string,
  sortBy?: string,
): CompiledSort | undefined {
  if (sortBy === undefined || sortBy.trim() === '') return undefined;
  const path = parseAttributePath(sortBy, 'invalidValue');
  let resolved = resolveTopLevel(registry, resourceType, path);
  if (!resolved) {
    throw ScimError.invalidValue(`sortBy "${sortBy}" does not name an attribute of ${resourceType}`);
  }
  if (resolved.attribute.type === 'complex') {
    const value = registry.subAttribute(resolved.attribute, 'value');
    if (!value) {
      throw ScimError.invalidValue(
        `sortBy "${sortBy}" names the complex attribute ${resolved.path}: name one of its sub-attributes`,
      );
    }
    resolved = {
      ...resolved,
      attribute: value,
      parent: resolved.attribute,
      path: `${resolved.path}.${value.name}`,
      storagePath: [...resolved.storagePath, value.name],
    };
  }
  if (isMembershipAttribute(resolved)) {
    throw ScimError.invalidValue(`sortBy "${sortBy}": ${resolved.path} cannot be used for sorting`);
  }
  if (resolved.attribute.returned === 'never') {
    throw ScimError.invalidValue(
      `sortBy "${sortBy}": ${resolved.path} is never returned and cannot be sorted on`,
    );
  }
  const shadow = shadowOf(resolved);
  if (shadow) return { field: shadow };
  const field = resolved.storagePath.join('.');
  // RFC 7644 §3.4.2.3: sorting follows caseExact. Without a shadow the store folds the sort key (SortSpec).
  const { attribute } = resolved;
  return attribute.type === 'string' && !attribute.caseExact ? { field, caseInsensitive: true } : { field };
}

/**
 * Resolves a path at the resource level. An unqualified name that the core schema lacks is looked up in the
 * extensions when exactly one defines it: Entra sends `manager eq "…"` for the enterprise `manager`
 * (docs/entra.md §4.17), and RFC 7644 §3.10 only requires the URN where names would be ambiguous.
 */
function resolveTopLevel(
  registry: SchemaRegistry,
  resourceType: string,
  path: AttrPath,
): ResolvedAttribute | undefined {
  const text = formatAttrPath(path);
  const direct = registry.resolve(resourceType, text);
  if (direct || path.uri !== undefined) return direct;
  const hits = registry
    .extensionSchemas(resourceType)
    .map((schema) => registry.resolve(resourceType, `${schema.id}:${text}`))
    .filter((r): r is ResolvedAttribute => r !== undefined);
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * An attribute of an undeclared extension, where the lenient store keeps it: a case-insensitive string under
 * extensionStorageKey(urn) (undeclared-extension.ts). Undefined for anything else.
 */
function resolveUndeclared(
  registry: SchemaRegistry,
  resourceType: string,
  path: AttrPath,
): ResolvedAttribute | undefined {
  if (path.uri === undefined || path.sub !== undefined) return undefined;
  const undeclared = parseUndeclaredExtensionPath(registry, resourceType, formatAttrPath(path));
  if (!undeclared?.attribute) return undefined;
  return {
    schema: { id: undeclared.urn, name: undeclared.urn, description: '', attributes: [undeclared.attribute] },
    isExtension: true,
    attribute: undeclared.attribute,
    path: `${undeclared.urn}:${undeclared.attribute.name}`,
    storagePath: [undeclared.storageKey, undeclared.attribute.name],
  };
}

/** The `_ci` field of a case-insensitive core attribute looked up by equality (resource-document.ts). */
function shadowOf(resolved: ResolvedAttribute): string | undefined {
  if (resolved.isExtension || resolved.attribute.caseExact || resolved.attribute.type !== 'string')
    return undefined;
  const shadow = SHADOWED_PATHS[resolved.path];
  return shadow ? `_ci.${shadow}` : undefined;
}

/** Group `members` and User `groups`: kept as membership records, not in the document. */
function isMembershipAttribute(
  resolved: ResolvedAttribute,
): 'groupsHavingMember' | 'membersOfGroup' | undefined {
  if (resolved.isExtension) return undefined;
  const top = (resolved.parent ?? resolved.attribute).name;
  if (resolved.schema.id === GROUP_SCHEMA && top === 'members') return 'groupsHavingMember';
  if (resolved.schema.id === USER_SCHEMA && top === 'groups') return 'membersOfGroup';
  return undefined;
}

/** Escapes every regex metacharacter so user text matches literally (PCRE and JavaScript alike). */
export function escapeRegex(text: string): string {
  // NUL is spelled \x00: MongoDB rejects a pattern that contains a raw NUL byte.
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&').replace(/\0/g, '\\x00');
}

const STRINGLIKE = new Set(['string', 'reference', 'binary']);
/** A numeric string as Entra sends custom integer attributes (docs/entra.md §7.4): JSON number syntax. */
const NUMERIC = /^\s*-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\s*$/;
/** dateTime values must at least start like xsd:dateTime (RFC 7643 §2.3.5); Date.parse accepts too much. */
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}/;

class FilterCompiler {
  readonly membership: MembershipPredicate[] = [];

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly resourceType: string,
    private readonly unknownAttributes: 'reject' | 'noMatch',
    private readonly strictExtensions: boolean,
  ) {}

  compile(node: FilterNode, scope: Scope): QueryDocument {
    switch (node.kind) {
      case 'and':
      case 'or':
        // Chains are flattened, so `a and b and c` is one $and of three, and long chains never recurse deeply.
        return { [`$${node.kind}`]: flatten(node, node.kind).map((n) => this.compile(n, scope)) };
      case 'not':
        return { $nor: [this.compile(node.filter, scope)] };
      case 'present':
      case 'compare':
        return this.compileLeaf(node, scope);
      case 'valuePath':
        return this.compileValuePath(node, scope);
    }
  }

  private unknown(label: string, where: string): QueryDocument {
    if (this.unknownAttributes === 'noMatch') return MATCH_NOTHING;
    throw ScimError.invalidFilter(`Unknown attribute "${label}" in the filter: ${where}`);
  }

  /** Resolves a path in its scope; undefined when unknown. */
  private resolve(path: AttrPath, scope: Scope): ResolvedAttribute | undefined {
    const parent = scope.parent;
    if (!parent) {
      return (
        resolveTopLevel(this.registry, this.resourceType, path) ??
        (this.strictExtensions ? undefined : resolveUndeclared(this.registry, this.resourceType, path))
      );
    }
    // Inside attr[…] a path names a sub-attribute of attr (RFC 7644 Figure 1 valFilter).
    if (path.uri !== undefined || path.sub !== undefined) return undefined;
    const sub = this.registry.subAttribute(parent.attribute, path.attr);
    if (!sub) return undefined;
    return {
      ...parent,
      attribute: sub,
      parent: parent.attribute,
      path: `${parent.path}.${sub.name}`,
      storagePath: [...parent.storagePath, sub.name],
    };
  }

  private compileLeaf(node: CompareNode | PresentNode, scope: Scope): QueryDocument {
    const label = formatAttrPath(node.path);
    let resolved = this.resolve(node.path, scope);
    if (!resolved) {
      return this.unknown(
        label,
        scope.parent
          ? `${scope.parent.path} has no sub-attribute of that name`
          : `${this.resourceType} has no such attribute`,
      );
    }
    const membershipKind = scope.parent ? undefined : isMembershipAttribute(resolved);
    if (membershipKind) return this.compileMembership(membershipKind, resolved, node);

    if (resolved.attribute.type === 'complex' && node.kind === 'compare') {
      // RFC 7644 §3.4.2.2 example `emails co "example.com"`: a complex attribute compares by its `value`.
      const value = this.registry.subAttribute(resolved.attribute, 'value');
      if (!value) {
        throw ScimError.invalidFilter(
          `"${label}" is a complex attribute: compare one of its sub-attributes (e.g. ${label}.${resolved.attribute.subAttributes?.[0]?.name ?? 'value'})`,
        );
      }
      resolved = {
        ...resolved,
        attribute: value,
        parent: resolved.attribute,
        path: `${resolved.path}.${value.name}`,
        storagePath: [...resolved.storagePath, value.name],
      };
    }
    if (resolved.attribute.returned === 'never') {
      // RFC 7643 §4.1.1: the password can be set, never read back, not even one bit at a time through a filter.
      throw ScimError.invalidFilter(`"${label}" cannot be used in a filter`);
    }
    const target = this.target(resolved, scope, label);
    return node.kind === 'present'
      ? this.compilePresent(target)
      : this.compileCompare(target, node.op, node.value);
  }

  private target(resolved: ResolvedAttribute, scope: Scope, label: string): Target {
    for (const segment of resolved.storagePath) {
      // Defence in depth: storage names come from the registry, but a `$` field would be read as an operator.
      if (segment.startsWith('$')) throw ScimError.invalidFilter(`"${label}" cannot be used in a filter`);
    }
    if (scope.parent) {
      return { attribute: resolved.attribute, field: scope.prefix + resolved.attribute.name, label };
    }
    const target: Target = { attribute: resolved.attribute, field: resolved.storagePath.join('.'), label };
    const shadow = shadowOf(resolved);
    if (shadow) target.shadow = shadow;
    if (resolved.parent?.multiValued) target.arrayParent = resolved.storagePath.slice(0, -1).join('.');
    return target;
  }

  /** pr: "If the attribute has a non-empty value, or if it contains a non-empty node for complex attributes" (RFC 7644 §3.4.2.2). */
  private compilePresent(target: Target): QueryDocument {
    const { attribute, field } = target;
    if (attribute.multiValued) return { [`${field}.0`]: { $exists: true } };
    const condition =
      attribute.type === 'complex'
        ? { $exists: true, $nin: [null, {}] }
        : STRINGLIKE.has(attribute.type)
          ? { $exists: true, $nin: [null, ''] }
          : { $exists: true, $ne: null };
    if (target.arrayParent) {
      // emails.value pr: one element with a value, not "no element lacks one" (what $nin on an array means).
      const sub = field.slice(target.arrayParent.length + 1);
      return { [target.arrayParent]: { $elemMatch: { [sub]: condition } } };
    }
    return { [field]: condition };
  }

  private compileCompare(target: Target, op: CompareOp, raw: CompareValue): QueryDocument {
    const { attribute, field, label } = target;
    if (raw === null) {
      // `attr eq null` / `attr ne null`: absent or null (MongoDB's null equality covers both).
      if (op === 'eq') return { [field]: null };
      if (op === 'ne') return { [field]: { $ne: null } };
      throw ScimError.invalidFilter(`"${label} ${op} null": only eq and ne can compare with null`);
    }
    const value = normalizeValue(attribute, op, raw, label);
    const caseInsensitive = typeof value === 'string' && attribute.type === 'string' && !attribute.caseExact;

    if (op === 'co' || op === 'sw' || op === 'ew') {
      const text = value as string;
      const source = target.shadow && caseInsensitive ? text.toLowerCase() : text;
      const pattern = (op === 'sw' ? '^' : '') + escapeRegex(source) + (op === 'ew' ? '$' : '');
      if (target.shadow && caseInsensitive) {
        // The shadow is lower-cased already: a case-sensitive regex on it is case-insensitive, and an
        // anchored one (sw) can use the index.
        return { [target.shadow]: { $regex: pattern } };
      }
      return { [field]: caseInsensitive ? { $regex: pattern, $options: 'i' } : { $regex: pattern } };
    }

    if (op === 'eq' || op === 'ne') {
      let condition: QueryDocument;
      if (!caseInsensitive) condition = { [field]: value };
      else if (target.shadow) condition = { [target.shadow]: (value as string).toLowerCase() };
      // Anchored and escaped: equality without regard to case (RFC 7643 §2.2 caseExact=false). Note that a
      // PCRE `$` also matches before a final newline; values ending in "\n" are not worth a lookahead.
      else condition = { [field]: { $regex: `^${escapeRegex(value as string)}$`, $options: 'i' } };
      if (op === 'eq') return condition;
      // ne matches resources without the attribute too (documented; MongoDB $ne semantics).
      return caseInsensitive ? { $nor: [condition] } : { [field]: { $ne: value } };
    }

    // gt/ge/lt/le: numbers numerically, dateTimes as normalized ISO strings (chronological, stored as
    // toISOString()), strings lexicographically; caseExact=false strings without regard to case (RFC 7644
    // §3.4.2.2): on the lower-cased shadow when there is one, else with a regex over the ASCII-folded order
    // (folded-order.ts) that mingo and MongoDB run alike, inside $elemMatch and on multi-valued attributes too.
    const mongoOp = { gt: '$gt', ge: '$gte', lt: '$lt', le: '$lte' }[op];
    if (caseInsensitive && target.shadow)
      return { [target.shadow]: { [mongoOp]: (value as string).toLowerCase() } };
    if (caseInsensitive) {
      // Undefined only for values with characters outside the BMP or over 200 characters: those compare
      // case-sensitively, as a plain $gt/$lt does (documented limitation).
      const pattern = foldedOrderPattern(op, value as string);
      if (pattern !== undefined) return { [field]: { $regex: pattern } };
    }
    return { [field]: { [mongoOp]: value } };
  }

  private compileValuePath(node: ValuePathNode, scope: Scope): QueryDocument {
    const label = formatAttrPath(node.path);
    if (scope.parent) {
      // The parser never produces this (RFC 7644 errata 4690: no nested value paths); ASTs built by hand might.
      throw ScimError.invalidFilter(
        `Value paths cannot be nested: "${label}[…]" inside "${scope.parent.path}[…]"`,
      );
    }
    const resolved = this.resolve(node.path, scope);
    if (!resolved) return this.unknown(label, `${this.resourceType} has no such attribute`);
    const membershipKind = isMembershipAttribute(resolved);
    if (membershipKind) return this.compileMembership(membershipKind, resolved, node);
    if (resolved.attribute.type !== 'complex' || resolved.parent) {
      throw ScimError.invalidFilter(
        `"${label}[…]": a value filter needs a complex attribute, such as emails[type eq "work"]`,
      );
    }
    const field = resolved.storagePath.join('.');
    if (!resolved.attribute.multiValued) {
      // name[givenName eq "x"] on a single complex attribute is just name.givenName eq "x".
      return this.compile(node.filter, { parent: resolved, prefix: `${field}.` });
    }
    const elemMatch = {
      [field]: { $elemMatch: this.compile(node.filter, { parent: resolved, prefix: '' }) },
    };
    const shadows = this.shadowConjuncts(resolved, node.filter);
    return shadows.length > 0 ? { $and: [...shadows, elemMatch] } : elemMatch;
  }

  /**
   * For `emails[type eq "work"].value eq "x"` (and any value filter whose and-chain has a case-insensitive
   * `value eq`), the same equality on the `_ci` shadow is a necessary condition: adding it makes the query an
   * index hit; $elemMatch still ties both conditions to one element.
   */
  private shadowConjuncts(resolved: ResolvedAttribute, filter: FilterNode): QueryDocument[] {
    const out: QueryDocument[] = [];
    for (const leaf of flatten(filter, 'and')) {
      if (leaf.kind !== 'compare' || leaf.op !== 'eq' || typeof leaf.value !== 'string') continue;
      if (leaf.path.uri !== undefined || leaf.path.sub !== undefined) continue;
      const sub = this.registry.subAttribute(resolved.attribute, leaf.path.attr);
      if (!sub) continue;
      const shadow = shadowOf({
        ...resolved,
        attribute: sub,
        parent: resolved.attribute,
        path: `${resolved.path}.${sub.name}`,
      });
      if (shadow) out.push({ [shadow]: leaf.value.toLowerCase() });
    }
    return out;
  }

  /**
   * Entra asks "is u a member of g?" as `id eq "g" and members[value eq "u"]`, `members.value eq "u"` or
   * `members eq "u"` (docs/entra.md §4.17); the User side is `groups…`. Only equality on the id (or pr) can be
   * answered from membership records.
   */
  private compileMembership(
    kind: 'groupsHavingMember' | 'membersOfGroup',
    resolved: ResolvedAttribute,
    node: FilterNode,
  ): QueryDocument {
    const attr = (resolved.parent ?? resolved.attribute).name;
    const unsupported = () =>
      ScimError.invalidFilter(
        `Unsupported filter on ${attr}: only "${attr} eq \\"<id>\\"", "${attr}.value eq \\"<id>\\"", ` +
          `"${attr}[value eq \\"<id>\\"]" and "${attr} pr" are supported`,
      );
    const onValue = resolved.parent === undefined || resolved.attribute.name === 'value';
    const ids: string[] = [];
    let any = false;
    const take = (leaf: FilterNode) => {
      if (leaf.kind === 'present') {
        any = true;
      } else if (leaf.kind === 'compare' && leaf.op === 'eq' && typeof leaf.value === 'string') {
        ids.push(leaf.value);
      } else {
        throw unsupported();
      }
    };
    if (node.kind === 'valuePath') {
      // members[value eq "a" or value eq "b"]: a member among a or b.
      if (node.subAttr !== undefined) throw unsupported();
      for (const leaf of flatten(node.filter, 'or')) {
        if ((leaf.kind !== 'compare' && leaf.kind !== 'present') || leaf.path.uri || leaf.path.sub)
          throw unsupported();
        if (leaf.path.attr.toLowerCase() !== 'value') throw unsupported();
        take(leaf);
      }
    } else {
      if (!onValue) throw unsupported();
      take(node);
    }
    const predicate: MembershipPredicate = { index: this.membership.length, kind, ids: any ? [] : ids };
    if (any) predicate.any = true;
    this.membership.push(predicate);
    return { [MEMBERSHIP_MARKER]: predicate.index };
  }
}

/** The operands of a chain of one logical operator, in order, without recursion. */
function flatten(node: FilterNode, kind: 'and' | 'or'): FilterNode[] {
  const out: FilterNode[] = [];
  const stack: FilterNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === kind) stack.push(n.right, n.left);
    else out.push(n);
  }
  return out;
}

/**
 * Checks a filter value against the attribute type and turns it into what is stored (RFC 7643 §2.3).
 * Booleans and numbers may arrive as strings (Entra: "True", "42").
 */
function normalizeValue(
  attribute: AttributeDefinition,
  op: CompareOp,
  value: string | number | boolean,
  label: string,
): unknown {
  const ordering = op === 'gt' || op === 'ge' || op === 'lt' || op === 'le';
  const substring = op === 'co' || op === 'sw' || op === 'ew';
  const bad = (expected: string) =>
    ScimError.invalidFilter(
      `"${label} ${op} ${JSON.stringify(value)}": ${label} is ${article(attribute.type)} ${attribute.type}, ${expected}`,
    );
  switch (attribute.type) {
    case 'boolean':
      // RFC 7644 §3.4.2.2: gt/ge/lt/le on Boolean attributes SHALL fail with invalidFilter.
      if (ordering || substring) throw bad('which only eq and ne can compare');
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw bad('so the value must be true or false');
    case 'integer':
    case 'decimal': {
      if (substring) throw bad('which co, sw and ew cannot compare');
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && NUMERIC.test(value)
            ? Number(value)
            : NaN;
      if (!Number.isFinite(n)) throw bad('so the value must be a number');
      return n;
    }
    case 'dateTime': {
      if (substring) throw bad('which co, sw and ew cannot compare');
      const time = typeof value === 'string' && DATE_LIKE.test(value.trim()) ? Date.parse(value.trim()) : NaN;
      if (!Number.isFinite(time))
        throw bad('so the value must be a date and time such as "2024-01-31T12:00:00Z"');
      return new Date(time).toISOString();
    }
    case 'binary':
      // RFC 7644 §3.4.2.2: gt/ge/lt/le on Binary attributes SHALL fail with invalidFilter.
      if (ordering) throw bad('which gt, ge, lt and le cannot compare');
      if (typeof value !== 'string') throw bad('so the value must be a string');
      return value;
    case 'string':
    case 'reference':
      if (typeof value === 'boolean') throw bad('so the value must be a string');
      return typeof value === 'number' ? String(value) : value;
    case 'complex':
      throw ScimError.invalidFilter(`"${label}" is a complex attribute: compare one of its sub-attributes`);
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? 'an' : 'a';
}
