import { createTestApp, TEST_TOKEN, TestApp } from './harness';
import { freshClientAddress } from './support/credentials';
import { redisReachable, TEST_REDIS_URL } from './support/redis';

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

const ADMIN_TOKEN = 'e2e-admin-token-Vq83nXc01LmZp4Rt';
const SIGNING_KEY = 'c2lnbmluZy1rZXktZm9yLWUyZS10ZXN0cy0wMTIzNDU2Nzg5YWJj';
const REDIS_PASSWORD = 'redis-password-Hx72Lk0p';
const PASSWORDS = [
  'Password-on-POST-7c1e9a',
  'Password-on-PUT-2b8f4d',
  'Password-on-PATCH-9d3a6c',
  'Password-in-Bulk-5e7b1f',
];
const BAD_TOKENS = [
  'guessed-token-Qp5Wm2Zr8Tx1Yv4N',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmb3JnZWQifQ.Zm9yZ2VkLXNpZ25hdHVyZQ',
  'wrong-admin-token-Jd62Ks9Lq',
];
const BAD_CLIENT_SECRET = 'wrong-client-secret-Bn47Xc2Vm';

/**
 * Runs a realistic session — users with passwords, good and bad tokens, the admin API, the OAuth token
 * endpoint — and then searches the log, every error body and GET /metrics for every secret of the session.
 * The log level is trace: the most the server ever writes.
 */
