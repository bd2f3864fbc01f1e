import { mock } from 'jest-mock-extended';
import { ServerSecretRepository } from '../store/ports';
import type { SubscriptionRecord } from './subscription';
import { SUBSCRIPTION_SECRET_KEY, SubscriptionSecrets } from './subscription-secrets';

function secretsStore(): ServerSecretRepository {
  const values = new Map<string, string>();
  const store = mock<ServerSecretRepository>();
  store.getOrCreate.mockImplementation(async (name, create) => {
    if (!values.has(name)) values.set(name, await create());
    return values.get(name)!;
  });
  return store;
}

describe(SubscriptionSecrets.name, () => {
  it('makes Standard Webhooks secrets of 32 random bytes', () => {
    const secret = SubscriptionSecrets.newWebhookSecret();

    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(SubscriptionSecrets.newWebhookSecret()).not.toBe(secret);
  });

  it('makes consumer tokens and stores only their SHA-256', () => {
    const { token, hash } = SubscriptionSecrets.newConsumerToken();

    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(token);
  });

  it('encrypts so that the stored value reveals nothing and decrypts back', async () => {
    const store = secretsStore();
    const sut = new SubscriptionSecrets(store);
    const secret = SubscriptionSecrets.newWebhookSecret();

    const sealed = await sut.encrypt(secret);

    expect(sealed).not.toContain(secret.slice(6, 20));
    await expect(sut.decrypt(sealed)).resolves.toBe(secret);
    expect(store.getOrCreate).toHaveBeenCalledWith(SUBSCRIPTION_SECRET_KEY, expect.any(Function));
  });

  it('refuses a tampered value and one sealed with another key', async () => {
    const sut = new SubscriptionSecrets(secretsStore());
    const sealed = await sut.encrypt('whsec_abc');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');

    await expect(sut.decrypt(tampered)).rejects.toThrow();
    await expect(new SubscriptionSecrets(secretsStore()).decrypt(sealed)).rejects.toThrow();
    await expect(sut.decrypt('plain')).rejects.toThrow('not an encrypted secret');
  });

  it('signs with the secrets still live, newest first', async () => {
    const sut = new SubscriptionSecrets(secretsStore());
    const now = Date.parse('2026-01-01T00:00:00Z');
    const secrets: SubscriptionRecord['secrets'] = [
      { id: 'new', value: await sut.encrypt('whsec_new'), createdAt: '2026-01-01T00:00:00Z' },
      {
        id: 'old',
        value: await sut.encrypt('whsec_old'),
        createdAt: '2025-01-01T00:00:00Z',
        expiresAt: '2026-01-02T00:00:00Z',
      },
      {
        id: 'gone',
        value: await sut.encrypt('whsec_gone'),
        createdAt: '2024-01-01T00:00:00Z',
        expiresAt: '2025-12-31T00:00:00Z',
      },
    ];

    await expect(sut.signingSecrets({ secrets } as SubscriptionRecord, now)).resolves.toEqual([
      'whsec_new',
      'whsec_old',
    ]);
  });

  it('decrypts a stored secret once, however many deliveries it signs', async () => {
    const sut = new SubscriptionSecrets(secretsStore());
    const secrets: SubscriptionRecord['secrets'] = [
      { id: 'a', value: await sut.encrypt('whsec_a'), createdAt: '2026-01-01T00:00:00Z' },
    ];
    const decrypt = jest.spyOn(sut, 'decrypt');

    for (let i = 0; i < 3; i++) {
      await expect(sut.signingSecrets({ secrets } as SubscriptionRecord)).resolves.toEqual(['whsec_a']);
    }
    expect(decrypt).toHaveBeenCalledTimes(1);
  });

  it('asks the store again after a failure to read the key', async () => {
    const store = mock<ServerSecretRepository>();
    store.getOrCreate
      .mockRejectedValueOnce(new Error('store down'))
      .mockResolvedValue(Buffer.alloc(32, 1).toString('base64'));
    const sut = new SubscriptionSecrets(store);

    await expect(sut.encrypt('x')).rejects.toThrow('store down');
    await expect(sut.encrypt('x')).resolves.toMatch(/^v1\./);
  });
});
