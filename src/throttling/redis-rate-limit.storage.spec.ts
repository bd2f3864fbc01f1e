import { RedisRateLimitStorage } from './redis-rate-limit.storage';

/**
 * Fail-open behaviour, against an address where no Redis listens. The behaviour against a real Redis is
 * covered by test/e2e/rate-limit-redis.e2e-spec.ts.
 */
describe(RedisRateLimitStorage.name, () => {
  let sut: RedisRateLimitStorage;
  let errors: unknown[];

  beforeEach(() => {
    errors = [];
    const client = RedisRateLimitStorage.createClient('redis://127.0.0.1:1');
    client.on('error', () => undefined);
    sut = new RedisRateLimitStorage(client, (error) => errors.push(error));
  });
  afterEach(() => sut.close());

  it('admits the request when Redis cannot be reached, and reports the error', async () => {
    await expect(sut.increment('k', 1000, 1, 0, 'default')).resolves.toMatchObject({ isBlocked: false });
    expect(errors).toHaveLength(1);
  });

  it('counts no failure and blocks no address when Redis cannot be reached', async () => {
    await expect(sut.recordFailure('ip', 60_000)).resolves.toEqual({ count: 0, resetMs: 0 });
    await expect(sut.failures('ip')).resolves.toEqual({ count: 0, resetMs: 0 });
    expect(errors).toHaveLength(2);
  });
});
