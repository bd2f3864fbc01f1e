import { createRegistry } from '../scim/schema/core-schemas';
import { changedAttributeNames, journalEntry, membersDiffer, patchOperation } from './journal-entry.builder';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const ENTERPRISE_KEY = 'urn:ietf:params:scim:schemas:extension:enterprise:2_0:User';

describe(changedAttributeNames.name, () => {
  const registry = createRegistry();

  it('lists every attribute of a new resource, without id, meta, schemas and internal fields', () => {
    const after = { userName: 'a', active: true, id: 'x', meta: {}, schemas: [], _rev: 1, _ci: {} };
    expect(changedAttributeNames(registry, 'User', {}, after)).toEqual(['userName', 'active']);
  });

  it('lists only the attributes whose value differs', () => {
    const before = { userName: 'a', name: { givenName: 'A' }, title: 'x' };
    const after = { userName: 'a', name: { givenName: 'B' }, displayName: 'A' };
    expect(changedAttributeNames(registry, 'User', before, after)).toEqual(['name', 'title', 'displayName']);
  });

  it('names extension attributes by their URN, like the PATCH engine', () => {
    const before = { [ENTERPRISE_KEY]: { department: 'R&D', division: 'X' } };
    const after = { [ENTERPRISE_KEY]: { department: 'Sales', division: 'X' } };
    expect(changedAttributeNames(registry, 'User', before, after)).toEqual([`${ENTERPRISE}:department`]);
  });

  it('names an undeclared extension attribute by the URN listed in schemas', () => {
    const urn = 'urn:ietf:params:scim:schemas:extension:Custom:2.0:User';
    const key = 'urn:ietf:params:scim:schemas:extension:Custom:2_0:User';
    expect(changedAttributeNames(registry, 'User', {}, { [key]: { badge: '7' } }, [urn])).toEqual([
      `${urn}:badge`,
    ]);
  });

  it('finds nothing when the values are equal in another key order', () => {
    const before = { name: { givenName: 'A', familyName: 'B' } };
    const after = { name: { familyName: 'B', givenName: 'A' } };
    expect(changedAttributeNames(registry, 'User', before, after)).toEqual([]);
  });
});

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

describe(membersDiffer.name, () => {
  it('ignores order and duplicates', () => {
    expect(membersDiffer(['a', 'b'], ['b', 'a', 'a'])).toBe(false);
  });

  it('sees an added or a swapped member', () => {
    expect([membersDiffer(['a'], ['a', 'b']), membersDiffer(['a', 'b'], ['a', 'c'])]).toEqual([true, true]);
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
});
