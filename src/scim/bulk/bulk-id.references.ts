/**
 * bulkId references (RFC 7644 §3.7.2): a client refers to a resource created in the same bulk request by the
 * string "bulkId:" + its bulkId, e.g. a group member `{"value": "bulkId:qwerty"}`, an enterprise manager, or a path
 * '/Users/bulkId:qwerty'. The server "MUST replace the string … with the permanent resource id once created".
 *
 * A reference is a whole string value "bulkId:x", or the last segment of a path or URI ('…/Users/bulkId:x', as in
 * a `$ref`). Text that merely mentions "bulkId:" elsewhere (a displayName) is left alone.
 */
const REFERENCE = /(^|\/)bulkId:([^/?#\s]+)$/;

/** The bulkId a string refers to, if it is a reference. */
export function referencedBulkId(value: string): string | undefined {
  return REFERENCE.exec(value)?.[2];
}

/** Every bulkId referenced anywhere inside a JSON value. */
export function collectReferences(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    const bulkId = referencedBulkId(value);
    if (bulkId !== undefined) into.add(bulkId);
  } else if (Array.isArray(value)) {
    for (const element of value) collectReferences(element, into);
  } else if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) collectReferences(child, into);
  }
  return into;
}

/** Whether a JSON value references any of these bulkIds. */
export function referencesAny(value: unknown, bulkIds: ReadonlySet<string>): boolean {
  for (const bulkId of collectReferences(value)) if (bulkIds.has(bulkId)) return true;
  return false;
}

/** Replaces the reference in one string when its bulkId is resolved; otherwise returns it unchanged. */
export function resolveString(value: string, ids: ReadonlyMap<string, string>): string {
  const match = REFERENCE.exec(value);
  if (!match) return value;
  const id = ids.get(match[2]);
  return id === undefined ? value : value.slice(0, match.index) + match[1] + id;
}

/**
 * A deep copy of a JSON value with every resolvable reference replaced. The copy never shares structure with the
 * client's request, and a "__proto__" key stays an ordinary own property (no prototype pollution).
 */
export function resolveReferences<T>(value: T, ids: ReadonlyMap<string, string>): T {
  return copy(value, ids) as T;
}

function copy(value: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return resolveString(value, ids);
  if (Array.isArray(value)) return value.map((element) => copy(element, ids));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) setOwn(result, key, copy(child, ids));
    return result;
  }
  return value;
}

export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A value taken out of a resource for a circular reference, to be put back with a PatchOp `add`. */
export interface DeferredValue {
  /** PATCH path: 'members', 'manager', or '{extension urn}:{attribute}' (RFC 7644 §3.5.2, §3.10). */
  path: string;
  /** For a multi-valued attribute, only the elements that hold references (`add` appends them). */
  value: unknown;
}

/**
 * Splits resource data for circular reference processing (RFC 7644 §3.7.1): `data` keeps what can be created now,
 * `deferred` holds each attribute value (or multi-valued element) that references one of `pending`.
 * Attributes are looked at where references live in SCIM: top-level attributes and the attributes of extension
 * objects (keys that are schema URNs). A complex value holding a reference moves as a whole (a `manager` without
 * its `value` would mean something else).
 */
export function deferReferences(
  data: Record<string, unknown>,
  pending: ReadonlySet<string>,
): { data: Record<string, unknown>; deferred: DeferredValue[] } {
  const deferred: DeferredValue[] = [];
  const split = (
    object: Record<string, unknown>,
    prefix: string,
    urnLevel: boolean,
  ): Record<string, unknown> => {
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(object)) {
      if (!referencesAny(value, pending)) {
        setOwn(kept, key, value);
      } else if (urnLevel && key.toLowerCase().startsWith('urn:') && isPlainObject(value)) {
        setOwn(kept, key, split(value, `${key}:`, false));
      } else if (Array.isArray(value)) {
        setOwn(
          kept,
          key,
          value.filter((element) => !referencesAny(element, pending)),
        );
        deferred.push({
          path: prefix + key,
          value: value.filter((element) => referencesAny(element, pending)),
        });
      } else {
        deferred.push({ path: prefix + key, value });
      }
    }
    return kept;
  };
  return { data: split(data, '', true), deferred };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
