import { createHmac } from 'node:crypto';

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Standard Webhooks secrets are `whsec_` + base64 of the key bytes. */
const SECRET_PREFIX = 'whsec_';

/**
 * Standard Webhooks headers (standardwebhooks.com, "Signature scheme"): `v1,<base64 HMAC-SHA256>` of
 * `id.timestamp.body` per live secret, space-separated, so that during a secret rotation a consumer verifies
 * with either the old or the new secret. `body` must be the exact bytes sent.
 *
 * Node's HMAC rather than the `standardwebhooks` package's own `sign`: that one hashes in JavaScript
 * (fast-sha256) and was a fifth of a webhook delivery's CPU. The bytes are the same; the spec checks them
 * against the package, which consumers verify with.
 */
export function signWebhook(
  secrets: readonly string[],
  msgId: string,
  at: Date,
  body: string,
): SignedHeaders {
  if (secrets.length === 0) throw new Error('a webhook needs at least one signing secret');
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signed = `${msgId}.${timestamp}.${body}`;
  const signatures = secrets.map(
    (secret) => `v1,${createHmac('sha256', keyOf(secret)).update(signed, 'utf8').digest('base64')}`,
  );
  return { 'webhook-id': msgId, 'webhook-timestamp': timestamp, 'webhook-signature': signatures.join(' ') };
}

function keyOf(secret: string): Buffer {
  const key = Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
  if (key.length === 0) throw new Error('a webhook signing secret must not be empty');
  return key;
}
