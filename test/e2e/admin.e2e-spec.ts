import { createHash } from 'node:crypto';
import { CREDENTIAL_CACHE_TTL_MS } from '../../src/auth/credential-cache';
import { OAuthClientRepository, StaticTokenRepository } from '../../src/store/ports';
import { createTestApp, TEST_TOKEN, TestApp } from './harness';
import {
  ADMIN_HEADER,
  ADMIN_TOKEN,
  createOAuthClient,
  createTenantWithToken,
  issueToken,
  Json,
  oauthAccessToken,
} from './support/tenants';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const UNDECLARED = 'urn:ietf:params:scim:schemas:extension:CustomExt:2.0:User';
const SCIM_HEADER = { authorization: `Bearer ${TEST_TOKEN}` };

const ADMIN_DISABLED = {
  schemas: [ERROR_SCHEMA],
  status: '403',
  detail: 'admin API disabled: set ADMIN_TOKEN',
};
const ADMIN_MISSING = {
  schemas: [ERROR_SCHEMA],
  status: '401',
  detail: 'Authentication required: send "Authorization: Bearer <ADMIN_TOKEN>"',
};
const ADMIN_INVALID = { schemas: [ERROR_SCHEMA], status: '401', detail: 'The admin token is invalid' };
const SCIM_INVALID = {
  schemas: [ERROR_SCHEMA],
  status: '401',
  detail: 'The bearer token is invalid, expired or revoked',
};

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
}

/** Every admin route, with a concrete URL (the ids need not exist: the guard answers first). */
function adminRoutes(document: { paths: Record<string, Record<string, unknown>> }): Call[] {
  const calls: Call[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    if (!path.startsWith('/admin')) continue;
    for (const method of Object.keys(operations)) {
      calls.push({
        method: method.toUpperCase() as Call['method'],
        url: path.replace(/\{[^}]+\}/g, 'some-id'),
        payload: ['post', 'patch'].includes(method) ? { label: 'x', name: 'x' } : undefined,
      });
    }
  }
  return calls;
}

