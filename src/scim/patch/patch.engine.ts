import { ScimError } from '../errors';
import { FilterNode } from '../filter/filter.ast';
import { AttributeDefinition } from '../schema/attribute-definition';
import { coerceElement, CoerceOptions, coerceValue } from '../schema/coerce';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA } from '../schema/schema-urns';
import { extensionStorageKey, findAttribute, SchemaRegistry } from '../schema/schema.registry';
import { undeclaredAttributeDefinition } from '../schema/undeclared-extension';
import { changedAttributeNames } from './attribute-diff';
import { findKey, isObject, isUnassigned, jsonEqual } from './json-value.util';
import { memberIdsFromFilter, MembersDeltaBuilder, parseMemberList } from './members-delta.builder';
import {
  DEFAULT_MAX_OPERATIONS,
  DEFAULT_MAX_VALUES_PER_OPERATION,
  parsePatchRequest,
  PatchOperation,
  PatchOpName,
} from './patch-request.parser';
import {
  AttributeTarget,
  ExtensionTarget,
  resolvePatchTarget,
  UndeclaredTarget,
} from './patch-target.resolver';
import { PatchOptions, PatchResult, StorageAttributes } from './patch.types';
import { matchesValueFilter } from './value-filter.matcher';

/**
 * Values in PATCH operations are coerced like POST bodies: "True"/"False" strings become booleans (Entra's
 * default dialect, docs/entra.md §5), and readOnly sub-attributes inside a value (manager.displayName) are
 * ignored as RFC 7644 §3.5.1 does for PUT. A path that NAMES a readOnly attribute is still 400 mutability.
 */
const COERCE: CoerceOptions = { lenientBooleans: true, lenientNumbers: true, ignoreReadOnly: true };

type Doc = Record<string, unknown>;
type Settings = Required<Omit<PatchOptions, 'maxStringLength'>> & Pick<PatchOptions, 'maxStringLength'>;

/**
 * Applies a PatchOp request (RFC 7644 §3.5.2) to a resource in storage shape. Pure: the input is not
 * modified; the result is a new object. Atomic: all operations apply, or a ScimError is thrown and nothing
 * is returned (RFC 7644 §3.5.2: a PATCH request "SHALL be treated as atomic").
 *
 * Both Entra dialects are accepted (docs/entra.md §5): `op` in any case, booleans as strings, path-less add/replace
 * whose keys are attribute paths (`name.givenName`, `urn:…:enterprise:2.0:User:employeeNumber`), member
 * removal as `path: "members"` + value list or as `members[value eq "id"]`.
 */
export function applyPatch(
  registry: SchemaRegistry,
  resourceType: string,
  resource: StorageAttributes,
  body: unknown,
  options: PatchOptions = {},
): PatchResult {
  const settings: Settings = {
    maxOperations: options.maxOperations ?? DEFAULT_MAX_OPERATIONS,
    maxValuesPerOperation: options.maxValuesPerOperation ?? DEFAULT_MAX_VALUES_PER_OPERATION,
    maxStringLength: options.maxStringLength,
    createOnNoTarget: options.createOnNoTarget ?? true,
    strictExtensions: options.strictExtensions ?? false,
  };
  const operations = parsePatchRequest(body, settings.maxOperations, settings.maxValuesPerOperation);
  const session = new PatchSession(registry, resourceType, resource, settings);
  for (const operation of operations) {
    try {
      session.apply(operation);
    } catch (e) {
      throw e instanceof ScimError ? withOperationContext(e, operation) : e;
    }
  }
  return session.finish();
}

/** Prefixes the error detail with the failing operation, so a client can find it among hundreds. */
function withOperationContext(error: ScimError, operation: PatchOperation): ScimError {
  const path =
    operation.path !== undefined
      ? ` "${operation.path.length > 200 ? `${operation.path.slice(0, 200)}…` : operation.path}"`
      : '';
  return new ScimError(
    error.status,
    error.scimType,
    `Operations[${operation.index}] (${operation.op}${path}): ${error.detail}`,
    error.headers,
  );
}

