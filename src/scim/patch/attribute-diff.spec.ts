import { createRegistry } from '../schema/core-schemas';
import { changedAttributeNames } from './attribute-diff';

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
    expect(
      changedAttributeNames(registry, 'User', {}, { [key]: { badge: '7' } }, { schemas: [urn] }),
    ).toEqual([`${urn}:badge`]);
  });

  it('finds nothing when the values are equal in another key order', () => {
    const before = { name: { givenName: 'A', familyName: 'B' } };
    const after = { name: { familyName: 'B', givenName: 'A' } };
    expect(changedAttributeNames(registry, 'User', before, after)).toEqual([]);
  });

  it('names an extension attribute written by a PATCH by the URN passed in', () => {
    const key = 'urn:ietf:params:scim:schemas:extension:Custom:2_0:User';
    const extensionUrns = new Map([[key, 'urn:ietf:params:scim:schemas:extension:Custom:2.0:User']]);
    expect(changedAttributeNames(registry, 'User', {}, { [key]: { badge: '7' } }, { extensionUrns })).toEqual(
      ['urn:ietf:params:scim:schemas:extension:Custom:2.0:User:badge'],
    );
  });

  it('treats null and absent as the same state (RFC 7643 §2.5)', () => {
    expect(changedAttributeNames(registry, 'User', { title: null }, {})).toEqual([]);
    expect(changedAttributeNames(registry, 'User', {}, { title: null })).toEqual([]);
  });

  it('lists a whole extension object that replaces a non-object value', () => {
    expect(
      changedAttributeNames(registry, 'User', { [ENTERPRISE_KEY]: 'x' }, { [ENTERPRISE_KEY]: 'y' }),
    ).toEqual([ENTERPRISE_KEY]);
  });
});
