import { ScimError, ScimType } from '../errors';
import { createDefaultRegistry, createRegistry } from './core-schemas';
import { parseExtensionConfig } from './extension-config';
import { validateResource, ValidateResourceOptions } from './resource.validator';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, MICROSOFT_GROUP_SCHEMA, USER_SCHEMA } from './schema-urns';

const ENT_KEY = 'urn:ietf:params:scim:schemas:extension:enterprise:2_0:User';
const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
const ACME_KEY = 'urn:ietf:params:scim:schemas:extension:acme:2_0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';
const CUSTOM_KEY = 'urn:ietf:params:scim:schemas:extension:CustomExt:2_0:User';

const registry = createDefaultRegistry();
const create: ValidateResourceOptions = { mode: 'create' };
const user = (extra: Record<string, unknown> = {}) => ({ schemas: [USER_SCHEMA], userName: 'ann', ...extra });
const group = (extra: Record<string, unknown> = {}) => ({
  schemas: [GROUP_SCHEMA],
  displayName: 'Sales',
  ...extra,
});

function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

function expectError(fn: () => unknown, status: number, scimType: ScimType, detail: RegExp): void {
  const error = scimError(fn);
  expect({ status: error.status, scimType: error.scimType }).toEqual({ status, scimType });
  expect(error.detail).toMatch(detail);
}

