import { hashesEqual, hashToken } from '../../auth/token-hash';
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
