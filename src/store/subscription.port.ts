/**
 * Subscriptions of the change stream and their delivery bookkeeping (issue "Streaming"). One port for the
 * aggregate, like the others in ports.ts; both adapters implement it and pass test/contract.
 */
import type { SubscriptionRecord } from './subscription.record';

/** One delivery attempt, for `GET …/subscriptions/{id}/deliveries` (most recent first, bounded). */
export interface DeliveryAttemptRecord {
  subscriptionId: string;
  /** First and last seq of the event(s) attempted (equal unless batched). */
  fromSeq: number;
  toSeq: number;
  at: string;
  /** acknowledged | retry | dead-lettered | paused (410) | rejected */
  outcome: string;
  /** HTTP status, when there was a response. */
  status?: number;
  durationMs: number;
  error?: string;
  /**
   * Acknowledged deliveries this record stands for (absent = 1): successful attempts are recorded once per
   * saved position, covering fromSeq..toSeq; `durationMs` is then their summed duration. Failures are one each.
   */
  deliveries?: number;
}

/** An event that could not be delivered within maxRetryHours (or was refused for good): kept, replayable. */
export interface DeadLetterRecord {
  subscriptionId: string;
  seq: number;
  at: string;
  reason: string;
}

export abstract class SubscriptionRepository {
  /** Throws ScimError 409 when the id exists. */
  abstract insert(subscription: SubscriptionRecord): Promise<void>;
  abstract find(tenantId: string, id: string): Promise<SubscriptionRecord | null>;
  /**
   * The record's `rev` alone (null when gone): the deliverer compares it before each delivery to learn cheaply
   * whether an admin (or another replica) changed the record since it last read or wrote it.
   */
  abstract revision(tenantId: string, id: string): Promise<number | null>;
  /** By id alone (the SSE endpoint learns the tenant from the subscription). */
  abstract findById(id: string): Promise<SubscriptionRecord | null>;
  /** One tenant's subscriptions, by createdAt then id. */
  abstract list(tenantId: string): Promise<SubscriptionRecord[]>;
  /** Every subscription of every tenant (the deliverers' scan). */
  abstract listAll(): Promise<SubscriptionRecord[]>;
  /**
   * Replaces the record if its stored `rev` equals `subscription.rev - 1` (compare-and-swap; the caller bumps
   * rev). Returns false when it is gone or was changed meanwhile.
   */
  abstract update(subscription: SubscriptionRecord): Promise<boolean>;
  /** Deletes the subscription, its attempts, dead letters and lease. False when it did not exist. */
  abstract delete(tenantId: string, id: string): Promise<boolean>;

  /**
   * Takes or renews the delivery lease of a subscription for `owner` until now + ttlMs. True when `owner` holds
   * it afterwards: it was free, expired, or already this owner's. Exactly one owner holds a live lease.
   */
  abstract acquireLease(subscriptionId: string, owner: string, ttlMs: number): Promise<boolean>;
  abstract releaseLease(subscriptionId: string, owner: string): Promise<void>;

  /** Appends an attempt; keeps at most the newest `keep` attempts of the subscription. */
  abstract recordAttempt(attempt: DeliveryAttemptRecord, keep: number): Promise<void>;
  abstract listAttempts(subscriptionId: string, limit: number): Promise<DeliveryAttemptRecord[]>;
  abstract addDeadLetter(deadLetter: DeadLetterRecord): Promise<void>;
  abstract listDeadLetters(subscriptionId: string, limit: number): Promise<DeadLetterRecord[]>;
}
