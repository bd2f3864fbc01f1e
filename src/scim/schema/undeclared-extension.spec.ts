import { createDefaultRegistry } from './core-schemas';
import { ENTERPRISE_USER_SCHEMA } from './schema-urns';
import { parseUndeclaredExtensionPath, undeclaredExtensionUrn } from './undeclared-extension';

const registry = createDefaultRegistry();
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';

describe(parseUndeclaredExtensionPath.name, () => {
  it('recognises an attribute of an undeclared User extension', () => {
    const sut = parseUndeclaredExtensionPath(registry, 'User', `${CUSTOM}:isContractor`);
    expect(sut).toMatchObject({
      urn: CUSTOM,
      storageKey: 'urn:ietf:params:scim:schemas:extension:CustomExt:2_0:User',
      attributeName: 'isContractor',
      attribute: { name: 'isContractor', type: 'string', mutability: 'readWrite' },
    });
  });

  it('recognises the URN alone', () => {
    const sut = parseUndeclaredExtensionPath(registry, 'User', CUSTOM);
    expect(sut?.attributeName).toBeUndefined();
    expect(sut?.urn).toBe(CUSTOM);
  });

  it('recognises an extension name with several segments', () => {
    const urn = 'urn:ietf:params:scim:schemas:extension:acme:hr:1.0:User';
    expect(parseUndeclaredExtensionPath(registry, 'User', `${urn}:grade`)?.urn).toBe(urn);
  });

  it('leaves declared extensions to the registry', () => {
    expect(
      parseUndeclaredExtensionPath(registry, 'User', `${ENTERPRISE_USER_SCHEMA}:department`),
    ).toBeUndefined();
  });

  it('ignores a User extension on Group', () => {
    expect(parseUndeclaredExtensionPath(registry, 'Group', `${CUSTOM}:site`)).toBeUndefined();
  });

  it('ignores a non-extension URN', () => {
    expect(parseUndeclaredExtensionPath(registry, 'User', 'urn:example:foo:2.0:User:bar')).toBeUndefined();
  });

  it('ignores a sub-attribute path', () => {
    expect(parseUndeclaredExtensionPath(registry, 'User', `${CUSTOM}:site.code`)).toBeUndefined();
  });
});

describe(undeclaredExtensionUrn.name, () => {
  it('prefers the spelling listed in the document schemas', () => {
    const odd = 'urn:ietf:params:scim:schemas:extension:my.co:2.0:User';
    expect(undeclaredExtensionUrn('urn:ietf:params:scim:schemas:extension:my_co:2_0:User', [odd])).toBe(odd);
  });

  it('restores the version dot otherwise', () => {
    expect(undeclaredExtensionUrn('urn:ietf:params:scim:schemas:extension:CustomExt:2_0:User')).toBe(CUSTOM);
  });

  it('ignores fields that are not extension keys', () => {
    expect(undeclaredExtensionUrn('userName')).toBeUndefined();
  });
});