class PatchSession {
  private readonly doc: Doc;
  private members?: MembersDeltaBuilder;
  private password?: string;
  /** Extension objects written by this request: storage key → URN, for cleanup, `schemas` and `changed`. */
  private readonly touchedExtensions = new Map<string, string>();
  private readonly coerce: CoerceOptions;

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly resourceType: string,
    private readonly original: StorageAttributes,
    private readonly settings: Settings,
  ) {
    this.doc = structuredClone(original);
    this.coerce = { ...COERCE, maxStringLength: settings.maxStringLength };
  }

  apply(operation: PatchOperation): void {
    if (operation.path === undefined) {
      // RFC 7644 §3.5.2.2: remove without a path is noTarget.
      if (operation.op === 'remove') {
        throw ScimError.noTarget('"remove" needs a "path" naming what to remove (RFC 7644 §3.5.2.2)');
      }
      // RFC 7644 §3.5.2.1/§3.5.2.3: without a path the target is the resource and "value" holds attributes.
      // Entra's aadOptscim062020 dialect writes the keys as paths (docs/entra.md §5), so each key is a path.
      if (!isObject(operation.value)) {
        throw ScimError.invalidSyntax(
          `"${operation.op}" without a "path" needs a "value" object of attributes (RFC 7644 §3.5.2)`,
        );
      }
      for (const [key, value] of Object.entries(operation.value))
        this.applyPath(operation.op, key, true, value, true);
      return;
    }
    this.applyPath(operation.op, operation.path, operation.hasValue, operation.value);
  }

  /** `inValue`: `path` is a key of an operation's value, not its "path" (see ResolveOptions.inValue). */
  private applyPath(op: PatchOpName, path: string, hasValue: boolean, value: unknown, inValue = false): void {
    if (path.trim().toLowerCase() === 'schemas') {
      throw ScimError.mutability('"schemas" is maintained by the server and cannot be patched');
    }
    const target = resolvePatchTarget(this.registry, this.resourceType, path, {
      strictExtensions: this.settings.strictExtensions,
      inValue,
    });
    switch (target.kind) {
      case 'extension':
        return this.applyExtension(op, target, value);
      case 'undeclared':
        return this.applyUndeclared(op, target, value);
      case 'attribute':
        if (this.isMembers(target)) return this.applyMembers(op, target, hasValue, value);
        assertWritable(target);
        if (isPassword(target)) return this.applyPassword(op, target, value);
        return this.applyAttribute(op, target, hasValue, value);
    }
  }

  // ---- whole extension objects -------------------------------------------------------------------------

  private applyExtension(op: PatchOpName, target: ExtensionTarget, value: unknown): void {
    if (op === 'remove' || value === null) {
      this.deleteContainer(target.containerKey, target.schema.id);
      return;
    }
    if (!isObject(value)) {
      throw ScimError.invalidValue(`The value of "${target.schema.id}" must be an object of its attributes`);
    }
    for (const [key, item] of Object.entries(value)) {
      // A "schemas" key inside an extension's value is ignored, as POST and PUT ignore it (scim2-tester sends it).
      if (isSchemasKey(key)) continue;
      this.applyPath(op, `${target.schema.id}:${key}`, true, item, true);
    }
  }

  private applyUndeclared(op: PatchOpName, target: UndeclaredTarget, value: unknown): void {
    const key = findKey(this.doc, target.containerKey) ?? target.containerKey;
    if (target.attributeName === undefined) {
      if (op === 'remove' || value === null) {
        this.deleteContainer(key, target.urn);
        return;
      }
      if (!isObject(value))
        throw ScimError.invalidValue(`The value of "${target.urn}" must be an object of its attributes`);
      for (const [name, item] of Object.entries(value)) {
        if (!isSchemasKey(name)) this.applyPath(op, `${target.urn}:${name}`, true, item, true);
      }
      return;
    }
    if (op === 'remove' || value === null || value === undefined) {
      const container = this.doc[key];
      if (!isObject(container)) return;
      const attrKey = findKey(container, target.attributeName);
      if (attrKey !== undefined) delete container[attrKey];
      this.touchedExtensions.set(key, target.urn);
      return;
    }
    // Undeclared extension attributes are simple and kept as strings (docs/entra.md §7.4: Entra sends every type,
    // booleans included, and may send them as strings).
    const raw = typeof value === 'boolean' ? String(value) : value;
    const stored = coerceElement(
      undeclaredAttributeDefinition(target.attributeName),
      raw,
      target.text,
      this.coerce,
    );
    const container = this.ensureContainer(key, target.urn);
    container[findKey(container, target.attributeName) ?? target.attributeName] = stored;
  }

  // ---- group members -----------------------------------------------------------------------------------

  private isMembers(target: AttributeTarget): boolean {
    return !target.isExtension && target.schema.id === GROUP_SCHEMA && target.attribute.name === 'members';
  }

  /**
   * Members are membership records, not document data (architecture.md §3): member operations become a
   * delta. Only the forms clients use are supported; any other members path is invalidPath.
   */
  private applyMembers(op: PatchOpName, target: AttributeTarget, hasValue: boolean, value: unknown): void {
    const delta = (this.members ??= new MembersDeltaBuilder());
    if (target.sub) {
      throw ScimError.invalidPath(
        `"${target.text}" is not supported: patch "members" with a value list, or remove "members[value eq \\"id\\"]"`,
      );
    }
    if (target.filter) {
      const ids = op === 'remove' ? memberIdsFromFilter(target.filter) : undefined;
      if (!ids) {
        throw ScimError.invalidPath(
          `"${op} ${target.text}" is not supported: only remove "members[value eq \\"id\\"]" selects members by filter`,
        );
      }
      for (const id of ids) delta.remove(id);
      return;
    }
    switch (op) {
      case 'add':
        for (const member of parseMemberList(value, 'members')) delta.add(member);
        return;
      case 'replace':
        // RFC 7644 §3.5.2.3: replacing a multi-valued attribute without a filter replaces all its values.
        delta.removeAll();
        for (const member of parseMemberList(value, 'members')) delta.add(member);
        return;
      case 'remove':
        if (hasValue && value !== null && value !== undefined) {
          // Entra's default dialect: remove with the listed members as value (docs/entra.md §4.14). Only those go —
          // never all of them, which is what a strict reading of RFC 7644 §3.5.2.2 would do.
          for (const member of parseMemberList(value, 'members')) delta.remove(member.value);
        } else {
          // RFC 7644 §3.5.2.2: remove of a multi-valued attribute without a filter removes all values.
          delta.removeAll();
        }
        return;
    }
  }

  // ---- password ----------------------------------------------------------------------------------------

  private applyPassword(op: PatchOpName, target: AttributeTarget, value: unknown): void {
    if (op === 'remove' || value === null) {
      throw ScimError.mutability('The password cannot be removed; replace it with a new value');
    }
    const password = coerceValue(target.attribute, value, target.text, this.coerce);
    if (typeof password !== 'string' || password === '') {
      throw ScimError.invalidValue('The password must be a non-empty string');
    }
    this.password = password;
  }

  // ---- declared attributes -----------------------------------------------------------------------------

  private applyAttribute(op: PatchOpName, target: AttributeTarget, hasValue: boolean, value: unknown): void {
    const container = this.container(target, op !== 'remove');
    if (!container) return;
    if (target.filter) this.applyFiltered(op, target, container, value, target.filter);
    else if (target.sub) this.applySub(op, target, container, target.sub, value);
    else this.applyWhole(op, target, container, hasValue, value);
    if (isManager(target)) normalizeManager(container, target.attribute.name);
  }

  /** `attr` alone (RFC 7644 §3.5.2.1–3 rules for a target without filter or sub-attribute). */
  private applyWhole(
    op: PatchOpName,
    target: AttributeTarget,
    container: Doc,
    hasValue: boolean,
    value: unknown,
  ): void {
    const attr = target.attribute;
    const name = attr.name;
    if (op === 'remove') {
      if (hasValue && value !== null && value !== undefined) this.removeListed(target, container, value);
      else delete container[name];
      return;
    }
    const coerced = coerceValue(attr, value, target.text, this.coerce);
    if (attr.multiValued) {
      const incoming = dedupe((coerced as unknown[] | null) ?? []);
      if (op === 'replace') {
        // RFC 7644 §3.5.2.3: no filter → the attribute and all its values are replaced.
        this.enforceSinglePrimary(target, incoming, new Set(incoming));
        setOrDelete(container, name, incoming);
        return;
      }
      // RFC 7644 §3.5.2.1: values are added; one already present is not added twice.
      const list = Array.isArray(container[name]) ? (container[name] as unknown[]) : [];
      const touched = new Set<unknown>();
      for (const element of incoming) {
        const existing = list.find((e) => jsonEqual(e, element));
        if (existing === undefined) list.push(element);
        touched.add(existing ?? element);
      }
      this.enforceSinglePrimary(target, list, touched);
      setOrDelete(container, name, list);
      return;
    }
    if (coerced === null) {
      // RFC 7643 §2.5: null means unassigned; Entra clears the manager with "" or null (docs/entra.md §7.2).
      delete container[name];
      return;
    }
    if (attr.type === 'complex') {
      // RFC 7644 §3.5.2.1 and §3.5.2.3: sub-attributes not in the value are left unchanged.
      const current = isObject(container[name]) ? (container[name] as Doc) : {};
      container[name] = { ...current, ...(coerced as Doc) };
      return;
    }
    container[name] = coerced;
  }

  /** `attr.sub` without a filter. */
  private applySub(
    op: PatchOpName,
    target: AttributeTarget,
    container: Doc,
    sub: AttributeDefinition,
    value: unknown,
  ): void {
    const name = target.attribute.name;
    const subValue = op === 'remove' ? null : coerceValue(sub, value, target.text, this.coerce);
    if (!target.attribute.multiValued) {
      const current = isObject(container[name]) ? (container[name] as Doc) : undefined;
      if (isUnassigned(subValue)) {
        if (!current) return;
        delete current[sub.name];
        if (Object.keys(current).length === 0) delete container[name];
        return;
      }
      container[name] = { ...(current ?? {}), [sub.name]: subValue };
      return;
    }
    // A multi-valued attribute with a sub-attribute but no filter (`emails.type`): RFC 7644 §3.5.2 leaves it
    // open; the sub-attribute of every value is set or removed, and setting it on no value creates one.
    const list = Array.isArray(container[name]) ? (container[name] as unknown[]) : [];
    if (isUnassigned(subValue)) {
      const remaining = list
        .map((e) => (isObject(e) ? withoutKey(e, sub.name) : e))
        .filter((e) => e !== undefined);
      setOrDelete(container, name, remaining);
      return;
    }
    const updated =
      list.length === 0
        ? [{ [sub.name]: subValue }]
        : list.map((e) => (isObject(e) ? { ...e, [sub.name]: subValue } : e));
    this.enforceSinglePrimary(target, updated, new Set(updated));
    container[name] = updated;
  }

  /** `attr[filter]` and `attr[filter].sub` (RFC 7644 §3.5.2 valuePath). */
  private applyFiltered(
    op: PatchOpName,
    target: AttributeTarget,
    container: Doc,
    value: unknown,
    filter: FilterNode,
  ): void {
    const attr = target.attribute;
    const name = attr.name;
    const current = container[name];
    // A singular complex attribute is filtered as a list of zero or one value: Entra removes the manager with
    // `manager[value eq "id"]` (docs/entra.md §7.2).
    const elements: unknown[] = attr.multiValued
      ? Array.isArray(current)
        ? current
        : []
      : isObject(current)
        ? [current]
        : [];
    const matched = new Set(elements.filter((e) => matchesValueFilter(filter, e, attr)));
    const touched = new Set<unknown>();
    let result: unknown[];
    if (op === 'remove') {
      // RFC 7644 §3.5.2.2: matching values (or their sub-attribute) are removed; a filter matching nothing
      // removes nothing.
      result = elements
        .map((e) =>
          !matched.has(e) ? e : target.sub && isObject(e) ? withoutKey(e, target.sub.name) : undefined,
        )
        .filter((e) => e !== undefined);
    } else if (matched.size === 0) {
      // A singular attribute holds one value: creating a second one is impossible, and overwriting a value
      // the filter did not select would defeat the filter.
      if (!this.settings.createOnNoTarget || (!attr.multiValued && elements.length > 0)) {
        throw ScimError.noTarget(
          `No value of "${attr.name}" matches the filter of "${target.text}" (RFC 7644 §3.5.2.3)`,
        );
      }
      const created = this.createFromFilter(target, filter, value);
      if (created === undefined) return;
      touched.add(created);
      result = [...elements, created];
    } else {
      result = [];
      for (const element of elements) {
        if (!matched.has(element)) {
          result.push(element);
          continue;
        }
        const updated = this.updateMatched(op, target, element, value);
        if (updated === undefined) continue;
        touched.add(updated);
        result.push(updated);
      }
    }
    this.enforceSinglePrimary(target, result, touched);
    setOrDelete(container, name, attr.multiValued ? result : result[0]);
  }

  /** New value of one element selected by the filter (RFC 7644 §3.5.2.1 and §3.5.2.3). */
  private updateMatched(op: PatchOpName, target: AttributeTarget, element: unknown, value: unknown): unknown {
    const sub = target.sub;
    if (sub) {
      // RFC 7644 §3.5.2.3: "the matching sub-attribute of all matching records SHALL be replaced".
      const subValue = coerceValue(sub, value, target.text, this.coerce);
      if (!isObject(element)) return element;
      return isUnassigned(subValue) ? withoutKey(element, sub.name) : { ...element, [sub.name]: subValue };
    }
    const coerced = coerceElement(target.attribute, value, target.text, this.coerce);
    if (coerced === null) return op === 'replace' ? undefined : element;
    // replace: "all matching record values SHALL be replaced"; add merges sub-attributes into them.
    if (op === 'add' && isObject(element) && isObject(coerced)) return { ...element, ...coerced };
    return coerced;
  }

  /**
   * Entra sends `phoneNumbers[type eq "mobile"].value` for a user with no mobile number and expects the
   * number to be created with that type (docs/entra.md §5 "Other PATCH facts"; reported RFC 7644 erratum 8097).
   * The element is built from the filter's `eq` conditions (joined by `and`) plus the value. Returns
   * undefined for a null value.
   */
  private createFromFilter(target: AttributeTarget, filter: FilterNode, value: unknown): unknown {
    const attr = target.attribute;
    const template = attr.type === 'complex' ? eqTemplate(filter) : undefined;
    if (!template) {
      throw ScimError.noTarget(
        `No value of "${attr.name}" matches the filter of "${target.text}", and the filter does not describe a ` +
          'value to create (only "eq" conditions joined by "and" do)',
      );
    }
    if (value === null || value === undefined) return undefined;
    let raw: Doc;
    if (target.sub) {
      raw = { ...template, [target.sub.name]: value };
    } else {
      if (!isObject(value)) throw ScimError.invalidValue(`The value for "${target.text}" must be an object`);
      raw = { ...template, ...value };
    }
    const created = coerceElement(attr, raw, target.text, this.coerce);
    return created === null ? undefined : created;
  }

  /**
   * remove with a "value": only the listed values go. Not in RFC 7644 §3.5.2.2, but Entra removes members this
   * way (docs/entra.md §4.14) and a server that ignored the value would remove everything.
   */
  private removeListed(target: AttributeTarget, container: Doc, value: unknown): void {
    const attr = target.attribute;
    const name = attr.name;
    const coerced = coerceValue(attr, value, target.text, this.coerce);
    if (attr.multiValued) {
      const listed = (coerced as unknown[] | null) ?? [];
      const current = container[name];
      if (!Array.isArray(current) || listed.length === 0) return;
      setOrDelete(
        container,
        name,
        current.filter((e) => !listed.some((item) => sameValue(attr, item, e))),
      );
      return;
    }
    if (isManager(target) && isObject(coerced)) delete coerced.$ref;
    if (coerced === null || sameValue(attr, coerced, container[name])) delete container[name];
  }

  /**
   * RFC 7644 §3.5.2 (and RFC 7643 §2.4): setting primary to true on one value sets it to false on all others.
   * `touched` holds the values this operation wrote; two of them both primary is a contradiction.
   */
  private enforceSinglePrimary(target: AttributeTarget, list: unknown[], touched: Set<unknown>): void {
    const attr = target.attribute;
    if (!attr.multiValued || attr.type !== 'complex') return;
    const primary = findAttribute(attr.subAttributes ?? [], 'primary');
    if (!primary || primary.type !== 'boolean') return;
    const key = primary.name;
    const chosen = list.filter((e) => touched.has(e) && isObject(e) && e[key] === true);
    if (chosen.length > 1) {
      throw ScimError.invalidValue(`At most one value of "${attr.name}" may be primary (RFC 7643 §2.4)`);
    }
    if (chosen.length === 0) return;
    list.forEach((e, i) => {
      if (e !== chosen[0] && isObject(e) && e[key] === true) list[i] = { ...e, [key]: false };
    });
  }

  // ---- containers --------------------------------------------------------------------------------------

  /** The object holding the target attribute: the document, or its extension object (created on demand). */
  private container(target: AttributeTarget, create: boolean): Doc | undefined {
    if (!target.containerKey) return this.doc;
    const key = findKey(this.doc, target.containerKey) ?? target.containerKey;
    if (!create && !isObject(this.doc[key])) return undefined;
    return this.ensureContainer(key, target.schema.id);
  }

  private ensureContainer(key: string, urn: string): Doc {
    this.touchedExtensions.set(key, urn);
    const existing = this.doc[key];
    if (isObject(existing)) return existing;
    const created: Doc = {};
    this.doc[key] = created;
    return created;
  }

  private deleteContainer(key: string, urn: string): void {
    const actual = findKey(this.doc, key) ?? key;
    delete this.doc[actual];
    this.touchedExtensions.set(actual, urn);
  }

  // ---- end of request ----------------------------------------------------------------------------------

  finish(): PatchResult {
    for (const [key, urn] of this.touchedExtensions) {
      const container = this.doc[key];
      const present = isObject(container) && Object.keys(container).length > 0;
      if (!present) delete this.doc[key];
      this.syncSchemas(urn, present);
    }
    this.checkRequiredAndImmutable();
    const result: PatchResult = { resource: this.doc, changed: this.changedPaths() };
    if (this.password !== undefined) {
      result.password = this.password;
      result.changed.push('password');
    }
    if (this.members) {
      result.members = this.members.build();
      if (!this.members.isEmpty()) result.changed.push('members');
    }
    return result;
  }

  /** RFC 7643 §3: `schemas` lists the extensions a resource carries (undeclared ones too, see undeclared-extension.ts). */
  private syncSchemas(urn: string, present: boolean): void {
    const schemas = this.doc.schemas;
    if (!Array.isArray(schemas)) return;
    const listed = schemas.some((s) => typeof s === 'string' && s.toLowerCase() === urn.toLowerCase());
    if (present && !listed) this.doc.schemas = [...schemas, urn];
    if (!present && listed) {
      this.doc.schemas = schemas.filter(
        (s) => !(typeof s === 'string' && s.toLowerCase() === urn.toLowerCase()),
      );
    }
  }

  /**
   * Checked on the final state, so that a request may remove and re-add a value:
   * - RFC 7644 §3.5.2.2: a required attribute that becomes unassigned is 400 mutability.
   * - RFC 7643 §2.2 immutable: a value, once set, cannot change (400 mutability).
   */
  private checkRequiredAndImmutable(): void {
    const check = (defs: AttributeDefinition[], before: unknown, after: unknown, prefix: string): void => {
      const b = isObject(before) ? before : {};
      const a = isObject(after) ? after : {};
      for (const def of defs) {
        if (def.mutability === 'readOnly') continue;
        const old = b[def.name];
        const now = a[def.name];
        const path = `${prefix}${def.name}`;
        if (def.required && !isUnassigned(old) && isUnassigned(now)) {
          throw ScimError.mutability(`"${path}" is required and cannot be removed (RFC 7644 §3.5.2.2)`);
        }
        if (def.mutability === 'immutable' && !isUnassigned(old) && !jsonEqual(old, now)) {
          throw ScimError.mutability(
            `"${path}" is immutable: it has a value, which cannot be changed (RFC 7643 §2.2)`,
          );
        }
        if (
          def.type === 'complex' &&
          !def.multiValued &&
          def.subAttributes &&
          isObject(old) &&
          isObject(now)
        ) {
          check(def.subAttributes, old, now, `${path}.`);
        }
      }
    };
    check(this.registry.coreAttributes(this.resourceType), this.original, this.doc, '');
    for (const schema of this.registry.extensionSchemas(this.resourceType)) {
      const key = extensionStorageKey(schema.id);
      check(schema.attributes, this.original[key], this.doc[key], `${schema.id}:`);
    }
  }

  /** Top-level core attributes, and extension attributes as `urn:…:attr`, whose value differs. */
  private changedPaths(): string[] {
    const schemas = Array.isArray(this.doc.schemas)
      ? this.doc.schemas.filter((s): s is string => typeof s === 'string')
      : [];
    return changedAttributeNames(this.registry, this.resourceType, this.original, this.doc, {
      schemas,
      extensionUrns: this.touchedExtensions,
    });
  }
}

