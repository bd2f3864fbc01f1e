import type { DeadLetterRecord, DeliveryAttemptRecord } from '../../store/subscription.port';
import type { SubscriptionDelivery, SubscriptionRecord, SubscriptionState } from '../subscription';

/** `failing`: active, but the event at position + 1 has failed at least once (issue "Streaming"). */
export type SubscriptionStatus = 'active' | 'paused' | 'failing' | 'expired';

export interface SubscriptionView {
  id: string;
  tenantId: string;
  name: string;
  delivery: SubscriptionDelivery;
  eventTypes?: string[];
  resourceTypes?: string[];
  /** Subjects removed through SSF subjects:remove (`<resourceType>/<id>`): their events are not delivered. */
  excludedSubjects?: string[];
  maxRetryHours: number;
  state: SubscriptionState;
  stateReason?: string;
  status: SubscriptionStatus;
  /** The last acknowledged seq. */
  position: number;
  /** The tenant's last journal seq. */
  headSeq: number;
  /** Events after position up to headSeq: a count of seqs (events the filters skip included). */
  lag: number;
  lastDeliveredAt?: string;
  lastError?: { at: string; status?: number; detail: string };
  nextAttemptAt?: string;
  deadLettered: number;
  /** Ids and dates of the secrets (webhook) or consumer tokens (sse), never their values. */
  secrets: { id: string; createdAt: string; expiresAt?: string }[];
  createdAt: string;
  updatedAt: string;
}

/** The answer of create and rotate-secret: the only time the secret or token is shown. */
export interface SubscriptionWithSecretView extends SubscriptionView {
  /** webhook: the Standard Webhooks signing secret (`whsec_…`). */
  secret?: string;
  /** sse, poll: the consumer token (`Authorization: Bearer …` on GET /events/{id} or POST /sets/poll/{id}). */
  token?: string;
}

export interface DeliveriesView {
  attempts: DeliveryAttemptRecord[];
  deadLetters: DeadLetterRecord[];
}

export function subscriptionStatus(record: SubscriptionRecord): SubscriptionStatus {
  if (record.state !== 'active') return record.state;
  return record.attempts > 0 ? 'failing' : 'active';
}

export function subscriptionView(record: SubscriptionRecord, headSeq: number): SubscriptionView {
  const view: SubscriptionView = {
    id: record.id,
    tenantId: record.tenantId,
    name: record.name,
    delivery: record.delivery,
    maxRetryHours: record.maxRetryHours,
    state: record.state,
    status: subscriptionStatus(record),
    position: record.position,
    headSeq,
    lag: Math.max(0, headSeq - record.position),
    deadLettered: record.deadLettered,
    secrets: record.secrets.map(({ id, createdAt, expiresAt }) => ({
      id,
      createdAt,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    })),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.eventTypes !== undefined) view.eventTypes = record.eventTypes;
  if (record.resourceTypes !== undefined) view.resourceTypes = record.resourceTypes;
  if (record.excludedSubjects !== undefined) view.excludedSubjects = record.excludedSubjects;
  if (record.stateReason !== undefined) view.stateReason = record.stateReason;
  if (record.lastDeliveredAt !== undefined) view.lastDeliveredAt = record.lastDeliveredAt;
  if (record.lastError !== undefined) view.lastError = record.lastError;
  if (record.nextAttemptAt !== undefined) view.nextAttemptAt = record.nextAttemptAt;
  return view;
}
