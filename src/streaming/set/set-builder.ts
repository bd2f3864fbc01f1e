/**
 * Journal entry → RFC 9967 Security Event Token claims (docs/standards-events.md). Pure: no clock unless given,
 * no I/O. The same journal entry gives the same SETs (same `jti`, `txn`, payload) on every attempt, every
 * replica and after a restart, so a receiver deduplicates on `jti` (RFC 8417 §2.2) and ties the SETs of one
 * change together with `txn` (RFC 9967 §2.1).
 */
import { createHash } from 'node:crypto';
import type { JournalEntry, MemberRefValue } from '../../store/ports';
import { SCIM_EVENTS, ScimEventUri, SetFormat } from './scim-events';

/** The SCIM endpoints a `sub_id.uri` is relative to (RFC 9967 §2.2: "relative to the SCIM base URI"). */
const ENDPOINTS: Readonly<Record<string, string>> = { User: '/Users', Group: '/Groups' };

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** RFC 9967 §2.2 subject: `format: "scim"`, `uri` required, `id` and `externalId` when known. */
export interface ScimSubjectId {
  format: 'scim';
  uri: string;
  id: string;
  externalId?: string;
}

export interface ScimEventPayload {
  /** `:full` events (RFC 9967 §2.4). */
  data?: Record<string, unknown>;
  /** `:notice` events: changed attribute names (RFC 7644 `path` form). */
  attributes?: string[];
  /** The ETag of the resource after the change (RFC 7644 §3.14). */
  version?: string;
}

/**
 * The claims of one SET. Never `sub` (RFC 9967 §2.2 forbids it; `sub_id` replaces it) and never `exp`
 * (SSF 1.0: MUST NOT). Exactly one event per SET (SSF 1.0; RFC 8417 §2.2 allows more only for one logical
 * event): a change that is two events (a PATCH that also deactivates) is two SETs with one `txn`.
 */
export interface SetClaims {
  iss: string;
  aud: string | string[];
  iat: number;
  jti: string;
  txn: string;
  toe: number;
  sub_id: ScimSubjectId;
  events: Record<string, ScimEventPayload>;
}

export interface SetContext {
  /** `iss`: the server's issuer URL (SET_ISSUER, else BASE_URL). */
  issuer: string;
  /** `aud`: per subscription. */
  audience: string | string[];
  format: SetFormat;
  /** Part of every `jti`: the same change has other jtis in another subscription. */
  subscriptionId: string;
  /** `iat`; defaults to now. */
  issuedAt?: Date;
}

/** `txn`: one per change, shared by all its SETs in every subscription and on every retry. */
export function setTxn(tenantId: string, seq: number): string {
  return `${tenantId}:${seq}`;
}

/** `jti`: unique per SET (subscription × change × event URI), and stable across retries and restarts. */
export function setJti(subscriptionId: string, tenantId: string, seq: number, eventUri: string): string {
  return createHash('sha256')
    .update(`${subscriptionId}\n${tenantId}\n${seq}\n${eventUri}`)
    .digest('hex')
    .slice(0, 32);
}

/** Whether an entry becomes SETs at all: resource changes of Users and Groups do, admin actions do not. */
export function carriesSets(entry: Pick<JournalEntry, 'operation' | 'resourceType'>): boolean {
  return entry.operation !== 'admin' && ENDPOINTS[entry.resourceType] !== undefined;
}

/** The event URIs of a change, in the order their SETs are sent. */
export function eventUrisOf(entry: JournalEntry, format: SetFormat): ScimEventUri[] {
  if (!carriesSets(entry)) return [];
  const full = format === 'full';
  const patch = full ? SCIM_EVENTS.patchFull : SCIM_EVENTS.patchNotice;
  switch (entry.operation) {
    case 'create':
      return [full ? SCIM_EVENTS.createFull : SCIM_EVENTS.createNotice];
    case 'delete':
      return [SCIM_EVENTS.delete];
    case 'replace': {
      const uris: ScimEventUri[] = [full ? SCIM_EVENTS.putFull : SCIM_EVENTS.putNotice];
      // A Group's snapshot has no members (the journal keeps the delta): under `full` they follow as a PatchOp.
      if (full && entry.resourceType === 'Group' && hasMemberDelta(entry)) uris.push(SCIM_EVENTS.patchFull);
      return [...uris, ...activation(entry)];
    }
    case 'patch':
    case 'membership':
    case 'activate':
    case 'deactivate':
      return [patch, ...activation(entry)];
    default:
      return [];
  }
}

/**
 * prov:activate / prov:deactivate (RFC 9967 §2.6, "prov" class) beside the patch or put event of a User whose
 * `active` changed to true / false (docs/standards-events.md §2: one SET per event, same txn).
 */
function activation(entry: JournalEntry): ScimEventUri[] {
  if (entry.resourceType !== 'User') return [];
  if (entry.operation === 'activate') return [SCIM_EVENTS.activate];
  if (entry.operation === 'deactivate') return [SCIM_EVENTS.deactivate];
  if (entry.operation === 'replace' && entry.changedAttributes.includes('active')) {
    if (entry.snapshot?.active === true) return [SCIM_EVENTS.activate];
    if (entry.snapshot?.active === false) return [SCIM_EVENTS.deactivate];
  }
  return [];
}

function hasMemberDelta(entry: JournalEntry): boolean {
  return (entry.members?.added.length ?? 0) > 0 || (entry.members?.removed.length ?? 0) > 0;
}

