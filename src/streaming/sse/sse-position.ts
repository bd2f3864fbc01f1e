import { SubscriptionRepository } from '../../store/subscription.port';
import type { SubscriptionRecord } from '../subscription';

/** How often a stream persists its position at most: SSE has no acknowledgement, so this is bookkeeping only. */
export const POSITION_PERSIST_INTERVAL_MS = 1000;

/**
 * Records an SSE stream's position in its subscription: the last seq written to the socket (or skipped by the
 * filters), at most once per interval, by compare-and-swap. SSE has no acknowledgement, so the position says
 * what was sent, not what was processed: a consumer that must not lose events resumes with Last-Event-ID.
 */
export class SsePositionRecorder {
  private lastPersistAt = 0;
  private persisted: number;
  private pending = Promise.resolve();

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private subscription: SubscriptionRecord,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.persisted = subscription.position;
  }

  /** Persists `seq` if the interval has passed since the last write (or `force`); never two writes at once. */
  advance(seq: number, force = false): Promise<void> {
    const nowMs = this.now().getTime();
    if (seq === this.persisted) return this.pending;
    if (!force && nowMs - this.lastPersistAt < POSITION_PERSIST_INTERVAL_MS) return this.pending;
    this.lastPersistAt = nowMs;
    this.pending = this.pending.then(() => this.persist(seq)).catch(() => undefined);
    return this.pending;
  }

  /**
   * False when the subscription is gone or no longer streams (deleted, paused, expired): the caller ends the
   * stream. Checked on each persist, so at most one interval after the change.
   */
  stillStreaming(): boolean {
    return this.streaming;
  }

  private streaming = true;

  private async persist(seq: number): Promise<void> {
    // Two tries: a concurrent update (another reader, the admin API) bumps rev; re-read and apply on top.
    for (let attempt = 0; attempt < 2; attempt++) {
      const next: SubscriptionRecord = {
        ...this.subscription,
        position: seq,
        lastDeliveredAt: this.now().toISOString(),
        updatedAt: this.now().toISOString(),
        rev: this.subscription.rev + 1,
      };
      if (await this.subscriptions.update(next)) {
        this.subscription = next;
        this.persisted = seq;
        return;
      }
      const current = await this.subscriptions.findById(this.subscription.id);
      if (!current || current.state !== 'active' || current.delivery.method !== 'sse') {
        this.streaming = false;
        return;
      }
      this.subscription = current;
    }
  }
}
