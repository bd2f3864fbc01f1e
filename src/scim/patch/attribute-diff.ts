/**
 * Which attributes differ between two resources in storage shape: the one diff behind the PATCH engine's
 * `changed` (RFC 7644 §3.5.2.1: nothing changed means no new version) and the change journal's
 * `changedAttributes`, so that both name a change the same way.
 */
import { extensionStorageKey, SchemaRegistry } from '../schema/schema.registry';
import { undeclaredExtensionUrn } from '../schema/undeclared-extension';
import { isObject, jsonEqual } from './json-value.util';

type Attributes = Record<string, unknown>;

/** Fields that are not attributes a client writes: identity and bookkeeping. */
const NOT_COMPARED = new Set(['id', 'meta', 'schemas']);

export interface AttributeDiffOptions {
  /** The resource's `schemas`, which name undeclared extensions (see undeclared-extension.ts). */
  schemas?: readonly string[];
  /** Further extension containers (storage key → URN), e.g. those a PATCH request just wrote. */
  extensionUrns?: ReadonlyMap<string, string>;
}

/**
 * Names of the attributes whose value differs: top-level core attributes (`name`, `emails`), extension
 * attributes as `urn:…:attr`. Internal `_` fields, id, meta and schemas are never listed; null and absent are
 * the same state (RFC 7643 §2.5).
 */
export function changedAttributeNames(
  registry: SchemaRegistry,
  resourceType: string,
  before: Attributes,
  after: Attributes,
  options: AttributeDiffOptions = {},
): string[] {
  const extensionUrns = new Map<string, string>(options.extensionUrns);
  for (const schema of registry.extensionSchemas(resourceType)) {
    extensionUrns.set(extensionStorageKey(schema.id), schema.id);
  }
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key.startsWith('_') || NOT_COMPARED.has(key)) continue;
    const old = before[key];
    const now = after[key];
    if (jsonEqual(old, now) || (old ?? null) === (now ?? null)) continue;
    const urn = extensionUrns.get(key) ?? undeclaredExtensionUrn(key, options.schemas);
    if (urn === undefined || !(isObject(old) || isObject(now))) {
      changed.push(key);
      continue;
    }
    const b = isObject(old) ? old : {};
    const a = isObject(now) ? now : {};
    for (const name of new Set([...Object.keys(b), ...Object.keys(a)])) {
      if (!jsonEqual(b[name], a[name])) changed.push(`${urn}:${name}`);
    }
  }
  return changed;
}