// ---- helpers -------------------------------------------------------------------------------------------

/** RFC 7644 §3.5.2: "Each operation against an attribute MUST be compatible with the attribute's mutability". */
function assertWritable(target: AttributeTarget): void {
  const readOnly =
    target.attribute.mutability === 'readOnly'
      ? target.attribute
      : target.sub?.mutability === 'readOnly'
        ? target.sub
        : undefined;
  if (readOnly) {
    throw ScimError.mutability(`"${target.text}" is readOnly and cannot be modified (RFC 7643 §2.2)`);
  }
}

function isPassword(target: AttributeTarget): boolean {
  return (
    !target.isExtension && target.attribute.name === 'password' && target.attribute.mutability === 'writeOnly'
  );
}

function isManager(target: AttributeTarget): boolean {
  return (
    target.isExtension && target.schema.id === ENTERPRISE_USER_SCHEMA && target.attribute.name === 'manager'
  );
}

/** Stored manager is `{value}` (docs/entra.md §7.2): `$ref` is derived, an empty value means no manager. */
function normalizeManager(container: Doc, name: string): void {
  const manager = container[name];
  if (!isObject(manager)) return;
  if ('$ref' in manager) {
    const { $ref: _ignored, ...rest } = manager;
    container[name] = rest;
  }
  const stored = container[name] as Doc;
  if (stored.value === '' || stored.value === null || stored.value === undefined) delete container[name];
}

