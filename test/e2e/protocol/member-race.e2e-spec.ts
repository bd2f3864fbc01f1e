import { DEFAULT_TENANT_ID } from '../../../src/auth/token-bootstrap.service';
import { JournalRepository, MembershipRepository, ResourceRepository } from '../../../src/store/ports';
import { TestApp } from '../harness';
import {
  expectScimError,
  GROUP_SCHEMA,
  Json,
  patchOp,
  ScimClient,
  startClient,
  uniqueName,
} from './protocol.helpers';

/** A promise with its resolve function, to hold a request at a chosen point. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * The race of a group write with the delete of a member it adds: the service checks the members exist, then
 * awaits other things before it commits. Here the member check itself is held open (its answer, "exists",
 * already computed) while DELETE /Users/{id} commits; then the group write goes on with its stale answer. The
 * commit must refuse it (ResourceRepository.commit checks added members), or the group keeps a deleted member.
 */
describe('A group write racing the delete of a member it adds (e2e, embedded store)', () => {
  let t: TestApp;
  let scim: ScimClient;

  beforeAll(async () => {
    ({ t, scim } = await startClient());
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const send: Record<string, (group: Json, userId: string) => ReturnType<ScimClient['send']>> = {
    'PATCH add': (group, userId) =>
      scim.patch(`/Groups/${group.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: userId }] })),
    PUT: (group, userId) =>
      scim.put(`/Groups/${group.id}`, {
        schemas: [GROUP_SCHEMA],
        displayName: group.displayName,
        members: [{ value: userId }],
      }),
    POST: (_group, userId) =>
      scim.post('/Groups', {
        schemas: [GROUP_SCHEMA],
        displayName: uniqueName('Racing group'),
        members: [{ value: userId }],
      }),
  };

  it.each(Object.keys(send))('%s: answers 400 invalidValue and keeps no deleted member', async (verb) => {
    const user = await scim.createUser({ userName: uniqueName('doomed') });
    const group = await scim.createGroup({ displayName: uniqueName('Race') });
    const journal = t.app.get(JournalRepository);
    const lastSeq = async () => (await journal.read(DEFAULT_TENANT_ID, 0, 100_000)).at(-1)?.seq ?? 0;

    // Hold the member check of the group write once it has seen the user exist.
    const resources = t.app.get(ResourceRepository);
    const existingIds = resources.existingIds.bind(resources);
    const checked = deferred();
    const release = deferred();
    jest.spyOn(resources, 'existingIds').mockImplementation(async (...args) => {
      const found = await existingIds(...args);
      checked.resolve();
      await release.promise;
      return found;
    });

    const groupWrite = send[verb](group, user.id as string);
    await checked.promise;
    jest.mocked(resources.existingIds).mockRestore();
    expect((await scim.delete(`/Users/${user.id}`)).statusCode).toBe(204);
    const seqAfterDelete = await lastSeq();
    release.resolve();

    const body = expectScimError(await groupWrite, 400, 'invalidValue');
    expect(body.detail).toBe(`members: no User or Group with id "${user.id}"`);
    expect(await t.app.get(MembershipRepository).groupsWithMember(DEFAULT_TENANT_ID, [user.id])).toEqual([]);
    const after = (await scim.get(`/Groups/${group.id}`)).json<Json>();
    expect([after.members ?? [], after.meta.version]).toEqual([[], group.meta.version]);
    expect(await lastSeq()).toBe(seqAfterDelete);
  });
});
