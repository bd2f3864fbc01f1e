import { TestApp } from '../harness';
import {
  expectScimError,
  GROUP_SCHEMA,
  Json,
  ORIGIN,
  patchOp,
  ScimClient,
  startClient,
  uniqueName,
} from './protocol.helpers';

const ids = (values: Json[] | undefined) => (values ?? []).map((v) => v.value).sort();

describe('Groups and memberships: RFC 7643 §4.2, RFC 7644 §3.5.2 over HTTP (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, scim } = await startClient());
  });
  afterAll(() => t.close());

  const newUser = (displayName?: string) =>
    scim.createUser({ userName: uniqueName('member'), ...(displayName ? { displayName } : {}) });

  describe('POST /Groups', () => {
    it('creates a group with user and group members, returned with value, $ref, type and display', async () => {
      const alice = await newUser('Alice');
      const bob = await newUser();
      const nested = await scim.createGroup({ displayName: uniqueName('Nested') });
      const displayName = uniqueName('Tour Guides');

      const response = await scim.post('/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName,
        members: [{ value: alice.id }, { value: bob.id, type: 'User' }, { value: nested.id }],
      });

      expect(response.statusCode).toBe(201);
      const body = response.json<Json>();
      expect(body).toMatchObject({
        schemas: [GROUP_SCHEMA],
        displayName,
        meta: { resourceType: 'Group', location: `${ORIGIN}/scim/v2/Groups/${body.id}` },
      });
      expect(response.headers.location).toBe(body.meta.location);
      expect(response.headers.etag).toBe(body.meta.version);
      const byId = new Map<string, Json>(body.members.map((m: Json) => [m.value, m]));
      expect(byId.get(alice.id)).toEqual({
        value: alice.id,
        $ref: `${ORIGIN}/scim/v2/Users/${alice.id}`,
        type: 'User',
        display: 'Alice',
      });
      expect(byId.get(bob.id)).toMatchObject({ value: bob.id, type: 'User', display: bob.userName });
      expect(byId.get(nested.id)).toEqual({
        value: nested.id,
        $ref: `${ORIGIN}/scim/v2/Groups/${nested.id}`,
        type: 'Group',
        display: nested.displayName,
      });
      expect(body.members).toHaveLength(3);
      expect((await scim.get(`/Groups/${body.id}`)).json()).toEqual(body);
    });

    it('returns an empty member list as []', async () => {
      const group = await scim.createGroup({ displayName: uniqueName('Empty'), members: [] });

      expect(group.members).toEqual([]);
    });

    it('keeps a member listed twice once', async () => {
      const alice = await newUser();

      const group = await scim.createGroup({
        displayName: uniqueName('Twice'),
        members: [{ value: alice.id }, { value: alice.id }],
      });

      expect(ids(group.members)).toEqual([alice.id]);
    });

    it('refuses an unknown member id with 400 invalidValue and creates nothing', async () => {
      const displayName = uniqueName('Unknown');

      const response = await scim.post('/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName,
        members: [{ value: 'no-such-id' }],
      });

      const error = expectScimError(response, 400, 'invalidValue');
      expect(error.detail).toContain('no-such-id');
      const list = await scim.query('/Groups', { filter: `displayName eq "${displayName}"` });
      expect(list.json<Json>().totalResults).toBe(0);
    });

    it('refuses a displayName that exists in another case with 409 uniqueness', async () => {
      const displayName = uniqueName('Unique');
      await scim.createGroup({ displayName });

      const response = await scim.post('/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: displayName.toUpperCase(),
      });

      expectScimError(response, 409, 'uniqueness');
    });

    it('refuses a group without displayName with 400 invalidValue', async () => {
      expectScimError(await scim.post('/Groups', { schemas: [GROUP_SCHEMA] }), 400, 'invalidValue');
    });

    it('refuses a group that renames onto another group with 409 uniqueness', async () => {
      const first = await scim.createGroup({ displayName: uniqueName('first') });
      const second = await scim.createGroup({ displayName: uniqueName('second') });

      const response = await scim.patch(
        `/Groups/${second.id}`,
        patchOp({ op: 'replace', path: 'displayName', value: first.displayName }),
      );

      expectScimError(response, 409, 'uniqueness');
    });
  });

  describe('GET /Groups/{id}', () => {
    it('leaves members out with excludedAttributes=members', async () => {
      const alice = await newUser();
      const group = await scim.createGroup({
        displayName: uniqueName('Excl'),
        members: [{ value: alice.id }],
      });

      const response = await scim.get(`/Groups/${group.id}?excludedAttributes=members`);

      expect(response.statusCode).toBe(200);
      const body = response.json<Json>();
      expect(body.members).toBeUndefined();
      expect(body).toMatchObject({ id: group.id, displayName: group.displayName, schemas: [GROUP_SCHEMA] });
    });

    it('answers an unknown id with a SCIM 404', async () => {
      expectScimError(await scim.get('/Groups/00000000-0000-0000-0000-000000000000'), 404);
    });
  });

  describe('PATCH members', () => {
    it('adds and removes members, answering 204', async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      const group = await scim.createGroup({ displayName: uniqueName('Patch'), members: [{ value: a.id }] });

      const add = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: b.id }, { value: c.id }] }),
      );
      expect(add.statusCode).toBe(204);
      expect(ids((await scim.get(`/Groups/${group.id}`)).json<Json>().members)).toEqual(
        [a.id, b.id, c.id].sort(),
      );

      const remove = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'remove', path: `members[value eq "${a.id}"]` }),
      );
      expect(remove.statusCode).toBe(204);
      expect(ids((await scim.get(`/Groups/${group.id}`)).json<Json>().members)).toEqual([b.id, c.id].sort());
    });

    it('removes members listed in a value array (Entra form)', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const group = await scim.createGroup({
        displayName: uniqueName('EntraRemove'),
        members: [{ value: a.id }, { value: b.id }],
      });

      const response = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'Remove', path: 'members', value: [{ value: a.id }] }),
      );

      expect(response.statusCode).toBe(204);
      expect(ids((await scim.get(`/Groups/${group.id}`)).json<Json>().members)).toEqual([b.id]);
    });

    it('treats removing a non-member as harmless', async () => {
      const [a, stranger] = [await newUser(), await newUser()];
      const group = await scim.createGroup({
        displayName: uniqueName('Harmless'),
        members: [{ value: a.id }],
      });

      const response = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'remove', path: `members[value eq "${stranger.id}"]` }),
      );

      expect(response.statusCode).toBe(204);
      expect(ids((await scim.get(`/Groups/${group.id}`)).json<Json>().members)).toEqual([a.id]);
    });

    it('treats adding an existing member as idempotent', async () => {
      const a = await newUser();
      const group = await scim.createGroup({ displayName: uniqueName('Idem'), members: [{ value: a.id }] });

      const response = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: a.id }] }),
      );

      expect(response.statusCode).toBe(204);
      expect(ids((await scim.get(`/Groups/${group.id}`)).json<Json>().members)).toEqual([a.id]);
    });

    it('refuses an unknown member id with 400 invalidValue and changes nothing', async () => {
      const a = await newUser();
      const group = await scim.createGroup({ displayName: uniqueName('Refuse'), members: [{ value: a.id }] });

      const response = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: 'ghost' }] }),
      );

      expectScimError(response, 400, 'invalidValue');
      expect((await scim.get(`/Groups/${group.id}`)).json()).toEqual(group);
    });

    it('refuses a group as its own member with 400 invalidValue', async () => {
      const group = await scim.createGroup({ displayName: uniqueName('Self') });

      const response = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: group.id }] }),
      );

      expectScimError(response, 400, 'invalidValue');
    });

    it('removes every member with remove on "members"', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const group = await scim.createGroup({
        displayName: uniqueName('Clear'),
        members: [{ value: a.id }, { value: b.id }],
      });

      const response = await scim.patch(`/Groups/${group.id}`, patchOp({ op: 'remove', path: 'members' }));

      expect(response.statusCode).toBe(204);
      expect((await scim.get(`/Groups/${group.id}`)).json<Json>().members ?? []).toEqual([]);
    });

    it('replaces the members with PUT', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const group = await scim.createGroup({ displayName: uniqueName('Put'), members: [{ value: a.id }] });

      const response = await scim.put(`/Groups/${group.id}`, {
        schemas: [GROUP_SCHEMA],
        displayName: group.displayName,
        members: [{ value: b.id }],
      });

      expect(response.statusCode).toBe(200);
      expect(ids(response.json<Json>().members)).toEqual([b.id]);
      expect(ids((await scim.get(`/Groups/${group.id}`)).json<Json>().members)).toEqual([b.id]);
    });

    it('loses no member when 20 PATCHes add different members to one group at once', async () => {
      const users = await Promise.all(Array.from({ length: 20 }, () => newUser()));
      const group = await scim.createGroup({ displayName: uniqueName('Concurrent') });

      const responses = await Promise.all(
        users.map((u) =>
          scim.patch(
            `/Groups/${group.id}`,
            patchOp({ op: 'add', path: 'members', value: [{ value: u.id }] }),
          ),
        ),
      );

      expect(responses.map((r) => r.statusCode)).toEqual(users.map(() => 204));
      const members = (await scim.get(`/Groups/${group.id}`)).json<Json>().members;
      expect(ids(members)).toEqual(users.map((u) => u.id).sort());
    });
  });

  describe("a user's groups (RFC 7643 §4.1.2)", () => {
    it('lists direct and indirect (nested) memberships with their type', async () => {
      const user = await newUser();
      const direct = await scim.createGroup({
        displayName: uniqueName('Direct'),
        members: [{ value: user.id }],
      });
      const parent = await scim.createGroup({
        displayName: uniqueName('Parent'),
        members: [{ value: direct.id }],
      });
      const grandparent = await scim.createGroup({
        displayName: uniqueName('Grandparent'),
        members: [{ value: parent.id }],
      });

      const body = (await scim.get(`/Users/${user.id}`)).json<Json>();

      const byId = new Map<string, Json>(body.groups.map((g: Json) => [g.value, g]));
      expect(byId.size).toBe(3);
      expect(byId.get(direct.id)).toEqual({
        value: direct.id,
        $ref: `${ORIGIN}/scim/v2/Groups/${direct.id}`,
        display: direct.displayName,
        type: 'direct',
      });
      expect(byId.get(parent.id)).toMatchObject({ type: 'indirect', display: parent.displayName });
      expect(byId.get(grandparent.id)).toMatchObject({ type: 'indirect' });
    });

    it('reports a group reached both directly and through a nested group as direct', async () => {
      const user = await newUser();
      const inner = await scim.createGroup({
        displayName: uniqueName('Inner'),
        members: [{ value: user.id }],
      });
      const outer = await scim.createGroup({
        displayName: uniqueName('Outer'),
        members: [{ value: inner.id }, { value: user.id }],
      });

      const body = (await scim.get(`/Users/${user.id}`)).json<Json>();

      expect(body.groups.find((g: Json) => g.value === outer.id).type).toBe('direct');
    });

    it('terminates on a membership cycle', async () => {
      const user = await newUser();
      const a = await scim.createGroup({ displayName: uniqueName('CycleA'), members: [{ value: user.id }] });
      const b = await scim.createGroup({ displayName: uniqueName('CycleB'), members: [{ value: a.id }] });
      await scim.patch(`/Groups/${a.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: b.id }] }));

      const response = await scim.get(`/Users/${user.id}`);

      expect(response.statusCode).toBe(200);
      expect(ids(response.json<Json>().groups)).toEqual([a.id, b.id].sort());
    });

    it('is not writable: groups sent on POST are ignored', async () => {
      const group = await scim.createGroup({ displayName: uniqueName('Ignored') });

      const user = await scim.createUser({ userName: uniqueName(), groups: [{ value: group.id }] });

      expect(user.groups).toBeUndefined();
    });

    it('is filterable: groups.value eq', async () => {
      const user = await newUser();
      const other = await newUser();
      const group = await scim.createGroup({
        displayName: uniqueName('Filter'),
        members: [{ value: user.id }],
      });

      const response = await scim.query('/Users', { filter: `groups.value eq "${group.id}"` });

      expect(response.statusCode).toBe(200);
      const found = response.json<Json>().Resources.map((r: Json) => r.id);
      expect(found).toEqual([user.id]);
      expect(found).not.toContain(other.id);
    });
    it('is filterable through nested groups: groups.value eq an indirect group', async () => {
      const user = await newUser();
      await newUser();
      const child = await scim.createGroup({
        displayName: uniqueName('FilterChild'),
        members: [{ value: user.id }],
      });
      const parent = await scim.createGroup({
        displayName: uniqueName('FilterParent'),
        members: [{ value: child.id }],
      });

      const response = await scim.query('/Users', { filter: `groups.value eq "${parent.id}"` });

      expect(response.statusCode).toBe(200);
      expect(response.json<Json>().Resources.map((r: Json) => r.id)).toEqual([user.id]);
    });
  });

  describe('deletes', () => {
    it('removes a deleted user from its groups', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const group = await scim.createGroup({
        displayName: uniqueName('DelUser'),
        members: [{ value: a.id }, { value: b.id }],
      });

      expect((await scim.delete(`/Users/${a.id}`)).statusCode).toBe(204);

      expect(ids((await scim.get(`/Groups/${group.id}`)).json<Json>().members)).toEqual([b.id]);
      const byMember = await scim.query('/Groups', { filter: `members.value eq "${a.id}"` });
      expect(byMember.json<Json>().totalResults).toBe(0);
    });

    it("removes a deleted group from its members' groups and from parent groups", async () => {
      const user = await newUser();
      const child = await scim.createGroup({
        displayName: uniqueName('Child'),
        members: [{ value: user.id }],
      });
      const parent = await scim.createGroup({
        displayName: uniqueName('Par'),
        members: [{ value: child.id }],
      });

      expect((await scim.delete(`/Groups/${child.id}`)).statusCode).toBe(204);

      expect((await scim.get(`/Users/${user.id}`)).json<Json>().groups).toBeUndefined();
      expect((await scim.get(`/Groups/${parent.id}`)).json<Json>().members ?? []).toEqual([]);
      expectScimError(await scim.get(`/Groups/${child.id}`), 404);
    });

    it('frees the displayName of a deleted group', async () => {
      const displayName = uniqueName('Reuse');
      const group = await scim.createGroup({ displayName });
      await scim.delete(`/Groups/${group.id}`);

      const again = await scim.post('/Groups', { schemas: [GROUP_SCHEMA], displayName });

      expect(again.statusCode).toBe(201);
    });
  });
});
