import { createHash } from 'node:crypto';
import { OAuthClientRecord, OAuthClientRepository } from '../../store/ports';
import { hashClientSecret, secretFingerprint } from './client-secret';
import { fromRecord, OAuthClientRegistry } from './oauth-client.registry';
import type { OAuthClient } from './oauth-clients.config';

const NOW = new Date('2026-06-01T00:00:00.000Z');

function client(overrides: Partial<OAuthClient> = {}): OAuthClient {
  const secrets = ['s1', 's2'].map((s, i) => ({
    hash: hashClientSecret(s),
    fingerprint: secretFingerprint(hashClientSecret(s)),
    label: `secret-${i + 1}`,
  }));
  return { id: 'entra', tenantId: 'default', secrets, scopes: ['scim'], disabled: false, ...overrides };
}

const STORED: OAuthClientRecord = {
  clientId: 'stored',
  tenantId: 'acme',
  label: 'Stored client',
  createdAt: '2026-01-01T00:00:00.000Z',
  revoked: false,
  secrets: [
    {
      id: 'sec-1',
      hash: createHash('sha256').update('stored-secret').digest('hex'),
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2027-01-01T00:00:00.000Z',
    },
  ],
};

function tenants(record: OAuthClientRecord | null = null): OAuthClientRepository {
  return {
    findOAuthClient: jest.fn(async (id: string) => (record?.clientId === id ? record : null)),
  } as unknown as OAuthClientRepository;
}

describe(OAuthClientRegistry.name, () => {
  it('authenticates a client with its first secret', async () => {
    const sut = new OAuthClientRegistry([client()], tenants());

    await expect(sut.authenticate('entra', 's1', NOW)).resolves.toMatchObject({
      ok: true,
      client: { id: 'entra' },
      secret: { label: 'secret-1' },
    });
  });

  it('authenticates a client with any other active secret (rotation)', async () => {
    const sut = new OAuthClientRegistry([client()], tenants());

    await expect(sut.authenticate('entra', 's2', NOW)).resolves.toMatchObject({
      ok: true,
      secret: { label: 'secret-2' },
    });
  });

  it('refuses a wrong secret', async () => {
    const sut = new OAuthClientRegistry([client()], tenants());

    await expect(sut.authenticate('entra', 's3', NOW)).resolves.toEqual({
      ok: false,
      reason: 'wrong_secret',
      clientId: 'entra',
    });
  });

  it('refuses an unknown client', async () => {
    const sut = new OAuthClientRegistry([client()], tenants());

    await expect(sut.authenticate('nobody', 's1', NOW)).resolves.toMatchObject({
      ok: false,
      reason: 'unknown_client',
    });
  });

  it('refuses a disabled client even with the right secret', async () => {
    const sut = new OAuthClientRegistry([client({ disabled: true })], tenants());

    await expect(sut.authenticate('entra', 's1', NOW)).resolves.toMatchObject({
      ok: false,
      reason: 'disabled_client',
    });
  });

  it('refuses a secret from its notAfter on', async () => {
    const expiring = client();
    expiring.secrets[0].notAfter = NOW.toISOString();
    const sut = new OAuthClientRegistry([expiring], tenants());

    await expect(sut.authenticate('entra', 's1', NOW)).resolves.toMatchObject({
      ok: false,
      reason: 'expired_secret',
      secretLabel: 'secret-1',
    });
    await expect(sut.authenticate('entra', 's1', new Date(NOW.getTime() - 1))).resolves.toMatchObject({
      ok: true,
    });
  });

  it('finds clients created through the admin API in the store', async () => {
    const sut = new OAuthClientRegistry([], tenants(STORED));

    await expect(sut.authenticate('stored', 'stored-secret', NOW)).resolves.toMatchObject({
      ok: true,
      client: { id: 'stored', tenantId: 'acme' },
    });
  });

  it('lets a configured client shadow a stored one with the same id', async () => {
    const store = tenants({ ...STORED, clientId: 'entra' });
    const sut = new OAuthClientRegistry([client()], store);

    await expect(sut.find('entra')).resolves.toMatchObject({ tenantId: 'default' });
    expect(store.findOAuthClient).not.toHaveBeenCalled();
  });

  it('tells a configured client id from a stored or unknown one', () => {
    const sut = new OAuthClientRegistry([client()], tenants(STORED));

    expect([sut.isConfigured('entra'), sut.isConfigured('stored'), sut.isConfigured('nope')]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe(fromRecord.name, () => {
  it('maps a stored client: label → name, revoked → disabled, expiresAt → notAfter, default scopes', () => {
    const sut = fromRecord({ ...STORED, revoked: true });

    expect(sut).toMatchObject({
      id: 'stored',
      tenantId: 'acme',
      name: 'Stored client',
      disabled: true,
      scopes: ['scim'],
    });
    expect(sut.secrets).toEqual([
      {
        hash: `sha256:${STORED.secrets[0].hash}`,
        fingerprint: secretFingerprint(`sha256:${STORED.secrets[0].hash}`),
        label: 'sec-1',
        notAfter: '2027-01-01T00:00:00.000Z',
      },
    ]);
  });
});
