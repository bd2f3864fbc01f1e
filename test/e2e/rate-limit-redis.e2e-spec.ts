import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { DEFAULT_TENANT_ID } from '../../src/auth/token-bootstrap.service';
import { REDIS_KEY_PREFIX, RedisRateLimitStorage } from '../../src/throttling/redis-rate-limit.storage';
import { addCredential, freshClientAddress, upsertTenant } from './support/credentials';
import { redisReachable, TEST_REDIS_URL } from './support/redis';
import { createTestApp, TestApp } from './harness';

const USERS = '/scim/v2/Users';
const REDIS_UP = redisReachable();
if (!REDIS_UP) {
  console.warn(
    `\n[scim-stream] Redis is NOT reachable at ${TEST_REDIS_URL}: the Redis rate-limit suite is SKIPPED.\n` +
      '             Start one (docker run -p 6379:6379 redis:7) or set REDIS_URL to run it.\n',
  );
}
const describeWithRedis = REDIS_UP ? describe : describe.skip;

describeWithRedis('Rate limits shared through Redis (e2e)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const limits = {
      rateLimitPerSecond: 1,
      rateLimitBurst: 4,
      authFailureLimitPerMinute: 2,
      redisUrl: TEST_REDIS_URL,
    };
    [a, b] = await Promise.all([createTestApp(limits), createTestApp(limits)]);
  });
  afterAll(() => Promise.all([a?.close(), b?.close()]));

  /**
   * Two replicas over one database see one credential: the same token with the same id in both stores.
   * (Stored in both also because passport keeps one strategy per name per process: in one jest process the
   * app created last authenticates for both. Throttling is still each app's own, with its own Redis client.)
   */
  async function sharedCredential(tenantId = DEFAULT_TENANT_ID) {
    const shared = { token: `shared-${randomUUID()}`, tokenId: `shared-${randomUUID()}` };
    const credential = await addCredential(a.app, tenantId, shared);
    await addCredential(b.app, tenantId, shared);
    return credential;
  }

  /** A tenant whose bucket refills one token per 100 s: the counts do not depend on the test's speed. */
  async function meteredTenant(): Promise<string> {
    const tenantId = `metered-${randomUUID()}`;
    for (const replica of [a, b]) {
      await upsertTenant(replica.app, tenantId, { rateLimit: { requestsPerSecond: 0.01, burst: 4 } });
    }
    return tenantId;
  }

  it('shares the bucket of a credential between two replicas', async () => {
    const credential = await sharedCredential(await meteredTenant());
    const codes = [];
    for (const replica of [a, b, a, b, a, b]) {
      codes.push(
        (
          await replica.app.inject({
            method: 'GET',
            url: USERS,
            headers: { ...freshClientAddress(), ...credential.authHeader },
          })
        ).statusCode,
      );
    }

    expect(codes).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it('answers 429 with Retry-After and the SCIM body from Redis state', async () => {
    const credential = await sharedCredential();
    for (let i = 0; i < 4; i++)
      await a.app.inject({ method: 'GET', url: USERS, headers: credential.authHeader });

    const response = await a.app.inject({
      method: 'GET',
      url: USERS,
      headers: { ...freshClientAddress(), ...credential.authHeader },
    });

    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '429',
      detail:
        'Too many requests: this credential may send 1 request per second (bursts of 4); retry after 1 second',
    });
  });

  it('shares the failed-authentication count of a client address and credential between replicas', async () => {
    const address = freshClientAddress();
    const wrong = { authorization: 'Bearer wrong-token-0123456789abcdef' };
    const first = await a.app.inject({ method: 'GET', url: USERS, headers: { ...address, ...wrong } });
    const second = await b.app.inject({ method: 'GET', url: USERS, headers: { ...address, ...wrong } });

    const third = await a.app.inject({ method: 'GET', url: USERS, headers: { ...address, ...wrong } });
    const valid = await b.app.inject({ method: 'GET', url: USERS, headers: { ...address, ...b.authHeader } });

    expect([first.statusCode, second.statusCode, third.statusCode]).toEqual([401, 401, 429]);
    expect(valid.statusCode).toBe(200);
  });
});

