import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEntry } from '../store/ports';
import { STREAM_EVENT_SCHEMA } from './stream-event';
import { STREAM_EVENT_JSON_SCHEMA, streamEventOpenApiSchema } from './stream-event.schema';
import { toStreamEvent } from './stream-event';

const entry: JournalEntry = {
  tenantId: 'contoso',
  seq: 7,
  time: '2026-01-31T09:00:00.000Z',
  actor: { credentialId: 'c1', label: 'Entra provisioning' },
  requestId: 'r1',
  operation: 'delete',
  resourceType: 'User',
  resourceId: 'u1',
  externalId: 'e1',
  version: 'W/"3"',
  location: 'https://scim.example.com/scim/v2/Users/u1',
  changedAttributes: [],
  memberOf: { removed: [{ value: 'g1', type: 'Group' }] },
};

describe('stream-event.schema', () => {
  it('is written out unchanged as docs/schemas/stream-event.v1.json, versioned like the event', () => {
    const file = JSON.parse(readFileSync(join(__dirname, '../../docs/schemas/stream-event.v1.json'), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(STREAM_EVENT_JSON_SCHEMA)));
    expect(STREAM_EVENT_SCHEMA.endsWith(':1') && STREAM_EVENT_JSON_SCHEMA.$id.endsWith('.v1.json')).toBe(
      true,
    );
  });

  it('describes every field of a real event, and the event has every required one', () => {
    const event = toStreamEvent(entry) as unknown as Record<string, unknown>;
    const properties = Object.keys(STREAM_EVENT_JSON_SCHEMA.properties);
    expect(Object.keys(event).filter((key) => !properties.includes(key))).toEqual([]);
    expect(STREAM_EVENT_JSON_SCHEMA.required.filter((key) => !(key in event))).toEqual([]);
    const resourceKeys = Object.keys(STREAM_EVENT_JSON_SCHEMA.properties.resource.properties);
    expect(Object.keys(event.resource as object).every((key) => resourceKeys.includes(key))).toBe(true);
  });

  it('gives OpenAPI the schema without $schema and $id', () => {
    const sut = streamEventOpenApiSchema();
    expect([sut.$schema, sut.$id, sut.title]).toEqual([undefined, undefined, 'StreamEvent']);
  });
});
