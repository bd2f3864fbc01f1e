import { createDefaultRegistry, createRegistry } from '../schema/core-schemas';
import { parseExtensionConfig } from '../schema/extension-config';
import { ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from '../schema/schema-urns';
import { parseAttributeList, ProjectionContext, toScimResource, wantsAttribute } from './projection';

const BASE = 'https://scim.example.com/scim/v2';
const ENT_KEY = 'urn:ietf:params:scim:schemas:extension:enterprise:2_0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';
const CUSTOM_KEY = 'urn:ietf:params:scim:schemas:extension:CustomExt:2_0:User';
const registry = createDefaultRegistry();

const meta = {
  resourceType: 'User',
  created: '2024-01-01T00:00:00.000Z',
  lastModified: '2024-01-02T00:00:00.000Z',
  version: 'W/"1-u1"',
};
const userDoc = () => ({
  id: 'u1',
  schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  meta: { ...meta },
  externalId: 'E1',
  userName: 'ann',
  name: { givenName: 'Ann', familyName: 'Lee' },
  emails: [{ value: 'ann@x', type: 'work', primary: true }],
  password: 'should-never-show',
  [ENT_KEY]: { department: 'R&D', manager: { value: 'm1' } },
  _tenant: 't1',
  _ci: { userName: 'ann' },
  _secret: { password: 'hash' },
});
const ctx = (extra: Partial<ProjectionContext> = {}): ProjectionContext => ({
  location: `${BASE}/Users/u1`,
  baseUrl: BASE,
  ...extra,
});
const project = (extra: Partial<ProjectionContext> = {}) =>
  toScimResource(registry, 'User', userDoc(), ctx(extra));

describe(toScimResource.name, () => {
  describe('default representation', () => {
    it('returns the wire form of a user', () => {
      expect(project()).toEqual({
        schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        id: 'u1',
        externalId: 'E1',
        meta: { ...meta, location: `${BASE}/Users/u1` },
        userName: 'ann',
        name: { givenName: 'Ann', familyName: 'Lee' },
        emails: [{ value: 'ann@x', type: 'work', primary: true }],
        [ENTERPRISE_USER_SCHEMA]: { department: 'R&D', manager: { value: 'm1', $ref: `${BASE}/Users/m1` } },
      });
    });

    it('puts schemas, id, externalId and meta first', () => {
      expect(Object.keys(project()).slice(0, 4)).toEqual(['schemas', 'id', 'externalId', 'meta']);
    });

    it('never returns password or internal fields', () => {
      const sut = project({ attributes: ['password', '_secret'] });
      expect(JSON.stringify(sut)).not.toMatch(/should-never-show|hash|_tenant|_ci/);
    });

    it('lists only the core schema when no extension has data', () => {
      const doc = { ...userDoc(), [ENT_KEY]: undefined };
      expect(toScimResource(registry, 'User', doc, ctx()).schemas).toEqual([USER_SCHEMA]);
    });

    it('does not share objects with the stored document', () => {
      const doc = userDoc();
      const sut = toScimResource(registry, 'User', doc, ctx()) as {
        name: { givenName: string };
        emails: { value: string }[];
      };
      sut.name.givenName = 'X';
      sut.emails[0].value = 'X';
      expect(doc.name.givenName).toBe('Ann');
      expect(doc.emails[0].value).toBe('ann@x');
    });

    it('trims a trailing slash of the base URL in $ref', () => {
      const sut = project({ baseUrl: `${BASE}/` }) as Record<string, { manager: { $ref: string } }>;
      expect(sut[ENTERPRISE_USER_SCHEMA].manager.$ref).toBe(`${BASE}/Users/m1`);
    });
  });

  describe('computed attributes', () => {
    it('returns group members with $ref by type', () => {
      const doc = {
        id: 'g1',
        schemas: [GROUP_SCHEMA],
        meta: { ...meta, resourceType: 'Group' },
        displayName: 'Sales',
      };
      const sut = toScimResource(registry, 'Group', doc, {
        ...ctx(),
        members: [
          { value: 'u1', display: 'Ann' },
          { value: 'g2', type: 'Group' },
        ],
      });
      expect(sut.members).toEqual([
        { value: 'u1', $ref: `${BASE}/Users/u1`, type: 'User', display: 'Ann' },
        { value: 'g2', $ref: `${BASE}/Groups/g2`, type: 'Group' },
      ]);
    });

    it('returns an empty member list when members were loaded and there are none', () => {
      const doc = { id: 'g1', schemas: [GROUP_SCHEMA], meta, displayName: 'Sales' };
      expect(toScimResource(registry, 'Group', doc, { ...ctx(), members: [] }).members).toEqual([]);
    });

    it('omits members that were not loaded', () => {
      const doc = { id: 'g1', schemas: [GROUP_SCHEMA], meta, displayName: 'Sales' };
      expect(toScimResource(registry, 'Group', doc, ctx())).not.toHaveProperty('members');
    });

    it("returns a user's groups with $ref", () => {
      const sut = project({ groups: [{ value: 'g1', display: 'Sales', type: 'direct' }] });
      expect(sut.groups).toEqual([
        { value: 'g1', $ref: `${BASE}/Groups/g1`, display: 'Sales', type: 'direct' },
      ]);
    });

    it('omits an empty groups list', () => {
      expect(project({ groups: [] })).not.toHaveProperty('groups');
    });
  });

  describe('attributes parameter', () => {
    it('returns only the requested attributes plus id and schemas', () => {
      expect(project({ attributes: ['userName'] })).toEqual({
        schemas: [USER_SCHEMA],
        id: 'u1',
        userName: 'ann',
      });
    });

    it('matches names case-insensitively', () => {
      expect(project({ attributes: ['USERNAME'] })).toEqual({
        schemas: [USER_SCHEMA],
        id: 'u1',
        userName: 'ann',
      });
    });

    it('returns only the requested sub-attribute', () => {
      expect(project({ attributes: ['name.givenName'] })).toEqual({
        schemas: [USER_SCHEMA],
        id: 'u1',
        name: { givenName: 'Ann' },
      });
    });

    it('returns a sub-attribute of a multi-valued attribute', () => {
      expect(project({ attributes: ['emails.value'] }).emails).toEqual([{ value: 'ann@x' }]);
    });

    it('returns a URN-qualified extension attribute', () => {
      expect(project({ attributes: [`${ENTERPRISE_USER_SCHEMA}:department`] })).toEqual({
        schemas: [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        id: 'u1',
        [ENTERPRISE_USER_SCHEMA]: { department: 'R&D' },
      });
    });

    it('returns a whole extension for its URN', () => {
      const sut = project({ attributes: [ENTERPRISE_USER_SCHEMA] });
      expect(sut[ENTERPRISE_USER_SCHEMA]).toEqual({
        department: 'R&D',
        manager: { value: 'm1', $ref: `${BASE}/Users/m1` },
      });
    });

    it('returns a meta sub-attribute', () => {
      expect(project({ attributes: ['meta.location'] }).meta).toEqual({ location: `${BASE}/Users/u1` });
    });

    it('returns only id and schemas when every name is unknown (RFC 7644 §3.9)', () => {
      expect(project({ attributes: ['shoeSize'] })).toEqual({ schemas: [USER_SCHEMA], id: 'u1' });
    });

    it('returns only id and schemas for the unknown names parseAttributeList keeps', () => {
      const attributes = parseAttributeList(registry, 'User', 'shoeSize,urn:example:other:attr');
      expect(project({ attributes })).toEqual({ schemas: [USER_SCHEMA], id: 'u1' });
    });

    it('leaves out group members when every name is unknown', () => {
      const doc = { id: 'g1', schemas: [GROUP_SCHEMA], meta, displayName: 'Sales' };
      expect(
        toScimResource(registry, 'Group', doc, { ...ctx(), members: [], attributes: ['nosuch'] }),
      ).toEqual({ schemas: [GROUP_SCHEMA], id: 'g1' });
    });

    it('does not return an attribute asked for only by an unknown sibling', () => {
      expect(project({ attributes: ['userName', 'shoeSize'] })).toEqual({
        schemas: [USER_SCHEMA],
        id: 'u1',
        userName: 'ann',
      });
    });
  });

  describe('excludedAttributes parameter', () => {
    it('removes the excluded attribute', () => {
      expect(project({ excludedAttributes: ['emails'] })).not.toHaveProperty('emails');
    });

    it('removes an excluded sub-attribute only', () => {
      expect(project({ excludedAttributes: ['name.familyName'] }).name).toEqual({ givenName: 'Ann' });
    });

    it('never removes id or schemas', () => {
      const sut = project({ excludedAttributes: ['id', 'schemas'] });
      expect(sut.id).toBe('u1');
      expect(sut.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA]);
    });

    it('removes an extension attribute and drops its URN from schemas when nothing is left', () => {
      const sut = project({ excludedAttributes: [ENTERPRISE_USER_SCHEMA] });
      expect(sut).not.toHaveProperty(ENTERPRISE_USER_SCHEMA);
      expect(sut.schemas).toEqual([USER_SCHEMA]);
    });

    it('removes the group members', () => {
      const doc = { id: 'g1', schemas: [GROUP_SCHEMA], meta, displayName: 'Sales' };
      expect(
        toScimResource(registry, 'Group', doc, {
          ...ctx(),
          members: [{ value: 'u1' }],
          excludedAttributes: ['members'],
        }),
      ).not.toHaveProperty('members');
    });
  });

  describe('returned characteristic', () => {
    const custom = createRegistry(
      parseExtensionConfig([
        {
          schema: 'urn:ietf:params:scim:schemas:extension:acme:2.0:User',
          attributes: [
            { name: 'secretNote', returned: 'request' },
            { name: 'tag', returned: 'always' },
            { name: 'pin', returned: 'never' },
          ],
        },
      ]),
    );
    const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
    const doc = {
      ...userDoc(),
      'urn:ietf:params:scim:schemas:extension:acme:2_0:User': { secretNote: 's', tag: 't', pin: '1234' },
    };
    const run = (extra: Partial<ProjectionContext> = {}) => toScimResource(custom, 'User', doc, ctx(extra));

    it('leaves out returned "request" attributes by default', () => {
      expect(run()[ACME]).toEqual({ tag: 't' });
    });

    it('returns a "request" attribute when asked for', () => {
      expect(run({ attributes: [`${ACME}:secretNote`] })[ACME]).toEqual({ secretNote: 's', tag: 't' });
    });

    it('returns an "always" attribute even when excluded', () => {
      expect(run({ excludedAttributes: [`${ACME}:tag`] })[ACME]).toEqual({ tag: 't' });
    });

    it('keeps "always" attributes when every requested name is unknown', () => {
      expect(run({ attributes: ['shoeSize'] })).toEqual({
        schemas: [USER_SCHEMA, ACME],
        id: 'u1',
        [ACME]: { tag: 't' },
      });
    });

    it('never returns a "never" attribute even when asked for', () => {
      expect(run({ attributes: [`${ACME}:pin`] })[ACME]).toEqual({ tag: 't' });
    });
  });

  describe('undeclared extensions', () => {
    const doc = () => ({ ...userDoc(), schemas: [USER_SCHEMA, CUSTOM], [CUSTOM_KEY]: { site: 'Oslo' } });

    it('emits them under their URN and lists the URN in schemas', () => {
      const sut = toScimResource(registry, 'User', doc(), ctx());
      expect(sut[CUSTOM]).toEqual({ site: 'Oslo' });
      expect(sut.schemas).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA, CUSTOM]);
    });

    it('honours attributes for them', () => {
      const sut = toScimResource(registry, 'User', doc(), ctx({ attributes: [`${CUSTOM}:site`] }));
      expect(sut).toEqual({ schemas: [USER_SCHEMA, CUSTOM], id: 'u1', [CUSTOM]: { site: 'Oslo' } });
    });

    it('honours excludedAttributes for them', () => {
      expect(
        toScimResource(registry, 'User', doc(), ctx({ excludedAttributes: [CUSTOM] })),
      ).not.toHaveProperty(CUSTOM);
    });
  });
});