describe('Secrets never leave the server (e2e)', () => {
  let t: TestApp;
  /** Secrets only known once the session ran: issued token, client secret, access token. */
  const issued: string[] = [];
  const errorBodies: string[] = [];
  let metrics = '';
  const address = freshClientAddress();

  beforeAll(async () => {
    // A password in REDIS_URL: against the real Redis (which has none) the AUTH fails and is logged.
    const host = redisReachable() ? new URL(TEST_REDIS_URL).host : '127.0.0.1:1';
    t = await createTestApp({
      logLevel: 'trace',
      adminToken: ADMIN_TOKEN,
      oauthSigningKey: SIGNING_KEY,
      redisUrl: `redis://:${REDIS_PASSWORD}@${host}`,
      // The session fails authentication on purpose, more than the default 10 times a minute allow.
      authFailureLimitPerMinute: 100,
    });
    await runSession();
    metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  });
  afterAll(() => t.close());

  async function call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ) {
    // Counters may live in the shared Redis: a client address of this run only.
    const headers: Record<string, string> = { ...address, ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined || options.raw !== undefined)
      headers['content-type'] ??= 'application/scim+json';
    const response = await t.app.inject({
      method,
      url,
      headers,
      payload: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    if (response.statusCode >= 400) errorBodies.push(response.body);
    return response;
  }

  async function runSession(): Promise<void> {
    const [onPost, onPut, onPatch, inBulk] = PASSWORDS;
    // SCIM with the configured token.
    const user = await call('POST', '/scim/v2/Users', {
      token: TEST_TOKEN,
      body: { schemas: [USER_SCHEMA], userName: 'alice', password: onPost },
    });
    expect(user.statusCode).toBe(201);
    const id = user.json().id;
    await call('PUT', `/scim/v2/Users/${id}`, {
      token: TEST_TOKEN,
      body: { schemas: [USER_SCHEMA], userName: 'alice', password: onPut },
    });
    await call('PATCH', `/scim/v2/Users/${id}`, {
      token: TEST_TOKEN,
      body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'password', value: onPatch }] },
    });
    await call('POST', '/scim/v2/Bulk', {
      token: TEST_TOKEN,
      body: {
        schemas: [BULK_REQUEST],
        Operations: [
          {
            method: 'POST',
            path: '/Users',
            bulkId: 'b1',
            data: { schemas: [USER_SCHEMA], userName: 'bob', password: inBulk },
          },
        ],
      },
    });
    // Refused writes whose bodies carry a password.
    await call('POST', '/scim/v2/Users', {
      token: TEST_TOKEN,
      body: { schemas: [USER_SCHEMA], userName: 'alice', password: onPost },
    });
    await call('POST', '/scim/v2/Users', {
      token: TEST_TOKEN,
      raw: `{"userName":"carol","password":"${onPost}"`,
    });
    await call('PATCH', `/scim/v2/Users/${id}`, {
      token: TEST_TOKEN,
      body: { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'password', value: onPatch }] },
    });
    await call('GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "alice"')}`, {
      token: TEST_TOKEN,
    });
    // Bad credentials of every kind.
    for (const bad of BAD_TOKENS) await call('GET', '/scim/v2/Users', { token: bad });
    await call('GET', `/scim/v2/Users?access_token=${BAD_TOKENS[0]}`);
    await call('GET', '/admin/tenants', { token: BAD_TOKENS[2] });
    await call('GET', '/admin/tenants', { token: TEST_TOKEN });
    // The admin API: a tenant, a token, an OAuth client.
    const tenant = await call('POST', '/admin/tenants', {
      token: ADMIN_TOKEN,
      body: { id: 'acme', name: 'Acme' },
      headers: { 'content-type': 'application/json' },
    });
    expect(tenant.statusCode).toBe(201);
    const token = await call('POST', '/admin/tenants/acme/tokens', {
      token: ADMIN_TOKEN,
      body: { label: 'Entra' },
      headers: { 'content-type': 'application/json' },
    });
    expect(token.statusCode).toBe(201);
    issued.push(token.json().token);
    await call('GET', '/scim/v2/Users', { token: token.json().token });
    const client = await call('POST', '/admin/tenants/acme/oauth-clients', {
      token: ADMIN_TOKEN,
      body: { label: 'Entra OAuth', clientId: 'acme-entra' },
      headers: { 'content-type': 'application/json' },
    });
    expect(client.statusCode).toBe(201);
    const clientSecret: string = client.json().clientSecret;
    issued.push(clientSecret);
    // The OAuth token endpoint, right and wrong.
    const form = (secret: string) =>
      `grant_type=client_credentials&client_id=acme-entra&client_secret=${encodeURIComponent(secret)}`;
    const grant = await call('POST', '/oauth2/token', {
      raw: form(clientSecret),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(grant.statusCode).toBe(200);
    const accessToken: string = grant.json().access_token;
    issued.push(accessToken);
    await call('POST', '/oauth2/token', {
      raw: form(BAD_CLIENT_SECRET),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await call('POST', '/oauth2/token', {
      raw: 'grant_type=client_credentials',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`acme-entra:${BAD_CLIENT_SECRET}`).toString('base64')}`,
      },
    });
    const viaOAuth = await call('GET', '/scim/v2/Users', { token: accessToken });
    expect(viaOAuth.statusCode).toBe(200);
    // Revoke the issued token and use it again.
    await call('DELETE', `/admin/tenants/acme/tokens/${token.json().id}`, { token: ADMIN_TOKEN });
    await call('GET', '/scim/v2/Users', { token: token.json().token });
  }

  function secrets(): Array<[string, string]> {
    return [
      ['SCIM_TOKEN', TEST_TOKEN],
      ['ADMIN_TOKEN', ADMIN_TOKEN],
      ['OAUTH_SIGNING_KEY', SIGNING_KEY],
      ['REDIS_URL password', REDIS_PASSWORD],
      ...PASSWORDS.map((p, i): [string, string] => [`password ${i}`, p]),
      ...BAD_TOKENS.map((b, i): [string, string] => [`rejected token ${i}`, b]),
      ['rejected client secret', BAD_CLIENT_SECRET],
      ['issued token', issued[0]],
      ['client secret', issued[1]],
      ['access token', issued[2]],
    ];
  }

  it('ran the session (sanity: logs, errors and metrics were captured)', () => {
    expect(issued).toHaveLength(3);
    expect(t.logs.lines().length).toBeGreaterThan(20);
    expect(t.logs.lines().filter((l) => l.msg === 'authentication failed').length).toBeGreaterThanOrEqual(5);
    expect(errorBodies.length).toBeGreaterThanOrEqual(8);
    expect(metrics).toContain('http_request_duration_seconds');
  });

  it('writes no secret to the log', () => {
    const log = t.logs.text();

    expect(
      secrets()
        .filter(([, secret]) => log.includes(secret))
        .map(([name]) => name),
    ).toEqual([]);
  });

  it('puts no secret in an error response', () => {
    const bodies = errorBodies.join('\n');

    expect(
      secrets()
        .filter(([, secret]) => bodies.includes(secret))
        .map(([name]) => name),
    ).toEqual([]);
  });

  it('puts no secret in the metrics', () => {
    expect(
      secrets()
        .filter(([, secret]) => metrics.includes(secret))
        .map(([name]) => name),
    ).toEqual([]);
  });

  it('labels metrics with route templates, never raw URLs', () => {
    expect(metrics).not.toContain('access_token');
    expect(metrics).not.toContain('filter=');
    expect(metrics).toContain('route="/scim/v2/Users/:id"');
  });
});