describe('Admin API (e2e)', () => {
  let t: TestApp;

  async function call(c: Call) {
    return t.app.inject({ method: c.method, url: c.url, payload: c.payload as never, headers: c.headers });
  }
  async function admin(method: Call['method'], url: string, payload?: unknown) {
    return call({ method, url, payload, headers: ADMIN_HEADER });
  }
  async function scim(
    headers: { authorization: string },
    method: Call['method'],
    url: string,
    payload?: unknown,
  ) {
    return call({ method, url: `/scim/v2${url}`, payload, headers });
  }

  beforeAll(async () => {
    // These tests fail authentication on purpose, many times: the per-address failure limit would turn
    // later answers into 429 (it has its own tests).
    t = await createTestApp({ adminToken: ADMIN_TOKEN, authFailureLimitPerMinute: 0 });
  });
  afterAll(() => t.close());

  describe('access', () => {
    it('lists admin routes in the OpenAPI document under the admin bearer scheme only', async () => {
      const document = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json();
      const routes = adminRoutes(document);

      expect(routes.length).toBeGreaterThanOrEqual(15);
      expect(document.components.securitySchemes.admin).toMatchObject({ type: 'http', scheme: 'bearer' });
      for (const [path, operations] of Object.entries(
        document.paths as Record<string, Record<string, Json>>,
      )) {
        if (!path.startsWith('/admin')) continue;
        for (const operation of Object.values(operations))
          expect(operation.security).toEqual([{ admin: [] }]);
      }
    });

    it('documents request examples for the admin bodies', async () => {
      const document = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json();
      const create = document.paths['/admin/tenants'].post.requestBody.content['application/json'];

      expect(Object.keys(create.examples)).toEqual(['minimal', 'full']);
    });

    it('answers every admin route without a token with 401, a Bearer challenge of realm "admin", and a SCIM error', async () => {
      const document = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json();

      for (const route of adminRoutes(document)) {
        const response = await call(route);
        expect([route.method, route.url, response.statusCode]).toEqual([route.method, route.url, 401]);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="admin"');
        expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
        expect(response.json()).toEqual(ADMIN_MISSING);
      }
    });

    it('answers every admin route with a tenant (SCIM) token with 401, as for any wrong token', async () => {
      const document = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json();

      for (const route of adminRoutes(document)) {
        const response = await call({ ...route, headers: SCIM_HEADER });
        expect([route.method, route.url, response.statusCode]).toEqual([route.method, route.url, 401]);
        expect(response.json()).toEqual(ADMIN_INVALID);
      }
    });

    it('refuses a wrong admin token with 401', async () => {
      const response = await call({
        method: 'GET',
        url: '/admin/tenants',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}x` },
      });

      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="admin"');
      expect(response.json()).toEqual(ADMIN_INVALID);
    });

    it('refuses the admin token in another scheme or as a query parameter', async () => {
      const basic = await call({
        method: 'GET',
        url: '/admin/tenants',
        headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
      });
      const query = await call({ method: 'GET', url: `/admin/tenants?access_token=${ADMIN_TOKEN}` });

      expect([basic.statusCode, basic.json()]).toEqual([401, ADMIN_INVALID]);
      expect([query.statusCode, query.json()]).toEqual([401, ADMIN_MISSING]);
    });

    it('refuses the admin token on SCIM routes with the SCIM 401', async () => {
      for (const url of ['/Users', '/Groups', '/ServiceProviderConfig']) {
        const response = await scim(ADMIN_HEADER, 'GET', url);
        expect(response.statusCode).toBe(401);
        expect(response.headers['www-authenticate']).toBe('Bearer realm="scim"');
        expect(response.json()).toEqual(SCIM_INVALID);
      }
      const created = await scim(ADMIN_HEADER, 'POST', '/Users', { schemas: [USER_SCHEMA], userName: 'x' });
      expect(created.statusCode).toBe(401);
    });

    it('answers JSON (not SCIM) for successful admin responses', async () => {
      const response = await admin('GET', '/admin/tenants');

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
    });

    it('never writes the admin token to the log', async () => {
      await admin('GET', '/admin/tenants');
      await admin('GET', '/admin/tenants/nobody');

      expect(t.logs.text()).not.toContain(ADMIN_TOKEN);
    });
  });

  describe('tenants', () => {
    it('creates a tenant with a generated id and the server-wide settings', async () => {
      const response = await admin('POST', '/admin/tenants', { name: 'Generated' });

      expect(response.statusCode).toBe(201);
      expect(response.json()).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Generated',
        disabled: false,
        createdAt: expect.any(String),
        settings: {},
        effectiveSettings: { strictExtensions: false, rateLimit: { requestsPerSecond: 200, burst: 400 } },
      });
    });

    it('creates a tenant with a chosen id and settings, and reads it back', async () => {
      const created = await admin('POST', '/admin/tenants', {
        id: 'acme',
        name: 'Acme',
        settings: { strictExtensions: true, rateLimit: { requestsPerSecond: 10 } },
      });
      const read = await admin('GET', '/admin/tenants/acme');

      expect(created.statusCode).toBe(201);
      expect(read.json()).toEqual(created.json());
      expect(read.json()).toMatchObject({
        settings: { strictExtensions: true, rateLimit: { requestsPerSecond: 10 } },
        effectiveSettings: { strictExtensions: true, rateLimit: { requestsPerSecond: 10, burst: 20 } },
      });
    });

    it('refuses an id that exists with 409', async () => {
      const response = await admin('POST', '/admin/tenants', { id: 'default', name: 'Again' });

      expect(response.statusCode).toBe(409);
      expect(response.json()).toEqual({
        schemas: [ERROR_SCHEMA],
        status: '409',
        detail: 'A tenant with id "default" already exists',
      });
    });

    it.each([
      [{ name: 'x', color: 'red' }, 'property color should not exist'],
      [{}, 'name'],
      [{ id: 'a/b', name: 'x' }, 'id must be 1 to 128 characters'],
      [
        { name: 'x', settings: { rateLimit: { requestsPerSecond: -1 } } },
        'settings.rateLimit.requestsPerSecond',
      ],
      [{ name: 'x', settings: { strictExtensions: 'yes' } }, 'settings.strictExtensions'],
      [
        { name: 'x', settings: { rateLimit: { requestsPerSecond: 1, extra: 1 } } },
        'property extra should not exist',
      ],
    ])('refuses the invalid body %j with 400 invalidValue naming the problem', async (body, detail) => {
      const response = await admin('POST', '/admin/tenants', body);

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        schemas: [ERROR_SCHEMA],
        status: '400',
        scimType: 'invalidValue',
      });
      expect(response.json().detail).toContain(detail);
    });

    it('refuses a body that is not an object with 400 invalidSyntax', async () => {
      const response = await admin('POST', '/admin/tenants', [{ name: 'x' }]);

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ scimType: 'invalidSyntax' });
    });

    it('lists every tenant ordered by id, the default tenant included', async () => {
      await admin('POST', '/admin/tenants', { id: 'zz-last', name: 'Last' });

      const response = await admin('GET', '/admin/tenants');

      const ids = (response.json().items as Json[]).map((tenant) => tenant.id as string);
      expect(ids).toContain('default');
      expect(ids).toEqual([...ids].sort());
      expect(response.json().totalResults).toBe(ids.length);
    });

    it('answers an unknown tenant with 404', async () => {
      const response = await admin('GET', '/admin/tenants/nobody');

      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({
        schemas: [ERROR_SCHEMA],
        status: '404',
        detail: 'Tenant "nobody" not found',
      });
    });

    it('renames a tenant and merges its settings; null returns a setting to the server-wide value', async () => {
      await admin('POST', '/admin/tenants', {
        id: 'patchme',
        name: 'Before',
        settings: { strictExtensions: true, rateLimit: { requestsPerSecond: 5, burst: 6 } },
      });

      const renamed = await admin('PATCH', '/admin/tenants/patchme', {
        name: 'After',
        settings: { rateLimit: null },
      });

      expect(renamed.statusCode).toBe(200);
      expect(renamed.json()).toMatchObject({
        name: 'After',
        settings: { strictExtensions: true },
        effectiveSettings: { strictExtensions: true, rateLimit: { requestsPerSecond: 200, burst: 400 } },
      });
      expect((await admin('GET', '/admin/tenants/patchme')).json()).toEqual(renamed.json());
    });

    it('answers PATCH of an unknown tenant with 404', async () => {
      expect((await admin('PATCH', '/admin/tenants/nobody', { name: 'x' })).statusCode).toBe(404);
    });

    it('applies the tenant strictExtensions setting to its SCIM writes, and the server-wide one to others', async () => {
      const strict = await createTenantWithToken(t, 'strict-ext', { strictExtensions: true });
      const user = { schemas: [USER_SCHEMA], userName: 'ext-user', [UNDECLARED]: { site: 'Oslo' } };

      const refused = await scim(strict, 'POST', '/Users', user);
      const accepted = await scim(SCIM_HEADER, 'POST', '/Users', user);

      expect([refused.statusCode, refused.json().scimType]).toEqual([400, 'invalidPath']);
      expect(accepted.statusCode).toBe(201);
    });

    it('applies a settings change to the next request', async () => {
      const headers = await createTenantWithToken(t, 'switch-ext');
      const user = (n: number) => ({
        schemas: [USER_SCHEMA],
        userName: `u${n}`,
        [UNDECLARED]: { site: 'Oslo' },
      });
      expect((await scim(headers, 'POST', '/Users', user(1))).statusCode).toBe(201);

      await admin('PATCH', '/admin/tenants/switch-ext', { settings: { strictExtensions: true } });

      expect((await scim(headers, 'POST', '/Users', user(2))).statusCode).toBe(400);
    });

    it('refuses every credential of a disabled tenant from the next request on, as an unknown token, and accepts them again once enabled', async () => {
      const headers = await createTenantWithToken(t, 'to-disable');
      expect((await scim(headers, 'GET', '/Users')).statusCode).toBe(200);

      const disabled = await admin('PATCH', '/admin/tenants/to-disable', { disabled: true });
      const refused = await scim(headers, 'GET', '/Users');
      const unknown = await scim({ authorization: 'Bearer no-such-token-0123456789' }, 'GET', '/Users');

      expect(disabled.json().disabled).toBe(true);
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual(unknown.json());
      expect(refused.headers['www-authenticate']).toBe(unknown.headers['www-authenticate']);

      await admin('PATCH', '/admin/tenants/to-disable', { disabled: false });
      expect((await scim(headers, 'GET', '/Users')).statusCode).toBe(200);
    });
  });

  describe('static tokens', () => {
    beforeAll(async () => {
      await admin('POST', '/admin/tenants', { id: 'tok', name: 'Tokens' });
      await admin('POST', '/admin/tenants', { id: 'tok-other', name: 'Other' });
    });

    it('issues a token once, with no-store, that authenticates SCIM requests of its tenant', async () => {
      const response = await admin('POST', '/admin/tenants/tok/tokens', { label: 'Entra' });

      expect(response.statusCode).toBe(201);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.json()).toEqual({
        id: expect.any(String),
        tenantId: 'tok',
        label: 'Entra',
        createdAt: expect.any(String),
        status: 'active',
        token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      const headers = { authorization: `Bearer ${response.json().token}` };
      expect((await scim(headers, 'GET', '/Users')).statusCode).toBe(200);
    });

    it('stores only the hash of an issued token', async () => {
      const token = await issueToken(t, 'tok', { label: 'hash-check' });

      const record = await t.app.get(StaticTokenRepository).findTokenByHash(sha256(token));

      expect(record).toMatchObject({ tenantId: 'tok', label: 'hash-check' });
      expect(JSON.stringify(await t.app.get(StaticTokenRepository).listTokens('tok'))).not.toContain(token);
    });

    it('lists tokens without their values or hashes', async () => {
      const token = await issueToken(t, 'tok', { label: 'listed' });

      const response = await admin('GET', '/admin/tenants/tok/tokens');

      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain(token);
      expect(response.body).not.toContain(sha256(token));
      const listed = (response.json().items as Json[]).find((item) => item.label === 'listed');
      expect(Object.keys(listed!).sort()).toEqual(['createdAt', 'id', 'label', 'status', 'tenantId']);
    });

    it('reads one token without its value', async () => {
      const issued = (await admin('POST', '/admin/tenants/tok/tokens', { label: 'one' })).json();

      const response = await admin('GET', `/admin/tenants/tok/tokens/${issued.id}`);

      expect(response.json()).toEqual({ ...issued, token: undefined });
      expect(response.body).not.toContain(issued.token);
    });

    it('refuses a revoked token from the next request on, and keeps it listed as revoked', async () => {
      const issued = (await admin('POST', '/admin/tenants/tok/tokens', { label: 'to-revoke' })).json();
      const headers = { authorization: `Bearer ${issued.token}` };
      expect((await scim(headers, 'GET', '/Users')).statusCode).toBe(200);

      const revoked = await admin('DELETE', `/admin/tenants/tok/tokens/${issued.id}`);
      const after = await scim(headers, 'GET', '/Users');

      expect(revoked.statusCode).toBe(204);
      expect(revoked.body).toBe('');
      expect([after.statusCode, after.json()]).toEqual([401, SCIM_INVALID]);
      expect((await admin('GET', `/admin/tenants/tok/tokens/${issued.id}`)).json().status).toBe('revoked');
      expect((await admin('DELETE', `/admin/tenants/tok/tokens/${issued.id}`)).statusCode).toBe(204);
    });

    it('answers a token of another tenant with 404, exactly as an unknown token id', async () => {
      const issued = (await admin('POST', '/admin/tenants/tok/tokens', { label: 'mine' })).json();

      const foreign = await admin('DELETE', `/admin/tenants/tok-other/tokens/${issued.id}`);
      const unknown = await admin('DELETE', '/admin/tenants/tok-other/tokens/nope');

      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().detail).toBe(`Token "${issued.id}" not found`);
      expect(unknown.json().detail).toBe('Token "nope" not found');
      expect((await scim({ authorization: `Bearer ${issued.token}` }, 'GET', '/Users')).statusCode).toBe(200);
    });

    it('answers tokens of an unknown tenant with 404', async () => {
      expect((await admin('POST', '/admin/tenants/nobody/tokens', { label: 'x' })).statusCode).toBe(404);
      expect((await admin('GET', '/admin/tenants/nobody/tokens')).statusCode).toBe(404);
    });

    it('refuses an expiry in the past with 400', async () => {
      const response = await admin('POST', '/admin/tenants/tok/tokens', {
        label: 'x',
        expiresAt: '2020-01-01T00:00:00Z',
      });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ scimType: 'invalidValue' });
      expect(response.json().detail).toContain('expiresAt must lie in the future');
    });

    it.each(['SCIM_TOKEN', 'generated'])(
      'refuses the bootstrap label "%s" with 400 invalidValue: the next boot would revoke the token',
      async (label) => {
        const tokens = async () => (await admin('GET', '/admin/tenants/default/tokens')).json().items;
        const before = await tokens();

        const response = await admin('POST', '/admin/tenants/default/tokens', { label });

        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidValue' });
        expect(response.json().detail).toContain('label must not be "SCIM_TOKEN" or "generated"');
        expect(await tokens()).toEqual(before);
      },
    );

    it.each([
      ['issuing', (_id: string) => '/admin/tenants/tok/tokens', { label: 'no-zone' }],
      ['rotating', (id: string) => `/admin/tenants/tok/tokens/${id}/rotate`, {}],
    ])('refuses an expiry without a time zone when %s with 400 invalidValue', async (_label, url, body) => {
      const issued = (await admin('POST', '/admin/tenants/tok/tokens', { label: 'zone' })).json();

      const response = await admin('POST', url(issued.id), { ...body, expiresAt: '2099-01-01T00:00:00' });

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidValue' });
      expect(response.json().detail).toContain('expiresAt must be an ISO 8601 date-time with a time zone');
    });

    it('accepts an expiry with an explicit offset, stored in UTC', async () => {
      const response = await admin('POST', '/admin/tenants/tok/tokens', {
        label: 'offset',
        expiresAt: '2099-01-01T00:00:00+02:00',
      });

      expect(response.statusCode).toBe(201);
      expect(response.json().expiresAt).toBe('2098-12-31T22:00:00.000Z');
    });

    it('refuses an expiry that is not a date with 400', async () => {
      const response = await admin('POST', '/admin/tenants/tok/tokens', {
        label: 'x',
        expiresAt: 'tomorrow',
      });

      expect(response.statusCode).toBe(400);
      expect(response.json().detail).toContain('expiresAt must be an ISO 8601 date-time');
    });

    it('accepts a token until it expires, then refuses it and lists it as expired', async () => {
      const expiresAt = new Date(Date.now() + 1500).toISOString();
      const issued = (await admin('POST', '/admin/tenants/tok/tokens', { label: 'short', expiresAt })).json();
      const headers = { authorization: `Bearer ${issued.token}` };
      expect(issued.expiresAt).toBe(expiresAt);
      expect((await scim(headers, 'GET', '/Users')).statusCode).toBe(200);

      await sleep(Date.parse(expiresAt) - Date.now() + 50);

      expect((await scim(headers, 'GET', '/Users')).statusCode).toBe(401);
      expect((await admin('GET', `/admin/tenants/tok/tokens/${issued.id}`)).json().status).toBe('expired');
    });

    it('rotates a token: the new one works, the old one is refused at once', async () => {
      const old = (await admin('POST', '/admin/tenants/tok/tokens', { label: 'rotating' })).json();

      const rotated = await admin('POST', `/admin/tenants/tok/tokens/${old.id}/rotate`);

      expect(rotated.statusCode).toBe(201);
      expect(rotated.headers['cache-control']).toBe('no-store');
      expect(rotated.json()).toMatchObject({
        label: 'rotating',
        status: 'active',
        previous: { id: old.id, status: 'revoked' },
      });
      expect(rotated.json().id).not.toBe(old.id);
      expect(
        (await scim({ authorization: `Bearer ${rotated.json().token}` }, 'GET', '/Users')).statusCode,
      ).toBe(200);
      expect((await scim({ authorization: `Bearer ${old.token}` }, 'GET', '/Users')).statusCode).toBe(401);
    });

    it('rotates with a grace period: the old token keeps working until it ends', async () => {
      const old = (await admin('POST', '/admin/tenants/tok/tokens', { label: 'graceful' })).json();

      const rotated = await admin('POST', `/admin/tenants/tok/tokens/${old.id}/rotate`, { graceSeconds: 1 });

      const previous = rotated.json().previous;
      expect(previous.status).toBe('active');
      expect(Date.parse(previous.expiresAt) - Date.now()).toBeLessThanOrEqual(1000);
      expect((await scim({ authorization: `Bearer ${old.token}` }, 'GET', '/Users')).statusCode).toBe(200);
      await sleep(Date.parse(previous.expiresAt) - Date.now() + 50);
      expect((await scim({ authorization: `Bearer ${old.token}` }, 'GET', '/Users')).statusCode).toBe(401);
    });

    it('refuses to rotate a revoked token with 409', async () => {
      const old = (await admin('POST', '/admin/tenants/tok/tokens', { label: 'gone' })).json();
      await admin('DELETE', `/admin/tenants/tok/tokens/${old.id}`);

      const response = await admin('POST', `/admin/tenants/tok/tokens/${old.id}/rotate`, {});

      expect(response.statusCode).toBe(409);
      expect(response.json().detail).toContain('is revoked');
    });
  });

  describe('cache of verified credentials (src/auth/credential-cache.ts)', () => {
    it('answers a just-verified token from the cache: a store change behind the admin API is not seen at once', async () => {
      const headers = await createTenantWithToken(t, 'cached');
      expect((await scim(headers, 'GET', '/Users')).statusCode).toBe(200);
      const [token] = await t.app.get(StaticTokenRepository).listTokens('cached');

      // Straight into the store, as another replica would: this replica's cache still answers for ≤ 1 s.
      await t.app.get(StaticTokenRepository).revokeToken('cached', token.id);
      expect((await scim(headers, 'GET', '/Users')).statusCode).toBe(200);
      await sleep(CREDENTIAL_CACHE_TTL_MS + 50);

      expect((await scim(headers, 'GET', '/Users')).statusCode).toBe(401);
    });

    it('forgets a cached token at once when the admin API revokes it, rotates it, or disables its tenant', async () => {
      const headers = await createTenantWithToken(t, 'cached-admin');
      const [token] = await t.app.get(StaticTokenRepository).listTokens('cached-admin');
      const other = { authorization: `Bearer ${await issueToken(t, 'cached-admin', { label: 'other' })}` };
      const rotated = { authorization: `Bearer ${await issueToken(t, 'cached-admin', { label: 'rot' })}` };
      for (const h of [headers, other, rotated])
        expect((await scim(h, 'GET', '/Users')).statusCode).toBe(200);

      await admin('DELETE', `/admin/tenants/cached-admin/tokens/${token.id}`);
      expect((await scim(headers, 'GET', '/Users')).statusCode).toBe(401);

      const rotatedId = (await t.app.get(StaticTokenRepository).listTokens('cached-admin')).find(
        (r) => r.label === 'rot',
      )!.id;
      const rotation = await admin('POST', `/admin/tenants/cached-admin/tokens/${rotatedId}/rotate`, {});
      expect(rotation.statusCode).toBe(201);
      expect((await scim(rotated, 'GET', '/Users')).statusCode).toBe(401);

      expect((await scim(other, 'GET', '/Users')).statusCode).toBe(200);
      await admin('PATCH', '/admin/tenants/cached-admin', { disabled: true });
      expect((await scim(other, 'GET', '/Users')).statusCode).toBe(401);
    });

    it('forgets a cached OAuth access token at once when its client is revoked', async () => {
      await admin('POST', '/admin/tenants', { id: 'cached-oauth', name: 'Cached OAuth' });
      const client = await createOAuthClient(t, 'cached-oauth');
      const headers = {
        authorization: `Bearer ${await oauthAccessToken(t, client.clientId, client.clientSecret)}`,
      };
      expect((await scim(headers, 'GET', '/Users')).statusCode).toBe(200);

      await admin('DELETE', `/admin/tenants/cached-oauth/oauth-clients/${client.clientId}`);

      expect((await scim(headers, 'GET', '/Users')).statusCode).toBe(401);
    });
  });

  describe('OAuth clients', () => {
    beforeAll(async () => {
      await admin('POST', '/admin/tenants', { id: 'oauth', name: 'OAuth' });
      await admin('POST', '/admin/tenants', { id: 'oauth-other', name: 'Other' });
    });

    it('creates a client with a secret shown once, with no-store, and stores only its hash', async () => {
      const response = await admin('POST', '/admin/tenants/oauth/oauth-clients', {
        label: 'Entra',
        clientId: 'entra-oauth',
      });

      expect(response.statusCode).toBe(201);
      expect(response.headers['cache-control']).toBe('no-store');
      const created = response.json();
      expect(created).toEqual({
        clientId: 'entra-oauth',
        tenantId: 'oauth',
        label: 'Entra',
        createdAt: expect.any(String),
        status: 'active',
        secrets: [{ id: expect.any(String), createdAt: expect.any(String), status: 'active' }],
        clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      const stored = await t.app.get(OAuthClientRepository).findOAuthClient('entra-oauth');
      expect(stored!.secrets[0].hash).toBe(sha256(created.clientSecret));
      expect(JSON.stringify(stored)).not.toContain(created.clientSecret);
    });

    it('lists and reads clients without secrets or hashes', async () => {
      const created = (await admin('POST', '/admin/tenants/oauth/oauth-clients', { label: 'Listed' })).json();

      const list = await admin('GET', '/admin/tenants/oauth/oauth-clients');
      const one = await admin('GET', `/admin/tenants/oauth/oauth-clients/${created.clientId}`);

      for (const response of [list, one]) {
        expect(response.statusCode).toBe(200);
        expect(response.body).not.toContain(created.clientSecret);
        expect(response.body).not.toContain(sha256(created.clientSecret));
        expect(response.body).not.toContain('clientSecret');
      }
      expect(one.json()).toEqual({ ...created, clientSecret: undefined });
    });

    it('refuses a client id that another tenant uses with 409', async () => {
      await admin('POST', '/admin/tenants/oauth/oauth-clients', { label: 'A', clientId: 'taken-id' });

      const response = await admin('POST', '/admin/tenants/oauth-other/oauth-clients', {
        label: 'B',
        clientId: 'taken-id',
      });

      expect(response.statusCode).toBe(409);
    });

    it('rotates a secret: adds one (shown once), keeps the old until it is deleted', async () => {
      const created = (
        await admin('POST', '/admin/tenants/oauth/oauth-clients', { label: 'Rotating' })
      ).json();
      const base = `/admin/tenants/oauth/oauth-clients/${created.clientId}`;

      const added = await admin('POST', `${base}/secrets`);
      const both = (await admin('GET', base)).json();
      const removed = await admin('DELETE', `${base}/secrets/${created.secrets[0].id}`);
      const after = (await admin('GET', base)).json();

      expect(added.statusCode).toBe(201);
      expect(added.headers['cache-control']).toBe('no-store');
      expect(added.json()).toEqual({
        id: expect.any(String),
        clientId: created.clientId,
        createdAt: expect.any(String),
        status: 'active',
        clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      expect(added.json().clientSecret).not.toBe(created.clientSecret);
      expect(both.secrets.map((s: Json) => s.id)).toEqual([created.secrets[0].id, added.json().id]);
      expect(removed.statusCode).toBe(204);
      expect(after.secrets.map((s: Json) => s.id)).toEqual([added.json().id]);
      const stored = await t.app.get(OAuthClientRepository).findOAuthClient(created.clientId);
      expect(stored!.secrets.map((s) => s.hash)).toEqual([sha256(added.json().clientSecret)]);
    });

    it('answers an unknown secret with 404', async () => {
      const created = (await admin('POST', '/admin/tenants/oauth/oauth-clients', { label: 'x' })).json();

      const response = await admin(
        'DELETE',
        `/admin/tenants/oauth/oauth-clients/${created.clientId}/secrets/nope`,
      );

      expect(response.statusCode).toBe(404);
    });

    it('refuses a secret expiry without a time zone with 400 invalidValue, on create and on a new secret', async () => {
      const created = await admin('POST', '/admin/tenants/oauth/oauth-clients', {
        label: 'no-zone',
        secretExpiresAt: '2099-01-01T00:00:00',
      });
      const existing = (await admin('POST', '/admin/tenants/oauth/oauth-clients', { label: 'zone' })).json();
      const added = await admin('POST', `/admin/tenants/oauth/oauth-clients/${existing.clientId}/secrets`, {
        expiresAt: '2099-01-01T00:00:00.000',
      });

      expect([created.statusCode, created.json().scimType, created.json().detail]).toEqual([
        400,
        'invalidValue',
        expect.stringContaining('secretExpiresAt must be an ISO 8601 date-time with a time zone'),
      ]);
      expect([added.statusCode, added.json().scimType]).toEqual([400, 'invalidValue']);
    });

    it('refuses more than 5 active secrets with 409', async () => {
      const created = (await admin('POST', '/admin/tenants/oauth/oauth-clients', { label: 'many' })).json();
      const url = `/admin/tenants/oauth/oauth-clients/${created.clientId}/secrets`;
      for (let i = 0; i < 4; i++) expect((await admin('POST', url)).statusCode).toBe(201);

      const response = await admin('POST', url);

      expect(response.statusCode).toBe(409);
      expect(response.json().detail).toContain('already has 5 active secrets');
    });

    it('revokes a client; it then takes no new secret', async () => {
      const created = (
        await admin('POST', '/admin/tenants/oauth/oauth-clients', { label: 'revoked' })
      ).json();
      const base = `/admin/tenants/oauth/oauth-clients/${created.clientId}`;

      expect((await admin('DELETE', base)).statusCode).toBe(204);
      expect((await admin('GET', base)).json().status).toBe('revoked');
      expect((await admin('POST', `${base}/secrets`)).statusCode).toBe(409);
    });

    it('answers a client of another tenant with 404, exactly as an unknown client', async () => {
      const created = (await admin('POST', '/admin/tenants/oauth/oauth-clients', { label: 'mine' })).json();

      const foreign = await admin('GET', `/admin/tenants/oauth-other/oauth-clients/${created.clientId}`);
      const revoke = await admin('DELETE', `/admin/tenants/oauth-other/oauth-clients/${created.clientId}`);
      const unknown = await admin('GET', '/admin/tenants/oauth-other/oauth-clients/nope');

      expect(foreign.statusCode).toBe(404);
      expect(foreign.json().detail).toBe(`OAuth client "${created.clientId}" not found`);
      expect(unknown.json().detail).toBe('OAuth client "nope" not found');
      expect(revoke.statusCode).toBe(404);
      expect(
        (await admin('GET', `/admin/tenants/oauth/oauth-clients/${created.clientId}`)).json().status,
      ).toBe('active');
    });

    describe('OAuth access tokens of admin-created clients', () => {
      let client: { clientId: string; clientSecret: string; secretId: string };
      let jwt: { authorization: string };

      beforeAll(async () => {
        await admin('POST', '/admin/tenants', { id: 'jwt', name: 'JWT' });
      });

      beforeEach(async () => {
        client = await createOAuthClient(t, 'jwt');
        jwt = { authorization: `Bearer ${await oauthAccessToken(t, client.clientId, client.clientSecret)}` };
      });

      it('authenticate SCIM requests of their tenant', async () => {
        const created = await scim(jwt, 'POST', '/Users', {
          schemas: [USER_SCHEMA],
          userName: `jwt-${client.clientId}`,
        });

        expect(created.statusCode).toBe(201);
        expect((await admin('GET', '/admin/tenants/jwt')).statusCode).toBe(200);
      });

      it('are refused like an unknown token from the next request on once the tenant is disabled, and accepted again once enabled', async () => {
        expect((await scim(jwt, 'GET', '/Users')).statusCode).toBe(200);

        await admin('PATCH', '/admin/tenants/jwt', { disabled: true });
        const refused = await scim(jwt, 'GET', '/Users');
        await admin('PATCH', '/admin/tenants/jwt', { disabled: false });

        expect([refused.statusCode, refused.json()]).toEqual([401, SCIM_INVALID]);
        expect(refused.headers['www-authenticate']).toBe('Bearer realm="scim"');
        expect((await scim(jwt, 'GET', '/Users')).statusCode).toBe(200);
      });

      it('are refused from the next request on once their client is revoked', async () => {
        expect((await scim(jwt, 'GET', '/Users')).statusCode).toBe(200);

        await admin('DELETE', `/admin/tenants/jwt/oauth-clients/${client.clientId}`);

        expect((await scim(jwt, 'GET', '/Users')).statusCode).toBe(401);
      });

      it('are refused once the secret that obtained them is deleted; tokens of the new secret work', async () => {
        const base = `/admin/tenants/jwt/oauth-clients/${client.clientId}`;
        const added = (await admin('POST', `${base}/secrets`)).json();
        const fresh = {
          authorization: `Bearer ${await oauthAccessToken(t, client.clientId, added.clientSecret)}`,
        };

        await admin('DELETE', `${base}/secrets/${client.secretId}`);

        expect((await scim(jwt, 'GET', '/Users')).statusCode).toBe(401);
        expect((await scim(fresh, 'GET', '/Users')).statusCode).toBe(200);
      });
    });
  });
});

// A second app in the same process replaces the first one's passport strategy (passport is a singleton), so
// this app lives in its own describe, after the first one has closed.
describe('Admin API without ADMIN_TOKEN (e2e)', () => {
  let closed: TestApp;

  beforeAll(async () => {
    closed = await createTestApp({ adminToken: undefined, authFailureLimitPerMinute: 0 });
  });
  afterAll(() => closed.close());

  it('answers every admin route with 403 "admin API disabled", whatever the credential', async () => {
    const document = (await closed.app.inject({ method: 'GET', url: '/docs-json' })).json();

    for (const route of adminRoutes(document)) {
      for (const headers of [undefined, SCIM_HEADER, ADMIN_HEADER]) {
        const response = await closed.app.inject({
          method: route.method,
          url: route.url,
          payload: route.payload as never,
          headers,
        });
        expect([route.method, route.url, response.statusCode]).toEqual([route.method, route.url, 403]);
        expect(response.headers['www-authenticate']).toBeUndefined();
        expect(response.json()).toEqual(ADMIN_DISABLED);
      }
    }
  });

  it('leaves the SCIM API as it is', async () => {
    const response = await closed.app.inject({
      method: 'GET',
      url: '/scim/v2/Users',
      headers: SCIM_HEADER,
    });

    expect(response.statusCode).toBe(200);
  });
});

describe('Admin API failed-authentication throttle (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ adminToken: ADMIN_TOKEN, authFailureLimitPerMinute: 3 });
  });
  afterAll(() => t.close());

  it('blocks a wrong token that failed too often with 429, and still admits the right token', async () => {
    const wrong = { authorization: 'Bearer not-the-admin-token-0123456789' };
    for (let i = 0; i < 3; i++) {
      expect((await t.app.inject({ method: 'GET', url: '/admin/tenants', headers: wrong })).statusCode).toBe(
        401,
      );
    }

    const blocked = await t.app.inject({ method: 'GET', url: '/admin/tenants', headers: wrong });
    const right = await t.app.inject({ method: 'GET', url: '/admin/tenants', headers: ADMIN_HEADER });

    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect(blocked.json()).toMatchObject({ schemas: [ERROR_SCHEMA], status: '429' });
    expect(right.statusCode).toBe(200);
  });
});

// Own app (passport is a singleton, see above): OAuth clients declared in configuration.
describe('Admin API with OAuth clients declared in configuration (e2e)', () => {
  const DECLARED_SECRET = 'declared-client-secret-0123456789abcdef';
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      adminToken: ADMIN_TOKEN,
      authFailureLimitPerMinute: 0,
      oauthClients: JSON.stringify([{ id: 'declared', secrets: [{ hash: sha256(DECLARED_SECRET) }] }]),
    });
    await t.app.inject({
      method: 'POST',
      url: '/admin/tenants',
      headers: ADMIN_HEADER,
      payload: { id: 'decl', name: 'Declared' },
    });
  });
  afterAll(() => t.close());

  it('refuses to create a client with the id of a declared client with 409: its secret would never work', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/admin/tenants/decl/oauth-clients',
      headers: ADMIN_HEADER,
      payload: { label: 'Shadowed', clientId: 'declared' },
    });

    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '409',
      detail:
        'An OAuth client with id "declared" is declared in configuration (oauth-clients.json / OAUTH_CLIENTS)',
    });
    expect(await t.app.get(OAuthClientRepository).findOAuthClient('declared')).toBeNull();
    await expect(oauthAccessToken(t, 'declared', DECLARED_SECRET)).resolves.toEqual(expect.any(String));
  });

  it('still creates clients with other ids', async () => {
    const client = await createOAuthClient(t, 'decl');

    await expect(oauthAccessToken(t, client.clientId, client.clientSecret)).resolves.toEqual(
      expect.any(String),
    );
  });
});