describe(parseAttributeList.name, () => {
  it('returns an empty list for no parameter', () => {
    expect(parseAttributeList(registry, 'User', undefined)).toEqual([]);
  });

  it('resolves names to canonical paths', () => {
    expect(parseAttributeList(registry, 'User', 'USERNAME, name.GIVENNAME,emails.value')).toEqual([
      'userName',
      'name.givenName',
      'emails.value',
    ]);
  });

  it('resolves URN-qualified paths and URNs', () => {
    expect(
      parseAttributeList(
        registry,
        'User',
        `${ENTERPRISE_USER_SCHEMA.toLowerCase()}:Manager.value,${ENTERPRISE_USER_SCHEMA}`,
      ),
    ).toEqual([`${ENTERPRISE_USER_SCHEMA}:manager.value`, ENTERPRISE_USER_SCHEMA]);
  });

  it('resolves core-URN-qualified paths to the short form', () => {
    expect(parseAttributeList(registry, 'User', `${USER_SCHEMA}:userName`)).toEqual(['userName']);
  });

  it('keeps unknown attributes and unknown schemas as given, so the request is not lost', () => {
    expect(parseAttributeList(registry, 'User', ' shoeSize,urn:example:other:attr,userName')).toEqual([
      'shoeSize',
      'urn:example:other:attr',
      'userName',
    ]);
  });

  it('drops case-insensitive duplicates of unknown names', () => {
    expect(parseAttributeList(registry, 'User', 'shoeSize,SHOESIZE')).toEqual(['shoeSize']);
  });

  it('returns an empty list when there are only empty items', () => {
    expect(parseAttributeList(registry, 'User', ' , ,')).toEqual([]);
  });

  it('keeps undeclared extension attributes', () => {
    expect(parseAttributeList(registry, 'User', `${CUSTOM}:site`)).toEqual([`${CUSTOM}:site`]);
  });

  it('drops duplicates and empty items', () => {
    expect(parseAttributeList(registry, 'User', 'userName,,username')).toEqual(['userName']);
  });
});

