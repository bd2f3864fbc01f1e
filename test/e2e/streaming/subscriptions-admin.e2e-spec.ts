/**
 * The subscriptions admin API's refusals and lookups (issue "Streaming"): each 400 with a clear detail in the
 * admin API's error format and nothing created, 404 for unknown tenants and subscriptions, secrets shown once.
 */
import { createTestApp, TestApp } from '../harness';
import { ADMIN_HEADER, ADMIN_TOKEN, createTenantWithToken } from '../support/tenants';
import { StreamingClient } from './streaming.helpers';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const HOOK = { method: 'webhook', url: 'https://hooks.example.com/scim' };

describe('Streaming: subscriptions admin API (e2e)', () => {
  let t: TestApp;
  let client: StreamingClient;

  beforeAll(async () => {
    t = await createTestApp({
      adminToken: ADMIN_TOKEN,
      webhookAllowedHosts: 'hooks.example.com,*.partner.io',
    });
    client = new StreamingClient(t, 'admin-e2e', await createTenantWithToken(t, 'admin-e2e'));
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    [
      'a URL that is not http(s)',
      { delivery: { ...HOOK, url: 'ftp://hooks.example.com/x' } },
      'delivery.url must use http or https (got "ftp")',
    ],
    [
      'a URL with credentials',
      { delivery: { ...HOOK, url: 'https://u:p@hooks.example.com/x' } },
      'must not carry credentials',
    ],
    [
      'a URL outside WEBHOOK_ALLOWED_HOSTS',
      { delivery: { ...HOOK, url: 'http://169.254.169.254/latest' } },
      'delivery.url host "169.254.169.254" is not allowed by WEBHOOK_ALLOWED_HOSTS',
    ],
    ['no URL at all', { delivery: { method: 'webhook' } }, 'delivery.url must be an http or https URL'],
    [
      'an unknown method',
      { delivery: { method: 'carrier-pigeon' } },
      'delivery.method must be one of webhook, sse, nats, push, poll (got "carrier-pigeon")',
    ],
    ['nats without NATS_URL', { delivery: { method: 'nats' } }, 'delivery.method "nats" needs NATS_URL'],
    [
      'an unknown delivery property',
      { delivery: { ...HOOK, secret: 'mine' } },
      'delivery: unknown property "secret"',
    ],
    [
      'an unknown event type',
      { delivery: HOOK, eventTypes: ['user.created', 'user.exploded'] },
      'eventTypes: unknown event type "user.exploded"',
    ],
    [
      'an unknown resource type',
      { delivery: HOOK, resourceTypes: ['Device'] },
      'resourceTypes: unknown resource type "Device"',
    ],
    [
      'a bad startAt',
      { delivery: HOOK, startAt: 'yesterday' },
      'startAt must be "now", "earliest" or {"seq": n} (got "yesterday")',
    ],
    [
      'a startAt seq beyond the head',
      { delivery: HOOK, startAt: { seq: 10_000 } },
      'startAt.seq 10000 is beyond the next event',
    ],
    [
      'a batch size out of range',
      { delivery: { ...HOOK, maxBatchSize: 5000 } },
      'delivery.maxBatchSize must be an integer between 1 and 1000',
    ],
    ['a negative retry window', { delivery: HOOK, maxRetryHours: -1 }, 'maxRetryHours'],
    ['no delivery', {}, 'delivery'],
  ])('refuses %s with 400, creating nothing', async (_case, body, detail) => {
    const response = await client.admin('POST', '', { name: 'bad', ...body });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      schemas: [ERROR_SCHEMA],
      status: '400',
      detail: expect.stringContaining(detail),
    });
    expect((await client.admin('GET', '')).json()).toMatchObject({ totalResults: 0 });
  });

  it('answers 404 for an unknown tenant and an unknown subscription', async () => {
    const unknownTenant = await t.app.inject({
      method: 'POST',
      url: '/admin/tenants/nope/subscriptions',
      headers: ADMIN_HEADER,
      payload: { name: 'x', delivery: HOOK },
    });
    const paths = ['/missing', '/missing/deliveries'];

    expect(unknownTenant.statusCode).toBe(404);
    expect(unknownTenant.json().detail).toBe('Tenant "nope" not found');
    for (const path of paths) {
      expect((await client.admin('GET', path)).json()).toMatchObject({
        status: '404',
        detail: 'Subscription "missing" not found',
      });
    }
    expect((await client.admin('PATCH', '/missing', { state: 'paused' })).statusCode).toBe(404);
    expect((await client.admin('DELETE', '/missing')).statusCode).toBe(404);
    expect((await client.admin('POST', '/missing/replay', { fromSeq: 1 })).statusCode).toBe(404);
    expect((await client.admin('POST', '/missing/rotate-secret', {})).statusCode).toBe(404);
  });

  it('shows a webhook secret once, never in reads, and an SSE token once', async () => {
    const hook = await client.subscribe({
      name: 'hook',
      delivery: { ...HOOK, url: 'https://a.partner.io/x' },
    });
    const sse = await client.subscribe({ name: 'sse', delivery: { method: 'sse' } });

    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(sse).toMatchObject({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const listed = (await client.admin('GET', '')).body;
    expect(listed).not.toContain(hook.secret!);
    expect(listed).not.toContain(sse.token as string);
    expect((await client.admin('GET', `/${hook.id}`)).json()).not.toHaveProperty('secret');
    expect(t.logs.text()).not.toContain(hook.secret!);
    for (const id of [hook.id, sse.id]) expect((await client.admin('DELETE', `/${id}`)).statusCode).toBe(204);
  });

  it('refuses a PATCH that does not fit, changing nothing', async () => {
    const sse = await client.subscribe({ name: 'sse', delivery: { method: 'sse' } });
    const hook = await client.subscribe({ name: 'hook', delivery: HOOK });

    const cases = [
      [sse.id, { url: 'https://hooks.example.com/y' }, 'url: only a webhook subscription has them'],
      [hook.id, { url: 'https://evil.example.org/' }, 'not allowed by WEBHOOK_ALLOWED_HOSTS'],
      [hook.id, { eventTypes: ['nope'] }, 'unknown event type "nope"'],
      [hook.id, { state: 'deleted' }, 'state'],
    ] as const;
    for (const [id, body, detail] of cases) {
      const response = await client.admin('PATCH', `/${id}`, body);
      expect([response.statusCode, response.json().detail]).toEqual([400, expect.stringContaining(detail)]);
    }
    expect(await client.status(hook.id)).toMatchObject({ delivery: HOOK, state: 'active' });
    const patched = await client.admin('PATCH', `/${hook.id}`, {
      eventTypes: ['user.deleted'],
      maxBatchSize: 20,
    });
    expect(patched.json()).toMatchObject({
      eventTypes: ['user.deleted'],
      delivery: { ...HOOK, maxBatchSize: 20 },
    });
    expect((await client.admin('PATCH', `/${hook.id}`, { eventTypes: null })).json()).not.toHaveProperty(
      'eventTypes',
    );
    for (const id of [hook.id, sse.id]) await client.admin('DELETE', `/${id}`);
  });

  it('refuses a replay before the oldest event or beyond the head', async () => {
    const hook = await client.subscribe({ name: 'hook', delivery: HOOK, startAt: 'earliest' });
    const { headSeq } = await client.status(hook.id);

    const beyond = await client.admin('POST', `/${hook.id}/replay`, { fromSeq: headSeq + 5 });
    const zero = await client.admin('POST', `/${hook.id}/replay`, { fromSeq: 0 });

    expect([beyond.statusCode, beyond.json().detail]).toEqual([
      400,
      `fromSeq ${headSeq + 5} is beyond the newest event (${headSeq})`,
    ]);
    expect(zero.statusCode).toBe(400);
    expect(hook.position).toBe(0);
    await client.admin('DELETE', `/${hook.id}`);
  });

  it('journals every subscription change as an admin event of the tenant', async () => {
    const hook = await client.subscribe({ name: 'journaled', delivery: HOOK });
    await client.admin('PATCH', `/${hook.id}`, { state: 'paused' });
    await client.admin('POST', `/${hook.id}/rotate-secret`, {});
    await client.admin('POST', `/${hook.id}/replay`, { fromSeq: 1 });
    await client.admin('DELETE', `/${hook.id}`);

    const journal = await t.app.inject({
      method: 'GET',
      url: '/admin/tenants/admin-e2e/journal?limit=1000',
      headers: ADMIN_HEADER,
    });
    const mine = (journal.json().entries as { resourceId: string }[]).filter((e) => e.resourceId === hook.id);

    expect(mine).toEqual(
      [
        'subscription.created',
        'subscription.updated',
        'subscription.secret-rotated',
        'subscription.replayed',
        'subscription.deleted',
      ].map((adminAction) =>
        expect.objectContaining({
          operation: 'admin',
          adminAction,
          resourceType: 'Subscription',
          actor: { credentialId: 'admin', label: 'admin API' },
        }),
      ),
    );
    expect(JSON.stringify(mine)).not.toContain('whsec_');
  });
});
