import { DEFAULT_TENANT_ID } from '../../src/auth/token-bootstrap.service';
import { StaticTokenRepository, TenantRepository } from '../../src/store/ports';
import { addCredential, freshClientAddress, TestCredential, upsertTenant } from './support/credentials';
import { createTestApp, TEST_TOKEN, TestApp } from './harness';

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';
const USERS = '/scim/v2/Users';
const METERED = 'metered-tenant';
const ADMIN_TOKEN = 'rate-limit-admin-token-0123456789';

/**
 * Rate limits per credential (RATE_LIMIT_PER_SECOND / RATE_LIMIT_BURST, per-tenant override) and the
 * failed-authentication throttle per client address and credential (AUTH_FAILURE_LIMIT_PER_MINUTE,
 * AUTH_FAILURE_CREDENTIALS_PER_MINUTE), with small limits.
 */
describe('Rate limits (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      rateLimitPerSecond: 1,
      rateLimitBurst: 3,
      authFailureLimitPerMinute: 3,
      adminToken: ADMIN_TOKEN,
    });
    // One token per 100 s: tests counting requests on it do not depend on their own speed.
    await upsertTenant(t.app, METERED, { rateLimit: { requestsPerSecond: 0.01, burst: 3 } });
  });
  afterAll(() => t.close());

  async function get(headers: Record<string, string>, url = USERS) {
    return t.app.inject({ method: 'GET', url, headers: { ...freshClientAddress(), ...headers } });
  }

  async function statuses(credential: TestCredential, count: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push((await get(credential.authHeader)).statusCode);
    return out;
  }

  describe('per credential', () => {
    it('answers the request after the burst with 429, Retry-After and a SCIM error', async () => {
      const credential = await addCredential(t.app, DEFAULT_TENANT_ID);
      expect(await statuses(credential, 3)).toEqual([200, 200, 200]);

      const response = await get(credential.authHeader);

      expect(response.statusCode).toBe(429);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.headers['content-type']).toBe('application/scim+json; charset=utf-8');
      expect(response.json()).toEqual({
        schemas: [ERROR_SCHEMA],
        status: '429',
        detail:
          'Too many requests: this credential may send 1 request per second (bursts of 3); retry after 1 second',
      });
    });

    it('sends no X-RateLimit headers, on success or on 429', async () => {
      const credential = await addCredential(t.app, METERED);
      const responses = [];
      for (let i = 0; i < 4; i++) responses.push(await get(credential.authHeader));

      for (const response of responses) {
        expect(Object.keys(response.headers).filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
      }
    });

    it('admits the credential again after Retry-After', async () => {
      const credential = await addCredential(t.app, DEFAULT_TENANT_ID);
      await statuses(credential, 4);

      await new Promise((resolve) => setTimeout(resolve, 1000));

      expect((await get(credential.authHeader)).statusCode).toBe(200);
    });

    it('keeps the credentials of one tenant apart', async () => {
      const first = await addCredential(t.app, METERED);
      const second = await addCredential(t.app, METERED);
      await statuses(first, 4);

      expect(await statuses(second, 3)).toEqual([200, 200, 200]);
      expect((await get(first.authHeader)).statusCode).toBe(429);
    });

    it('counts every route of a credential in one bucket', async () => {
      const credential = await addCredential(t.app, METERED);
      await get(credential.authHeader, USERS);
      await get(credential.authHeader, '/scim/v2/Groups');
      await get(credential.authHeader, '/scim/v2/ServiceProviderConfig');

      expect((await get(credential.authHeader, '/scim/v2/Schemas')).statusCode).toBe(429);
    });

    it('applies a tenant override of rate and burst', async () => {
      await upsertTenant(t.app, 'slow-tenant', { rateLimit: { requestsPerSecond: 0.5, burst: 1 } });
      const credential = await addCredential(t.app, 'slow-tenant');
      expect((await get(credential.authHeader)).statusCode).toBe(200);

      const response = await get(credential.authHeader);

      expect(response.statusCode).toBe(429);
      expect(response.headers['retry-after']).toBe('2');
      expect(response.json().detail).toBe(
        'Too many requests: this credential may send 0.5 requests per second (bursts of 1); retry after 2 seconds',
      );
    });

    it('lets a tenant with rate 0 through unthrottled', async () => {
      await upsertTenant(t.app, 'unlimited-tenant', { rateLimit: { requestsPerSecond: 0 } });
      const credential = await addCredential(t.app, 'unlimited-tenant');

      expect(new Set(await statuses(credential, 10))).toEqual(new Set([200]));
    });

    it('does not throttle public routes', async () => {
      const codes = [];
      for (let i = 0; i < 6; i++) codes.push((await get({}, '/health/live')).statusCode);
      for (let i = 0; i < 6; i++) codes.push((await get({}, '/metrics')).statusCode);

      expect(new Set(codes)).toEqual(new Set([200]));
    });

    it('counts refusals in scim_rate_limited_total', async () => {
      const credential = await addCredential(t.app, METERED);
      await statuses(credential, 4);

      const metrics = (await get({}, '/metrics')).body;

      expect(metrics).toMatch(/^scim_rate_limited_total\{reason="rate_limit"\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^scim_tenant_rate_limited_total\{tenant="metered-tenant"\} [1-9]\d*$/m);
    });
  });

  describe('failed authentication per client address and credential', () => {
    const wrong = { authorization: 'Bearer wrong-token-0123456789abcdef' };

    it('answers 401 to the first failures of a credential, then 429 to that credential only', async () => {
      const address = freshClientAddress();
      const codes = [];
      for (let i = 0; i < 3; i++) {
        codes.push(
          (await t.app.inject({ method: 'GET', url: USERS, headers: { ...address, ...wrong } })).statusCode,
        );
      }

      const response = await t.app.inject({ method: 'GET', url: USERS, headers: { ...address, ...wrong } });
      const right = await t.app.inject({
        method: 'GET',
        url: USERS,
        headers: { ...address, ...(await addCredential(t.app, DEFAULT_TENANT_ID)).authHeader },
      });

      expect(codes).toEqual([401, 401, 401]);
      expect(response.statusCode).toBe(429);
      const retryAfter = Number(response.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(55);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(response.headers['www-authenticate']).toBeUndefined();
      expect(response.headers['content-type']).toBe('application/scim+json; charset=utf-8');
      expect(response.json()).toEqual({
        schemas: [ERROR_SCHEMA],
        status: '429',
        detail: `Too many failed authentication attempts with this credential from this address (at most 3 per minute); retry after ${retryAfter} seconds`,
      });
      expect(right.statusCode).toBe(200);
    });

    it('never blocks a valid credential of another tenant, or the admin token, behind the same address', async () => {
      // Entra calls from shared Azure addresses: tenant A pasted a wrong token, tenant B must not notice.
      const shared = freshClientAddress();
      await upsertTenant(t.app, 'tenant-a');
      await upsertTenant(t.app, 'tenant-b');
      const tenantA = await addCredential(t.app, 'tenant-a');
      const tenantB = await addCredential(t.app, 'tenant-b');
      const pastedWrong = { authorization: `Bearer ${tenantA.token.slice(0, -1)}x` };
      const codesOfA: number[] = [];
      for (let i = 0; i < 10; i++) {
        const response = await t.app.inject({
          method: 'GET',
          url: USERS,
          headers: { ...shared, ...pastedWrong },
        });
        codesOfA.push(response.statusCode);
      }

      const b = await t.app.inject({
        method: 'GET',
        url: USERS,
        headers: { ...shared, ...tenantB.authHeader },
      });
      const a = await t.app.inject({
        method: 'GET',
        url: USERS,
        headers: { ...shared, ...tenantA.authHeader },
      });
      const admin = await t.app.inject({
        method: 'GET',
        url: '/admin/tenants',
        headers: { ...shared, authorization: `Bearer ${ADMIN_TOKEN}` },
      });

      expect(codesOfA).toEqual([401, 401, 401, ...Array(7).fill(429)]);
      expect([b.statusCode, a.statusCode, admin.statusCode]).toEqual([200, 200, 200]);
    });

    it('does not count credentials this server issued that were revoked or whose tenant is disabled', async () => {
      // Entra calls from shared Azure addresses: one stale job must not get other tenants' traffic refused.
      const address = freshClientAddress();
      const revoked = await addCredential(t.app, 'revoked-tenant');
      await t.app.get(StaticTokenRepository).revokeToken('revoked-tenant', revoked.tokenId);
      const disabled = await addCredential(t.app, 'disabled-tenant');
      await t.app.get(TenantRepository).upsertTenant({
        id: 'disabled-tenant',
        name: 'disabled-tenant',
        disabled: true,
        createdAt: new Date().toISOString(),
      });
      const codes: number[] = [];
      for (const credential of [revoked, disabled]) {
        for (let i = 0; i < 5; i++) {
          const response = await t.app.inject({
            method: 'GET',
            url: USERS,
            headers: { ...address, ...credential.authHeader },
          });
          codes.push(response.statusCode);
          expect(response.json()).toEqual({
            schemas: [ERROR_SCHEMA],
            status: '401',
            detail: 'The bearer token is invalid, expired or revoked',
          });
        }
      }

      const valid = await t.app.inject({
        method: 'GET',
        url: USERS,
        headers: { ...address, ...t.authHeader },
      });

      expect(codes).toEqual(Array(10).fill(401));
      expect(valid.statusCode).toBe(200);
    });

    it('counts a missing token as a failure too', async () => {
      const address = freshClientAddress();
      for (let i = 0; i < 3; i++) await t.app.inject({ method: 'GET', url: USERS, headers: address });

      expect((await t.app.inject({ method: 'GET', url: USERS, headers: address })).statusCode).toBe(429);
    });

    it('leaves other client addresses alone', async () => {
      const blocked = freshClientAddress();
      for (let i = 0; i < 4; i++)
        await t.app.inject({ method: 'GET', url: USERS, headers: { ...blocked, ...wrong } });

      const other = await t.app.inject({
        method: 'GET',
        url: USERS,
        headers: { ...freshClientAddress(), ...t.authHeader },
      });

      expect(other.statusCode).toBe(200);
    });

    it('does not count successful authentications', async () => {
      const address = freshClientAddress();
      const credential = await addCredential(t.app, 'unlimited-tenant');
      const codes = [];
      for (let i = 0; i < 5; i++) {
        codes.push(
          (
            await t.app.inject({
              method: 'GET',
              url: USERS,
              headers: { ...address, ...credential.authHeader },
            })
          ).statusCode,
        );
      }

      expect(codes).toEqual([200, 200, 200, 200, 200]);
    });

    it('counts failures of one credential at the SCIM and admin endpoints together, and blocks it at both', async () => {
      const address = freshClientAddress();
      const scim = await t.app.inject({ method: 'GET', url: USERS, headers: { ...address, ...wrong } });
      const admin = await t.app.inject({
        method: 'GET',
        url: '/admin/tenants',
        headers: { ...address, ...wrong },
      });
      const again = await t.app.inject({ method: 'GET', url: USERS, headers: { ...address, ...wrong } });
      expect([scim.statusCode, admin.statusCode, again.statusCode]).toEqual([401, 401, 401]);

      const blocked = [
        await t.app.inject({ method: 'GET', url: USERS, headers: { ...address, ...wrong } }),
        await t.app.inject({ method: 'GET', url: '/admin/tenants', headers: { ...address, ...wrong } }),
      ];
      const valid = [
        await t.app.inject({
          method: 'GET',
          url: USERS,
          headers: { ...address, ...(await addCredential(t.app, DEFAULT_TENANT_ID)).authHeader },
        }),
        await t.app.inject({
          method: 'GET',
          url: '/admin/tenants',
          headers: { ...address, authorization: `Bearer ${ADMIN_TOKEN}` },
        }),
      ];

      const detail = expect.stringMatching(/^Too many failed authentication attempts with this credential/);
      for (const response of blocked) {
        expect(response.statusCode).toBe(429);
        expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(response.json()).toEqual({ schemas: [ERROR_SCHEMA], status: '429', detail });
      }
      expect(valid.map((r) => r.statusCode)).toEqual([200, 200]);
    });

    it('blocks failing OAuth client credentials at the token endpoint with an OAuth error, and only those', async () => {
      const address = freshClientAddress();
      const attempt = (secret: string) =>
        t.app.inject({
          method: 'POST',
          url: '/oauth2/token',
          headers: { ...address, 'content-type': 'application/x-www-form-urlencoded' },
          payload: `grant_type=client_credentials&client_id=nobody&client_secret=${secret}`,
        });
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await attempt('wrong-secret-0123456789')).statusCode);

      const blocked = await attempt('wrong-secret-0123456789');
      const other = await attempt('other-secret-0123456789');

      expect(codes).toEqual([401, 401, 401]);
      expect(blocked.statusCode).toBe(429);
      // The token endpoint speaks OAuth (RFC 6749 §5.2) even when it refuses.
      expect(blocked.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: expect.stringMatching(
          /^Too many failed authentication attempts with this credential/,
        ),
      });
      expect(other.statusCode).toBe(401);
    });

    it('keeps public routes open for a blocked address', async () => {
      const address = freshClientAddress();
      for (let i = 0; i < 4; i++)
        await t.app.inject({ method: 'GET', url: USERS, headers: { ...address, ...wrong } });

      expect((await t.app.inject({ method: 'GET', url: '/health/live', headers: address })).statusCode).toBe(
        200,
      );
    });

    it('logs each failure as a warning with address, route and reason, never the token', async () => {
      const address = freshClientAddress();
      await t.app.inject({ method: 'GET', url: `${USERS}/abc`, headers: { ...address, ...wrong } });

      const line = t.logs
        .lines()
        .find((l) => l.msg === 'authentication failed' && l.ip === address['x-forwarded-for']);
      expect(line).toMatchObject({
        level: 'warn',
        ip: address['x-forwarded-for'],
        route: '/scim/v2/Users/:id',
        reason: 'invalid credentials',
        requestId: expect.any(String),
      });
      expect(JSON.stringify(line)).not.toContain('wrong-token');
      expect(t.logs.text()).not.toContain('wrong-token-0123456789abcdef');
      expect(t.logs.text()).not.toContain(TEST_TOKEN);
    });

    it('logs once that a credential is blocked for an address', async () => {
      const address = freshClientAddress();
      for (let i = 0; i < 5; i++)
        await t.app.inject({ method: 'GET', url: USERS, headers: { ...address, ...wrong } });

      const lines = t.logs
        .lines()
        .filter((l) => l.ip === address['x-forwarded-for'] && String(l.msg).includes('blocked'));
      expect(lines).toEqual([
        expect.objectContaining({
          level: 'warn',
          msg: 'credential blocked for this client address after repeated authentication failures',
          failures: 3,
        }),
      ]);
      expect(JSON.stringify(lines)).not.toContain('wrong-token');
    });

    it('counts refusals in scim_rate_limited_total', async () => {
      const metrics = (await get({}, '/metrics')).body;

      expect(metrics).toMatch(/^scim_rate_limited_total\{reason="auth_failures"\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^scim_auth_failures_total\{reason="invalid_credentials"\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^scim_auth_failure_blocks_total [1-9]\d*$/m);
    });
  });
});

