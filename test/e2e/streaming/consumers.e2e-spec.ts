/**
 * Real consumers of the change stream end to end (issue "Streaming", Tests): subscriptions made through the
 * admin API, SCIM writes through the app, and the events read the way a consumer reads them: the `eventsource`
 * client on a listening server (with a Last-Event-ID resume), a JetStream consumer of `@nats-io/jetstream` on
 * the machine's NATS, and a webhook consumer that hangs (delivery never holds a SCIM request).
 */
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { EventSource } from 'eventsource';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createConnection } from 'node:net';
import { ADMIN_ACTIONS } from '../../../src/streaming/admin-journal';
import { createTestApp, TestApp } from '../harness';
import { ADMIN_TOKEN, createTenantWithToken, Json } from '../support/tenants';
import { WebhookReceiver } from '../support/webhook-receiver';
import { GROUP_SCHEMA, PATCH_SCHEMA, range, StreamingClient } from './streaming.helpers';

const NATS_URL = 'nats://127.0.0.1:4222';

function natsReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: 4222 });
    socket.once('connect', () => resolve(socket.end() && true));
    socket.once('error', () => resolve(false));
  });
}

/** The changes every consumer below must see: users with passwords, a group, a member add, a deactivation, deletes. */
async function writeChanges(client: StreamingClient) {
  const alice = await client.createUser('alice', { password: 'Sup3r-secret!', active: true });
  const bob = await client.createUser('bob', { password: 'An0ther-secret!' });
  const group = await client.scim('POST', '/Groups', {
    schemas: [GROUP_SCHEMA],
    displayName: 'Admins',
    members: [{ value: alice.id }],
  });
  await client.scim('PATCH', `/Groups/${group.id}`, {
    schemas: [PATCH_SCHEMA],
    Operations: [{ op: 'add', path: 'members', value: [{ value: bob.id }] }],
  });
  await client.scim('PATCH', `/Users/${alice.id}`, {
    schemas: [PATCH_SCHEMA],
    Operations: [{ op: 'replace', path: 'active', value: false }],
  });
  await client.scim('DELETE', `/Users/${bob.id}`);
  return { alice, bob, group };
}

/** What every transport must carry for writeChanges(), checked on the non-admin events in order. */
function expectChangeEvents(events: Json[], ids: { alice: Json; bob: Json; group: Json }, raw: string) {
  const changes = events.filter((e) => !String(e.type).startsWith('admin.'));
  expect(changes.map((e) => e.type)).toEqual([
    'user.created',
    'user.created',
    'group.created',
    'group.updated',
    'user.deactivated',
    'user.deleted',
  ]);
  const [alice, , group, memberAdd, deactivated, deleted] = changes;
  expect(alice.data).toMatchObject({ id: ids.alice.id, userName: 'alice', active: true });
  expect(group.members).toEqual({ added: [{ value: ids.alice.id, type: 'User' }], removed: [] });
  expect(memberAdd).toMatchObject({
    resource: { type: 'Group', id: ids.group.id },
    changedAttributes: ['members'],
    members: { added: [{ value: ids.bob.id, type: 'User' }], removed: [] },
  });
  // A Group's snapshot is without members: the delta says what changed.
  expect((memberAdd.data as Json).members).toBeUndefined();
  expect(deactivated).toMatchObject({ changedAttributes: ['active'], data: { active: false } });
  expect(deleted).toMatchObject({ resource: { id: ids.bob.id } });
  expect(deleted.data).toBeUndefined();
  expect(raw).not.toMatch(/"password"\s*:|Sup3r-secret|An0ther-secret/i);
}