export function subjectOf(entry: JournalEntry): ScimSubjectId {
  const subject: ScimSubjectId = {
    format: 'scim',
    uri: `${ENDPOINTS[entry.resourceType]}/${entry.resourceId}`,
    id: entry.resourceId,
  };
  if (entry.externalId !== undefined) subject.externalId = entry.externalId;
  return subject;
}

/** The SETs of one journal entry for one subscription (none for admin actions). */
export function buildSets(entry: JournalEntry, context: SetContext): SetClaims[] {
  const iat = Math.floor((context.issuedAt ?? new Date()).getTime() / 1000);
  const toe = Math.floor(Date.parse(entry.time) / 1000);
  const txn = setTxn(entry.tenantId, entry.seq);
  const sub_id = subjectOf(entry);
  return eventUrisOf(entry, context.format).map((uri) => ({
    iss: context.issuer,
    aud: context.audience,
    iat,
    jti: setJti(context.subscriptionId, entry.tenantId, entry.seq, uri),
    txn,
    toe,
    sub_id,
    events: { [uri]: payloadOf(entry, uri) },
  }));
}

/** The payload of one event URI: `data` (full) or `attributes` (notice), and `version` whenever known. */
export function payloadOf(entry: JournalEntry, uri: ScimEventUri): ScimEventPayload {
  const payload: ScimEventPayload = {};
  switch (uri) {
    case SCIM_EVENTS.createFull:
      payload.data = createData(entry);
      break;
    case SCIM_EVENTS.putFull:
      payload.data = { ...(entry.snapshot ?? {}) };
      break;
    case SCIM_EVENTS.patchFull:
      payload.data = normalisedPatchOp(entry, entry.operation === 'replace' ? 'members' : 'all');
      break;
    case SCIM_EVENTS.createNotice:
    case SCIM_EVENTS.patchNotice:
    case SCIM_EVENTS.putNotice:
      payload.attributes = noticeAttributes(entry);
      break;
    default:
      // delete, activate, deactivate: no data (RFC 9967 §2.5/§2.6), only the version.
      break;
  }
  if (entry.version !== undefined) payload.version = entry.version;
  return payload;
}

/** create:full: the resource as created (GET representation); a Group with its members (the delta's adds). */
function createData(entry: JournalEntry): Record<string, unknown> {
  const data: Record<string, unknown> = { ...(entry.snapshot ?? {}) };
  if (entry.resourceType === 'Group' && (entry.members?.added.length ?? 0) > 0) {
    data.members = entry.members!.added.map(memberValue);
  }
  return data;
}

/** The names of a notice: the change's attributes, `members` when the delta changed any. */
function noticeAttributes(entry: JournalEntry): string[] {
  const names = [...entry.changedAttributes];
  if (hasMemberDelta(entry) && !names.includes('members')) names.push('members');
  return names;
}

function memberValue(member: MemberRefValue): { value: string; type: string } {
  return { value: member.value, type: member.type };
}

/**
 * patch:full `data`: the PatchOp (RFC 7644 §3.5.2) that takes a receiver from the previous version to this
 * one, normalised from what the journal knows, not the request as sent (RFC 9967 Fig. 6 carries a PatchOp):
 * - every changed attribute (changedAttributes, from the same diff as the PATCH engine) becomes `replace`
 *   with its new value from the snapshot, or `remove` when it no longer has one; extension attributes use their
 *   full `urn:…:name` path. `password` is never sent (returned "never", RFC 7643 §4.1.1): a notice names it;
 * - the member delta becomes one `remove` of the removed members and one `add` of the added ones, so that a
 *   change of 3 members of a 100,000-member group is 3 values, not the group.
 * `scope: 'members'` gives only the member operations (a Group PUT: its snapshot is in the put:full SET).
 */
export function normalisedPatchOp(
  entry: JournalEntry,
  scope: 'all' | 'members' = 'all',
): { schemas: string[]; Operations: Record<string, unknown>[] } {
  const operations: Record<string, unknown>[] = [];
  if (scope === 'all') {
    for (const name of entry.changedAttributes) {
      if (name === 'members' || name === 'password') continue;
      const value = attributeValue(entry.snapshot ?? {}, name);
      operations.push(
        value === undefined || value === null
          ? { op: 'remove', path: name }
          : { op: 'replace', path: name, value },
      );
    }
  }
  const removed = entry.members?.removed ?? [];
  const added = entry.members?.added ?? [];
  if (removed.length > 0) operations.push({ op: 'remove', path: 'members', value: removed.map(memberValue) });
  if (added.length > 0) operations.push({ op: 'add', path: 'members', value: added.map(memberValue) });
  return { schemas: [PATCH_OP_SCHEMA], Operations: operations };
}

/** A top-level attribute, or `urn:…:name` inside its extension's container of the snapshot. */
function attributeValue(snapshot: Record<string, unknown>, name: string): unknown {
  if (name in snapshot) return snapshot[name];
  if (!name.startsWith('urn:')) return undefined;
  for (const [key, container] of Object.entries(snapshot)) {
    if (!key.startsWith('urn:') || !name.startsWith(`${key}:`)) continue;
    if (typeof container !== 'object' || container === null) return undefined;
    return (container as Record<string, unknown>)[name.slice(key.length + 1)];
  }
  return undefined;
}