describe(validateResource.name, () => {
  describe('body and schemas', () => {
    it.each([[null], [[]], ['text'], [42]])('refuses a non-object body %p with invalidSyntax', (body) => {
      expectError(
        () => validateResource(registry, 'User', body, create),
        400,
        'invalidSyntax',
        /JSON object/,
      );
    });

    it('refuses a body without schemas', () => {
      expectError(
        () => validateResource(registry, 'User', { userName: 'a' }, create),
        400,
        'invalidSyntax',
        /'schemas'/,
      );
    });

    it('refuses schemas that is not an array of strings', () => {
      expectError(
        () => validateResource(registry, 'User', { schemas: [1], userName: 'a' }, create),
        400,
        'invalidSyntax',
        /'schemas'/,
      );
    });

    it('refuses schemas without the core schema of the resource type', () => {
      expectError(
        () => validateResource(registry, 'User', { schemas: [GROUP_SCHEMA], userName: 'a' }, create),
        400,
        'invalidSyntax',
        /must include urn:ietf:params:scim:schemas:core:2.0:User/,
      );
    });

    it('finds schemas case-insensitively', () => {
      const sut = validateResource(
        registry,
        'User',
        { SCHEMAS: [USER_SCHEMA.toUpperCase()], userName: 'a' },
        create,
      );
      expect(sut.schemas).toEqual([USER_SCHEMA]);
    });

    it("accepts Microsoft's ADSCIM group schema", () => {
      const sut = validateResource(
        registry,
        'Group',
        group({ schemas: [GROUP_SCHEMA, MICROSOFT_GROUP_SCHEMA] }),
        create,
      );
      expect(sut.schemas).toEqual([GROUP_SCHEMA]);
    });

    it('ignores an unknown schema URN in lenient mode', () => {
      const body = user({
        schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      });
      expect(validateResource(registry, 'User', body, create).schemas).toEqual([USER_SCHEMA]);
    });

    it('refuses an unknown schema URN in strict mode', () => {
      const body = user({ schemas: [USER_SCHEMA, 'urn:x:unknown'] });
      expectError(
        () => validateResource(registry, 'User', body, { mode: 'create', strictExtensions: true }),
        400,
        'invalidSyntax',
        /urn:x:unknown/,
      );
    });

    it('still accepts the ADSCIM group schema in strict mode', () => {
      const body = group({ schemas: [GROUP_SCHEMA, MICROSOFT_GROUP_SCHEMA] });
      expect(() =>
        validateResource(registry, 'Group', body, { mode: 'create', strictExtensions: true }),
      ).not.toThrow();
    });
  });

  describe('core attributes', () => {
    it('stores attribute names in canonical case', () => {
      const sut = validateResource(
        registry,
        'User',
        { schemas: [USER_SCHEMA], USERNAME: 'ann', DisplayName: 'Ann' },
        create,
      );
      expect(sut.attributes).toEqual({ userName: 'ann', displayName: 'Ann' });
    });

    it('ignores unknown core attributes', () => {
      expect(
        validateResource(registry, 'User', user({ shoeSize: 42, _tenant: 'evil' }), create).attributes,
      ).toEqual({
        userName: 'ann',
      });
    });

    it('ignores readOnly attributes id, meta and groups', () => {
      const body = user({ id: 'x', meta: { resourceType: 'User' }, groups: [{ value: 'g1' }] });
      expect(validateResource(registry, 'User', body, create).attributes).toEqual({ userName: 'ann' });
    });

    it('keeps externalId', () => {
      expect(
        validateResource(registry, 'User', user({ externalId: 'E1' }), create).attributes.externalId,
      ).toBe('E1');
    });

    it('treats explicit null as absent', () => {
      const body = user({ title: null, addresses: null, name: { givenName: null } });
      expect(validateResource(registry, 'User', body, create).attributes).toEqual({ userName: 'ann' });
    });

    it('treats an empty array as absent', () => {
      expect(validateResource(registry, 'User', user({ roles: [] }), create).attributes).toEqual({
        userName: 'ann',
      });
    });

    it('coerces Entra boolean strings', () => {
      expect(validateResource(registry, 'User', user({ active: 'False' }), create).attributes.active).toBe(
        false,
      );
    });

    it('reports a wrongly typed attribute with its path', () => {
      expectError(
        () => validateResource(registry, 'User', user({ active: 'no' }), create),
        400,
        'invalidValue',
        /'active'/,
      );
    });

    it('accepts a flattened sub-attribute key', () => {
      expect(
        validateResource(registry, 'User', user({ 'name.givenName': 'Ann' }), create).attributes.name,
      ).toEqual({
        givenName: 'Ann',
      });
    });

    it('does not enforce canonicalValues', () => {
      const sut = validateResource(
        registry,
        'User',
        user({ emails: [{ value: 'a@b', type: 'holiday' }] }),
        create,
      );
      expect(sut.attributes.emails).toEqual([{ value: 'a@b', type: 'holiday' }]);
    });

    it("keeps Entra's create-user body intact", () => {
      const body = {
        schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        externalId: '0a21f0f2',
        userName: 'Test_User',
        active: true,
        emails: [{ primary: true, type: 'work', value: 'Test_User@testuser.com' }],
        meta: { resourceType: 'User' },
        name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
        roles: [],
      };
      const sut = validateResource(registry, 'User', body, create);
      expect(sut).toEqual({
        schemas: [USER_SCHEMA],
        attributes: {
          externalId: '0a21f0f2',
          userName: 'Test_User',
          active: true,
          emails: [{ primary: true, type: 'work', value: 'Test_User@testuser.com' }],
          name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
        },
      });
    });
  });

  describe('required attributes', () => {
    it('refuses a user without userName', () => {
      expectError(
        () => validateResource(registry, 'User', { schemas: [USER_SCHEMA] }, create),
        400,
        'invalidValue',
        /'userName' is required/,
      );
    });

    it('refuses a null userName', () => {
      expectError(
        () => validateResource(registry, 'User', user({ userName: null }), create),
        400,
        'invalidValue',
        /'userName' is required/,
      );
    });

    it('refuses a group without displayName', () => {
      expectError(
        () => validateResource(registry, 'Group', { schemas: [GROUP_SCHEMA] }, create),
        400,
        'invalidValue',
        /'displayName' is required/,
      );
    });

    it('refuses a missing required sub-attribute of a custom extension', () => {
      const custom = createRegistry(
        parseExtensionConfig([
          {
            schema: ACME,
            attributes: [
              {
                name: 'badge',
                type: 'complex',
                subAttributes: [{ name: 'number', type: 'integer', required: true }, { name: 'color' }],
              },
            ],
          },
        ]),
      );
      expectError(
        () => validateResource(custom, 'User', user({ [ACME]: { badge: { color: 'red' } } }), create),
        400,
        'invalidValue',
        /'urn:ietf:params:scim:schemas:extension:acme:2.0:User:badge.number' is required/,
      );
    });

    it('refuses a resource without a required extension', () => {
      const custom = createRegistry(
        parseExtensionConfig([
          { schema: ACME, required: true, attributes: [{ name: 'code', required: true }] },
        ]),
      );
      expectError(
        () => validateResource(custom, 'User', user(), create),
        400,
        'invalidValue',
        /extension:acme:2.0:User is required/,
      );
    });
  });

  describe('multi-valued attributes', () => {
    it('refuses two primary values', () => {
      const emails = [
        { value: 'a@b', primary: true },
        { value: 'c@d', primary: 'True' },
      ];
      expectError(
        () => validateResource(registry, 'User', user({ emails }), create),
        400,
        'invalidValue',
        /'emails' has 2 values marked primary/,
      );
    });

    it('accepts one primary value', () => {
      const emails = [
        { value: 'a@b', primary: true },
        { value: 'c@d', primary: false },
      ];
      expect(validateResource(registry, 'User', user({ emails }), create).attributes.emails).toEqual(emails);
    });
  });

  describe('password', () => {
    it('returns the password separately and never stores it', () => {
      const sut = validateResource(registry, 'User', user({ Password: 's3cret' }), create);
      expect(sut.password).toBe('s3cret');
      expect(sut.attributes).toEqual({ userName: 'ann' });
    });

    it('refuses a non-string password', () => {
      expectError(
        () => validateResource(registry, 'User', user({ password: { hash: 'x' } }), create),
        400,
        'invalidValue',
        /'password'/,
      );
    });
  });

  describe('enterprise extension', () => {
    it('stores nested extension data under the storage key', () => {
      const body = user({
        schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        [ENTERPRISE_USER_SCHEMA]: { Department: 'R&D' },
      });
      const sut = validateResource(registry, 'User', body, create);
      expect(sut.attributes[ENT_KEY]).toEqual({ department: 'R&D' });
      expect(sut.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
    });

    it("accepts Entra's flattened extension keys", () => {
      const body = user({
        [`${ENTERPRISE_USER_SCHEMA}:employeeNumber`]: '701984',
        [`${ENTERPRISE_USER_SCHEMA}:department`]: 'R&D',
      });
      expect(validateResource(registry, 'User', body, create).attributes[ENT_KEY]).toEqual({
        employeeNumber: '701984',
        department: 'R&D',
      });
    });

    it('matches the extension URN case-insensitively', () => {
      const body = user({ [ENTERPRISE_USER_SCHEMA.toLowerCase()]: { costCenter: '4130' } });
      expect(validateResource(registry, 'User', body, create).attributes[ENT_KEY]).toEqual({
        costCenter: '4130',
      });
    });

    it('lists the extension in schemas only when it has data', () => {
      const body = user({
        schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        [ENTERPRISE_USER_SCHEMA]: { department: null },
      });
      const sut = validateResource(registry, 'User', body, create);
      expect(sut.schemas).toEqual([USER_SCHEMA]);
      expect(sut.attributes).not.toHaveProperty(ENT_KEY);
    });

    it('refuses a non-object extension value', () => {
      expectError(
        () => validateResource(registry, 'User', user({ [ENTERPRISE_USER_SCHEMA]: 'x' }), create),
        400,
        'invalidValue',
        /JSON object/,
      );
    });

    it.each([
      ['a plain id', 'm1'],
      ['{value}', { value: 'm1' }],
      ['a legacy array', [{ $ref: 'https://x/Users/m1', value: 'm1' }]],
      ['{value, $ref, displayName}', { value: 'm1', $ref: 'https://x/Users/m1', displayName: 'Boss' }],
    ])('normalizes a manager sent as %s to {value}', (_label, manager) => {
      const body = user({ [ENTERPRISE_USER_SCHEMA]: { manager } });
      expect(validateResource(registry, 'User', body, create).attributes[ENT_KEY]).toEqual({
        manager: { value: 'm1' },
      });
    });

    it.each([[''], [null], [{ value: '' }]])('treats manager %p as no manager', (manager) => {
      const body = user({ [`${ENTERPRISE_USER_SCHEMA}:manager`]: manager });
      expect(validateResource(registry, 'User', body, create).attributes).toEqual({ userName: 'ann' });
    });

    it('ignores an unknown attribute of a declared extension in lenient mode', () => {
      const body = user({ [`${ENTERPRISE_USER_SCHEMA}:shoeSize`]: '42' });
      expect(validateResource(registry, 'User', body, create).attributes).toEqual({ userName: 'ann' });
    });

    it('refuses an unknown attribute of a declared extension in strict mode', () => {
      const body = user({ [ENTERPRISE_USER_SCHEMA]: { shoeSize: '42' } });
      expectError(
        () => validateResource(registry, 'User', body, { mode: 'create', strictExtensions: true }),
        400,
        'invalidPath',
        /enterprise:2.0:User:shoeSize/,
      );
    });
  });

  describe('undeclared extensions', () => {
    it('stores flattened attributes as strings in lenient mode', () => {
      const body = user({
        [`${CUSTOM}:isContractor`]: true,
        [`${CUSTOM}:level`]: 3,
        [`${CUSTOM}:site`]: 'Oslo',
      });
      const sut = validateResource(registry, 'User', body, create);
      expect(sut.attributes[CUSTOM_KEY]).toEqual({ isContractor: 'true', level: '3', site: 'Oslo' });
      expect(sut.schemas).toEqual([USER_SCHEMA, CUSTOM]);
    });

    it('stores nested attributes too', () => {
      const body = user({ [CUSTOM]: { site: 'Oslo' } });
      expect(validateResource(registry, 'User', body, create).attributes[CUSTOM_KEY]).toEqual({
        site: 'Oslo',
      });
    });

    it('refuses a complex value for an undeclared attribute', () => {
      expectError(
        () => validateResource(registry, 'User', user({ [`${CUSTOM}:site`]: { a: 1 } }), create),
        400,
        'invalidValue',
        /CustomExt:2.0:User:site/,
      );
    });

    it('refuses undeclared attributes in strict mode', () => {
      expectError(
        () =>
          validateResource(registry, 'User', user({ [`${CUSTOM}:site`]: 'Oslo' }), {
            mode: 'create',
            strictExtensions: true,
          }),
        400,
        'invalidPath',
        /undeclared schema extension/,
      );
    });

    it('refuses an invalid attribute name inside an undeclared extension', () => {
      expectError(
        () => validateResource(registry, 'User', user({ [CUSTOM]: { __proto__x: 'a' } }), create),
        400,
        'invalidPath',
        /__proto__x/,
      );
    });

    it('ignores a User extension sent to /Groups', () => {
      expect(
        validateResource(registry, 'Group', group({ [`${CUSTOM}:site`]: 'Oslo' }), create).attributes,
      ).toEqual({
        displayName: 'Sales',
      });
    });

    it('keeps the URN spelling already stored so case variants share one field', () => {
      const existing = { userName: 'ann', schemas: [USER_SCHEMA, CUSTOM], [CUSTOM_KEY]: { site: 'Oslo' } };
      const body = user({ [`${CUSTOM.toLowerCase()}:site`]: 'Bergen' });
      const sut = validateResource(registry, 'User', body, { mode: 'replace', existing });
      expect(sut.attributes[CUSTOM_KEY]).toEqual({ site: 'Bergen' });
      expect(sut.schemas).toEqual([USER_SCHEMA, CUSTOM]);
    });
  });

  describe('custom declared extension', () => {
    const custom = createRegistry(
      parseExtensionConfig({
        extensions: [{ schema: ACME, attributes: [{ name: 'badgeNumber', type: 'integer' }] }],
      }),
    );

    it('type-checks its attributes', () => {
      expectError(
        () => validateResource(custom, 'User', user({ [`${ACME}:badgeNumber`]: 'x' }), create),
        400,
        'invalidValue',
        /acme:2.0:User:badgeNumber' must be an integer/,
      );
    });

    it('stores coerced values under its storage key', () => {
      const sut = validateResource(custom, 'User', user({ [`${ACME}:badgeNumber`]: '17' }), create);
      expect(sut.attributes[ACME_KEY]).toEqual({ badgeNumber: 17 });
      expect(sut.schemas).toEqual([USER_SCHEMA, ACME]);
    });
  });

  describe('group members', () => {
    it('returns members separately, without $ref, deduplicated', () => {
      const members = [
        { $ref: null, value: 'u1' },
        { value: 'g2', type: 'Group', display: 'Team' },
        { value: 'u1' },
      ];
      const sut = validateResource(registry, 'Group', group({ members }), create);
      expect(sut.members).toEqual([{ value: 'u1' }, { value: 'g2', type: 'Group', display: 'Team' }]);
      expect(sut.attributes).toEqual({ displayName: 'Sales' });
    });

    it('returns an empty list for members: []', () => {
      expect(validateResource(registry, 'Group', group({ members: [] }), create).members).toEqual([]);
    });

    it('returns an empty list for members: null', () => {
      expect(validateResource(registry, 'Group', group({ members: null }), create).members).toEqual([]);
    });

    it('leaves members undefined when the key is absent', () => {
      expect(validateResource(registry, 'Group', group(), create).members).toBeUndefined();
    });

    it('refuses a member without value', () => {
      expectError(
        () => validateResource(registry, 'Group', group({ members: [{ type: 'User' }] }), create),
        400,
        'invalidValue',
        /'members\[0\].value' is required/,
      );
    });
  });

  describe('immutable attributes in replace mode', () => {
    const custom = createRegistry(
      parseExtensionConfig([
        {
          schema: ACME,
          attributes: [
            { name: 'hireCode', mutability: 'immutable' },
            {
              name: 'badge',
              type: 'complex',
              subAttributes: [{ name: 'serial', mutability: 'immutable' }, { name: 'color' }],
            },
          ],
        },
      ]),
    );
    const existing = {
      userName: 'ann',
      [ACME_KEY]: { hireCode: 'H1', badge: { serial: 'S1', color: 'red' } },
    };
    const replace = (attrs: Record<string, unknown>) =>
      validateResource(custom, 'User', user({ [ACME]: attrs }), { mode: 'replace', existing });

    it('refuses a changed immutable attribute with 400 mutability', () => {
      expectError(
        () => replace({ hireCode: 'H2' }),
        400,
        'mutability',
        /acme:2.0:User:hireCode' is immutable/,
      );
    });

    it('accepts the same value, compared without regard to case', () => {
      expect(replace({ hireCode: 'h1', badge: { serial: 'S1' } }).attributes[ACME_KEY]).toEqual({
        hireCode: 'h1',
        badge: { serial: 'S1' },
      });
    });

    it('keeps the stored value when the attribute is left out', () => {
      expect(replace({}).attributes[ACME_KEY]).toEqual({ hireCode: 'H1', badge: { serial: 'S1' } });
    });

    it('refuses a changed immutable sub-attribute', () => {
      expectError(
        () => replace({ hireCode: 'H1', badge: { serial: 'S2' } }),
        400,
        'mutability',
        /badge.serial' is immutable/,
      );
    });

    it('does not check immutability on create', () => {
      const sut = validateResource(custom, 'User', user({ [ACME]: { hireCode: 'H2' } }), {
        mode: 'create',
        existing,
      });
      expect(sut.attributes[ACME_KEY]).toEqual({ hireCode: 'H2' });
    });
  });
});
