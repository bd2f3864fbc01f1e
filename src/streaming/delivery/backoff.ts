/**
 * Retry delays of the deliverer (issue "Streaming", Retries): exponential, starting at `baseMs` (1 s) and
 * doubling per failed attempt up to `maxMs` (10 min), with full jitter (a uniformly random delay between 0
 * and that bound, AWS Architecture Blog "Exponential Backoff And Jitter"), so consumers that come back after
 * an outage are not hit by every subscription at the same instant. A consumer's Retry-After is a floor.
 */
export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/** The upper bound of the delay after `attempts` consecutive failures (1 → baseMs, 2 → 2·baseMs, …). */
export function backoffCeiling(attempts: number, settings: BackoffSettings): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 40));
  return Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
}

/** The longest Retry-After honoured (1 h), so that a consumer cannot park a subscription for days. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * The delay before the next attempt: full jitter below the ceiling, but never less than Retry-After (itself
 * capped at MAX_RETRY_AFTER_MS).
 */
export function retryDelay(
  attempts: number,
  settings: BackoffSettings,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const jittered = Math.floor(random() * backoffCeiling(attempts, settings));
  const floor = retryAfterMs === undefined ? 0 : Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_MS);
  return Math.max(jittered, floor);
}
