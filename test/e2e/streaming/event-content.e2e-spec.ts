/**
 * The content of webhook events as of each change (issue "Streaming", The event log): snapshots without
 * `password` or the computed `groups`, a Group without `members`, one event per membership PATCH with the
 * member delta, and the memberships a deleted user left.
 *
 * NEEDS THE wt/writes MERGE: until the writer fills JournalEntryInput.snapshot / members / memberOf /
 * externalId / location, these assertions fail in the wt/stream-core branch alone; the lead verifies them
 * after merging.
 */
import { createTestApp, TestApp } from '../harness';
import { ADMIN_TOKEN, createTenantWithToken } from '../support/tenants';
import { WebhookReceiver } from '../support/webhook-receiver';
import { GROUP_SCHEMA, PATCH_SCHEMA, StreamingClient } from './streaming.helpers';

describe('Streaming: event content (e2e; needs the wt/writes merge)', () => {
  let t: TestApp;
  let client: StreamingClient;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({ adminToken: ADMIN_TOKEN });
    client = new StreamingClient(t, 'content', await createTenantWithToken(t, 'content'));
  });

  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('carries snapshots and member deltas as of each change', async () => {
    const sub = await client.subscribe({
      name: 'content',
      delivery: { method: 'webhook', url: receiver.url },
      resourceTypes: ['User', 'Group'],
    });
    receiver.secrets = [sub.secret!];
    const alice = await client.createUser('alice', {
      externalId: 'ext-a',
      password: 'Sup3r-secret!',
      active: true,
    });
    const bob = await client.createUser('bob');
    const group = await client.scim('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Admins',
      members: [{ value: alice.id }],
    });
    await client.scim('PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'add', path: 'members', value: [{ value: bob.id }] }],
    });
    await client.scim('DELETE', `/Users/${alice.id}`);
    const { headSeq } = await client.status(sub.id);
    await receiver.waitForSeq(headSeq);
    const [created, , groupCreated, patched, deleted] = receiver.events() as Record<string, any>[];

    expect(created).toMatchObject({
      type: 'user.created',
      resource: {
        type: 'User',
        id: alice.id,
        externalId: 'ext-a',
        location: expect.stringContaining(`/Users/${alice.id}`),
      },
      data: { userName: 'alice', active: true, id: alice.id },
    });
    expect(created.data).not.toHaveProperty('password');
    expect(created.data).not.toHaveProperty('groups');
    expect(groupCreated).toMatchObject({
      type: 'group.created',
      data: { displayName: 'Admins' },
      members: { added: [{ value: alice.id, type: 'User' }], removed: [] },
    });
    expect(groupCreated.data).not.toHaveProperty('members');
    expect(patched).toMatchObject({
      type: 'group.updated',
      members: { added: [{ value: bob.id, type: 'User' }], removed: [] },
    });
    expect(deleted).toMatchObject({
      type: 'user.deleted',
      memberOf: { removed: [{ value: group.id, type: 'Group' }] },
    });
    expect(deleted).not.toHaveProperty('data');
  });
});