describe(wantsAttribute.name, () => {
  it('wants members by default', () => {
    expect(wantsAttribute(registry, 'Group', 'members')).toBe(true);
  });

  it('does not want members when excluded', () => {
    expect(wantsAttribute(registry, 'Group', 'members', { excludedAttributes: ['Members'] })).toBe(false);
  });

  it('still wants members when only a sub-attribute is excluded', () => {
    expect(wantsAttribute(registry, 'Group', 'members', { excludedAttributes: ['members.display'] })).toBe(
      true,
    );
  });

  it('does not want members when other attributes are requested', () => {
    expect(wantsAttribute(registry, 'Group', 'members', { attributes: ['displayName'] })).toBe(false);
  });

  it('wants members when a sub-attribute is requested', () => {
    expect(wantsAttribute(registry, 'Group', 'members', { attributes: ['members.value'] })).toBe(true);
  });

  it('wants groups of a user by default', () => {
    expect(wantsAttribute(registry, 'User', 'groups')).toBe(true);
  });

  it('does not want members when every requested name is unknown', () => {
    expect(wantsAttribute(registry, 'Group', 'members', { attributes: ['nosuch'] })).toBe(false);
  });

  it('does not want groups of a user when every requested name is unknown', () => {
    const attributes = parseAttributeList(registry, 'User', 'nosuch');
    expect(wantsAttribute(registry, 'User', 'groups', { attributes })).toBe(false);
  });

  it('does not want an unknown attribute', () => {
    expect(wantsAttribute(registry, 'User', 'shoeSize')).toBe(false);
  });
});
