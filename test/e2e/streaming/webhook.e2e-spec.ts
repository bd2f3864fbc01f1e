/**
 * Webhook delivery end to end (issue "Streaming"): a real HTTP consumer verifying every request with the
 * `standardwebhooks` library, SCIM writes driven through the app, order, continuity, signatures, batches,
 * retries with the same webhook-id, rotation, 410, dead letters and the status fields.
 */
import { createTestApp, TestApp } from '../harness';
import { ADMIN_TOKEN, createTenantWithToken } from '../support/tenants';
import { WebhookReceiver } from '../support/webhook-receiver';
import { GROUP_SCHEMA, PATCH_SCHEMA, range, StreamingClient } from './streaming.helpers';

describe('Streaming: webhooks (e2e)', () => {
  let t: TestApp;
  let client: StreamingClient;
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    t = await createTestApp({ adminToken: ADMIN_TOKEN, streamRetryBaseMs: 50, streamRetryMaxMs: 200 });
    client = new StreamingClient(t, 'stream', await createTenantWithToken(t, 'stream'));
    receiver = new WebhookReceiver();
    await receiver.start();
  });

  afterEach(async () => {
    await t.close();
    await receiver.stop();
  });

  async function webhook(extra: Record<string, unknown> = {}, delivery: Record<string, unknown> = {}) {
    const sub = await client.subscribe({
      name: 'e2e',
      delivery: { method: 'webhook', url: receiver.url, ...delivery },
      ...extra,
    });
    receiver.secrets = [sub.secret!];
    return sub;
  }

  it('delivers every change in seq order without gaps, signed, with the event id as webhook-id, never a password', async () => {
    const sub = await webhook();
    const alice: { id: string } = await client.createUser('alice', {
      password: 'Sup3r-secret!',
      active: true,
    });
    const bob: { id: string } = await client.createUser('bob', { password: 'An0ther-secret!' });
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
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    await client.scim('PATCH', `/Users/${alice.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    });
    await client.scim('DELETE', `/Users/${bob.id}`);
    await client.scim('DELETE', `/Groups/${group.id}`);
    const { headSeq } = await client.status(sub.id);

    await receiver.waitForSeq(headSeq);

    const events = receiver.events();
    expect(events.map((e) => e.seq)).toEqual(range(sub.position + 1, headSeq));
    expect(receiver.received.every((r) => r.verifiedWith[0])).toBe(true);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual(events.map((e) => e.id));
    expect(receiver.received[0].headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': expect.stringContaining('scim-stream'),
    });
    expect(events.filter((e) => !(e.type as string).startsWith('admin.')).map((e) => e.type)).toEqual([
      'user.created',
      'user.created',
      'group.created',
      'group.updated',
      'user.deactivated',
      'user.reactivated',
      'user.deleted',
      'group.deleted',
    ]);
    expect(events.every((e) => e.tenant === 'stream' && e.id === `stream:${e.seq as number}`)).toBe(true);
    // changedAttributes may name `password` (the consumer learns that it changed), never its value.
    expect(receiver.received.map((r) => r.body).join('\n')).not.toMatch(
      /"password"\s*:|Sup3r-secret|An0ther-secret/i,
    );
    await expect(client.waitForStatus(sub.id, (s) => s.position === headSeq)).resolves.toMatchObject({
      status: 'active',
      lag: 0,
      deadLettered: 0,
      lastDeliveredAt: expect.any(String),
    });
  });

  it('delivers the subscription change itself as an admin event, and filters by type and resource type', async () => {
    const all = await webhook();
    const filtered = await client.subscribe({
      name: 'leavers',
      delivery: { method: 'webhook', url: `${receiver.url}?filtered` },
      eventTypes: ['user.deactivated'],
      resourceTypes: ['User'],
    });
    const user = await client.createUser('carol', { active: true });
    await client.scim('PATCH', `/Users/${user.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    const { headSeq } = await client.status(filtered.id);

    await client.waitForStatus(filtered.id, (s) => s.position === headSeq);
    await client.waitForStatus(all.id, (s) => s.position === headSeq);

    const typesAt = (query: boolean) =>
      receiver.received.filter((r) => r.path.includes('?filtered') === query).map((r) => r.json.type);
    expect(typesAt(true)).toEqual(['user.deactivated']);
    // Both subscriptions' creations are admin events of the tenant's stream.
    expect(typesAt(false)).toEqual([
      'admin.subscription.created',
      'admin.subscription.created',
      'user.created',
      'user.deactivated',
    ]);
  });

  it('batches up to maxBatchSize events as {"events": [...]}, webhook-id naming the last one', async () => {
    const sub = await client.subscribe({
      name: 'batched',
      delivery: { method: 'webhook', url: receiver.url, maxBatchSize: 50 },
      startAt: 'now',
    });
    receiver.secrets = [sub.secret!];
    await client.admin('PATCH', `/${sub.id}`, { state: 'paused' });
    for (let i = 0; i < 5; i++) await client.createUser(`batch${i}`);
    await client.admin('PATCH', `/${sub.id}`, { state: 'active' });
    const { headSeq } = await client.status(sub.id);

    await receiver.waitForSeq(headSeq);

    expect(receiver.received.every((r) => Array.isArray(r.json.events) && r.verifiedWith[0])).toBe(true);
    const biggest = receiver.received.reduce((a, r) => Math.max(a, (r.json.events as unknown[]).length), 0);
    expect(biggest).toBeGreaterThanOrEqual(5);
    for (const r of receiver.received) {
      const events = r.json.events as { id: string }[];
      expect(r.headers['webhook-id']).toBe(events[events.length - 1].id);
    }
    expect(receiver.events().map((e) => e.seq)).toEqual(range(sub.position + 1, headSeq));
  });

  it('retries 500s and timeouts with the same webhook-id, showing failing, lastError and nextAttemptAt meanwhile', async () => {
    let calls = 0;
    receiver.answer = () => {
      calls++;
      if (calls <= 3) return { status: 500 };
      if (calls === 4) return { status: 204, delayMs: 600 };
      return { status: 204 };
    };
    const sub = await webhook({}, { timeoutMs: 200 });
    const failing = await client.waitForStatus(sub.id, (s) => s.status === 'failing');

    expect(failing).toMatchObject({
      lastError: { at: expect.any(String), status: 500, detail: 'the consumer answered HTTP 500' },
      nextAttemptAt: expect.any(String),
      lag: 1,
    });
    const done = await client.waitForStatus(sub.id, (s) => s.position === sub.position + 1);
    expect(done).toMatchObject({
      status: 'active',
      lastError: { detail: 'no answer within 200 ms (timeout)' },
    });
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    expect(new Set(ids)).toEqual(new Set([`stream:${sub.position + 1}`]));
    const deliveries = (await client.admin('GET', `/${sub.id}/deliveries`)).json();
    expect(deliveries.attempts.map((a: { outcome: string }) => a.outcome).slice(0, 2)).toEqual([
      'acknowledged',
      'retry',
    ]);
    expect(deliveries.attempts.at(-1)).toMatchObject({
      outcome: 'retry',
      status: 500,
      fromSeq: sub.position + 1,
    });
    const failures = t.logs.lines().filter((l) => l.msg === 'Delivery attempt failed');
    expect(failures[0]).toMatchObject({
      level: 'warn',
      subscriptionId: sub.id,
      fromSeq: sub.position + 1,
      status: 500,
      outcome: 'retry',
      detail: 'the consumer answered HTTP 500',
    });
    expect(failures.length).toBeGreaterThanOrEqual(4);
    expect(t.logs.text()).not.toContain(sub.secret!);
    expect(t.logs.text()).not.toContain(receiver.received[0].headers['webhook-signature']);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/scim_stream_delivery_attempts_total\{method="webhook",outcome="retry"\} [1-9]/);
    expect(metrics).toMatch(/scim_stream_delivery_latency_seconds_count\{method="webhook"\} [1-9]/);
    expect(metrics).toMatch(/scim_stream_events_appended_total\{tenant="stream"\} [1-9]/);
    expect(metrics).toContain(`scim_stream_subscription_lag{subscription="${sub.id}"} 0`);
  });

  it('honours Retry-After', async () => {
    let calls = 0;
    receiver.answer = () =>
      ++calls === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 204 };
    const sub = await webhook();

    await client.waitForStatus(sub.id, (s) => s.position === sub.position + 1);

    expect(receiver.received[1].at - receiver.received[0].at).toBeGreaterThanOrEqual(950);
  });

  it('signs with both secrets after a rotation, each signature verifying with its own secret', async () => {
    const sub = await webhook();
    const rotated = await client.admin('POST', `/${sub.id}/rotate-secret`, { graceSeconds: 3600 });
    expect(rotated.statusCode).toBe(201);
    const next = rotated.json() as { secret: string; secrets: { expiresAt?: string }[] };
    expect(next.secret).toMatch(/^whsec_/);
    expect(next.secret).not.toBe(sub.secret);
    expect(next.secrets.map((s) => s.expiresAt === undefined)).toEqual([true, false]);
    receiver.secrets = [sub.secret!, next.secret];
    await client.createUser('rotated');
    const { headSeq } = await client.status(sub.id);

    await receiver.waitForSeq(headSeq);

    const last = receiver.received.at(-1)!;
    expect(last.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(last.verifiedWith).toEqual([true, true]);
  });

  it('stops signing with the old secret once the grace period is over', async () => {
    const sub = await webhook();
    const next = (await client.admin('POST', `/${sub.id}/rotate-secret`, { graceSeconds: 0 })).json();
    receiver.secrets = [sub.secret!, next.secret];
    await client.createUser('after-rotation');
    const { headSeq } = await client.status(sub.id);

    await receiver.waitForSeq(headSeq);

    expect(receiver.received.at(-1)!.verifiedWith).toEqual([false, true]);
  });

  it('pauses the subscription on 410 Gone and resumes on PATCH state active', async () => {
    receiver.answer = () => ({ status: 410 });
    const sub = await webhook();

    const paused = await client.waitForStatus(sub.id, (s) => s.status === 'paused');

    expect(paused).toMatchObject({
      state: 'paused',
      stateReason: 'the consumer answered 410 Gone',
      position: sub.position,
    });
    receiver.answer = () => ({ status: 200 });
    await client.admin('PATCH', `/${sub.id}`, { state: 'active' });
    const { headSeq } = await client.status(sub.id);
    await expect(client.waitForStatus(sub.id, (s) => s.position === headSeq)).resolves.toMatchObject({
      status: 'active',
    });
  });

  it('dead-letters what keeps failing past maxRetryHours, counts it and moves on', async () => {
    receiver.answer = (r) => ({ status: r.json.type === 'user.created' ? 503 : 204 });
    const sub = await webhook({ maxRetryHours: 0 });
    await client.createUser('doomed');
    const { headSeq } = await client.status(sub.id);

    const done = await client.waitForStatus(sub.id, (s) => s.position === headSeq);

    expect(done).toMatchObject({ deadLettered: 1, status: 'active' });
    const deliveries = (await client.admin('GET', `/${sub.id}/deliveries`)).json();
    expect(deliveries.deadLetters).toEqual([
      expect.objectContaining({ seq: expect.any(Number), reason: expect.stringContaining('HTTP 503') }),
    ]);
  });

  it('dead-letters at once what the consumer refuses with a 4xx', async () => {
    receiver.answer = (r) => ({ status: r.json.type === 'user.created' ? 422 : 204 });
    const sub = await webhook();
    await client.createUser('refused');
    const { headSeq } = await client.status(sub.id);

    await expect(client.waitForStatus(sub.id, (s) => s.position === headSeq)).resolves.toMatchObject({
      deadLettered: 1,
    });
    expect(receiver.received.filter((r) => r.json.type === 'user.created')).toHaveLength(1);
  });

  it('shows the lag of a paused subscription and delivers it all on resume', async () => {
    const sub = await webhook();
    await client.admin('PATCH', `/${sub.id}`, { state: 'paused' });
    for (let i = 0; i < 3; i++) await client.createUser(`lag${i}`);

    const paused = await client.status(sub.id);

    expect(paused).toMatchObject({ status: 'paused', lag: paused.headSeq - paused.position });
    expect(paused.lag).toBeGreaterThanOrEqual(3);
    await client.admin('PATCH', `/${sub.id}`, { state: 'active' });
    const { headSeq } = await client.status(sub.id);
    await receiver.waitForSeq(headSeq);
    expect(receiver.events().map((e) => e.seq)).toEqual(range(sub.position + 1, headSeq));
  });

  it('replays from a seq: the events come again, with the same ids', async () => {
    const sub = await webhook();
    await client.createUser('replayed');
    const { headSeq } = await client.status(sub.id);
    await client.waitForStatus(sub.id, (s) => s.position === headSeq);
    const firstIds = receiver.events().map((e) => e.id);

    const replay = await client.admin('POST', `/${sub.id}/replay`, { fromSeq: sub.position + 1 });

    expect(replay.statusCode).toBe(200);
    await receiver.waitFor(() => receiver.events().length >= firstIds.length * 2);
    expect(
      receiver
        .events()
        .map((e) => e.id)
        .slice(firstIds.length, firstIds.length * 2),
    ).toEqual(firstIds);
  });
});
