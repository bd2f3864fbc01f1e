import { Webhook } from 'standardwebhooks';
import { SubscriptionSecrets } from '../subscription-secrets';
import { signWebhook } from './webhook-signer';

describe('signWebhook', () => {
  const body = JSON.stringify({ id: 'contoso:1', type: 'user.created' });
  const at = new Date();

  it('signs so that the standardwebhooks library verifies the exact body', () => {
    const secret = SubscriptionSecrets.newWebhookSecret();

    const headers = signWebhook([secret], 'contoso:1', at, body);

    expect(headers['webhook-id']).toBe('contoso:1');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(at.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('fails verification of another body or with another secret', () => {
    const secret = SubscriptionSecrets.newWebhookSecret();
    const headers = signWebhook([secret], 'contoso:1', at, body);

    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow();
    expect(() => new Webhook(SubscriptionSecrets.newWebhookSecret()).verify(body, { ...headers })).toThrow();
  });

  it('carries one signature per secret, each verifying with its own secret (rotation)', () => {
    const [next, previous] = [SubscriptionSecrets.newWebhookSecret(), SubscriptionSecrets.newWebhookSecret()];

    const headers = signWebhook([next, previous], 'contoso:2', at, body);

    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(next).verify(body, { ...headers })).toBeTruthy();
    expect(new Webhook(previous).verify(body, { ...headers })).toBeTruthy();
  });

  it('makes exactly the signature the standardwebhooks library makes, for any body', () => {
    const secret = SubscriptionSecrets.newWebhookSecret();
    for (const text of [body, '', '{"events":[{"x":"é ✓ \\u0000"}]}', 'x'.repeat(100_000)]) {
      const headers = signWebhook([secret], 'contoso:3', at, text);
      expect(headers['webhook-signature']).toBe(new Webhook(secret).sign('contoso:3', at, text));
    }
  });

  it('refuses to sign without a secret', () => {
    expect(() => signWebhook([], 'x', at, body)).toThrow('at least one signing secret');
  });
});
