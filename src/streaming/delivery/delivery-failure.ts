import type { SubscriptionRecord } from '../subscription';
import { BackoffSettings, retryDelay } from './backoff';
import type { DeliveryOutcome } from './push-transport';

const HOUR_MS = 3_600_000;

/** What a failed attempt does to the subscription: the change to save, and what the attempt is recorded as. */
export interface FailurePlan {
  recorded: 'paused' | 'rejected' | 'dead-lettered' | 'retry';
  /** Set when the events are dead-lettered (and the position moves past them). */
  deadLetterReason?: string;
  change: (s: SubscriptionRecord) => void;
}

/**
 * 410 pauses; a refusal, or a failure after maxRetryHours of failing, dead-letters the events and moves on;
 * anything else retries with backoff (Retry-After honoured), keeping the subscription `failing`.
 */
export function planFailure(
  subscription: SubscriptionRecord,
  outcome: Exclude<DeliveryOutcome, { kind: 'acknowledged' }>,
  lastSeq: number,
  eventCount: number,
  retry: BackoffSettings,
  now: Date,
): FailurePlan {
  const at = now.toISOString();
  const lastError = {
    at,
    detail: outcome.detail,
    ...(outcome.status !== undefined ? { status: outcome.status } : {}),
  };
  const failingSince = subscription.failingSince ?? at;
  const windowOver = now.getTime() - Date.parse(failingSince) >= subscription.maxRetryHours * HOUR_MS;
  if (outcome.kind === 'gone') {
    return {
      recorded: 'paused',
      change: (s) => {
        s.state = 'paused';
        s.stateReason = outcome.detail;
        s.lastError = lastError;
        delete s.nextAttemptAt;
      },
    };
  }
  if (outcome.kind === 'reject' || windowOver) {
    return {
      recorded: outcome.kind === 'reject' ? 'rejected' : 'dead-lettered',
      deadLetterReason:
        outcome.kind === 'reject'
          ? outcome.detail
          : `${outcome.detail}; retried for ${subscription.maxRetryHours} h`,
      change: (s) => {
        s.position = lastSeq;
        s.attempts = 0;
        s.deadLettered += eventCount;
        s.lastError = lastError;
        delete s.failingSince;
        delete s.nextAttemptAt;
      },
    };
  }
  const attempts = subscription.attempts + 1;
  const delay = retryDelay(attempts, retry, outcome.retryAfterMs);
  return {
    recorded: 'retry',
    change: (s) => {
      s.attempts = attempts;
      s.failingSince = failingSince;
      s.nextAttemptAt = new Date(now.getTime() + delay).toISOString();
      s.lastError = lastError;
    },
  };
}
