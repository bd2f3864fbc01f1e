import { WebhookUrlRules } from '../webhook/webhook-url.policy';
import { parseDelivery, parseEventTypes, parsePushAuthorization, parseStartAt } from './subscription-input';

const ANY = new WebhookUrlRules(undefined);

describe('parseDelivery', () => {
  it('keeps what a webhook delivery may have', () => {
    expect(
      parseDelivery(
        { method: 'webhook', url: 'https://h.example.com', maxBatchSize: 10, timeoutMs: 500 },
        ANY,
        false,
      ),
    ).toEqual({ method: 'webhook', url: 'https://h.example.com', maxBatchSize: 10, timeoutMs: 500 });
  });

  it('accepts nats only with NATS_URL, and checks the subject', () => {
    expect(() => parseDelivery({ method: 'nats' }, ANY, false)).toThrow('needs NATS_URL');
    expect(parseDelivery({ method: 'nats', subject: 'scim.contoso' }, ANY, true)).toEqual({
      method: 'nats',
      subject: 'scim.contoso',
    });
    expect(() => parseDelivery({ method: 'nats', subject: 'scim.>' }, ANY, true)).toThrow(
      'without wildcards',
    );
  });

  it('accepts push and poll only with a SET issuer; format defaults to full; the authorization header is not kept', () => {
    expect(() => parseDelivery({ method: 'poll' }, ANY, false, false)).toThrow('SET_ISSUER');
    expect(parseDelivery({ method: 'poll' }, ANY, false, true)).toEqual({ method: 'poll', format: 'full' });
    expect(
      parseDelivery(
        {
          method: 'push',
          url: 'https://r.example.com/e',
          format: 'notice',
          audience: 'urn:r',
          authorizationHeader: 'Bearer x',
          timeoutMs: 1000,
        },
        ANY,
        false,
        true,
      ),
    ).toEqual({
      method: 'push',
      url: 'https://r.example.com/e',
      format: 'notice',
      audience: 'urn:r',
      timeoutMs: 1000,
    });
    expect(parsePushAuthorization({ authorizationHeader: 'Bearer x' })).toBe('Bearer x');
    expect(parsePushAuthorization({})).toBeUndefined();
  });

  it.each([
    [{ method: 'push', url: 'ftp://r.example.com' }, 'http or https'],
    [{ method: 'push', url: 'https://r.example.com', format: 'all' }, 'delivery.format'],
    [{ method: 'push', url: 'https://r.example.com', authorizationHeader: 'a\nb' }, 'authorizationHeader'],
    [{ method: 'push', url: 'https://r.example.com', audience: '' }, 'delivery.audience'],
    [{ method: 'poll', url: 'https://r.example.com' }, 'unknown property "url"'],
  ])('refuses the standard stream delivery %j', (delivery, detail) => {
    expect(() => parseDelivery(delivery, ANY, false, true)).toThrow(detail);
  });

  it.each([
    [null, 'delivery must be an object'],
    [[], 'delivery must be an object'],
    [{ method: 'sse', url: 'x' }, 'delivery: unknown property "url"'],
    [
      { method: 'webhook', url: 'https://h', timeoutMs: 10 },
      'delivery.timeoutMs must be an integer between 100 and 60000',
    ],
    [{ method: 'webhook', url: 'https://h', maxBatchSize: 1.5 }, 'delivery.maxBatchSize must be an integer'],
  ])('refuses %j', (input, detail) => {
    expect(() => parseDelivery(input, ANY, true)).toThrow(detail);
  });
});

describe('parseEventTypes', () => {
  it('accepts resource and admin event types, once each', () => {
    expect(parseEventTypes(['user.created', 'admin.subscription.created', 'user.created'])).toEqual([
      'user.created',
      'admin.subscription.created',
    ]);
    expect(parseEventTypes(undefined)).toBeUndefined();
  });

  it('names the unknown ones', () => {
    expect(() => parseEventTypes(['admin.everything'])).toThrow('unknown event type "admin.everything"');
  });
});

describe('parseStartAt', () => {
  it('reads now (the default), earliest and a seq', () => {
    expect([
      parseStartAt(undefined),
      parseStartAt('now'),
      parseStartAt('earliest'),
      parseStartAt({ seq: 7 }),
    ]).toEqual(['now', 'now', 'earliest', { seq: 7 }]);
  });

  it.each([[{ seq: 0 }], [{ seq: 'x' }], [{ seq: 1, at: 2 }], [12], ['later']])('refuses %j', (input) => {
    expect(() => parseStartAt(input)).toThrow(/startAt/);
  });
});
