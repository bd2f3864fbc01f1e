import { Redis } from 'ioredis';
import { ADMITTED, ThrottlerStorageRecord, toThrottlerRecord } from './gcra';
import { FailureWindow, RateLimitStorage } from './rate-limit.storage';

/** Every key of scim-stream in a shared Redis starts with this. */
export const REDIS_KEY_PREFIX = 'scim-stream:rl:';

/**
 * GCRA (gcra.ts) in one atomic step. Times are Redis' own clock (TIME) in microseconds, so replicas with
 * skewed clocks still share one bucket. ARGV: interval and tolerance (limit × interval), in µs.
 * Returns {allowed, remaining, retryAfter µs, reset µs}.
 */
const GCRA_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nextTat = tat + interval
local ahead = nextTat - now
if ahead > tolerance then
  return {0, 0, math.ceil(ahead - tolerance), math.floor(tat - now)}
end
redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.max(1, math.ceil(ahead / 1000)))
return {1, math.floor((tolerance - ahead) / interval + 1e-9), 0, math.floor(ahead)}
`;

/** INCR + PEXPIRE on the first failure: a fixed window starting at the first failure. Returns {count, pttl}. */
const FAILURE_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

const PEEK_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
return {count, ttl}
`;

type ScriptedRedis = Redis & {
  scimGcra(key: string, interval: string, tolerance: string): Promise<[number, number, number, number]>;
  scimFailure(key: string, windowMs: string): Promise<[number, number]>;
  scimPeek(key: string): Promise<[number, number]>;
};

/**
 * Rate-limit state in Redis (REDIS_URL), shared by every replica. Each check is one Lua script: atomic, one
 * round trip.
 *
 * Fail open: when Redis cannot answer (down, slow beyond the command timeout) the request is admitted, and
 * `onError` is told (the module logs an error and counts it in a metric). Provisioning is the product: a
 * Redis outage must not turn into an outage of provisioning, whereas briefly not enforcing a generous limit
 * harms nobody. The connection is configured to fail fast (no offline queue, 1 s command timeout).
 */
export class RedisRateLimitStorage extends RateLimitStorage {
  private readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    private readonly onError: (error: unknown) => void,
  ) {
    super();
    redis.defineCommand('scimGcra', { numberOfKeys: 1, lua: GCRA_SCRIPT });
    redis.defineCommand('scimFailure', { numberOfKeys: 1, lua: FAILURE_SCRIPT });
    redis.defineCommand('scimPeek', { numberOfKeys: 1, lua: PEEK_SCRIPT });
    this.redis = redis as ScriptedRedis;
  }

  /** A client that fails fast instead of queueing commands while disconnected. */
  static createClient(url: string): Redis {
    return new Redis(url, {
      enableOfflineQueue: false,
      // The INFO ready check is subject to commandTimeout: on a busy event loop it made healthy connections
      // fail at boot. The first script call tells soon enough whether Redis answers.
      enableReadyCheck: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 1000,
      connectTimeout: 2000,
      lazyConnect: true,
    });
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration?: number,
    _throttlerName?: string,
  ): Promise<ThrottlerStorageRecord> {
    const intervalUs = (ttl * 1000) / limit;
    try {
      this.assertConnected();
      const [allowed, remaining, retryUs, resetUs] = await this.redis.scimGcra(
        REDIS_KEY_PREFIX + key,
        String(intervalUs),
        String(intervalUs * limit),
      );
      return toThrottlerRecord(
        { allowed: allowed === 1, remaining, retryAfterMs: retryUs / 1000, resetMs: resetUs / 1000 },
        limit,
      );
    } catch (error) {
      this.onError(error);
      return { ...ADMITTED };
    }
  }

  async recordFailure(key: string, windowMs: number): Promise<FailureWindow> {
    try {
      this.assertConnected();
      const [count, ttl] = await this.redis.scimFailure(REDIS_KEY_PREFIX + key, String(windowMs));
      return { count, resetMs: Math.max(0, ttl) };
    } catch (error) {
      this.onError(error);
      return { count: 0, resetMs: 0 };
    }
  }

  async failures(key: string): Promise<FailureWindow> {
    try {
      this.assertConnected();
      const [count, ttl] = await this.redis.scimPeek(REDIS_KEY_PREFIX + key);
      return ttl > 0 ? { count, resetMs: ttl } : { count: 0, resetMs: 0 };
    } catch (error) {
      this.onError(error);
      return { count: 0, resetMs: 0 };
    }
  }

  /** While (re)connecting, fail at once rather than send a command that can only fail. */
  private assertConnected(): void {
    if (this.redis.status !== 'ready') throw new Error(`Redis connection is ${this.redis.status}`);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
