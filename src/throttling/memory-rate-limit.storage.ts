import { gcra, ThrottlerStorageRecord, toThrottlerRecord } from './gcra';
import { FailureWindow, RateLimitStorage } from './rate-limit.storage';

/** Expired entries are swept at most this often (lazily, on use: no timer keeps the process alive). */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Rate-limit state of one replica, in memory (no REDIS_URL). Each replica then allows the full rate on its
 * own: with N replicas behind a load balancer a credential may get up to N times the configured rate.
 */
export class MemoryRateLimitStorage extends RateLimitStorage {
  /** key → TAT (ms) and when the entry may be forgotten. */
  private readonly buckets = new Map<string, { tat: number; expiresAt: number }>();
  private readonly windows = new Map<string, { count: number; endsAt: number }>();
  private lastSweep: number;

  constructor(private readonly now: () => number = Date.now) {
    super();
    this.lastSweep = now();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration?: number,
    _throttlerName?: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = this.tick();
    const entry = this.buckets.get(key);
    const decision = gcra(entry && entry.expiresAt > now ? entry.tat : undefined, now, limit, ttl);
    if (decision.allowed) this.buckets.set(key, { tat: decision.tat, expiresAt: decision.tat });
    return toThrottlerRecord(decision, limit);
  }

  async recordFailure(key: string, windowMs: number): Promise<FailureWindow> {
    const now = this.tick();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += 1;
    return { count: window.count, resetMs: window.endsAt - now };
  }

  async failures(key: string): Promise<FailureWindow> {
    const now = this.tick();
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now) return { count: 0, resetMs: 0 };
    return { count: window.count, resetMs: window.endsAt - now };
  }

  /** Windows are forgotten only by the sweep: an expired one still counts here, which errs the safe way. */
  override mayHaveFailures(): boolean {
    return this.windows.size > 0;
  }

  async close(): Promise<void> {
    this.buckets.clear();
    this.windows.clear();
  }

  /** The current time; forgets expired entries once a minute, so that the maps stay bounded by live keys. */
  private tick(): number {
    const now = this.now();
    if (now - this.lastSweep >= SWEEP_INTERVAL_MS) {
      this.lastSweep = now;
      for (const [key, bucket] of this.buckets) if (bucket.expiresAt <= now) this.buckets.delete(key);
      for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    }
    return now;
  }

  /** Live entries (for tests of the sweep). */
  get size(): number {
    return this.buckets.size + this.windows.size;
  }
}
