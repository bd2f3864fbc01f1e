import { changesMembership, journalEntry, membersDelta, patchOperation } from './journal-entry.builder';

describe(patchOperation.name, () => {
  it('is deactivate when active goes from true to false', () => {
    expect(patchOperation(['active'], { active: true }, { active: false })).toBe('deactivate');
  });

  it('is activate when active goes from false to true, even with other changes', () => {
    expect(patchOperation(['active', 'title'], { active: false }, { active: true })).toBe('activate');
  });

  it('is deactivate when active was absent and is set to false', () => {
    expect(patchOperation(['active'], {}, { active: false })).toBe('deactivate');
  });

  it('is patch when active is removed', () => {
    expect(patchOperation(['active'], { active: true }, {})).toBe('patch');
  });

  it('is membership when only the members changed', () => {
    expect(patchOperation(['members'], {}, {})).toBe('membership');
  });

  it('is patch when members and other attributes changed', () => {
    expect(patchOperation(['members', 'displayName'], {}, {})).toBe('patch');
  });
});

describe(membersDelta.name, () => {
  const user = (value: string) => ({ value, type: 'User' });

  it('ignores order and duplicates', () => {
    const sut = membersDelta([user('a'), user('b')], [user('b'), user('a'), user('a')]);
    expect([sut, changesMembership(sut)]).toEqual([{ added: [], removed: [] }, false]);
  });

  it('lists who came and who went, each once, with their type', () => {
    const sut = membersDelta(
      [user('a'), user('b')],
      [user('a'), { value: 'g', type: 'Group' }, user('c'), user('c')],
    );
    expect([sut, changesMembership(sut)]).toEqual([
      { added: [{ value: 'g', type: 'Group' }, user('c')], removed: [user('b')] },
      true,
    ]);
  });
});

describe(journalEntry.name, () => {
  it('copies the actor, request id, resource and version', () => {
    const source = { actor: { credentialId: 'c1', label: 'Entra' }, requestId: 'r1' };
    const resource = { resourceType: 'User', id: 'u1', version: 'W/"2-u1"' };
    expect(journalEntry(source, 'patch', resource, ['title'], 'T')).toEqual({
      time: 'T',
      actor: { credentialId: 'c1', label: 'Entra' },
      requestId: 'r1',
      operation: 'patch',
      resourceType: 'User',
      resourceId: 'u1',
      version: 'W/"2-u1"',
      changedAttributes: ['title'],
    });
  });

  it('leaves out a missing request id and version rather than writing undefined', () => {
    const entry = journalEntry(
      { actor: { credentialId: 'c', label: 'l' } },
      'delete',
      {
        resourceType: 'User',
        id: 'u1',
      },
      [],
    );
    expect(['requestId' in entry, 'version' in entry]).toEqual([false, false]);
  });

  it('carries externalId, location, snapshot, member delta and memberOf when given', () => {
    const members = { added: [{ value: 'u2', type: 'User' }], removed: [] };
    const memberOf = { removed: [{ value: 'g1', type: 'Group' }] };
    const entry = journalEntry(
      { actor: { credentialId: 'c', label: 'l' } },
      'delete',
      { resourceType: 'Group', id: 'g2', externalId: 'x', location: 'https://h/scim/v2/Groups/g2' },
      [],
      'T',
      { snapshot: { id: 'g2' }, members, memberOf },
    );
    expect(entry).toMatchObject({
      externalId: 'x',
      location: 'https://h/scim/v2/Groups/g2',
      snapshot: { id: 'g2' },
      members,
      memberOf,
    });
  });

  it('leaves out an empty memberOf and absent optional fields', () => {
    const entry = journalEntry(
      { actor: { credentialId: 'c', label: 'l' } },
      'delete',
      { resourceType: 'User', id: 'u1' },
      [],
      'T',
      { memberOf: { removed: [] } },
    );
    expect(['memberOf', 'externalId', 'location', 'snapshot', 'members'].filter((k) => k in entry)).toEqual(
      [],
    );
  });
});
