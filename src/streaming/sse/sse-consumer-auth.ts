import { hashesEqual, hashToken } from '../../auth/token-hash';
import { ScimError } from '../../scim/errors';
import type { SubscriptionRepository } from '../../store/subscription.port';
import type { SubscriptionRecord } from '../subscription';

/** The token of `Authorization: Bearer <token>` (RFC 6750 §2.1), or undefined when there is none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization ?? '');
  return match?.[1];
}

/**
 * Whether the consumer token matches one of the subscription's live token hashes. Every stored hash is compared
 * (no early exit) in constant time, so timing tells nothing about which or how much matched.
 */
export function consumerTokenMatches(subscription: SubscriptionRecord, token: string, now: Date): boolean {
  const presented = hashToken(token);
  let matched = false;
  for (const secret of subscription.secrets) {
    const live = secret.expiresAt === undefined || Date.parse(secret.expiresAt) > now.getTime();
    if (hashesEqual(presented, secret.value) && live) matched = true;
  }
  return matched;
}

/** 409 unless the subscription is active (paused, expired: resume or replay it first). */
export function assertActive(subscription: SubscriptionRecord): void {
  if (subscription.state === 'active') return;
  const reason = subscription.stateReason ? ` (${subscription.stateReason})` : '';
  throw ScimError.conflict(
    `Subscription ${JSON.stringify(subscription.id)} is ${subscription.state}${reason}: resume or replay it`,
  );
}

/**
 * The subscription a pull consumer (SSE, RFC 8936 poll) may read with its consumer token, or a ScimError: 401
 * without a valid consumer token (checked before anything is looked up, and again after, so unauthenticated
 * callers learn nothing but 404 for unknown ids), 404 unknown, 409 delivered by another method or not active.
 * `realm` names the endpoint in the WWW-Authenticate challenge (RFC 6750 §3).
 */
export async function authorizeConsumer(
  subscriptions: SubscriptionRepository,
  subscriptionId: string,
  authorization: string | undefined,
  method: SubscriptionRecord['delivery']['method'],
  realm: string,
): Promise<SubscriptionRecord> {
  const challenge = { 'WWW-Authenticate': `Bearer realm="${realm}"` };
  const token = bearerToken(authorization);
  if (token === undefined) {
    throw new ScimError(
      401,
      undefined,
      'A consumer token is required: Authorization: Bearer <token>',
      challenge,
    );
  }
  const subscription = await subscriptions.findById(subscriptionId);
  if (!subscription) throw ScimError.notFound(`Subscription ${JSON.stringify(subscriptionId)} not found`);
  if (!consumerTokenMatches(subscription, token, new Date())) {
    throw new ScimError(401, undefined, 'The consumer token is not valid for this subscription', challenge);
  }
  if (subscription.delivery.method !== method) {
    throw ScimError.conflict(
      `Subscription ${JSON.stringify(subscriptionId)} delivers by ${subscription.delivery.method}, not ${method}`,
    );
  }
  assertActive(subscription);
  return subscription;
}
