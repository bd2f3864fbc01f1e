/**
 * A transport that pushes events to a consumer and learns whether it acknowledged them (webhook, NATS
 * JetStream). The deliverer (one loop per subscription, under a lease) owns order, retries, backoff,
 * dead-lettering and the position; a transport only sends one event or one batch and classifies the answer.
 */
import type { JournalEntry } from '../../store/ports';
import type { StreamEvent } from '../stream-event';
import type { DeliveryMethod, SubscriptionRecord } from '../subscription';

export type DeliveryOutcome =
  /** The consumer has them: the position may move past the last one. */
  | { kind: 'acknowledged'; status?: number }
  /** Worth trying again later (5xx, 429, timeout, connection error); retryAfterMs from Retry-After. */
  | { kind: 'retry'; status?: number; detail: string; retryAfterMs?: number }
  /** Will never succeed as sent (e.g. a 4xx other than 408/409/425/429): dead-letter and move on. */
  | { kind: 'reject'; status?: number; detail: string }
  /** The consumer is gone for good (webhook 410): pause the subscription. */
  | { kind: 'gone'; status?: number; detail: string };

export abstract class PushTransport {
  abstract readonly method: Exclude<DeliveryMethod, 'sse' | 'poll'>;
  /**
   * Sends the events, in order, as one attempt. Never throws for a consumer-side failure: it returns a
   * classified outcome. `signal` aborts the attempt at shutdown. `entries` are the journal entries the events
   * were made of, in the same order (the SET transport builds its tokens from them).
   */
  abstract deliver(
    subscription: SubscriptionRecord,
    events: readonly StreamEvent[],
    signal: AbortSignal,
    entries: readonly JournalEntry[],
  ): Promise<DeliveryOutcome>;
}
