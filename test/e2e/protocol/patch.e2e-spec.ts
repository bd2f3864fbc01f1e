import { TestApp } from '../harness';
import {
  ENTERPRISE,
  expectScimError,
  Json,
  patchOp,
  ScimClient,
  SCIM_JSON,
  startClient,
  uniqueName,
  USER_SCHEMA,
} from './protocol.helpers';

describe('PATCH: RFC 7644 §3.5.2 over HTTP (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, scim } = await startClient());
  });
  afterAll(() => t.close());

  const newUser = (extra: Json = {}) =>
    scim.createUser({
      userName: uniqueName('patch'),
      displayName: 'Patch Me',
      emails: [
        { value: 'work@example.com', type: 'work', primary: true },
        { value: 'home@example.com', type: 'home' },
      ],
      ...extra,
    });

  describe('add', () => {
    it('adds a singular attribute and answers 200 with the resource and its ETag', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'add', path: 'nickName', value: 'Babs' }),
      );

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(SCIM_JSON);
      const body = response.json<Json>();
      expect(body).toMatchObject({ id: user.id, nickName: 'Babs', displayName: 'Patch Me' });
      expect(response.headers.etag).toBe(body.meta.version);
      expect(body.meta.version).not.toBe(user.meta.version);
    });

    it('appends values to a multi-valued attribute', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'add', path: 'emails', value: [{ value: 'other@example.com', type: 'other' }] }),
      );

      expect(response.statusCode).toBe(200);
      expect(response.json<Json>().emails.map((e: Json) => e.value)).toEqual([
        'work@example.com',
        'home@example.com',
        'other@example.com',
      ]);
    });

    it('merges a path-less value into the resource (RFC 7644 §3.5.2.1)', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'add', value: { title: 'Tour Guide', name: { givenName: 'Barbara' } } }),
      );

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        title: 'Tour Guide',
        name: { givenName: 'Barbara' },
        displayName: 'Patch Me',
      });
    });

    it('adds through a URN-prefixed extension path', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'add', path: `${ENTERPRISE}:department`, value: 'Tour Operations' }),
      );

      expect(response.statusCode).toBe(200);
      const body = response.json<Json>();
      expect(body[ENTERPRISE]).toEqual({ department: 'Tour Operations' });
      expect(body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    });

    it('accepts a core attribute path with the core schema URN prefix', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'replace', path: `${USER_SCHEMA}:name.familyName`, value: 'Jensen' }),
      );

      expect(response.statusCode).toBe(200);
      expect(response.json<Json>().name).toEqual({ familyName: 'Jensen' });
    });

    it('matches paths case-insensitively and stores the canonical names', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'add', path: 'NAME.GIVENNAME', value: 'B' }),
      );

      expect(response.statusCode).toBe(200);
      expect(response.json<Json>().name).toEqual({ givenName: 'B' });
    });
  });

  describe('replace', () => {
    it('replaces the sub-attribute selected by a value filter', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'replace', path: 'emails[type eq "work"].value', value: 'new-work@example.com' }),
      );

      expect(response.statusCode).toBe(200);
      expect(response.json<Json>().emails).toEqual([
        { value: 'new-work@example.com', type: 'work', primary: true },
        { value: 'home@example.com', type: 'home' },
      ]);
    });

    it('replaces a whole multi-valued attribute', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'replace', path: 'emails', value: [{ value: 'only@example.com', type: 'work' }] }),
      );

      expect(response.json<Json>().emails).toEqual([{ value: 'only@example.com', type: 'work' }]);
    });

    it('replaces path-less with a value object, including extension attributes', async () => {
      const user = await newUser({ [ENTERPRISE]: { department: 'Old', division: 'Keep' } });

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'replace', value: { active: false, [ENTERPRISE]: { department: 'New' } } }),
      );

      expect(response.statusCode).toBe(200);
      const body = response.json<Json>();
      expect(body.active).toBe(false);
      expect(body[ENTERPRISE].department).toBe('New');
    });

    it('accepts Entra-style boolean strings ("False")', async () => {
      const user = await newUser({ active: true });

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'Replace', path: 'active', value: 'False' }),
      );

      expect(response.statusCode).toBe(200);
      expect(response.json<Json>().active).toBe(false);
    });

    it('moves primary to the replaced email, keeping one primary at most', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'replace', path: 'emails[type eq "home"].primary', value: true }),
      );

      expect(response.statusCode).toBe(200);
      const primaries = response.json<Json>().emails.filter((e: Json) => e.primary === true);
      expect(primaries).toEqual([{ value: 'home@example.com', type: 'home', primary: true }]);
    });
  });

  describe('remove', () => {
    it('removes a singular attribute', async () => {
      const user = await newUser();

      const response = await scim.patch(`/Users/${user.id}`, patchOp({ op: 'remove', path: 'displayName' }));

      expect(response.statusCode).toBe(200);
      expect(response.json<Json>().displayName).toBeUndefined();
      expect((await scim.get(`/Users/${user.id}`)).json<Json>().displayName).toBeUndefined();
    });

    it('removes the values matching a value filter and keeps the others', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'remove', path: 'emails[type eq "home"]' }),
      );

      expect(response.json<Json>().emails).toEqual([
        { value: 'work@example.com', type: 'work', primary: true },
      ]);
    });

    it('removes an extension attribute and the extension URN once it is empty', async () => {
      const user = await newUser({ [ENTERPRISE]: { department: 'Gone' } });

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'remove', path: `${ENTERPRISE}:department` }),
      );

      expect(response.statusCode).toBe(200);
      const body = response.json<Json>();
      expect(body[ENTERPRISE]).toBeUndefined();
      expect(body.schemas).toEqual([USER_SCHEMA]);
    });

    it('removes nothing and succeeds when the filter matches no value', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'remove', path: 'emails[type eq "pager"]' }),
      );

      expect(response.statusCode).toBe(200);
      expect(response.json<Json>().emails).toHaveLength(2);
    });
  });

  describe('atomicity (RFC 7644 §3.5.2: all operations or none)', () => {
    it('leaves the resource unchanged when a later operation fails', async () => {
      const user = await newUser({ title: 'Before' });

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp(
          { op: 'replace', path: 'title', value: 'After' },
          { op: 'add', path: 'nickName', value: 'Nick' },
          { op: 'replace', path: 'noSuchAttribute', value: 1 },
        ),
      );

      const error = expectScimError(response, 400, 'invalidPath');
      expect(error.detail).toMatch(/Operations\[2\]/);
      const after = await scim.get(`/Users/${user.id}`);
      expect(after.json()).toEqual(user);
      expect(after.headers.etag).toBe(user.meta.version);
    });

    it('leaves a group unchanged when a member operation is followed by a failing one', async () => {
      const member = await newUser();
      const group = await scim.createGroup({ displayName: uniqueName('atomic') });

      const response = await scim.patch(
        `/Groups/${group.id}`,
        patchOp(
          { op: 'add', path: 'members', value: [{ value: member.id }] },
          { op: 'replace', path: 'displayName', value: 42 },
          { op: 'remove', path: 'id' },
        ),
      );

      expect(response.statusCode).toBe(400);
      expect((await scim.get(`/Groups/${group.id}`)).json()).toEqual(group);
    });
  });

  describe('responses', () => {
    it('answers a group PATCH with 204 and the new ETag', async () => {
      const group = await scim.createGroup({ displayName: uniqueName('g204') });

      const response = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'replace', path: 'displayName', value: uniqueName('renamed') }),
      );

      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      const read = await scim.get(`/Groups/${group.id}`);
      expect(response.headers.etag).toBe(read.json<Json>().meta.version);
      expect(response.headers.etag).not.toBe(group.meta.version);
    });

    it('answers a user PATCH with Prefer: return=minimal with 204 and the ETag', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'replace', path: 'title', value: 'Minimal' }),
        { prefer: 'return=minimal' },
      );

      expect(response.statusCode).toBe(204);
      expect(response.body).toBe('');
      const read = (await scim.get(`/Users/${user.id}`)).json<Json>();
      expect(read.title).toBe('Minimal');
      expect(response.headers.etag).toBe(read.meta.version);
    });

    it('answers a group PATCH with 200 and a body when attributes are asked for', async () => {
      const group = await scim.createGroup({ displayName: uniqueName('g200') });
      const name = uniqueName('asked');

      const response = await scim.patch(
        `/Groups/${group.id}?attributes=displayName`,
        patchOp({ op: 'replace', path: 'displayName', value: name }),
      );

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        id: group.id,
        displayName: name,
      });
    });

    it('applies attributes / excludedAttributes to the user PATCH response', async () => {
      const user = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}?excludedAttributes=emails,meta`,
        patchOp({ op: 'replace', path: 'title', value: 'X' }),
      );

      expect(response.statusCode).toBe(200);
      const body = response.json<Json>();
      expect(body.emails).toBeUndefined();
      expect(body.meta).toBeUndefined();
      expect(body).toMatchObject({ id: user.id, title: 'X', schemas: [USER_SCHEMA] });
    });

    it('answers 404 for an unknown id', async () => {
      const response = await scim.patch(
        '/Users/00000000-0000-0000-0000-000000000404',
        patchOp({ op: 'replace', path: 'title', value: 'X' }),
      );

      expectScimError(response, 404);
    });
  });

  describe('errors', () => {
    let user: Json;
    beforeAll(async () => {
      user = await newUser();
    });

    const cases: [string, Json, number, string][] = [
      [
        'path nested too deep',
        patchOp({ op: 'replace', path: 'name.givenName.more', value: 'x' }),
        400,
        'invalidPath',
      ],
      [
        'unknown attribute path',
        patchOp({ op: 'replace', path: 'favouriteColour', value: 'blue' }),
        400,
        'invalidPath',
      ],
      [
        'unknown sub-attribute',
        patchOp({ op: 'replace', path: 'name.nickName', value: 'x' }),
        400,
        'invalidPath',
      ],
      [
        'unclosed value filter',
        patchOp({ op: 'replace', path: 'emails[type eq', value: 'x' }),
        400,
        'invalidFilter',
      ],
      [
        'invalid value filter',
        patchOp({ op: 'replace', path: 'emails[type zz "work"].value', value: 'x' }),
        400,
        'invalidFilter',
      ],
      ['remove without a path', patchOp({ op: 'remove' }), 400, 'noTarget'],
      [
        'replace with a value filter that matches nothing and describes no value',
        patchOp({ op: 'replace', path: 'emails[type eq "x" or type eq "y"].value', value: 'a@b.c' }),
        400,
        'noTarget',
      ],
      ['readOnly id', patchOp({ op: 'replace', path: 'id', value: 'mine' }), 400, 'mutability'],
      [
        'readOnly meta.created',
        patchOp({ op: 'replace', path: 'meta.created', value: '2020-01-01T00:00:00Z' }),
        400,
        'mutability',
      ],
      ['readOnly groups', patchOp({ op: 'add', path: 'groups', value: [{ value: 'g' }] }), 400, 'mutability'],
      ['removing the required userName', patchOp({ op: 'remove', path: 'userName' }), 400, 'mutability'],
      [
        'patching schemas',
        patchOp({ op: 'replace', path: 'schemas', value: [USER_SCHEMA] }),
        400,
        'mutability',
      ],
      [
        'a value of the wrong type',
        patchOp({ op: 'replace', path: 'active', value: { on: true } }),
        400,
        'invalidValue',
      ],
      [
        'a string for a complex attribute',
        patchOp({ op: 'replace', path: 'name', value: 'Babs' }),
        400,
        'invalidValue',
      ],
      [
        'two primary values',
        patchOp({
          op: 'add',
          path: 'emails',
          value: [
            { value: 'p1@example.com', primary: true },
            { value: 'p2@example.com', primary: true },
          ],
        }),
        400,
        'invalidValue',
      ],
      ['an unknown op', patchOp({ op: 'move', path: 'title', value: 'x' }), 400, 'invalidSyntax'],
      ['no Operations', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }, 400, 'invalidSyntax'],
      ['empty Operations', patchOp(), 400, 'invalidSyntax'],
      [
        'a wrong schemas URN',
        { schemas: [USER_SCHEMA], Operations: [{ op: 'add', path: 'title', value: 'x' }] },
        400,
        'invalidSyntax',
      ],
      ['add without a value', patchOp({ op: 'add', path: 'title' }), 400, 'invalidSyntax'],
      ['path-less add with a non-object value', patchOp({ op: 'add', value: 'x' }), 400, 'invalidSyntax'],
    ];

    it.each(cases.map(([label, body, status, scimType]) => ({ label, body, status, scimType })))(
      '$label → $status $scimType',
      async ({ body, status, scimType }) => {
        const response = await scim.patch(`/Users/${user.id}`, body);

        expectScimError(response, status, scimType);
        expect((await scim.get(`/Users/${user.id}`)).json()).toEqual(user);
      },
    );

    it('refuses a renaming that collides with another user: 409 uniqueness', async () => {
      const other = await newUser();

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'replace', path: 'userName', value: other.userName.toUpperCase() }),
      );

      expectScimError(response, 409, 'uniqueness');
    });

    it('refuses a body that is not JSON with 400 invalidSyntax', async () => {
      const response = await scim.patch(`/Users/${user.id}`, '{"Operations": [');

      expectScimError(response, 400, 'invalidSyntax');
    });
  });
});
