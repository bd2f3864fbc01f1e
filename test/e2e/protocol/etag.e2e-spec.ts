import { TestApp } from '../harness';
import {
  expectScimError,
  GROUP_SCHEMA,
  Json,
  patchOp,
  ScimClient,
  startClient,
  uniqueName,
  USER_SCHEMA,
} from './protocol.helpers';

describe('ETags and preconditions: RFC 7644 §3.14 over HTTP (e2e)', () => {
  let t: TestApp;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, scim } = await startClient());
  });
  afterAll(() => t.close());

  /** A user whose version has moved on once: returns the stale and the current version. */
  async function changedUser(): Promise<{ user: Json; stale: string; current: string }> {
    const user = await scim.createUser({ userName: uniqueName('etag'), title: 'v1' });
    const patched = await scim.patch(
      `/Users/${user.id}`,
      patchOp({ op: 'replace', path: 'title', value: 'v2' }),
    );
    expect(patched.statusCode).toBe(200);
    return {
      user: patched.json<Json>(),
      stale: user.meta.version,
      current: patched.json<Json>().meta.version,
    };
  }

  const put = (user: Json, headers: Record<string, string>) =>
    scim.put(`/Users/${user.id}`, { schemas: [USER_SCHEMA], userName: user.userName, title: 'put' }, headers);
  const patch = (user: Json, headers: Record<string, string>) =>
    scim.patch(`/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'patched' }), headers);
  const del = (user: Json, headers: Record<string, string>) => scim.delete(`/Users/${user.id}`, headers);

  describe.each([
    ['PUT', put, 200],
    ['PATCH', patch, 200],
    ['DELETE', del, 204],
  ] as const)('If-Match on %s', (_method, send, success) => {
    it('answers a stale version with 412 and a SCIM error, changing nothing', async () => {
      const { user, stale } = await changedUser();

      const response = await send(user, { 'if-match': stale });

      expectScimError(response, 412);
      const after = await scim.get(`/Users/${user.id}`);
      expect(after.statusCode).toBe(200);
      expect(after.json()).toEqual(user);
    });

    it('succeeds with the current version', async () => {
      const { user, current } = await changedUser();

      const response = await send(user, { 'if-match': current });

      expect(response.statusCode).toBe(success);
    });

    it('succeeds with *', async () => {
      const { user } = await changedUser();

      const response = await send(user, { 'if-match': '*' });

      expect(response.statusCode).toBe(success);
    });

    it('succeeds when one of several listed versions is current', async () => {
      const { user, stale, current } = await changedUser();

      const response = await send(user, { 'if-match': `${stale}, ${current}` });

      expect(response.statusCode).toBe(success);
    });
  });

  it('answers If-Match on an unknown resource with 404', async () => {
    const response = await scim.delete('/Users/00000000-0000-0000-0000-000000000000', { 'if-match': '*' });

    expectScimError(response, 404);
  });

  it('applies If-Match to groups too (PATCH answering 412)', async () => {
    const group = await scim.createGroup({ displayName: uniqueName('etag-group') });
    const first = await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'replace', path: 'displayName', value: uniqueName('etag-group') }),
      { 'if-match': group.meta.version },
    );
    expect(first.statusCode).toBe(204);

    const second = await scim.patch(
      `/Groups/${group.id}`,
      patchOp({ op: 'replace', path: 'displayName', value: uniqueName('etag-group') }),
      { 'if-match': group.meta.version },
    );

    expectScimError(second, 412);
  });

  describe('If-None-Match on GET', () => {
    it('answers 304 with the ETag and no body when the version matches', async () => {
      const user = await scim.createUser({ userName: uniqueName() });

      const response = await scim.get(`/Users/${user.id}`, { 'if-none-match': user.meta.version });

      expect(response.statusCode).toBe(304);
      expect(response.headers.etag).toBe(user.meta.version);
      expect(response.body).toBe('');
    });

    it('answers 304 to If-None-Match: *', async () => {
      const user = await scim.createUser({ userName: uniqueName() });

      expect((await scim.get(`/Users/${user.id}`, { 'if-none-match': '*' })).statusCode).toBe(304);
    });

    it('answers 200 with the resource when the version is stale', async () => {
      const { user, stale } = await changedUser();

      const response = await scim.get(`/Users/${user.id}`, { 'if-none-match': stale });

      expect(response.statusCode).toBe(200);
      expect(response.headers.etag).toBe(user.meta.version);
      expect(response.json()).toEqual(user);
    });

    it('answers 404 for an unknown id', async () => {
      const response = await scim.get('/Users/00000000-0000-0000-0000-000000000000', {
        'if-none-match': 'W/"1"',
      });

      expectScimError(response, 404);
    });
  });

  describe('version changes', () => {
    it('changes on every write: PUT, PATCH, member change', async () => {
      const user = await scim.createUser({ userName: uniqueName() });
      const group = await scim.createGroup({ displayName: uniqueName('versions') });
      const seen = new Set<string>([user.meta.version]);

      const put = await scim.put(`/Users/${user.id}`, {
        schemas: [USER_SCHEMA],
        userName: user.userName,
        title: 'a',
      });
      seen.add(put.json<Json>().meta.version);
      const patched = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'replace', path: 'title', value: 'b' }),
      );
      seen.add(patched.json<Json>().meta.version);
      const memberAdd = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: user.id }] }),
      );
      const groupAfter = (await scim.get(`/Groups/${group.id}`)).json<Json>();

      expect(seen.size).toBe(3);
      expect(memberAdd.headers.etag).toBe(groupAfter.meta.version);
      expect(groupAfter.meta.version).not.toBe(group.meta.version);
      expect(Date.parse(groupAfter.meta.lastModified)).toBeGreaterThanOrEqual(
        Date.parse(group.meta.lastModified),
      );
    });

    it('does not change on a PATCH that changes nothing, nor does lastModified', async () => {
      const user = await scim.createUser({ userName: uniqueName(), title: 'same' });

      const response = await scim.patch(
        `/Users/${user.id}`,
        patchOp({ op: 'replace', path: 'title', value: 'same' }),
      );

      expect(response.statusCode).toBe(200);
      expect(response.headers.etag).toBe(user.meta.version);
      expect(response.json()).toEqual(user);
    });

    it('does not change when a group PATCH adds an existing member again', async () => {
      const user = await scim.createUser({ userName: uniqueName() });
      const group = await scim.createGroup({
        displayName: uniqueName('noop'),
        members: [{ value: user.id }],
      });

      const response = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: user.id }] }),
      );

      expect(response.statusCode).toBe(204);
      expect(response.headers.etag).toBe(group.meta.version);
      expect((await scim.get(`/Groups/${group.id}`)).json<Json>().meta.version).toBe(group.meta.version);
    });

    it('does not change when removing a member that is not there', async () => {
      const group = await scim.createGroup({ displayName: uniqueName('noop-remove') });

      const response = await scim.patch(
        `/Groups/${group.id}`,
        patchOp({ op: 'remove', path: 'members[value eq "00000000-0000-0000-0000-000000000000"]' }),
      );

      expect(response.statusCode).toBe(204);
      expect(response.headers.etag).toBe(group.meta.version);
    });

    it('keeps distinct versions for distinct resources at the same revision', async () => {
      const a = await scim.createUser({ userName: uniqueName() });
      const b = await scim.createUser({ userName: uniqueName() });

      expect(a.meta.version).not.toBe(b.meta.version);
      const response = await scim.put(
        `/Users/${a.id}`,
        { schemas: [USER_SCHEMA], userName: a.userName },
        { 'if-match': b.meta.version },
      );
      expectScimError(response, 412);
    });
  });

  it('a 412 body follows RFC 7644 §3.12', async () => {
    const group = await scim.createGroup({ displayName: uniqueName('body') });

    const response = await scim.put(
      `/Groups/${group.id}`,
      { schemas: [GROUP_SCHEMA], displayName: group.displayName },
      { 'if-match': 'W/"not-the-version"' },
    );

    expect(response.json()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '412',
      detail: expect.stringContaining('version'),
    });
  });
});
