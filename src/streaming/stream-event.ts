/**
 * The one event shape every transport of the change stream carries (issue "Streaming"; docs/events.md), derived
 * purely from a journal entry: a transport never reads anything but the journal, so an event exists exactly when
 * its change committed (the journal is the outbox). Schema version: STREAM_EVENT_SCHEMA.
 */
import type { JournalEntry, MemberRefValue } from '../store/ports';

/** Bumped on any incompatible change of StreamEvent; consumers may check it (also in the JSON schema's $id). */
export const STREAM_EVENT_SCHEMA = 'urn:scim-stream:event:1';

export const RESOURCE_EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'user.deleted',
  'group.created',
  'group.updated',
  'group.deleted',
] as const;

export type ResourceEventType = (typeof RESOURCE_EVENT_TYPES)[number];
/** `admin.<action>`, e.g. `admin.tenant.created`, `admin.subscription.deleted`. */
export type AdminEventType = `admin.${string}`;
export type StreamEventType = ResourceEventType | AdminEventType;

export interface StreamEvent {
  /** Stable per tenant and seq: the same on every retry and every transport (`<tenant>:<seq>`). */
  id: string;
  type: StreamEventType;
  seq: number;
  tenant: string;
  /** Commit time, ISO 8601. */
  time: string;
  resource: {
    type: string;
    id: string;
    externalId?: string;
    version?: string;
    location?: string;
  };
  changedAttributes: string[];
  /** The snapshot as GET returned it then (absent on delete and for admin events). */
  data?: Record<string, unknown>;
  /** Member delta of a Group change (empty lists otherwise). */
  members: { added: MemberRefValue[]; removed: MemberRefValue[] };
  /** On the delete of a resource that was a member of groups: the groups whose memberships went with it. */
  memberOf?: { removed: MemberRefValue[] };
  actor: { credentialId: string; label: string };
  requestId?: string;
}

/** The event id: stable for a (tenant, seq), whatever the transport or attempt. */
export function streamEventId(tenantId: string, seq: number): string {
  return `${tenantId}:${seq}`;
}

/** The event type of a journal entry (RFC 7644 operations mapped onto consumer-facing names). */
export function streamEventType(entry: JournalEntry): StreamEventType {
  if (entry.operation === 'admin') return `admin.${entry.adminAction ?? 'unknown'}`;
  const prefix = entry.resourceType === 'Group' ? 'group' : 'user';
  switch (entry.operation) {
    case 'create':
      return `${prefix}.created`;
    case 'delete':
      return `${prefix}.deleted`;
    case 'deactivate':
      return prefix === 'user' ? 'user.deactivated' : 'group.updated';
    case 'activate':
      return prefix === 'user' ? 'user.reactivated' : 'group.updated';
    default:
      return `${prefix}.updated`;
  }
}

/** Events already built, per journal entry object (the embedded journal hands every reader the same one). */
const eventsByEntry = new WeakMap<JournalEntry, StreamEvent>();
/** Each event's JSON, computed once for every transport and subscription that sends it. */
const jsonByEvent = new WeakMap<StreamEvent, string>();

/**
 * The event of a journal entry: built once per entry object and frozen (shallowly; its parts come from the
 * entry, which a reader never changes), since every subscription of the tenant shares it.
 */
export function toStreamEvent(entry: JournalEntry): StreamEvent {
  let event = eventsByEntry.get(entry);
  if (!event) {
    event = buildStreamEvent(entry);
    Object.freeze(event.resource);
    Object.freeze(event.members);
    eventsByEntry.set(entry, Object.freeze(event));
  }
  return event;
}

/** JSON.stringify(event), once per event: SSE, NATS and webhooks all send exactly these bytes. */
export function streamEventJson(event: StreamEvent): string {
  let json = jsonByEvent.get(event);
  if (json === undefined) {
    json = JSON.stringify(event);
    jsonByEvent.set(event, json);
  }
  return json;
}

function buildStreamEvent(entry: JournalEntry): StreamEvent {
  const resource: StreamEvent['resource'] = { type: entry.resourceType, id: entry.resourceId };
  if (entry.externalId !== undefined) resource.externalId = entry.externalId;
  if (entry.version !== undefined) resource.version = entry.version;
  if (entry.location !== undefined) resource.location = entry.location;
  const event: StreamEvent = {
    id: streamEventId(entry.tenantId, entry.seq),
    type: streamEventType(entry),
    seq: entry.seq,
    tenant: entry.tenantId,
    time: entry.time,
    resource,
    changedAttributes: entry.changedAttributes,
    members: { added: entry.members?.added ?? [], removed: entry.members?.removed ?? [] },
    actor: { credentialId: entry.actor.credentialId, label: entry.actor.label },
  };
  if (entry.snapshot !== undefined && entry.operation !== 'delete') event.data = entry.snapshot;
  if (entry.memberOf !== undefined && entry.memberOf.removed.length > 0) event.memberOf = entry.memberOf;
  if (entry.requestId !== undefined) event.requestId = entry.requestId;
  return event;
}
