import { createDefaultRegistry } from '../schema/core-schemas';
import { ENTERPRISE_USER_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../schema/schema-urns';
import { applyPatch } from './patch.engine';
import { babs, ENTERPRISE_KEY, entraUser, expectScimError, group, patchBody } from './patch-test.fixtures';
import { PatchOptions, StorageAttributes } from './patch.types';

/** Microsoft Entra ID traffic (docs/entra.md §4.5–§4.18, §5, §7.2, §7.3, §7.4), in both PATCH dialects. */
const registry = createDefaultRegistry();
const EXT = ENTERPRISE_USER_SCHEMA;
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

function patch(resource: StorageAttributes, body: unknown, options?: PatchOptions) {
  return applyPatch(registry, 'User', resource, body, options);
}

function enterprise(resource: StorageAttributes): Record<string, unknown> | undefined {
  return resource[ENTERPRISE_KEY] as Record<string, unknown> | undefined;
}

describe(`${applyPatch.name} with Entra requests`, () => {
  describe('users (entra.md §4.5–§4.7)', () => {
    it('§4.5: replaces the work email by value path and the family name', () => {
      const sut = patch(
        entraUser(),
        patchBody(
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
          { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
        ),
      );
      expect(sut.resource.emails).toEqual([
        { value: 'updatedEmail@microsoft.com', type: 'work', primary: true },
      ]);
      expect(sut.resource.name).toEqual({ givenName: 'Test', familyName: 'updatedFamilyName' });
      expect(sut.changed.sort()).toEqual(['emails', 'name']);
    });

    it('§4.5: creates the work email when the user has none', () => {
      const user = entraUser();
      delete user.emails;
      const sut = patch(
        user,
        patchBody({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@contoso.com' }),
      );
      expect(sut.resource.emails).toEqual([{ type: 'work', value: 'new@contoso.com' }]);
    });

    it('§4.6: renames userName', () => {
      const sut = patch(
        entraUser(),
        patchBody({
          op: 'Replace',
          path: 'userName',
          value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com',
        }),
      );
      expect(sut.resource.userName).toBe('5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
      expect(sut.changed).toEqual(['userName']);
    });

    it('§4.7: disables a user with a boolean, "Operations" before "schemas"', () => {
      const body = {
        Operations: [{ op: 'Replace', path: 'active', value: false }],
        schemas: [PATCH_OP_SCHEMA],
      };
      expect(patch(entraUser(), body).resource.active).toBe(false);
    });

    it.each(['False', 'false', 'FALSE'])(
      '§5: disables a user with the string %p (default dialect)',
      (value) => {
        const sut = patch(entraUser(), patchBody({ op: 'Replace', path: 'active', value }));
        expect(sut.resource.active).toBe(false);
        expect(sut.changed).toEqual(['active']);
      },
    );

    it('§7.5: re-enables a user with "True"', () => {
      const user = { ...entraUser(), active: false };
      expect(patch(user, patchBody({ op: 'Replace', path: 'active', value: 'True' })).resource.active).toBe(
        true,
      );
    });

    it('§5 (flag): disables with lower-case op and a real boolean', () => {
      expect(
        patch(entraUser(), patchBody({ op: 'replace', path: 'active', value: false })).resource.active,
      ).toBe(false);
    });
  });

  describe('§5 dialect table', () => {
    it.each(['Add', 'add'])('adds a single-valued string with op %p', (op) => {
      expect(patch(entraUser(), patchBody({ op, path: 'nickName', value: 'Babs' })).resource.nickName).toBe(
        'Babs',
      );
    });

    const expected = (resource: StorageAttributes, employeeNumber: string) => {
      expect(resource).toMatchObject({
        displayName: 'Pvlo',
        emails: [{ value: 'TestBcwqnm@test.microsoft.com', type: 'work', primary: true }],
        name: { givenName: 'Gtfd', familyName: 'Pkqf' },
      });
      expect(enterprise(resource)).toEqual({ employeeNumber });
    };

    it('replace-multiple, default dialect: one op per attribute', () => {
      const sut = patch(
        entraUser(),
        patchBody(
          { op: 'Replace', path: 'displayName', value: 'Pvlo' },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
          { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
          { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
          { op: 'Replace', path: 'externalId', value: 'Eqpj' },
          { op: 'Replace', path: `${EXT}:employeeNumber`, value: 'Eqpj' },
        ),
      );
      expected(sut.resource, 'Eqpj');
      expect(sut.resource.externalId).toBe('Eqpj');
      expect(sut.resource.schemas).toEqual([USER_SCHEMA, EXT]);
      expect(sut.changed.sort()).toEqual([
        'displayName',
        'emails',
        'externalId',
        'name',
        `${EXT}:employeeNumber`,
      ]);
    });

    it('replace-multiple, flag dialect: path-less object whose keys are dotted and URN-prefixed paths', () => {
      const sut = patch(
        entraUser(),
        patchBody(
          { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
          {
            op: 'replace',
            value: {
              displayName: 'Pvlo',
              'name.givenName': 'Gtfd',
              'name.familyName': 'Pkqf',
              [`${EXT}:employeeNumber`]: 'Aklq',
            },
          },
        ),
      );
      expected(sut.resource, 'Aklq');
      // The keys are paths, never literal attribute names (docs/entra.md §5 "Key quirk").
      expect(Object.keys(sut.resource)).not.toContain('name.givenName');
      expect(Object.keys(sut.resource)).not.toContain(`${EXT}:employeeNumber`);
    });

    it('path-less add with dotted keys (pond/scimitar#123 shape)', () => {
      const sut = patch(
        entraUser(),
        patchBody({
          op: 'add',
          value: {
            displayName: 'Jane Doe',
            title: 'Engineer',
            'name.givenName': 'Jane',
            'name.familyName': 'Doe',
            'name.formatted': 'Jane Doe',
          },
        }),
      );
      expect(sut.resource).toMatchObject({
        displayName: 'Jane Doe',
        title: 'Engineer',
        name: { givenName: 'Jane', familyName: 'Doe', formatted: 'Jane Doe' },
      });
    });

    it('2020 flag examples: primary by value path, path-less {active, userName}, enterprise department', () => {
      const user = {
        ...entraUser(),
        emails: [
          { value: 'a@contoso.com', type: 'home', primary: true },
          { value: 'b@contoso.com', type: 'work' },
        ],
      };
      const sut = patch(
        user,
        patchBody(
          { op: 'replace', path: 'emails[type eq "work"].primary', value: true },
          { op: 'replace', value: { active: false, userName: 'someone' } },
          { op: 'add', path: `${EXT}:department`, value: 'Tech Infrastructure' },
        ),
      );
      expect(sut.resource.emails).toEqual([
        { value: 'a@contoso.com', type: 'home', primary: false },
        { value: 'b@contoso.com', type: 'work', primary: true },
      ]);
      expect(sut.resource).toMatchObject({ active: false, userName: 'someone' });
      expect(enterprise(sut.resource)).toEqual({ department: 'Tech Infrastructure' });
    });

    it('"True" as the primary of a value path (default dialect)', () => {
      const user = {
        ...entraUser(),
        emails: [
          { value: 'a@c.com', type: 'home', primary: true },
          { value: 'b@c.com', type: 'work' },
        ],
      };
      const sut = patch(
        user,
        patchBody({ op: 'Replace', path: 'emails[type eq "work"].primary', value: 'True' }),
      );
      expect((sut.resource.emails as Record<string, unknown>[]).map((e) => e.primary)).toEqual([false, true]);
    });
  });

  describe('multi-valued by type (entra.md §5 "Other PATCH facts", §7.4)', () => {
    it.each(['Add', 'Replace'])('%s phoneNumbers[type eq "mobile"].value creates the mobile number', (op) => {
      const sut = patch(
        entraUser(),
        patchBody({ op, path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' }),
      );
      expect(sut.resource.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0100' }]);
    });

    it('a second request updates the mobile number in place', () => {
      const first = patch(
        entraUser(),
        patchBody({ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '1' }),
      );
      const sut = patch(
        first.resource,
        patchBody({ op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '2' }),
      );
      expect(sut.resource.phoneNumbers).toEqual([{ type: 'mobile', value: '2' }]);
    });

    it('fills several address parts by value path, creating the work address once', () => {
      const sut = patch(
        entraUser(),
        patchBody(
          { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Microsoft Way' },
          { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Redmond' },
          { op: 'Add', path: 'addresses[type eq "work"].postalCode', value: '98052' },
        ),
      );
      expect(sut.resource.addresses).toEqual([
        { type: 'work', streetAddress: '1 Microsoft Way', locality: 'Redmond', postalCode: '98052' },
      ]);
    });

    it('matches the filter value case-insensitively (type is not caseExact)', () => {
      const sut = patch(
        entraUser(),
        patchBody({ op: 'Replace', path: 'emails[type eq "WORK"].value', value: 'x@c.com' }),
      );
      expect(sut.resource.emails).toEqual([{ value: 'x@c.com', type: 'work', primary: true }]);
    });
  });

  describe('manager (entra.md §4.18, §7.2)', () => {
    const withManager = () => ({
      ...entraUser(),
      schemas: [USER_SCHEMA, EXT],
      [ENTERPRISE_KEY]: { manager: { value: 'm1' } },
    });

    it.each([
      ['a plain id string', '2c2f6fb8-aaaa'],
      ['{value}', { value: '2c2f6fb8-aaaa' }],
      [
        'a legacy one-element array with $ref (§4.18)',
        [{ $ref: 'http://x/scim/Users/2c2f6fb8-aaaa', value: '2c2f6fb8-aaaa' }],
      ],
      [
        '{value, $ref, displayName}',
        { value: '2c2f6fb8-aaaa', $ref: 'http://x/Users/2c2f6fb8-aaaa', displayName: 'Boss' },
      ],
    ])('add/replace with %s stores {value} only', (_name, value) => {
      for (const op of ['Add', 'replace']) {
        const sut = patch(entraUser(), patchBody({ op, path: `${EXT}:manager`, value }));
        expect(enterprise(sut.resource)).toEqual({ manager: { value: '2c2f6fb8-aaaa' } });
        expect(sut.resource.schemas).toEqual([USER_SCHEMA, EXT]);
        expect(sut.changed).toEqual([`${EXT}:manager`]);
      }
    });

    it('the legacy bare path "manager" (§4.18) sets the enterprise manager (RFC 7644 §3.10: URN is a SHOULD)', () => {
      const sut = patch(
        entraUser(),
        patchBody({
          op: 'Add',
          path: 'manager',
          value: [{ $ref: 'http://x/scim/Users/2c2f6fb8-aaaa', value: '2c2f6fb8-aaaa' }],
        }),
      );
      expect(enterprise(sut.resource)).toEqual({ manager: { value: '2c2f6fb8-aaaa' } });
      expect(sut.resource.schemas).toEqual([USER_SCHEMA, EXT]);
    });

    it('removes the manager by the bare value path manager[value eq "id"]', () => {
      const sut = patch(withManager(), patchBody({ op: 'remove', path: 'manager[value eq "m1"]' }));
      expect(sut.resource).not.toHaveProperty(ENTERPRISE_KEY);
    });

    it('replaces an existing manager', () => {
      const sut = patch(withManager(), patchBody({ op: 'Replace', path: `${EXT}:manager`, value: 'm2' }));
      expect(enterprise(sut.resource)).toEqual({ manager: { value: 'm2' } });
    });

    it('accepts manager.value as a path', () => {
      const sut = patch(
        withManager(),
        patchBody({ op: 'replace', path: `${EXT}:manager.value`, value: 'm3' }),
      );
      expect(enterprise(sut.resource)).toEqual({ manager: { value: 'm3' } });
    });

    it('a path to manager.$ref is 400 invalidPath ("$" is not an ATTRNAME character, RFC 7644 Figure 1)', () => {
      expectScimError(
        () => patch(withManager(), patchBody({ op: 'replace', path: `${EXT}:manager.$ref`, value: 'u' })),
        400,
        'invalidPath',
      );
    });

    it('replacing the manager with the same id changes nothing', () => {
      expect(
        patch(withManager(), patchBody({ op: 'Replace', path: `${EXT}:manager`, value: 'm1' })).changed,
      ).toEqual([]);
    });

    it.each([
      ['replace with ""', { op: 'Replace', path: `${EXT}:manager`, value: '' }],
      ['replace with null', { op: 'replace', path: `${EXT}:manager`, value: null }],
      ['replace with {"value": ""}', { op: 'replace', path: `${EXT}:manager`, value: { value: '' } }],
      ['replace with an empty array', { op: 'replace', path: `${EXT}:manager`, value: [] }],
      ['replace manager.value with ""', { op: 'replace', path: `${EXT}:manager.value`, value: '' }],
      ['remove by URN path', { op: 'remove', path: `${EXT}:manager` }],
      ['remove manager[value eq "m1"]', { op: 'remove', path: `${EXT}:manager[value eq "m1"]` }],
      [
        'remove with the current id as value',
        { op: 'Remove', path: `${EXT}:manager`, value: [{ value: 'm1' }] },
      ],
      ['path-less replace with the extension object', { op: 'replace', value: { [EXT]: { manager: '' } } }],
    ])('%s removes the manager (and the emptied extension)', (_name, operation) => {
      const sut = patch(withManager(), patchBody(operation));
      expect(sut.resource).not.toHaveProperty(ENTERPRISE_KEY);
      expect(sut.resource.schemas).toEqual([USER_SCHEMA]);
      expect(sut.changed).toEqual([`${EXT}:manager`]);
    });

    it('remove manager[value eq "other"] keeps a different manager', () => {
      const sut = patch(withManager(), patchBody({ op: 'remove', path: `${EXT}:manager[value eq "other"]` }));
      expect(enterprise(sut.resource)).toEqual({ manager: { value: 'm1' } });
      expect(sut.changed).toEqual([]);
    });

    it('a filtered write to a different manager is 400 noTarget (a singular value is never overwritten by it)', () => {
      expectScimError(
        () =>
          patch(
            withManager(),
            patchBody({ op: 'replace', path: `${EXT}:manager[value eq "other"].value`, value: 'm9' }),
          ),
        400,
        'noTarget',
      );
    });

    it('removing the manager keeps the other enterprise attributes', () => {
      const user = { ...withManager(), [ENTERPRISE_KEY]: { manager: { value: 'm1' }, department: 'D' } };
      const sut = patch(user, patchBody({ op: 'Remove', path: `${EXT}:manager` }));
      expect(enterprise(sut.resource)).toEqual({ department: 'D' });
    });

    it('a manager array of two values is invalid', () => {
      expectScimError(
        () =>
          patch(
            entraUser(),
            patchBody({ op: 'Add', path: `${EXT}:manager`, value: [{ value: 'a' }, { value: 'b' }] }),
          ),
        400,
        'invalidValue',
      );
    });
  });

  describe('roles (entra.md §7.3)', () => {
    const jsonRole = '{"id":"06b07648-ecfe-589f-9d2f-6f5f6f5a5b5c","value":"25","displayName":"Role1234"}';

    it('SingleAppRoleAssignment PATCH: add with a JSON-encoded string value, kept as a string', () => {
      const sut = patch(entraUser(), patchBody({ op: 'Add', path: 'roles', value: [{ value: jsonRole }] }));
      expect(sut.resource.roles).toEqual([{ value: jsonRole }]);
    });

    it('AppRoleAssignmentsComplex: add appends and never removes', () => {
      const user = {
        ...entraUser(),
        roles: [{ value: 'User', type: 'WindowsAzureActiveDirectoryRole', primary: false }],
      };
      const sut = patch(user, patchBody({ op: 'Add', path: 'roles', value: [{ value: jsonRole }] }));
      expect(sut.resource.roles).toEqual([...user.roles, { value: jsonRole }]);
    });

    it('AssertiveAppRoleAssignmentsComplex: replace sets exactly the assigned roles', () => {
      const user = { ...entraUser(), roles: [{ value: 'Old' }] };
      const roles = [
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'User', value: 'User' },
        { primary: 'False', type: 'WindowsAzureActiveDirectoryRole', display: 'Admin', value: 'Admin' },
      ];
      const sut = patch(user, patchBody({ op: 'replace', path: 'roles', value: roles }));
      expect(sut.resource.roles).toEqual([
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'User', value: 'User' },
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'Admin', value: 'Admin' },
      ]);
    });

    it.each(['value', 'display', 'type'])(
      'roles[primary eq "True"].%s creates then updates the primary role',
      (sub) => {
        const first = patch(
          entraUser(),
          patchBody({ op: 'Replace', path: `roles[primary eq "True"].${sub}`, value: 'A' }),
        );
        expect(first.resource.roles).toEqual([{ primary: true, [sub]: 'A' }]);
        const second = patch(
          first.resource,
          patchBody({ op: 'Replace', path: `roles[primary eq "True"].${sub}`, value: 'B' }),
        );
        expect(second.resource.roles).toEqual([{ primary: true, [sub]: 'B' }]);
      },
    );

    it('roles[primary eq "True"] matches a stored boolean true among non-primary roles', () => {
      const user = {
        ...entraUser(),
        roles: [
          { value: 'x', primary: false },
          { value: 'y', primary: true },
        ],
      };
      const sut = patch(
        user,
        patchBody({ op: 'Replace', path: 'roles[primary eq "True"].value', value: 'z' }),
      );
      expect(sut.resource.roles).toEqual([
        { value: 'x', primary: false },
        { value: 'z', primary: true },
      ]);
    });
  });

  describe('undeclared extensions (entra.md §7.4)', () => {
    it('stores a custom extension attribute as a string and lists its URN', () => {
      const sut = patch(entraUser(), patchBody({ op: 'Add', path: `${CUSTOM}:costCode`, value: 'CC-1' }));
      const key = CUSTOM.replace(/\./g, '_');
      expect(sut.resource[key]).toEqual({ costCode: 'CC-1' });
      expect(sut.resource.schemas).toEqual([USER_SCHEMA, CUSTOM]);
      expect(sut.changed).toEqual([`${CUSTOM}:costCode`]);
    });

    it.each([
      [true, 'true'],
      ['True', 'True'],
      [42, '42'],
    ])('keeps %p as the string %p', (value, stored) => {
      const sut = patch(entraUser(), patchBody({ op: 'replace', value: { [`${CUSTOM}:flag`]: value } }));
      expect(sut.resource[CUSTOM.replace(/\./g, '_')]).toEqual({ flag: stored });
    });

    it('removes a custom attribute and then the emptied extension', () => {
      const first = patch(entraUser(), patchBody({ op: 'Add', path: `${CUSTOM}:costCode`, value: 'CC-1' }));
      const sut = patch(first.resource, patchBody({ op: 'Remove', path: `${CUSTOM}:costCode` }));
      expect(sut.resource).toEqual(entraUser());
    });

    it('rejects a complex value for a custom attribute', () => {
      expectScimError(
        () => patch(entraUser(), patchBody({ op: 'Add', path: `${CUSTOM}:x`, value: { a: 1 } })),
        400,
        'invalidValue',
      );
    });

    it('strictExtensions: a custom extension attribute is 400 invalidPath', () => {
      expectScimError(
        () =>
          patch(entraUser(), patchBody({ op: 'Add', path: `${CUSTOM}:costCode`, value: 'x' }), {
            strictExtensions: true,
          }),
        400,
        'invalidPath',
      );
    });

    it('a custom extension of another resource type is 400 invalidPath', () => {
      expectScimError(
        () =>
          patch(
            entraUser(),
            patchBody({
              op: 'Add',
              path: 'urn:ietf:params:scim:schemas:extension:X:2.0:Group:a',
              value: 'x',
            }),
          ),
        400,
        'invalidPath',
      );
    });
  });

  describe('groups (entra.md §4.12–§4.14, §5)', () => {
    const patchGroup = (...ops: unknown[]) => applyPatch(registry, 'Group', group(), patchBody(...ops));

    it('§4.12: replaces the display name', () => {
      const sut = patchGroup({
        op: 'Replace',
        path: 'displayName',
        value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName',
      });
      expect(sut.resource.displayName).toBe('1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
      expect(sut.members).toBeUndefined();
    });

    it('§4.13: adds a member with "$ref": null', () => {
      const sut = patchGroup({
        op: 'Add',
        path: 'members',
        value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }],
      });
      expect(sut.members).toEqual({ add: [{ value: 'f648f8d5ea4e4cd38e9c' }], remove: [], removeAll: false });
    });

    it('§4.14 / §5 default: remove with a value list removes only the listed members', () => {
      const sut = patchGroup({
        op: 'Remove',
        path: 'members',
        value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }],
      });
      expect(sut.members).toEqual({ add: [], remove: ['f648f8d5ea4e4cd38e9c'], removeAll: false });
    });

    it('§5 flag: remove members[value eq "…"] without a value', () => {
      const sut = patchGroup({
        op: 'remove',
        path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]',
      });
      expect(sut.members).toEqual({
        add: [],
        remove: ['7f4bc1a3-285e-48ae-8202-5accb43efb0e'],
        removeAll: false,
      });
    });

    it('§5 flag: add members without $ref, several per operation and several operations', () => {
      const sut = patchGroup(
        { op: 'add', path: 'members', value: [{ value: '10263a69' }, { value: 'u2' }] },
        { op: 'add', path: 'members', value: [{ value: 'u3' }, { value: 'u2' }] },
      );
      expect(sut.members?.add.map((m) => m.value)).toEqual(['10263a69', 'u2', 'u3']);
    });
  });

  it('accepts the RFC example user too (sanity: not only Entra-shaped resources)', () => {
    expect(patch(babs(), patchBody({ op: 'Replace', path: 'active', value: 'False' })).resource.active).toBe(
      false,
    );
  });
});
