/**
 * The Generic Cell Rate Algorithm: a token bucket kept as one number per key, the "theoretical arrival time"
 * (TAT) at which the bucket is full again. A bucket of `burst` tokens refills one token every `intervalMs`;
 * a request is admitted when the bucket holds a token, i.e. when TAT + interval − now ≤ burst × interval.
 * One number per key is what makes the Redis version a single atomic GET/SET (redis-rate-limit.storage.ts).
 */
export interface GcraDecision {
  allowed: boolean;
  /** TAT to store: advanced by one interval when allowed, unchanged when refused. */
  tat: number;
  /** Tokens left after this request (0 when refused). */
  remaining: number;
  /** When refused: milliseconds until one token is available. 0 when allowed. */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again (how long the key must be kept). */
  resetMs: number;
}

/**
 * `limit` tokens (the burst) refilled over `ttlMs` (the sustained rate is limit / ttlMs): the
 * `increment(key, ttl, limit)` of @nestjs/throttler's ThrottlerStorage, read as a token bucket.
 */
export function gcra(storedTat: number | undefined, now: number, limit: number, ttlMs: number): GcraDecision {
  const interval = ttlMs / limit;
  const tat = Math.max(storedTat ?? now, now);
  const next = tat + interval;
  if (next - now > ttlMs) {
    return { allowed: false, tat, remaining: 0, retryAfterMs: next - now - ttlMs, resetMs: tat - now };
  }
  // The epsilon keeps 2.9999999 from counting as 2 tokens when interval is not a whole number.
  const remaining = Math.floor((ttlMs - (next - now)) / interval + 1e-9);
  return { allowed: true, tat: next, remaining, retryAfterMs: 0, resetMs: next - now };
}

/** The shape ThrottlerStorage.increment() returns (not exported by @nestjs/throttler's index). */
export interface ThrottlerStorageRecord {
  totalHits: number;
  /** Seconds until the bucket is full again. */
  timeToExpire: number;
  isBlocked: boolean;
  /** Seconds until the next request is admitted (≥ 1 when blocked, 0 otherwise). */
  timeToBlockExpire: number;
}

export function toThrottlerRecord(
  decision: Pick<GcraDecision, 'allowed' | 'remaining' | 'retryAfterMs' | 'resetMs'>,
  limit: number,
): ThrottlerStorageRecord {
  return {
    totalHits: decision.allowed ? limit - decision.remaining : limit + 1,
    timeToExpire: Math.ceil(decision.resetMs / 1000),
    isBlocked: !decision.allowed,
    timeToBlockExpire: decision.allowed ? 0 : Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
  };
}

/** A record that admits the request: what a storage answers when it cannot count (fail open). */
export const ADMITTED: Readonly<ThrottlerStorageRecord> = Object.freeze({
  totalHits: 1,
  timeToExpire: 0,
  isBlocked: false,
  timeToBlockExpire: 0,
});