describeWithRedis(`${RedisRateLimitStorage.name} against Redis`, () => {
  let client: Redis;
  let sut: RedisRateLimitStorage;
  const errors: unknown[] = [];
  const key = (name: string) => `test:${randomUUID()}:${name}`;

  beforeAll(async () => {
    client = RedisRateLimitStorage.createClient(TEST_REDIS_URL);
    await client.connect();
    sut = new RedisRateLimitStorage(client, (error) => errors.push(error));
  });
  afterAll(() => sut.close());
  afterEach(() => expect(errors).toEqual([]));

  it('admits exactly the burst among concurrent requests (the check is atomic)', async () => {
    const k = key('burst');

    const results = await Promise.all(
      Array.from({ length: 50 }, () => sut.increment(k, 100_000, 10, 0, 'default')),
    );

    expect(results.filter((r) => !r.isBlocked)).toHaveLength(10);
  });

  it('keeps a bucket only as long as it takes to refill', async () => {
    const k = key('ttl');
    await sut.increment(k, 2000, 2, 0, 'default');

    const ttl = await client.pttl(REDIS_KEY_PREFIX + k);

    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
  });

  it('refills the bucket over time', async () => {
    const k = key('refill');
    await sut.increment(k, 200, 1, 0, 'default');
    expect((await sut.increment(k, 200, 1, 0, 'default')).isBlocked).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 250));

    expect((await sut.increment(k, 200, 1, 0, 'default')).isBlocked).toBe(false);
  });

  it('counts failures in a window that expires', async () => {
    const k = key('failures');
    await sut.recordFailure(k, 300);
    const counted = await sut.recordFailure(k, 300);

    await new Promise((resolve) => setTimeout(resolve, 350));

    expect(counted.count).toBe(2);
    expect(counted.resetMs).toBeGreaterThan(0);
    await expect(sut.failures(k)).resolves.toEqual({ count: 0, resetMs: 0 });
  });
});

describe('Rate limits without REDIS_URL (e2e)', () => {
  it('are counted by each replica on its own', async () => {
    const [a, b] = [await createTestApp(), await createTestApp()];
    try {
      const shared = { token: `shared-${randomUUID()}`, tokenId: `shared-${randomUUID()}` };
      for (const replica of [a, b]) {
        await upsertTenant(replica.app, 'metered', { rateLimit: { requestsPerSecond: 0.01, burst: 2 } });
      }
      const credential = await addCredential(a.app, 'metered', shared);
      await addCredential(b.app, 'metered', shared);
      const codes = [];
      for (const replica of [a, b, a, b, a]) {
        codes.push(
          (await replica.app.inject({ method: 'GET', url: USERS, headers: credential.authHeader }))
            .statusCode,
        );
      }

      expect(codes).toEqual([200, 200, 200, 200, 429]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('Rate limits with Redis unreachable (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ redisUrl: 'redis://127.0.0.1:1', rateLimitPerSecond: 1, rateLimitBurst: 1 });
  });
  afterAll(() => t.close());

  it('fails open: requests are served, the error is logged and counted', async () => {
    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push((await t.app.inject({ method: 'GET', url: USERS, headers: t.authHeader })).statusCode);
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;

    expect(codes).toEqual([200, 200, 200]);
    expect(metrics).toMatch(/^scim_rate_limit_storage_errors_total [1-9]\d*$/m);
    expect(t.logs.lines()).toContainEqual(
      expect.objectContaining({
        level: 'error',
        context: 'RateLimit',
        msg: expect.stringMatching(/^Rate-limit check failed, request admitted \(fail open\): /),
      }),
    );
  });
});