describe('Streaming: real consumers (e2e)', () => {
  let t: TestApp;
  let base: string;
  let natsUp = false;
  const stream = `SCIM_E2E_${randomUUID().replace(/-/g, '')}`;
  // A prefix of this run's own: another suite or bench on the same NATS holds its own stream and prefix.
  const prefix = `e2e${randomUUID().replace(/-/g, '')}`;

  beforeAll(async () => {
    natsUp = await natsReachable();
    if (!natsUp) console.warn(`NATS consumer test SKIPPED: ${NATS_URL} is not reachable`);
    t = await createTestApp({
      adminToken: ADMIN_TOKEN,
      streamRetryBaseMs: 50,
      streamRetryMaxMs: 200,
      ...(natsUp ? { natsUrl: NATS_URL, natsStream: stream, natsSubjectPrefix: prefix } : {}),
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await t.close();
    if (natsUp) {
      const nc = await connect({ servers: NATS_URL });
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  });

  /** A fresh tenant per test: seqs start at 1 and nothing of another test shows up. */
  async function freshClient(): Promise<StreamingClient> {
    const tenant = `c${randomUUID().slice(0, 8)}`;
    return new StreamingClient(t, tenant, await createTenantWithToken(t, tenant));
  }

  describe('Server-Sent Events with the eventsource client', () => {
    const open: EventSource[] = [];
    afterEach(() => open.splice(0).forEach((source) => source.close()));

    function listen(id: string, token: string, lastEventId?: string) {
      const received: { id: string; type: string; data: string }[] = [];
      const source = new EventSource(`${base}/events/${id}`, {
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: {
              ...init?.headers,
              Authorization: `Bearer ${token}`,
              ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
            },
          }),
      });
      open.push(source);
      const types = ['user.created', 'user.deactivated', 'user.deleted', 'group.created', 'group.updated'];
      for (const type of [...types, ...ADMIN_ACTIONS.map((action) => `admin.${action}`)])
        source.addEventListener(type, (m) => received.push({ id: m.lastEventId, type, data: m.data }));
      return { source, received };
    }

    it('streams every change in seq order with id: = seq, and resumes exactly after Last-Event-ID', async () => {
      const client = await freshClient();
      const sub = await client.subscribe({ name: 'sse', delivery: { method: 'sse' }, startAt: 'earliest' });
      const first = listen(sub.id, sub.token as string);
      const ids = await writeChanges(client);
      const { headSeq } = await client.status(sub.id);
      await until(() => first.received.length === headSeq, `${headSeq} SSE events`);

      const events = first.received.map((r) => JSON.parse(r.data) as Json);
      expect(events.map((e) => e.seq)).toEqual(range(1, headSeq));
      expect(first.received.map((r) => r.id)).toEqual(range(1, headSeq).map(String));
      expect(first.received.map((r) => r.type)).toEqual(events.map((e) => e.type));
      expectChangeEvents(events, ids, first.received.map((r) => r.data).join('\n'));
      first.source.close();

      // A consumer that stopped after seq 3 reconnects with Last-Event-ID: 3 and gets 4.. exactly once each.
      await client.createUser('carol');
      const resumed = listen(sub.id, sub.token as string, '3');
      await until(() => resumed.received.length === headSeq + 1 - 3, 'the resumed stream');
      expect(resumed.received.map((r) => Number(r.id))).toEqual(range(4, headSeq + 1));
    });

    it('refuses a wrong consumer token with 401 and an unknown subscription with 404', async () => {
      const client = await freshClient();
      const sub = await client.subscribe({ name: 'sse', delivery: { method: 'sse' } });
      const wrong = await fetch(`${base}/events/${sub.id}`, { headers: { authorization: 'Bearer nope' } });
      const unknown = await fetch(`${base}/events/${randomUUID()}`, {
        headers: { authorization: `Bearer ${String(sub.token)}` },
      });
      expect([wrong.status, unknown.status]).toEqual([401, 404]);
    });
  });

  describe('NATS JetStream with @nats-io/jetstream', () => {
    let nc: NatsConnection | undefined;
    afterEach(async () => {
      await nc?.close();
      nc = undefined;
    });

    it('publishes every change to <prefix>.<tenant>.<type>.<event> with Nats-Msg-Id = event id, in seq order', async () => {
      if (!natsUp) return console.warn(`SKIPPED: ${NATS_URL} is not reachable`);
      const client = await freshClient();
      const sub = await client.subscribe({ name: 'nats', delivery: { method: 'nats' }, startAt: 'earliest' });
      const ids = await writeChanges(client);
      const { headSeq } = await client.status(sub.id);
      // The publish acknowledgement is the delivery acknowledgement: the position reaches the head.
      await client.waitForStatus(sub.id, (s) => s.position === headSeq && s.lag === 0);

      nc = await connect({ servers: NATS_URL });
      const jsm = await jetstreamManager(nc);
      const durable = `c${randomUUID().replace(/-/g, '')}`;
      await jsm.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        filter_subject: `${prefix}.${client.tenant}.>`,
      });
      const consumer = await jetstream(nc).consumers.get(stream, durable);
      const messages: { subject: string; msgId?: string; body: string }[] = [];
      const batch = await consumer.fetch({ max_messages: headSeq + 5, expires: 2000 });
      for await (const m of batch) {
        messages.push({ subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), body: m.string() });
        m.ack();
      }

      const events = messages.map((m) => JSON.parse(m.body) as Json);
      expect(events.map((e) => e.seq)).toEqual(range(1, headSeq));
      expect(messages.map((m) => m.msgId)).toEqual(events.map((e) => e.id));
      expect(messages.map((m) => m.subject)).toEqual(
        events.map(
          (e) => `${prefix}.${client.tenant}.${(e.resource as Json).type as string}.${e.type as string}`,
        ),
      );
      expectChangeEvents(events, ids, messages.map((m) => m.body).join('\n'));
    });
  });

  describe('a webhook consumer that hangs', () => {
    let receiver: WebhookReceiver;
    beforeEach(async () => {
      receiver = new WebhookReceiver();
      await receiver.start();
    });
    afterEach(() => receiver.stop());

    it('never holds a SCIM request: writes answer while the delivery of an earlier one is still unanswered', async () => {
      const client = await freshClient();
      let release: () => void = () => undefined;
      const hold = new Promise<void>((resolve) => (release = resolve));
      // Every delivery hangs until the test lets it go (well within the 10 s attempt timeout).
      receiver.answer = () => ({ status: 204, hold });
      const sub = await client.subscribe({
        name: 'slow',
        delivery: { method: 'webhook', url: receiver.url },
      });
      receiver.secrets = [sub.secret!];
      await client.createUser('first');
      await receiver.waitFor(() => receiver.received.length > 0, 15_000, 'a delivery in flight');

      // Ten writes complete while the consumer has not answered its first delivery: one in flight per
      // subscription, so nothing else has been sent either.
      for (const n of range(1, 10)) await client.createUser(`user-${n}`);
      expect(receiver.received).toHaveLength(1);
      release();

      receiver.answer = () => ({ status: 204 });
      const { headSeq } = await client.status(sub.id);
      await client.waitForStatus(sub.id, (s) => s.position === headSeq, 20_000);
      expect(receiver.events().map((e) => e.seq)).toEqual(range(sub.position + 1, headSeq));
    });
  });
});

async function until(check: () => boolean, what: string) {
  for (let waited = 0; !check(); waited += 25) {
    if (waited > 15_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
