/**
 * A subscription: one consumer's position in one tenant's change stream, and how events reach it
 * (issue "Streaming"). Stored through SubscriptionRepository (src/store/subscription.port.ts); a store type,
 * so that the adapters need nothing from src/streaming.
 */

export type DeliveryMethod = 'webhook' | 'sse' | 'nats' | 'push' | 'poll';

/** Standard streams (RFC 9967 SETs): `full` events carry the data, `notice` events the attribute names. */
export type SetDeliveryFormat = 'full' | 'notice';

export type SubscriptionDelivery =
  | { method: 'webhook'; url: string; maxBatchSize?: number; timeoutMs?: number }
  | { method: 'sse' }
  | { method: 'nats'; subject?: string }
  /** RFC 8935 push of SETs; an Authorization header for the receiver is kept encrypted in `secrets`. */
  | { method: 'push'; url: string; format: SetDeliveryFormat; audience?: string; timeoutMs?: number }
  /** RFC 8936 poll of SETs by the receiver, with a consumer token (hash in `secrets`, like sse). */
  | { method: 'poll'; format: SetDeliveryFormat; audience?: string };

/** `paused` by an admin or by a 410 from the consumer; `expired` when its position fell behind retention. */
export type SubscriptionState = 'active' | 'paused' | 'expired';

export interface SubscriptionRecord {
  id: string;
  tenantId: string;
  name: string;
  delivery: SubscriptionDelivery;
  /**
   * Only these event types (names from src/streaming/stream-event.ts, kept as given) are delivered, all when
   * absent; others advance the position silently.
   */
  eventTypes?: string[];
  /** Only events of these resource types (User, Group) are delivered (all when absent). */
  resourceTypes?: string[];
  state: SubscriptionState;
  /** Why it is paused or expired (shown in the status). */
  stateReason?: string;
  /** The last acknowledged seq: delivery resumes after it. Persisted only after the consumer acknowledged. */
  position: number;
  maxRetryHours: number;
  /**
   * webhook: Standard Webhooks secrets (`whsec_…`), newest first, kept encrypted at rest; an older one keeps
   * signing until `expiresAt` (rotation grace). sse, poll: SHA-256 hashes of consumer tokens (never the token).
   * push: the receiver's Authorization header, encrypted like a webhook secret (none when not given).
   */
  secrets: { id: string; value: string; createdAt: string; expiresAt?: string }[];
  createdAt: string;
  updatedAt: string;
  /** Delivery bookkeeping, for the status. */
  lastDeliveredAt?: string;
  lastError?: { at: string; status?: number; detail: string };
  nextAttemptAt?: string;
  /** Consecutive failed attempts of the event at `position + 1` (resets on success). */
  attempts: number;
  /** When the first failed attempt of the current event happened (for maxRetryHours). */
  failingSince?: string;
  deadLettered: number;
  /**
   * poll: jtis the receiver acknowledged (or reported in setErrs) beyond the first unacknowledged event, so
   * that they are not offered again; the position moves over them once everything before is acknowledged.
   */
  acknowledged?: string[];
  /** poll: an SSF verification SET requested and not yet acknowledged (offered before every other SET). */
  verification?: { jti: string; state?: string; requestedAt: string };
  /** push, poll: when the receiver last requested a verification SET (SSF §8.1.4 min_verification_interval). */
  lastVerificationAt?: string;
  /**
   * poll: the SSF stream-updated SET of the latest status change not yet acknowledged (offered after the
   * verification SET, before every other SET); a newer status change replaces it.
   */
  streamUpdated?: { jti: string; status: string; reason?: string; at: string };
  /**
   * push, poll: subjects removed from the stream (SSF §8.1.3.3), as `<resourceType>/<id>` keys: their events
   * are moved over like filtered ones, until the subject is added again. The stream covers all other subjects.
   */
  excludedSubjects?: string[];
  /**
   * How many times an admin replayed (moved the position; absent = 0). A deliverer that holds acknowledged
   * progress not saved yet drops it when this changed, even when the replay set the very position it saved last.
   */
  replays?: number;
  /** Revision for compare-and-swap updates. */
  rev: number;
}
