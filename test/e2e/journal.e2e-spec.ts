import { randomUUID } from 'node:crypto';
import { generateToken, hashToken } from '../../src/auth/token-hash';
import { JournalEntry, StaticTokenRepository, TenantRepository } from '../../src/store/ports';
import { createTestApp, TestApp } from './harness';
import { ADMIN_HEADER, ADMIN_TOKEN, createTenantWithToken, Json } from './support/tenants';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const TENANT = 'journal-e2e';

interface JournalPage {
  tenantId: string;
  entries: JournalEntry[];
  nextSince: number;
}

/** What the tests read from a 201 answer. */
interface Created {
  id: string;
  meta: { version: string; lastModified: string; location: string };
}

const patchOp = (...operations: Json[]) => ({ schemas: [PATCH_SCHEMA], Operations: operations });

describe('Change journal (e2e)', () => {
  let t: TestApp;
  let auth: { authorization: string };
  let credential: { id: string; label: string };

  /**
   * Tenants and tokens are seeded through the repository, so that this suite's journals hold only what SCIM
   * writes journal; admin actions are journaled too (issue "Streaming"; see the last test here and
   * streaming/subscriptions-admin.e2e-spec.ts).
   */
  async function seedTenant(id: string, label: string) {
    const tenants = t.app.get(TenantRepository);
    await tenants.insertTenant({ id, name: id, disabled: false, createdAt: new Date().toISOString() });
    const token = generateToken();
    const record = {
      id: randomUUID(),
      tenantId: id,
      label,
      hash: hashToken(token),
      createdAt: new Date().toISOString(),
      revoked: false,
    };
    await t.app.get(StaticTokenRepository).insertToken(record);
    return { credential: { id: record.id, label }, auth: { authorization: `Bearer ${token}` } };
  }

  beforeEach(async () => {
    t = await createTestApp({ adminToken: ADMIN_TOKEN });
    ({ credential, auth } = await seedTenant(TENANT, 'Entra provisioning'));
  });

  afterEach(async () => {
    await t.close();
  });

  async function scim(
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    requestId?: string,
  ) {
    const headers: Record<string, string> = { ...auth };
    if (body !== undefined) headers['content-type'] = 'application/scim+json';
    if (requestId) headers['x-request-id'] = requestId;
    return t.app.inject({
      method,
      url: `/scim/v2${path}`,
      headers,
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function journal(query = '', tenant = TENANT) {
    return t.app.inject({
      method: 'GET',
      url: `/admin/tenants/${tenant}/journal${query}`,
      headers: ADMIN_HEADER,
    });
  }

  async function entries(tenant = TENANT): Promise<JournalEntry[]> {
    const response = await journal('?limit=1000', tenant);
    expect(response.statusCode).toBe(200);
    return response.json<JournalPage>().entries;
  }

  async function createUser(userName: string, requestId?: string, extra: Json = {}): Promise<Created> {
    const response = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName, ...extra }, requestId);
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  it('records a create with the actor, the request id, the version and the attributes', async () => {
    const user = await createUser('alice', 'req-create', { active: true, displayName: 'Alice' });
    expect(await entries()).toEqual([
      {
        tenantId: TENANT,
        seq: 1,
        time: user.meta.lastModified,
        actor: { credentialId: credential.id, label: 'Entra provisioning' },
        requestId: 'req-create',
        operation: 'create',
        resourceType: 'User',
        resourceId: user.id,
        version: user.meta.version,
        changedAttributes: ['userName', 'active', 'displayName'],
        location: user.meta.location,
        // As GET returns it right after the change (a user in no group: the create answer is the same).
        snapshot: user,
      },
    ]);
  });

  it('records replace, patch, deactivate, activate and delete in order, each with its request id', async () => {
    const user = await createUser('bob', 'r1', { active: true });
    const path = `/Users/${user.id}`;
    const put = await scim(
      'PUT',
      path,
      { schemas: [USER_SCHEMA], userName: 'bob', active: true, title: 'Boss' },
      'r2',
    );
    const patched = await scim('PATCH', path, patchOp({ op: 'replace', path: 'nickName', value: 'B' }), 'r3');
    const off = await scim('PATCH', path, patchOp({ op: 'replace', path: 'active', value: false }), 'r4');
    const on = await scim(
      'PATCH',
      path,
      patchOp({ op: 'replace', value: { active: true, title: 'CEO' } }),
      'r5',
    );
    const deleted = await scim('DELETE', path, undefined, 'r6');
    expect([put, patched, off, on, deleted].map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 204]);

    const summary = (await entries()).map((e) => [
      e.seq,
      e.requestId,
      e.operation,
      e.version,
      e.changedAttributes,
    ]);
    expect(summary).toEqual([
      [1, 'r1', 'create', user.meta.version, ['userName', 'active']],
      [2, 'r2', 'replace', put.json().meta.version, ['title']],
      [3, 'r3', 'patch', patched.json().meta.version, ['nickName']],
      [4, 'r4', 'deactivate', off.json().meta.version, ['active']],
      [5, 'r5', 'activate', on.json().meta.version, ['active', 'title']],
      [6, 'r6', 'delete', on.json().meta.version, []],
    ]);
  });

  it('records a group created with members as one create, and a member-only PATCH as membership', async () => {
    const alice = await createUser('alice');
    const bob = await createUser('bob');
    const created = await scim(
      'POST',
      '/Groups',
      { schemas: [GROUP_SCHEMA], displayName: 'Sales', members: [{ value: alice.id }] },
      'g1',
    );
    const group = created.json();
    const added = await scim(
      'PATCH',
      `/Groups/${group.id}`,
      patchOp({ op: 'add', path: 'members', value: [{ value: bob.id }] }),
      'g2',
    );
    expect(added.statusCode).toBe(204);
    const [, , create, membership] = await entries();
    expect([create.operation, create.changedAttributes, create.requestId]).toEqual([
      'create',
      ['displayName', 'members'],
      'g1',
    ]);
    expect([
      membership.operation,
      membership.resourceId,
      membership.changedAttributes,
      membership.version,
    ]).toEqual(['membership', group.id, ['members'], added.headers.etag]);
  });

  describe('as of the change (the fields a stream consumer needs)', () => {
    const user = (value: string) => ({ value, type: 'User' });
    const byValue = (a: { value: string }, b: { value: string }) => a.value.localeCompare(b.value);

    async function createGroup(displayName: string, members: string[] = []): Promise<Created> {
      const response = await scim('POST', '/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName,
        externalId: `ext-${displayName}`,
        members: members.map((value) => ({ value })),
      });
      expect(response.statusCode).toBe(201);
      return response.json();
    }

    async function patchMembers(groupId: string, ...operations: Json[]) {
      const response = await scim('PATCH', `/Groups/${groupId}`, patchOp(...operations));
      expect(response.statusCode).toBe(204);
    }

    it('a user entry carries externalId, location and the snapshot as GET shows it, without password or groups', async () => {
      const alice = await createUser('alice', undefined, {
        externalId: 'ext-alice',
        password: 'S3cret!pass',
      });
      await createGroup('Sales', [alice.id]);
      const patched = await scim(
        'PATCH',
        `/Users/${alice.id}`,
        patchOp({ op: 'replace', path: 'title', value: 'Boss' }),
      );
      const read = await scim('PUT', `/Users/${alice.id}`, {
        schemas: [USER_SCHEMA],
        userName: 'alice',
        externalId: 'ext-alice',
        title: 'CEO',
      });
      const get = await t.app.inject({ method: 'GET', url: `/scim/v2/Users/${alice.id}`, headers: auth });
      expect([patched.statusCode, read.statusCode, get.json().groups]).toEqual([
        200,
        200,
        [expect.anything()],
      ]);
      const [create, , patch, replace] = await entries();
      const { groups: _groups, ...withoutGroups } = get.json();
      expect(replace).toMatchObject({
        operation: 'replace',
        externalId: 'ext-alice',
        location: get.json().meta.location,
        version: get.json().meta.version,
        snapshot: withoutGroups,
      });
      expect(replace.snapshot).toEqual(withoutGroups);
      expect([create.changedAttributes, patch.snapshot?.title]).toEqual([
        ['userName', 'externalId', 'password'],
        'Boss',
      ]);
      for (const entry of [create, patch, replace]) {
        expect(Object.keys(entry.snapshot ?? {})).not.toEqual(expect.arrayContaining(['password']));
        expect(entry.snapshot).not.toHaveProperty('groups');
        expect(entry).not.toHaveProperty('members');
      }
    });

    it('a group entry has a snapshot without members and the member delta as it took effect', async () => {
      const [a, b, c] = [await createUser('a'), await createUser('b'), await createUser('c')];
      const group = await createGroup('Ops', [a.id, b.id]);
      // b is already a member: only c counts as added; a is removed, nobody was never there.
      await patchMembers(group.id, { op: 'add', path: 'members', value: [{ value: b.id }, { value: c.id }] });
      await patchMembers(group.id, { op: 'remove', path: `members[value eq "${a.id}"]` });
      await patchMembers(group.id, {
        op: 'remove',
        path: 'members',
        value: [{ value: a.id }, { value: c.id }],
      });
      const put = await scim('PUT', `/Groups/${group.id}`, {
        schemas: [GROUP_SCHEMA],
        displayName: 'Ops',
        members: [{ value: a.id }, { value: b.id }],
      });
      expect(put.statusCode).toBe(200);
      await patchMembers(group.id, {
        op: 'replace',
        path: 'members',
        value: [{ value: b.id }, { value: c.id }],
      });
      const [, , , create, add, removeOne, removeTwo, replace, replaceAll] = await entries();
      expect(create).toMatchObject({
        operation: 'create',
        externalId: 'ext-Ops',
        location: group.meta.location,
        members: { added: [user(a.id), user(b.id)], removed: [] },
      });
      const { members: _members, ...groupWithoutMembers } = group as Created & { members?: unknown };
      expect(create.snapshot).toEqual(groupWithoutMembers);
      expect([add, removeOne, removeTwo, replace, replaceAll].map((e) => [e.operation, e.members])).toEqual([
        ['membership', { added: [user(c.id)], removed: [] }],
        ['membership', { added: [], removed: [user(a.id)] }],
        ['membership', { added: [], removed: [user(c.id)] }],
        ['replace', { added: [user(a.id)], removed: [] }],
        ['membership', { added: [user(c.id)], removed: [user(a.id)] }],
      ]);
      for (const entry of [create, add, replace, replaceAll])
        expect(entry.snapshot).not.toHaveProperty('members');
    });

    it('one PATCH adding 100 members is one entry with 100 added', async () => {
      const users: Created[] = [];
      for (let i = 0; i < 100; i++) users.push(await createUser(`member-${i}`));
      const group = await createGroup('Big');
      await patchMembers(group.id, {
        op: 'add',
        path: 'members',
        value: users.map((u) => ({ value: u.id })),
      });
      const all = await entries();
      expect(all.length).toBe(102);
      expect(all[101].members?.added.sort(byValue)).toEqual(users.map((u) => user(u.id)).sort(byValue));
    });

    it('a delete has no snapshot; it names the members a group had and the groups a deleted resource was in', async () => {
      const alice = await createUser('alice', undefined, { externalId: 'ext-alice' });
      const inner = await createGroup('Inner', [alice.id]);
      const outer = await createGroup('Outer', [alice.id, inner.id]);
      expect((await scim('DELETE', `/Groups/${inner.id}`)).statusCode).toBe(204);
      expect((await scim('DELETE', `/Users/${alice.id}`)).statusCode).toBe(204);
      const [, , , deletedGroup, deletedUser] = await entries();
      expect(deletedGroup).toMatchObject({
        operation: 'delete',
        resourceId: inner.id,
        externalId: 'ext-Inner',
        location: inner.meta.location,
        members: { added: [], removed: [user(alice.id)] },
        memberOf: { removed: [{ value: outer.id, type: 'Group' }] },
      });
      expect(deletedUser).toMatchObject({
        operation: 'delete',
        externalId: 'ext-alice',
        location: alice.meta.location,
        memberOf: { removed: [{ value: outer.id, type: 'Group' }] },
      });
      expect([deletedGroup, deletedUser].map((e) => ['snapshot' in e, 'members' in e])).toEqual([
        [false, true],
        [false, false],
      ]);
    });
  });

  it('journals nothing for a PATCH that changes nothing', async () => {
    const user = await createUser('carol', undefined, { title: 'Boss' });
    const response = await scim(
      'PATCH',
      `/Users/${user.id}`,
      patchOp({ op: 'replace', path: 'title', value: 'Boss' }),
    );
    expect(response.statusCode).toBe(200);
    expect((await entries()).map((e) => e.operation)).toEqual(['create']);
  });

  it('journals nothing for a refused write: uniqueness conflict, failed precondition, unknown member', async () => {
    const user = await createUser('dave');
    const conflict = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: 'DAVE' });
    const stale = await t.app.inject({
      method: 'PATCH',
      url: `/scim/v2/Users/${user.id}`,
      headers: { ...auth, 'content-type': 'application/scim+json', 'if-match': 'W/"999-x"' },
      payload: JSON.stringify(patchOp({ op: 'replace', path: 'title', value: 'x' })),
    });
    const badMember = await scim('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'G',
      members: [{ value: 'nobody' }],
    });
    expect([conflict.statusCode, stale.statusCode, badMember.statusCode]).toEqual([409, 412, 400]);
    expect((await entries()).map((e) => e.seq)).toEqual([1]);
  });

  it('gives every operation of a Bulk request its own entry with the request id of the Bulk', async () => {
    const response = await scim(
      'POST',
      '/Bulk',
      {
        schemas: [BULK_SCHEMA],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'a', data: { schemas: [USER_SCHEMA], userName: 'erin' } },
          {
            method: 'PATCH',
            path: '/Users/bulkId:a',
            data: patchOp({ op: 'replace', path: 'active', value: false }),
          },
        ],
      },
      'bulk-1',
    );
    expect(response.statusCode).toBe(200);
    expect((await entries()).map((e) => [e.seq, e.operation, e.requestId])).toEqual([
      [1, 'create', 'bulk-1'],
      [2, 'deactivate', 'bulk-1'],
    ]);
  });

  it('numbers each tenant on its own and shows a tenant only its own entries', async () => {
    await createUser('frank');
    const other = (await seedTenant('other-tenant', 'e2e')).auth;
    const created = await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { ...other, 'content-type': 'application/scim+json' },
      payload: JSON.stringify({ schemas: [USER_SCHEMA], userName: 'frank' }),
    });
    expect(created.statusCode).toBe(201);
    const theirs = await entries('other-tenant');
    expect([theirs.map((e) => [e.seq, e.tenantId]), (await entries()).map((e) => e.seq)]).toEqual([
      [[1, 'other-tenant']],
      [1],
    ]);
  });

  it('pages with since and limit, and nextSince continues where the page ended', async () => {
    for (const name of ['u1', 'u2', 'u3']) await createUser(name);
    const first = (await journal('?since=0&limit=2')).json<JournalPage>();
    const second = (await journal(`?since=${first.nextSince}&limit=2`)).json<JournalPage>();
    const third = (await journal(`?since=${second.nextSince}`)).json<JournalPage>();
    expect([
      first.entries.map((e) => e.seq),
      first.nextSince,
      second.entries.map((e) => e.seq),
      third,
    ]).toEqual([[1, 2], 2, [3], { tenantId: TENANT, entries: [], nextSince: 3 }]);
  });

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=1001', 'limit'],
    ['?since=-1', 'since'],
    ['?since=abc', 'since'],
    ['?since=1.5', 'since'],
  ])('refuses %s with 400 naming the parameter', async (query, parameter) => {
    const response = await journal(query);
    expect([response.statusCode, response.json().detail]).toEqual([400, expect.stringContaining(parameter)]);
  });

  it('tells each validation message once', async () => {
    const response = await journal('?since=abc');

    expect(response.json().detail).toBe(
      'Invalid request: since: must be a whole number >= 0 (a sequence number)',
    );
  });

  it('answers 404 for an unknown tenant', async () => {
    expect((await journal('', 'no-such-tenant')).statusCode).toBe(404);
  });

  it('is part of the admin API: a SCIM token gets 401', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `/admin/tenants/${TENANT}/journal`,
      headers: auth,
    });
    expect(response.statusCode).toBe(401);
  });

  it('journals the admin actions that create a tenant and issue its token, attributed to the admin API', async () => {
    await createTenantWithToken(t, 'admin-made');

    expect(
      (await entries('admin-made')).map((e) => [e.seq, e.operation, e.adminAction, e.resourceType, e.actor]),
    ).toEqual([
      [1, 'admin', 'tenant.created', 'Tenant', { credentialId: 'admin', label: 'admin API' }],
      [2, 'admin', 'token.created', 'Token', { credentialId: 'admin', label: 'admin API' }],
    ]);
  });
});
