import { createDefaultRegistry } from '../schema/core-schemas';
import { ENTERPRISE_USER_SCHEMA } from '../schema/schema-urns';
import { ENTERPRISE_KEY, expectScimError } from './patch-test.fixtures';
import { resolvePatchTarget } from './patch-target.resolver';

const registry = createDefaultRegistry();
const lenient = { strictExtensions: false };

describe(resolvePatchTarget.name, () => {
  const sut = (path: string, type = 'User', options = lenient) =>
    resolvePatchTarget(registry, type, path, options);

  it('resolves a core attribute case-insensitively to its canonical name', () => {
    expect(sut('USERNAME')).toMatchObject({
      kind: 'attribute',
      attributePath: 'userName',
      isExtension: false,
    });
  });

  it('resolves a sub-attribute', () => {
    const target = sut('name.GIVENNAME');
    expect(target.kind === 'attribute' && [target.attribute.name, target.sub?.name]).toEqual([
      'name',
      'givenName',
    ]);
  });

  it('resolves a value path with a sub-attribute', () => {
    const target = sut('emails[type eq "work"].value');
    expect(target).toMatchObject({
      kind: 'attribute',
      attributePath: 'emails',
      filter: { kind: 'compare', op: 'eq' },
    });
    expect(target.kind === 'attribute' && target.sub?.name).toBe('value');
  });

  it('resolves an extension attribute despite the "2.0" in the URN', () => {
    expect(sut(`${ENTERPRISE_USER_SCHEMA}:manager`)).toMatchObject({
      kind: 'attribute',
      attributePath: `${ENTERPRISE_USER_SCHEMA}:manager`,
      containerKey: ENTERPRISE_KEY,
      isExtension: true,
    });
  });

  it('resolves an unqualified name that only one extension defines to that extension (bare "manager")', () => {
    expect(sut('manager')).toMatchObject({
      kind: 'attribute',
      attributePath: `${ENTERPRISE_USER_SCHEMA}:manager`,
      containerKey: ENTERPRISE_KEY,
      isExtension: true,
    });
  });

  it('resolves an unqualified extension sub-attribute (bare "manager.value")', () => {
    const target = sut('Manager.Value');
    expect(target.kind === 'attribute' && [target.attributePath, target.sub?.name]).toEqual([
      `${ENTERPRISE_USER_SCHEMA}:manager`,
      'value',
    ]);
  });

  it('resolves an extension URN in another case to the canonical schema', () => {
    expect(sut(ENTERPRISE_USER_SCHEMA.toLowerCase())).toMatchObject({
      kind: 'extension',
      containerKey: ENTERPRISE_KEY,
    });
  });

  it('resolves an undeclared extension attribute leniently', () => {
    expect(sut('urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge')).toMatchObject({
      kind: 'undeclared',
      urn: 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User',
      containerKey: 'urn:ietf:params:scim:schemas:extension:Acme:2_0:User',
      attributeName: 'badge',
    });
  });

  it.each([
    ['urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge', { strictExtensions: true }],
    ['urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge.sub', lenient],
    ['urn:ietf:params:scim:schemas:extension:Acme:2.0:User:badge[value eq "x"]', lenient],
    ['nickName', undefined],
  ])('rejects %s with 400 invalidPath', (path, options) => {
    expectScimError(() => sut(path, options ? 'User' : 'Group', options ?? lenient), 400, 'invalidPath');
  });
});
