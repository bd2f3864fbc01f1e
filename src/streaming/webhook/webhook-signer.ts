import { Webhook } from 'standardwebhooks';

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Standard Webhooks headers (standardwebhooks.com, "Signature scheme"): `v1,<base64 HMAC-SHA256>` of
 * `id.timestamp.body` per live secret, space-separated, so that during a secret rotation a consumer verifies
 * with either the old or the new secret. `body` must be the exact bytes sent.
 */
export function signWebhook(
  secrets: readonly string[],
  msgId: string,
  at: Date,
  body: string,
): SignedHeaders {
  if (secrets.length === 0) throw new Error('a webhook needs at least one signing secret');
  const signatures = secrets.map((secret) => new Webhook(secret).sign(msgId, at, body));
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
