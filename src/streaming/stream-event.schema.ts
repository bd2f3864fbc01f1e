/**
 * JSON Schema (draft 2020-12) of StreamEvent, version 1. docs/schemas/stream-event.v1.json is this object
 * written out (a test keeps them equal); Swagger shows it as components.schemas.StreamEvent.
 */
import { RESOURCE_EVENT_TYPES } from './stream-event';

export const STREAM_EVENT_SCHEMA_ID = 'https://scim-stream.dev/schemas/stream-event.v1.json';

const MEMBER_REF = {
  type: 'object',
  required: ['value'],
  properties: {
    value: { type: 'string', description: 'The id of the member (a User or a Group)' },
    type: { type: 'string', enum: ['User', 'Group'] },
  },
};

const MEMBER_REFS = { type: 'array', items: MEMBER_REF };

export const STREAM_EVENT_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: STREAM_EVENT_SCHEMA_ID,
  title: 'StreamEvent',
  description:
    'One change of a tenant, as every transport (webhook, SSE, NATS JetStream) carries it. Version 1 ' +
    '(urn:scim-stream:event:1): fields may be added, never removed or changed in meaning.',
  type: 'object',
  required: ['id', 'type', 'seq', 'tenant', 'time', 'resource', 'changedAttributes', 'members', 'actor'],
  properties: {
    id: {
      type: 'string',
      description:
        'Stable per tenant and seq (`<tenant>:<seq>`): the same on every retry and every transport',
    },
    type: {
      type: 'string',
      description: 'The kind of change; admin actions are `admin.<action>`',
      anyOf: [{ enum: [...RESOURCE_EVENT_TYPES] }, { pattern: '^admin\\.[a-z0-9_.-]+$' }],
    },
    seq: {
      type: 'integer',
      minimum: 1,
      description: "Position in the tenant's journal: 1, 2, 3, … without gaps (a jump means missed events)",
    },
    tenant: { type: 'string', description: 'The tenant id' },
    time: { type: 'string', format: 'date-time', description: 'Commit time of the change (ISO 8601)' },
    resource: {
      type: 'object',
      required: ['type', 'id'],
      properties: {
        type: { type: 'string', description: 'User, Group, or the admin object (Tenant, Subscription, …)' },
        id: { type: 'string' },
        externalId: { type: 'string' },
        version: { type: 'string', description: 'The ETag of the new version (RFC 7644 §3.14)' },
        location: { type: 'string', format: 'uri' },
      },
    },
    changedAttributes: {
      type: 'array',
      items: { type: 'string' },
      description: 'Top-level attribute names the change touched',
    },
    data: {
      type: 'object',
      description:
        'The resource as GET returned it right after the change, without password and the computed groups; ' +
        'a Group without members. Absent on delete and on admin events.',
    },
    members: {
      type: 'object',
      required: ['added', 'removed'],
      description:
        'The member delta of a Group change (empty lists otherwise): one event however many members',
      properties: { added: MEMBER_REFS, removed: MEMBER_REFS },
    },
    memberOf: {
      type: 'object',
      required: ['removed'],
      description: 'On a delete: the groups whose membership went with the deleted resource',
      properties: { removed: MEMBER_REFS },
    },
    actor: {
      type: 'object',
      required: ['credentialId', 'label'],
      description: 'The credential that made the change',
      properties: { credentialId: { type: 'string' }, label: { type: 'string' } },
    },
    requestId: { type: 'string', description: 'The X-Request-Id of the request that made the change' },
  },
} as const;

/** The same schema for OpenAPI's components (no $schema/$id there). */
export function streamEventOpenApiSchema(): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = STREAM_EVENT_JSON_SCHEMA;
  return rest;
}
