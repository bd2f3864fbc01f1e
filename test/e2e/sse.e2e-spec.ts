import { EventSource } from 'eventsource';
import type { AddressInfo } from 'node:net';
import { generateToken, hashToken } from '../../src/auth/token-hash';
import { STREAM_EVENT_JSON_SCHEMA } from '../../src/streaming/stream-event.schema';
import type { SubscriptionRecord } from '../../src/streaming/subscription';
import { SseModule } from '../../src/streaming/sse/sse.module';
import { SseService } from '../../src/streaming/sse/sse.service';
import { SubscriptionRepository } from '../../src/store/subscription.port';
import { StreamingPortsForTestsModule } from '../support/in-memory-subscription.repository';
import { createTestApp, TestApp } from './harness';

/**
 * The SSE transport end to end with the standard `eventsource` client. Subscriptions are made through the port
 * by createSubscription(); after the merge it becomes POST /admin/tenants/{id}/subscriptions (→ token).
 */
describe('SSE /events/{subscriptionId}', () => {
  let t: TestApp;
  let base: string;
  const open: EventSource[] = [];

  beforeAll(async () => {
    t = await createTestApp(
      { sseHeartbeatSeconds: 1 },
      { imports: [StreamingPortsForTestsModule, SseModule] },
    );
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterEach(() => open.splice(0).forEach((source) => source.close()));
  afterAll(() => t.close());

  async function createSubscription(
    overrides: Partial<SubscriptionRecord> = {},
  ): Promise<{ id: string; token: string }> {
    const token = generateToken();
    const id = `sse-${Math.random().toString(36).slice(2)}`;
    const now = new Date().toISOString();
    await t.app.get(SubscriptionRepository).insert({
      id,
      tenantId: 'default',
      name: 'sse test',
      delivery: { method: 'sse' },
      state: 'active',
      position: 0,
      maxRetryHours: 72,
      secrets: [{ id: 's1', value: hashToken(token), createdAt: now }],
      createdAt: now,
      updatedAt: now,
      attempts: 0,
      deadLettered: 0,
      rev: 1,
      ...overrides,
    });
    return { id, token };
  }

  async function createUser(userName: string): Promise<string> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: { ...t.authHeader, 'content-type': 'application/scim+json' },
      payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, password: 'Secret-123!' },
    });
    expect(response.statusCode).toBe(201);
    return (response.json() as { id: string }).id;
  }

  function connect(id: string, token: string, headers: Record<string, string> = {}) {
    const received: { id: string; type: string; data: Record<string, unknown> }[] = [];
    const source = new EventSource(`${base}/events/${id}`, {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...init?.headers, ...headers, Authorization: `Bearer ${token}` },
        }),
    });
    open.push(source);
    for (const type of ['user.created', 'user.updated', 'user.deleted', 'gap']) {
      source.addEventListener(type, (message) =>
        received.push({
          id: message.lastEventId,
          type,
          data: JSON.parse(message.data) as Record<string, unknown>,
        }),
      );
    }
    return { source, received };
  }

  async function until(predicate: () => boolean, timeoutMs = 8000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('streams events in seq order with id = seq and the event JSON, then tails new ones; resumes by Last-Event-ID', async () => {
    const { id, token } = await createSubscription();
    await createUser('sse-a@example.com');
    await createUser('sse-b@example.com');
    const first = connect(id, token);
    await until(() => first.received.length >= 2);
    await createUser('sse-c@example.com');
    await until(() => first.received.length >= 3);
    const seqs = first.received.map((e) => Number(e.id));
    expect(seqs).toEqual([seqs[0], seqs[0] + 1, seqs[0] + 2]);
    for (const event of first.received) {
      expect(event.type).toBe('user.created');
      expect(event.data.seq).toBe(Number(event.id));
      expect(event.data.id).toBe(`default:${event.id}`);
      for (const key of STREAM_EVENT_JSON_SCHEMA.required) expect(event.data).toHaveProperty(key);
      expect(JSON.stringify(event.data)).not.toContain('Secret-123!');
    }
    first.source.close();

    const resumed = connect(id, token, { 'Last-Event-ID': String(seqs[0]) });
    await until(() => resumed.received.length >= 2);
    expect(resumed.received.map((e) => Number(e.id))).toEqual([seqs[0] + 1, seqs[0] + 2]);
  });

  // Needs the writes branch (snapshots in journal entries): fails until it is merged.
  it('[after merge of wt/writes] carries the snapshot without password', async () => {
    const { id, token } = await createSubscription({ position: 0 });
    await createUser('sse-snap@example.com');
    const stream = connect(id, token);
    await until(() =>
      stream.received.some(
        (e) => (e.data.data as { userName?: string })?.userName === 'sse-snap@example.com',
      ),
    );
    const event = stream.received.find(
      (e) => (e.data.data as { userName?: string })?.userName === 'sse-snap@example.com',
    );
    expect(event?.data.data).not.toHaveProperty('password');
  });

  it('filters by event type (skipped events still move the position) and records the position', async () => {
    const userId = await createUser('sse-d@example.com');
    await t.app.inject({ method: 'DELETE', url: `/scim/v2/Users/${userId}`, headers: t.authHeader });
    const { id, token } = await createSubscription({ eventTypes: ['user.deleted'] });
    const stream = connect(id, token);
    await until(() => stream.received.length >= 1);
    expect(stream.received.map((e) => [e.type, e.data.resource])).toEqual([
      ['user.deleted', expect.objectContaining({ type: 'User', id: userId })],
    ]);
    const repository = t.app.get(SubscriptionRepository);
    await until(() => stream.source.readyState === EventSource.OPEN);
    stream.source.close();
    await until(() => t.app.get(SseService).openStreams() === 0);
    const record = await repository.findById(id);
    expect(record?.position).toBeGreaterThanOrEqual(Number(stream.received[0].id));
    expect(record?.rev).toBeGreaterThan(1);
  });

  it('answers 401 with a challenge, 404, 409 and 400 before streaming', async () => {
    const { id, token } = await createSubscription();
    const paused = await createSubscription({ state: 'paused', stateReason: 'by an admin' });
    const webhook = await createSubscription({
      delivery: { method: 'webhook', url: 'https://example.com/hook' },
    });
    const get = (path: string, headers: Record<string, string>) =>
      t.app.inject({ method: 'GET', url: path, headers });
    const none = await get(`/events/${id}`, {});
    const wrong = await get(`/events/${id}`, { authorization: 'Bearer wrong-token' });
    expect([none.statusCode, wrong.statusCode]).toEqual([401, 401]);
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer /);
    expect((await get('/events/unknown', { authorization: `Bearer ${token}` })).statusCode).toBe(404);
    const pausedResponse = await get(`/events/${paused.id}`, { authorization: `Bearer ${paused.token}` });
    expect([pausedResponse.statusCode, pausedResponse.json().detail]).toEqual([
      409,
      expect.stringContaining('paused'),
    ]);
    expect(
      (await get(`/events/${webhook.id}`, { authorization: `Bearer ${webhook.token}` })).statusCode,
    ).toBe(409);
    const badSince = await get(`/events/${id}?since=abc`, { authorization: `Bearer ${token}` });
    expect(badSince.statusCode).toBe(400);
  });

  it('sends heartbeats and closes open streams at shutdown', async () => {
    const { id, token } = await createSubscription();
    const response = await fetch(`${base}/events/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes(': keep-alive')) text += new TextDecoder().decode((await reader.read()).value);
    await t.app.get(SseService).beforeApplicationShutdown();
    while (!(await reader.read()).done) {
      /* drains until the server ended the stream */
    }
    expect(t.app.get(SseService).openStreams()).toBe(0);
  });
});
