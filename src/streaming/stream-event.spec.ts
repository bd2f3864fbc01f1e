import type { JournalEntry } from '../store/ports';
import { streamEventJson, toStreamEvent } from './stream-event';

function entry(seq: number): JournalEntry {
  return {
    tenantId: 'contoso',
    seq,
    time: '2026-01-31T09:00:00.000Z',
    actor: { credentialId: 'c1', label: 'Entra provisioning' },
    operation: 'membership',
    resourceType: 'Group',
    resourceId: 'g1',
    version: 'W/"2"',
    changedAttributes: ['members'],
    snapshot: { id: 'g1', displayName: 'Staff' },
    members: { added: [{ value: 'u1', type: 'User' }], removed: [] },
  };
}

describe('toStreamEvent', () => {
  it('builds the event of an entry once and shares it, frozen, with every caller', () => {
    const source = entry(1);
    const event = toStreamEvent(source);
    expect(toStreamEvent(source)).toBe(event);
    expect(event).toMatchObject({ id: 'contoso:1', type: 'group.updated', data: source.snapshot });
    expect(Object.isFrozen(event) && Object.isFrozen(event.resource) && Object.isFrozen(event.members)).toBe(
      true,
    );
  });

  it('builds a separate event for another entry object with the same content', () => {
    expect(toStreamEvent(entry(1))).not.toBe(toStreamEvent(entry(1)));
    expect(toStreamEvent(entry(1))).toEqual(toStreamEvent(entry(1)));
  });
});

describe('streamEventJson', () => {
  it('is JSON.stringify of the event, computed once', () => {
    const event = toStreamEvent(entry(2));
    const json = streamEventJson(event);
    expect(json).toBe(JSON.stringify(event));
    expect(streamEventJson(event)).toBe(json);
  });
});
