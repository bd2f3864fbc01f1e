import { ScimError } from '../errors';
import { AttributeDefinition } from '../schema/attribute-definition';
import { createDefaultRegistry, createRegistry } from '../schema/core-schemas';
import { ENTERPRISE_USER_SCHEMA, PATCH_OP_SCHEMA, USER_SCHEMA } from '../schema/schema-urns';
import { applyPatch } from './patch.engine';
import { babs, deepFreeze, ENTERPRISE_KEY, expectScimError, group, patchBody } from './patch-test.fixtures';
import { PatchOptions, StorageAttributes } from './patch.types';

const registry = createDefaultRegistry();

function patchUser(resource: StorageAttributes, ops: unknown[], options?: PatchOptions) {
  return applyPatch(registry, 'User', resource, patchBody(...ops), options);
}

function patchGroup(ops: unknown[], options?: PatchOptions) {
  return applyPatch(registry, 'Group', group(), patchBody(...ops), options);
}

const BABS_ID = '2819c223-7f76-453a-919d-413861904646';
const JAMES_ID = '08e1d05d-121c-4561-8b96-473d93df9210';

describe(applyPatch.name, () => {
  describe('RFC 7644 §3.5.2 examples', () => {
    it('§3.5.2 / §3.5.2.1: adds a member to a group (members come out as a delta)', () => {
      const sut = patchGroup([
        {
          op: 'add',
          path: 'members',
          value: [
            { display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${BABS_ID}`, value: BABS_ID },
          ],
        },
      ]);
      expect(sut.members).toEqual({
        add: [{ value: BABS_ID, display: 'Babs Jensen' }],
        remove: [],
        removeAll: false,
      });
      expect(sut.resource).toEqual(group());
      expect(sut.changed).toEqual(['members']);
    });

    it('§3.5.2.1: path-less add merges attributes (emails appended, "nickname" matched case-insensitively)', () => {
      const sut = patchUser(babs(), [
        {
          op: 'add',
          value: {
            emails: [
              { value: 'babs@jensen.org', type: 'home' },
              { value: 'b@j.org', type: 'other' },
            ],
            nickname: 'Babs',
          },
        },
      ]);
      expect(sut.resource.nickName).toBe('Babs');
      expect(sut.resource.emails).toEqual([
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
        { value: 'b@j.org', type: 'other' },
      ]);
      expect(sut.changed.sort()).toEqual(['emails', 'nickName']);
    });

    it('§3.5.2.2: removes a single member with members[value eq "…"]', () => {
      const sut = patchGroup([{ op: 'remove', path: `members[value eq "${BABS_ID}"]` }]);
      expect(sut.members).toEqual({ add: [], remove: [BABS_ID], removeAll: false });
    });

    it('§3.5.2.2: removes all members with path "members" and no value', () => {
      const sut = patchGroup([{ op: 'remove', path: 'members' }]);
      expect(sut.members).toEqual({ add: [], remove: [], removeAll: true });
    });

    it('§3.5.2.2: removes the values matched by a complex filter', () => {
      const user = {
        ...babs(),
        emails: [
          { value: 'john@example.com', type: 'work' },
          { value: 'john@example2.com', type: 'work' },
          { value: 'john@example.org', type: 'home' },
        ],
      };
      const sut = patchUser(user, [
        { op: 'remove', path: 'emails[type eq "work" and value ew "example.com"]' },
      ]);
      expect(sut.resource.emails).toEqual([
        { value: 'john@example2.com', type: 'work' },
        { value: 'john@example.org', type: 'home' },
      ]);
    });

    it('§3.5.2.2: replaces all members with remove then add', () => {
      const sut = patchGroup([
        { op: 'remove', path: 'members' },
        {
          op: 'add',
          path: 'members',
          value: [
            { display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${BABS_ID}`, value: BABS_ID },
            { display: 'James Smith', $ref: `https://example.com/v2/Users/${JAMES_ID}`, value: JAMES_ID },
          ],
        },
      ]);
      expect(sut.members).toEqual({
        add: [
          { value: BABS_ID, display: 'Babs Jensen' },
          { value: JAMES_ID, display: 'James Smith' },
        ],
        remove: [],
        removeAll: true,
      });
    });

    it('§3.5.2.3: replaces all members with one replace', () => {
      const sut = patchGroup([
        {
          op: 'replace',
          path: 'members',
          value: [
            { display: 'Babs Jensen', $ref: `https://example.com/v2/Users/${BABS_ID}`, value: BABS_ID },
            { display: 'James Smith', $ref: `https://example.com/v2/Users/${JAMES_ID}`, value: JAMES_ID },
          ],
        },
      ]);
      expect(sut.members?.removeAll).toBe(true);
      expect(sut.members?.add.map((m) => m.value)).toEqual([BABS_ID, JAMES_ID]);
    });

    it('§3.5.2.3: replaces the work address with addresses[type eq "work"]', () => {
      const replacement = {
        type: 'work',
        streetAddress: '911 Universal City Plaza',
        locality: 'Hollywood',
        region: 'CA',
        postalCode: '91608',
        country: 'US',
        formatted: '911 Universal City Plaza\nHollywood, CA 91608 US',
        primary: true,
      };
      const sut = patchUser(babs(), [
        { op: 'replace', path: 'addresses[type eq "work"]', value: replacement },
      ]);
      expect(sut.resource.addresses).toEqual([
        replacement,
        babs().addresses && (babs().addresses as unknown[])[1],
      ]);
    });

    it('§3.5.2.3: replaces one sub-attribute of the matching values', () => {
      const sut = patchUser(babs(), [
        { op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '1010 Broadway Ave' },
      ]);
      const [work, home] = sut.resource.addresses as Record<string, unknown>[];
      expect(work.streetAddress).toBe('1010 Broadway Ave');
      expect(work.locality).toBe('Hollywood');
      expect(home.streetAddress).toBe('456 Hollywood Blvd');
    });

    it('§3.5.2.3: path-less replace replaces a multi-valued attribute entirely', () => {
      const emails = [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ];
      const sut = patchUser({ ...babs(), emails: [{ value: 'old@example.com', type: 'other' }] }, [
        { op: 'replace', value: { emails, nickname: 'Babs' } },
      ]);
      expect(sut.resource.emails).toEqual(emails);
      expect(sut.resource.nickName).toBe('Babs');
    });
  });

  describe('add (RFC 7644 §3.5.2.1)', () => {
    it('adds a single-valued attribute that does not exist', () => {
      expect(patchUser(babs(), [{ op: 'add', path: 'title', value: 'Tour Guide' }]).resource.title).toBe(
        'Tour Guide',
      );
    });

    it('replaces the value of an existing single-valued attribute', () => {
      expect(patchUser(babs(), [{ op: 'add', path: 'displayName', value: 'B' }]).resource.displayName).toBe(
        'B',
      );
    });

    it('merges the sub-attributes of a complex attribute', () => {
      const sut = patchUser(babs(), [
        { op: 'add', path: 'name', value: { middleName: 'Jane', givenName: 'Babs' } },
      ]);
      expect(sut.resource.name).toEqual({
        formatted: 'Ms. Barbara J Jensen III',
        familyName: 'Jensen',
        givenName: 'Babs',
        middleName: 'Jane',
      });
    });

    it('appends one value (not an array) to a multi-valued attribute', () => {
      const sut = patchUser(babs(), [
        { op: 'add', path: 'phoneNumbers', value: { value: '555-1234', type: 'mobile' } },
      ]);
      expect(sut.resource.phoneNumbers).toEqual([
        { value: '555-555-5555', type: 'work' },
        { value: '555-1234', type: 'mobile' },
      ]);
    });

    it('does not add a value that is already there, and then reports no change', () => {
      const sut = patchUser(babs(), [
        { op: 'add', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home' }] },
      ]);
      expect(sut.resource.emails).toEqual(babs().emails);
      expect(sut.changed).toEqual([]);
    });

    it('setting primary on an added value clears it on the others (RFC 7644 §3.5.2)', () => {
      const sut = patchUser(babs(), [
        { op: 'add', path: 'emails', value: [{ value: 'new@example.com', type: 'work', primary: true }] },
      ]);
      expect(sut.resource.emails).toEqual([
        { value: 'bjensen@example.com', type: 'work', primary: false },
        { value: 'babs@jensen.org', type: 'home' },
        { value: 'new@example.com', type: 'work', primary: true },
      ]);
    });

    it('adds a value to an attribute of an extension, creating the extension object and listing its URN', () => {
      const user = babs();
      delete user[ENTERPRISE_KEY];
      user.schemas = [USER_SCHEMA];
      const sut = patchUser(user, [
        { op: 'add', path: `${ENTERPRISE_USER_SCHEMA}:costCenter`, value: '4130' },
      ]);
      expect(sut.resource[ENTERPRISE_KEY]).toEqual({ costCenter: '4130' });
      expect(sut.resource.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
      expect(sut.changed).toEqual([`${ENTERPRISE_USER_SCHEMA}:costCenter`]);
    });

    it('accepts the extension URN as a path with an object of its attributes', () => {
      const sut = patchUser(babs(), [
        { op: 'add', path: ENTERPRISE_USER_SCHEMA, value: { division: 'Theme Park', department: 'Ops' } },
      ]);
      expect(sut.resource[ENTERPRISE_KEY]).toMatchObject({
        division: 'Theme Park',
        department: 'Ops',
        employeeNumber: '701984',
      });
    });

    it('accepts the extension URN as a key of a path-less value', () => {
      const sut = patchUser(babs(), [
        { op: 'add', value: { [ENTERPRISE_USER_SCHEMA]: { employeeNumber: 42 } } },
      ]);
      expect((sut.resource[ENTERPRISE_KEY] as Record<string, unknown>).employeeNumber).toBe('42');
    });

    it('adds through the core schema URN prefix', () => {
      const sut = patchUser(babs(), [{ op: 'add', path: `${USER_SCHEMA}:nickName`, value: 'B' }]);
      expect(sut.resource.nickName).toBe('B');
    });

    it('sets a sub-attribute of a complex attribute that had no value', () => {
      const user = babs();
      delete user.name;
      expect(
        patchUser(user, [{ op: 'add', path: 'name.givenName', value: 'Barbara' }]).resource.name,
      ).toEqual({ givenName: 'Barbara' });
    });

    it('merges into the matching values of a value filter', () => {
      const sut = patchUser(babs(), [
        { op: 'add', path: 'emails[type eq "home"]', value: { display: 'Home' } },
      ]);
      expect((sut.resource.emails as unknown[])[1]).toEqual({
        value: 'babs@jensen.org',
        type: 'home',
        display: 'Home',
      });
    });
  });

  describe('replace (RFC 7644 §3.5.2.3)', () => {
    it('replaces a single-valued attribute', () => {
      expect(patchUser(babs(), [{ op: 'replace', path: 'userName', value: 'babs' }]).resource.userName).toBe(
        'babs',
      );
    });

    it('treats a replace of an attribute without value as an add', () => {
      expect(patchUser(babs(), [{ op: 'replace', path: 'title', value: 'Boss' }]).resource.title).toBe(
        'Boss',
      );
    });

    it('keeps the sub-attributes a complex replace does not name', () => {
      const sut = patchUser(babs(), [{ op: 'replace', path: 'name', value: { familyName: 'Smith' } }]);
      expect(sut.resource.name).toEqual({
        formatted: 'Ms. Barbara J Jensen III',
        familyName: 'Smith',
        givenName: 'Barbara',
      });
    });

    it('replaces a sub-attribute by dotted path', () => {
      expect(
        (
          patchUser(babs(), [{ op: 'replace', path: 'name.familyName', value: 'Smith' }]).resource
            .name as Record<string, unknown>
        ).familyName,
      ).toBe('Smith');
    });

    it('replace with null unassigns the attribute (RFC 7643 §2.5)', () => {
      const sut = patchUser(babs(), [{ op: 'replace', path: 'displayName', value: null }]);
      expect(sut.resource).not.toHaveProperty('displayName');
      expect(sut.changed).toEqual(['displayName']);
    });

    it('replace with an empty array unassigns a multi-valued attribute', () => {
      expect(
        patchUser(babs(), [{ op: 'replace', path: 'phoneNumbers', value: [] }]).resource,
      ).not.toHaveProperty('phoneNumbers');
    });

    it('replace of the whole multi-valued attribute keeps at most one primary', () => {
      expectScimError(
        () =>
          patchUser(babs(), [
            {
              op: 'replace',
              path: 'emails',
              value: [
                { value: 'a@x.com', primary: true },
                { value: 'b@x.com', primary: 'True' },
              ],
            },
          ]),
        400,
        'invalidValue',
      );
    });

    it('setting primary via a value filter clears primary on the other values', () => {
      const sut = patchUser(babs(), [{ op: 'replace', path: 'emails[type eq "home"].primary', value: true }]);
      expect(sut.resource.emails).toEqual([
        { value: 'bjensen@example.com', type: 'work', primary: false },
        { value: 'babs@jensen.org', type: 'home', primary: true },
      ]);
    });

    it('replaces a sub-attribute of all values when a multi-valued path has no filter', () => {
      const sut = patchUser(babs(), [{ op: 'replace', path: 'addresses.country', value: 'US' }]);
      expect((sut.resource.addresses as Record<string, unknown>[]).map((a) => a.country)).toEqual([
        'US',
        'US',
      ]);
    });

    it('with createOnNoTarget (default) creates the value a filter describes', () => {
      const sut = patchUser(babs(), [
        { op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '555-0000' },
      ]);
      expect(sut.resource.phoneNumbers).toEqual([
        { value: '555-555-5555', type: 'work' },
        { type: 'mobile', value: '555-0000' },
      ]);
    });

    it('with createOnNoTarget creates a value from an object and an and-filter', () => {
      const sut = patchUser(babs(), [
        { op: 'replace', path: 'ims[type eq "skype" and display eq "Work"]', value: { value: 'babs.j' } },
      ]);
      expect(sut.resource.ims).toEqual([{ type: 'skype', display: 'Work', value: 'babs.j' }]);
    });

    it('strict mode (createOnNoTarget false): a filter matching nothing is 400 noTarget', () => {
      const error = expectScimError(
        () =>
          patchUser(babs(), [{ op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '1' }], {
            createOnNoTarget: false,
          }),
        400,
        'noTarget',
      );
      expect(error.detail).toContain('phoneNumbers');
    });

    it('strict mode applies to add too', () => {
      expectScimError(
        () =>
          patchUser(babs(), [{ op: 'add', path: 'emails[type eq "other"].value', value: 'x@y.z' }], {
            createOnNoTarget: false,
          }),
        400,
        'noTarget',
      );
    });

    it('a filter that does not describe a value (or) is 400 noTarget even with createOnNoTarget', () => {
      expectScimError(
        () =>
          patchUser(babs(), [
            { op: 'replace', path: 'emails[type eq "a" or type eq "b"].value', value: 'x@y.z' },
          ]),
        400,
        'noTarget',
      );
    });

    it('replace with a value filter and null value removes the matching values', () => {
      const sut = patchUser(babs(), [{ op: 'replace', path: 'emails[type eq "home"]', value: null }]);
      expect(sut.resource.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
    });
  });

  describe('remove (RFC 7644 §3.5.2.2)', () => {
    it('removes a single-valued attribute', () => {
      const sut = patchUser(babs(), [{ op: 'remove', path: 'displayName' }]);
      expect(sut.resource).not.toHaveProperty('displayName');
    });

    it('removes a sub-attribute, and the complex attribute when nothing is left', () => {
      const user = { ...babs(), name: { givenName: 'Barbara' } };
      const sut = patchUser(user, [{ op: 'remove', path: 'name.givenName' }]);
      expect(sut.resource).not.toHaveProperty('name');
    });

    it('removes a multi-valued attribute entirely', () => {
      expect(patchUser(babs(), [{ op: 'remove', path: 'emails' }]).resource).not.toHaveProperty('emails');
    });

    it('removing the last matching value removes the attribute', () => {
      const sut = patchUser(babs(), [{ op: 'remove', path: 'phoneNumbers[type eq "work"]' }]);
      expect(sut.resource).not.toHaveProperty('phoneNumbers');
      expect(sut.changed).toEqual(['phoneNumbers']);
    });

    it('removes a sub-attribute of the matching values only', () => {
      const sut = patchUser(babs(), [{ op: 'remove', path: 'addresses[type eq "work"].postalCode' }]);
      const [work, home] = sut.resource.addresses as Record<string, unknown>[];
      expect(work).not.toHaveProperty('postalCode');
      expect(home).toEqual((babs().addresses as unknown[])[1]);
    });

    it('a filter matching nothing removes nothing', () => {
      const sut = patchUser(babs(), [{ op: 'remove', path: 'emails[type eq "other"]' }]);
      expect(sut.resource).toEqual(babs());
      expect(sut.changed).toEqual([]);
    });

    it('removing an attribute that has no value changes nothing', () => {
      expect(patchUser(babs(), [{ op: 'remove', path: 'title' }]).changed).toEqual([]);
    });

    it('with a value on a multi-valued attribute, removes only the listed values', () => {
      const sut = patchUser(babs(), [
        { op: 'remove', path: 'emails', value: [{ value: 'BABS@jensen.org' }] },
      ]);
      expect(sut.resource.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
    });

    it('with an empty value list, removes nothing', () => {
      expect(patchUser(babs(), [{ op: 'remove', path: 'emails', value: [] }]).resource.emails).toEqual(
        babs().emails,
      );
    });

    it('removes an extension attribute and drops the emptied extension and its URN', () => {
      const user = { ...babs(), [ENTERPRISE_KEY]: { costCenter: '1' } };
      const sut = patchUser(user, [{ op: 'remove', path: `${ENTERPRISE_USER_SCHEMA}:costCenter` }]);
      expect(sut.resource).not.toHaveProperty(ENTERPRISE_KEY);
      expect(sut.resource.schemas).toEqual([USER_SCHEMA]);
    });

    it('removes a whole extension by its URN', () => {
      const sut = patchUser(babs(), [{ op: 'remove', path: ENTERPRISE_USER_SCHEMA }]);
      expect(sut.resource).not.toHaveProperty(ENTERPRISE_KEY);
      expect(sut.changed.sort()).toEqual(
        ['department', 'employeeNumber', 'manager'].map((a) => `${ENTERPRISE_USER_SCHEMA}:${a}`),
      );
    });
  });

  describe('errors', () => {
    it.each([
      ['no path on remove', { op: 'remove' }, 'noTarget'],
      ['an unknown attribute', { op: 'replace', path: 'favouriteColour', value: 'x' }, 'invalidPath'],
      ['an unknown sub-attribute', { op: 'replace', path: 'name.nickName', value: 'x' }, 'invalidPath'],
      ['two sub-attribute levels', { op: 'replace', path: 'name.givenName.x', value: 'x' }, 'invalidPath'],
      [
        'an unterminated value filter',
        { op: 'replace', path: 'emails[type eq "work"', value: 'x' },
        'invalidFilter',
      ],
      [
        'a bad operator in a value filter',
        { op: 'replace', path: 'emails[type is "work"]', value: {} },
        'invalidFilter',
      ],
      ['garbage', { op: 'replace', path: '!!', value: 'x' }, 'invalidPath'],
      [
        'an unknown sub-attribute in a filter',
        { op: 'replace', path: 'emails[kind eq "work"].value', value: 'x' },
        'invalidFilter',
      ],
      [
        'an unknown sub-attribute after a filter',
        { op: 'replace', path: 'emails[type eq "work"].nope', value: 'x' },
        'invalidPath',
      ],
      ['a filter on a simple attribute', { op: 'remove', path: 'userName[value eq "x"]' }, 'invalidPath'],
      ['a nested value filter', { op: 'remove', path: 'emails[type[value eq "x"]]' }, 'invalidFilter'],
      [
        'a URN that is not a schema of User',
        { op: 'replace', path: 'urn:example:foo:bar', value: 'x' },
        'invalidPath',
      ],
      [
        'the Group schema URN on a User',
        { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:displayName', value: 'x' },
        'invalidPath',
      ],
      ['the core schema URN alone', { op: 'replace', path: USER_SCHEMA, value: {} }, 'invalidPath'],
      [
        'an attribute of no schema of the resource type',
        { op: 'replace', path: 'employeeNumbr', value: '1' },
        'invalidPath',
      ],
      ['members on a User', { op: 'add', path: 'members', value: [{ value: 'x' }] }, 'invalidPath'],
      ['a readOnly attribute (id)', { op: 'replace', path: 'id', value: 'x' }, 'mutability'],
      ['a readOnly attribute (meta)', { op: 'replace', value: { meta: { created: 'x' } } }, 'mutability'],
      ['a readOnly sub-attribute (meta.created)', { op: 'remove', path: 'meta.created' }, 'mutability'],
      ['a readOnly attribute (groups)', { op: 'add', path: 'groups', value: [{ value: 'g' }] }, 'mutability'],
      [
        'a readOnly sub-attribute (manager.displayName)',
        { op: 'replace', path: `${ENTERPRISE_USER_SCHEMA}:manager.displayName`, value: 'x' },
        'mutability',
      ],
      ['schemas', { op: 'replace', path: 'schemas', value: [USER_SCHEMA] }, 'mutability'],
      ['schemas in a path-less value', { op: 'replace', value: { schemas: [USER_SCHEMA] } }, 'mutability'],
      ['removal of a required attribute', { op: 'remove', path: 'userName' }, 'mutability'],
      [
        'replace of a required attribute with null',
        { op: 'replace', path: 'userName', value: null },
        'mutability',
      ],
      ['removal of the password', { op: 'remove', path: 'password' }, 'mutability'],
      ['a boolean that is not one', { op: 'replace', path: 'active', value: 'yes' }, 'invalidValue'],
      [
        'a complex value that is not an object',
        { op: 'add', path: 'emails', value: 'a@b.c' },
        'invalidValue',
      ],
      [
        'an unknown sub-attribute in a value',
        { op: 'add', path: 'name', value: { nick: 'x' } },
        'invalidValue',
      ],
      [
        'an extension URN with a value that is not an object',
        { op: 'replace', path: ENTERPRISE_USER_SCHEMA, value: 'x' },
        'invalidValue',
      ],
      ['a path-less value that is not an object', { op: 'add', value: ['x'] }, 'invalidSyntax'],
    ])('%s → 400', (_name, operation, scimType) => {
      expectScimError(() => patchUser(babs(), [operation]), 400, scimType as never);
    });

    it('rejects removal of a required Group attribute', () => {
      expectScimError(() => patchGroup([{ op: 'remove', path: 'displayName' }]), 400, 'mutability');
    });

    it('tells which operation failed', () => {
      const error = expectScimError(
        () =>
          patchUser(babs(), [
            { op: 'add', path: 'title', value: 'x' },
            { op: 'Replace', path: 'nope', value: 1 },
          ]),
        400,
        'invalidPath',
      );
      expect(error.detail).toMatch(/^Operations\[1\] \(replace "nope"\): /);
    });

    it('immutable attributes: may be set once, not changed (RFC 7643 §2.2)', () => {
      const urn = 'urn:example:params:scim:schemas:extension:badge:2.0:User';
      const badge: AttributeDefinition = {
        name: 'badgeId',
        type: 'string',
        multiValued: false,
        description: '',
        required: false,
        caseExact: true,
        mutability: 'immutable',
        returned: 'default',
        uniqueness: 'none',
      };
      const custom = createRegistry([
        {
          schema: { id: urn, name: 'Badge', description: '', attributes: [badge] },
          resourceType: 'User',
          required: false,
        },
      ]);
      const key = urn.replace(/\./g, '_');
      const set = applyPatch(
        custom,
        'User',
        babs(),
        patchBody({ op: 'add', path: `${urn}:badgeId`, value: 'B-1' }),
      );
      expect(set.resource[key]).toEqual({ badgeId: 'B-1' });
      const same = applyPatch(
        custom,
        'User',
        set.resource,
        patchBody({ op: 'replace', path: `${urn}:badgeId`, value: 'B-1' }),
      );
      expect(same.changed).toEqual([]);
      expectScimError(
        () =>
          applyPatch(
            custom,
            'User',
            set.resource,
            patchBody({ op: 'replace', path: `${urn}:badgeId`, value: 'B-2' }),
          ),
        400,
        'mutability',
      );
      expectScimError(
        () => applyPatch(custom, 'User', set.resource, patchBody({ op: 'remove', path: `${urn}:badgeId` })),
        400,
        'mutability',
      );
    });
  });

  describe('password (RFC 7643 §4.1.1, writeOnly)', () => {
    it('returns a new password apart from the resource, for the caller to hash', () => {
      const sut = patchUser(babs(), [{ op: 'replace', path: 'password', value: 't1meMa$heen' }]);
      expect(sut.password).toBe('t1meMa$heen');
      expect(sut.resource).not.toHaveProperty('password');
      expect(sut.changed).toEqual(['password']);
    });

    it('accepts the password in a path-less replace', () => {
      expect(patchUser(babs(), [{ op: 'replace', value: { password: 'p' } }]).password).toBe('p');
    });

    it('rejects an empty password', () => {
      expectScimError(
        () => patchUser(babs(), [{ op: 'replace', path: 'password', value: '' }]),
        400,
        'invalidValue',
      );
    });
  });

  describe('atomicity and purity', () => {
    it('a failing third operation fails the whole request; the input is unchanged', () => {
      const input = babs();
      const snapshot = structuredClone(input);
      expectScimError(
        () =>
          patchUser(input, [
            { op: 'replace', path: 'displayName', value: 'Changed' },
            { op: 'add', path: 'emails', value: [{ value: 'x@y.z' }] },
            { op: 'replace', path: 'active', value: 'perhaps' },
          ]),
        400,
        'invalidValue',
      );
      expect(input).toEqual(snapshot);
    });

    it('never modifies its input (deeply frozen) and returns a new object', () => {
      const input = deepFreeze(babs());
      const sut = patchUser(input, [
        { op: 'replace', path: 'displayName', value: 'X' },
        { op: 'add', path: 'emails', value: [{ value: 'x@y.z', primary: true }] },
        { op: 'replace', path: 'emails[type eq "home"].value', value: 'h@j.org' },
        { op: 'remove', path: 'addresses[type eq "work"].region' },
        { op: 'replace', path: 'name.givenName', value: 'B' },
        { op: 'replace', path: `${ENTERPRISE_USER_SCHEMA}:manager`, value: 'm2' },
        { op: 'remove', path: `${ENTERPRISE_USER_SCHEMA}:department` },
      ]);
      expect(sut.resource).not.toBe(input);
      expect(input).toEqual(babs());
      expect(sut.changed.sort()).toEqual(
        [
          'addresses',
          'displayName',
          'emails',
          'name',
          `${ENTERPRISE_USER_SCHEMA}:department`,
          `${ENTERPRISE_USER_SCHEMA}:manager`,
        ].sort(),
      );
    });

    it('applies operations in order: a later operation sees an earlier one', () => {
      const sut = patchUser(babs(), [
        { op: 'add', path: 'phoneNumbers', value: [{ value: '1', type: 'fax' }] },
        { op: 'replace', path: 'phoneNumbers[type eq "fax"].value', value: '2' },
      ]);
      expect(sut.resource.phoneNumbers).toEqual([
        { value: '555-555-5555', type: 'work' },
        { value: '2', type: 'fax' },
      ]);
    });

    it('a required attribute may be removed and re-added within one request', () => {
      const sut = patchUser(babs(), [
        { op: 'remove', path: 'userName' },
        { op: 'add', path: 'userName', value: 'new' },
      ]);
      expect(sut.resource.userName).toBe('new');
    });
  });

  describe('request shape', () => {
    it('accepts op in any case', () => {
      const sut = patchUser(babs(), [
        { op: 'ADD', path: 'title', value: 'a' },
        { op: 'Replace', path: 'nickName', value: 'b' },
        { op: 'rEmOvE', path: 'displayName' },
      ]);
      expect(sut.resource).toMatchObject({ title: 'a', nickName: 'b' });
      expect(sut.resource).not.toHaveProperty('displayName');
    });

    it('enforces maxOperations with 400 tooMany', () => {
      const ops = Array.from({ length: 3 }, () => ({ op: 'add', path: 'title', value: 'x' }));
      const error = expectScimError(() => patchUser(babs(), ops, { maxOperations: 2 }), 400, 'tooMany');
      expect(error.detail).toContain('3 operations');
    });

    it('throws only ScimErrors for a body that is not a PatchOp', () => {
      expect(() => applyPatch(registry, 'User', babs(), { Operations: [] })).toThrow(ScimError);
      expect(() => applyPatch(registry, 'User', babs(), { schemas: [PATCH_OP_SCHEMA] })).toThrow(ScimError);
    });
  });
});