/** The element described by `a eq x and b eq y`; undefined when the filter is anything else. */
function eqTemplate(filter: FilterNode): Doc | undefined {
  if (filter.kind === 'and') {
    const left = eqTemplate(filter.left);
    const right = eqTemplate(filter.right);
    return left && right ? { ...left, ...right } : undefined;
  }
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.value !== null &&
    filter.path.sub === undefined
  ) {
    return { [filter.path.attr]: filter.value };
  }
  return undefined;
}

/** Whether `item` (a value listed for removal) designates `element`: its given sub-attributes are equal. */
function sameValue(attr: AttributeDefinition, item: unknown, element: unknown): boolean {
  if (attr.type !== 'complex') return scalarEqual(attr, item, element);
  if (!isObject(item) || !isObject(element)) return false;
  const entries = Object.entries(item);
  return (
    entries.length > 0 &&
    entries.every(([key, value]) => {
      const sub = findAttribute(attr.subAttributes ?? [], key);
      return sub ? scalarEqual(sub, value, element[sub.name]) : jsonEqual(value, element[key]);
    })
  );
}

/** RFC 7643 §2.2 caseExact=false: strings compare without regard to case. */
function scalarEqual(def: AttributeDefinition, a: unknown, b: unknown): boolean {
  if (!def.caseExact && typeof a === 'string' && typeof b === 'string')
    return a.toLowerCase() === b.toLowerCase();
  return jsonEqual(a, b);
}

function dedupe(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const value of values) if (!out.some((v) => jsonEqual(v, value))) out.push(value);
  return out;
}

/** A copy of `obj` without `key`; undefined when nothing is left (an empty value is no value). */
function withoutKey(obj: Doc, key: string): Doc | undefined {
  const { [key]: _removed, ...rest } = obj;
  return Object.keys(rest).length === 0 ? undefined : rest;
}

function setOrDelete(container: Doc, name: string, value: unknown): void {
  // RFC 7644 §3.5.2.2: a multi-valued attribute with no values left is unassigned.
  if (isUnassigned(value)) delete container[name];
  else container[name] = value;
}

function isSchemasKey(key: string): boolean {
  return key.toLowerCase() === 'schemas';
}
