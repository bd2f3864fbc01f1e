import {
  authorize,
  BaselineData,
  BaselineSeed,
  HEALTH_PATH,
  SCIM_BASE,
} from '../../bench/baseline/baseline-data';

/** Two users and a group of one member, as bench/run.ts dumps them from our server. */
function seed(): BaselineSeed {
  const user = (id: string, userName: string) => ({
    id,
    userName,
    meta: { resourceType: 'User', version: 'W/"1"' },
  });
  return {
    users: [user('u1', 'user-1'), user('u0', 'user-0')],
    groups: [
      { id: 'g1', resource: { id: 'g1', displayName: 'G', meta: { version: 'W/"1"' } }, members: ['u1'] },
    ],
  };
}

const replace = (path: string, value: unknown) => ({ Operations: [{ op: 'Replace', path, value }] });
const members = (op: string, ...ids: string[]) => ({
  Operations: [{ op, path: 'members', value: ids.map((value) => ({ value })) }],
});

describe('bench/baseline/baseline-data (what both baselines answer)', () => {
  let written: unknown[];
  let data: BaselineData;
  beforeEach(() => {
    written = [];
    data = new BaselineData(seed(), async (record) => void written.push(record));
  });

  it('lets the health check and the expected bearer token pass, and answers anything else with a SCIM 401', () => {
    expect(authorize(HEALTH_PATH, undefined, 'Bearer t')).toBeUndefined();
    expect(authorize(`${SCIM_BASE}/Users`, 'Bearer t', 'Bearer t')).toBeUndefined();
    expect(authorize(`${SCIM_BASE}/Users`, 'Bearer x', 'Bearer t')).toMatchObject({
      status: 401,
      body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' },
    });
  });

  it('reads a user by id with its ETag, and 404s an unknown one', () => {
    expect(data.getUser('u1')).toMatchObject({
      status: 200,
      body: { userName: 'user-1' },
      headers: { etag: 'W/"1"' },
    });
    expect(data.getUser('nope').status).toBe(404);
  });

  it('filters by userName eq (case-insensitive), pages in insertion order or by userName, and 400s other filters', () => {
    const filtered = data.listUsers({ filter: 'userName eq "USER-0"' });
    expect(filtered.body).toMatchObject({ totalResults: 1, itemsPerPage: 1, Resources: [{ id: 'u0' }] });
    expect(data.listUsers({ filter: 'userName eq "none"' }).body).toMatchObject({
      totalResults: 0,
      Resources: [],
    });
    expect(data.listUsers({ filter: 'title pr' }).status).toBe(400);
    expect(data.listUsers({ startIndex: '2', count: '1' }).body).toMatchObject({
      totalResults: 2,
      startIndex: 2,
      itemsPerPage: 1,
      Resources: [{ id: 'u0' }],
    });
    expect(data.listUsers({ sortBy: 'userName', count: '1' }).body).toMatchObject({
      Resources: [{ id: 'u0' }],
    });
  });

  it('writes each POST and PATCH durably before answering, with the new version', async () => {
    const created = await data.createUser({ userName: 'user-2' });
    expect(created).toMatchObject({ status: 201, body: { userName: 'user-2', meta: { version: 'W/"1"' } } });
    expect(created.headers?.location).toMatch(new RegExp(`^${SCIM_BASE}/Users/`));
    expect(written).toHaveLength(1);
    expect((await data.createUser({ userName: 'USER-2' })).status).toBe(409);
    expect((await data.createUser({})).status).toBe(400);
    // The sorted order is rebuilt after a POST.
    expect(data.listUsers({ sortBy: 'userName' }).body).toMatchObject({ totalResults: 3 });

    const patched = await data.patchUser('u1', replace('title', 'T'));
    expect(patched).toMatchObject({ status: 200, body: { title: 'T', meta: { version: 'W/"2"' } } });
    expect(patched.headers).toEqual({ etag: 'W/"2"' });
    expect(data.getUser('u1').body).toMatchObject({ title: 'T' });
    expect(
      (await data.patchUser('u1', { Operations: [{ op: 'add', path: 'title', value: 'x' }] })).status,
    ).toBe(400);
    expect((await data.patchUser('nope', replace('title', 'T'))).status).toBe(404);
    expect(written).toHaveLength(2);
  });

  it('adds and removes group members with a 204, refusing unknown members and other PATCHes', async () => {
    expect(await data.patchGroup('g1', members('Remove', 'u1'))).toEqual({ status: 204 });
    expect(await data.patchGroup('g1', members('Add', 'u0', 'u1'))).toEqual({ status: 204 });
    expect(written).toEqual([
      { id: 'g1', adds: [], removes: ['u1'] },
      { id: 'g1', adds: ['u0', 'u1'], removes: [] },
    ]);
    expect((await data.patchGroup('g1', members('Add', 'ghost'))).status).toBe(400);
    expect((await data.patchGroup('g1', replace('displayName', 'H'))).status).toBe(400);
    expect((await data.patchGroup('nope', members('Add', 'u0'))).status).toBe(404);
    expect(written).toHaveLength(2);
  });
});
