import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from './gcra';

/** Failed attempts counted in a fixed window that starts at the first failure. */
export interface FailureWindow {
  count: number;
  /** Milliseconds until the window ends and the count starts again from 0 (0 when there is no window). */
  resetMs: number;
}

/**
 * Where rate-limit state lives: in memory (one replica) or in Redis (REDIS_URL, shared by all replicas).
 * It is the ThrottlerStorage of @nestjs/throttler, with `increment` implemented as a token bucket (see gcra.ts),
 * plus fixed-window failure counters for failed authentications per client address.
 * Implementations never throw: when they cannot count they admit the request (see RedisRateLimitStorage).
 */
export abstract class RateLimitStorage implements ThrottlerStorage {
  /** Token bucket of `limit` tokens refilled over `ttl` ms; `blockDuration` and `throttlerName` are ignored. */
  abstract increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord>;

  /** Counts one failure under `key`; a new window of `windowMs` starts with the first failure. */
  abstract recordFailure(key: string, windowMs: number): Promise<FailureWindow>;

  /** The failures counted under `key` in its current window ({0, 0} when none). */
  abstract failures(key: string): Promise<FailureWindow>;

  /**
   * False only when no failure at all is counted, so that failures() of any key would say 0: the bearer check
   * then skips hashing the credential for a key (the common case of a server without failing clients).
   * Storages that cannot tell cheaply (Redis, shared by replicas) say true.
   */
  mayHaveFailures(): boolean {
    return true;
  }

  /** Releases connections (Redis); called on application shutdown. */
  abstract close(): Promise<void>;
}