describe('Ceiling on distinct failing credentials per address (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ authFailureLimitPerMinute: 100, authFailureCredentialsPerMinute: 3 });
  });
  afterAll(() => t.close());

  it('answers 429 to further failing credentials of a spraying address, and still admits valid ones', async () => {
    const address = freshClientAddress();
    const spray = (i: number) =>
      t.app.inject({
        method: 'GET',
        url: USERS,
        headers: { ...address, authorization: `Bearer sprayed-token-${i}-0123456789abcdef` },
      });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await spray(i)).statusCode);
    const counted = await spray(0);
    const over = await spray(99);

    const valid = await t.app.inject({ method: 'GET', url: USERS, headers: { ...address, ...t.authHeader } });
    const elsewhere = await t.app.inject({
      method: 'GET',
      url: USERS,
      headers: { ...freshClientAddress(), authorization: 'Bearer sprayed-token-99-0123456789abcdef' },
    });

    expect(codes).toEqual([401, 401, 401, 429, 429]);
    // A credential counted before the ceiling keeps its own count.
    expect(counted.statusCode).toBe(401);
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(over.json()).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '429',
      detail: expect.stringMatching(
        /^Too many different failing credentials from this address \(at most 3 per minute\); retry after \d+ seconds?$/,
      ),
    });
    expect(valid.statusCode).toBe(200);
    expect(elsewhere.statusCode).toBe(401);
  });
});

describe('Rate limits switched off (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ rateLimitPerSecond: 0, rateLimitBurst: 1, authFailureLimitPerMinute: 0 });
  });
  afterAll(() => t.close());

  it('admits any number of requests with RATE_LIMIT_PER_SECOND=0', async () => {
    const codes = [];
    for (let i = 0; i < 10; i++)
      codes.push((await t.app.inject({ method: 'GET', url: USERS, headers: t.authHeader })).statusCode);

    expect(new Set(codes)).toEqual(new Set([200]));
  });

  it('never blocks an address with AUTH_FAILURE_LIMIT_PER_MINUTE=0', async () => {
    const codes = [];
    for (let i = 0; i < 15; i++) codes.push((await t.app.inject({ method: 'GET', url: USERS })).statusCode);

    expect(new Set(codes)).toEqual(new Set([401]));
  });
});

describe('Default limits (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lets a credential send 400 requests at once (Entra is never throttled in normal operation)', async () => {
    const responses = await Promise.all(
      Array.from({ length: 400 }, () =>
        t.app.inject({ method: 'GET', url: '/scim/v2/ServiceProviderConfig', headers: t.authHeader }),
      ),
    );

    expect(responses.filter((r) => r.statusCode !== 200)).toHaveLength(0);
  });
});
