/**
 * Pure helpers that turn a write of ResourceService into its change-journal entry: which operation it was and
 * which attributes it changed. No Nest, no I/O.
 */
import { isObject, jsonEqual } from '../scim/patch/json-value.util';
import { extensionStorageKey, SchemaRegistry } from '../scim/schema/schema.registry';
import { undeclaredExtensionUrn } from '../scim/schema/undeclared-extension';
import { JournalActor, JournalEntryInput, JournalOperation } from '../store/ports';

type Attributes = Record<string, unknown>;

/** Fields that are not attributes a client writes: identity and bookkeeping. */
const NOT_COMPARED = new Set(['id', 'meta', 'schemas']);

/**
 * Names of the attributes whose value differs between two storage-shape resources, named like the PATCH
 * engine's `changed`: top-level core attributes (`name`, `emails`), extension attributes as `urn:…:attr`.
 * Internal `_` fields, id, meta and schemas are not attributes and are never listed.
 */
export function changedAttributeNames(
  registry: SchemaRegistry,
  resourceType: string,
  before: Attributes,
  after: Attributes,
  schemas: readonly string[] = [],
): string[] {
  const extensionUrns = new Map<string, string>();
  for (const schema of registry.extensionSchemas(resourceType)) {
    extensionUrns.set(extensionStorageKey(schema.id), schema.id);
  }
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key.startsWith('_') || NOT_COMPARED.has(key)) continue;
    const old = before[key];
    const now = after[key];
    if (jsonEqual(old, now) || (old === undefined && now === null) || (old === null && now === undefined)) {
      continue;
    }
    const urn = extensionUrns.get(key) ?? undeclaredExtensionUrn(key, schemas);
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

/**
 * The operation a PATCH is journaled as:
 * - `activate` / `deactivate` when it sets `active` to true / false and it was not that before (absent counts
 *   as neither), whatever else changed too (changedAttributes lists everything);
 * - `membership` when the only thing it changed is a group's members;
 * - `patch` otherwise.
 */
export function patchOperation(
  changed: readonly string[],
  before: Attributes,
  after: Attributes,
): JournalOperation {
  if (changed.includes('active') && after.active !== before.active) {
    if (after.active === true) return 'activate';
    if (after.active === false) return 'deactivate';
  }
  if (changed.length === 1 && changed[0] === 'members') return 'membership';
  return 'patch';
}

/** Whether two member lists name different member sets (order and duplicates do not matter). */
export function membersDiffer(before: readonly string[], after: readonly string[]): boolean {
  const a = new Set(before);
  const b = new Set(after);
  return a.size !== b.size || [...a].some((id) => !b.has(id));
}

/** Who asks, as the journal records it: from the request's credential and X-Request-Id. */
export interface JournalSource {
  actor: JournalActor;
  requestId?: string;
}

export function journalEntry(
  source: JournalSource,
  operation: JournalOperation,
  resource: { resourceType: string; id: string; version?: string },
  changedAttributes: string[],
  time: string = new Date().toISOString(),
): JournalEntryInput {
  const entry: JournalEntryInput = {
    time,
    actor: { credentialId: source.actor.credentialId, label: source.actor.label },
    operation,
    resourceType: resource.resourceType,
    resourceId: resource.id,
    changedAttributes,
  };
  if (source.requestId !== undefined) entry.requestId = source.requestId;
  if (resource.version !== undefined) entry.version = resource.version;
  return entry;
}
