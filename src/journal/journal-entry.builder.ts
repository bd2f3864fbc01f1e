/**
 * Pure helpers that turn a write of the resource writer (src/resources/resource-writer.service.ts) into its
 * change-journal entry: which operation it was, what it changed and what a consumer needs as of the change
 * (the field contract is JournalEntryInput in src/store/ports.ts). No Nest, no I/O. Which attributes changed
 * comes from the PATCH engine's diff (src/scim/patch/attribute-diff.ts), so that both name a change alike.
 */
import {
  JournalActor,
  JournalEntryInput,
  JournalOperation,
  MemberRefValue,
  MembersDelta,
} from '../store/ports';

type Attributes = Record<string, unknown>;

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

/**
 * The member delta between two member sets, as it takes effect: who is in `after` and not in `before` is
 * added, who is in `before` and not in `after` removed (order and duplicates do not matter).
 */
export function membersDelta(
  before: readonly MemberRefValue[],
  after: readonly MemberRefValue[],
): MembersDelta {
  const beforeIds = new Set(before.map((m) => m.value));
  const afterIds = new Set(after.map((m) => m.value));
  return {
    added: uniqueMembers(after.filter((m) => !beforeIds.has(m.value))),
    removed: uniqueMembers(before.filter((m) => !afterIds.has(m.value))),
  };
}

/** Whether a delta changes anything. */
export function changesMembership(delta: MembersDelta): boolean {
  return delta.added.length > 0 || delta.removed.length > 0;
}

/** Who asks, as the journal records it: from the request's credential and X-Request-Id. */
export interface JournalSource {
  actor: JournalActor;
  requestId?: string;
}

/** The resource an entry is about, as of the change. */
export interface JournaledResource {
  resourceType: string;
  id: string;
  version?: string;
  externalId?: string;
  /** Absolute URL, as meta.location. */
  location?: string;
}

/** What an entry carries besides the resource: see JournalEntryInput. */
export interface JournalDetails {
  snapshot?: Record<string, unknown>;
  members?: MembersDelta;
  memberOf?: { removed: MemberRefValue[] };
}

export function journalEntry(
  source: JournalSource,
  operation: JournalOperation,
  resource: JournaledResource,
  changedAttributes: string[],
  time: string = new Date().toISOString(),
  details: JournalDetails = {},
): JournalEntryInput {
  const entry: JournalEntryInput = {
    time,
    actor: { credentialId: source.actor.credentialId, label: source.actor.label },
    operation,
    resourceType: resource.resourceType,
    resourceId: resource.id,
    changedAttributes,
  };
  // Optional fields are left out rather than set to undefined: entries are stored and served as built.
  if (source.requestId !== undefined) entry.requestId = source.requestId;
  if (resource.version !== undefined) entry.version = resource.version;
  if (resource.externalId !== undefined) entry.externalId = resource.externalId;
  if (resource.location !== undefined) entry.location = resource.location;
  if (details.snapshot !== undefined) entry.snapshot = details.snapshot;
  if (details.members !== undefined) entry.members = details.members;
  if (details.memberOf !== undefined && details.memberOf.removed.length > 0)
    entry.memberOf = details.memberOf;
  return entry;
}

function uniqueMembers(members: MemberRefValue[]): MemberRefValue[] {
  const seen = new Map<string, MemberRefValue>();
  for (const { value, type } of members) if (!seen.has(value)) seen.set(value, { value, type });
  return [...seen.values()];
}
