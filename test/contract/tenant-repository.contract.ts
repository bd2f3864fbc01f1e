/**
 * The contract of the tenant and credential ports for what the admin API needs (tenants with settings, token expiry, OAuth
 * clients), run against every available adapter like resource-repository.contract.ts.
 */
import { ScimError } from '../../src/scim/errors';
import { OAuthClientRecord, TenantRecord, TokenRecord } from '../../src/store/ports';
import { StoreAdapters } from '../../src/store/store-query.util';
import type { StoreHarness } from './resource-repository.contract';

const T1 = 'tenant-one';
const T2 = 'tenant-two';

const TENANT: TenantRecord = {
  id: T1,
  name: 'One',
  disabled: false,
  createdAt: '2024-01-01T00:00:00.000Z',
  settings: { strictExtensions: true, rateLimit: { requestsPerSecond: 50, burst: 100 } },
};

const TOKEN: TokenRecord = {
  id: 'tok1',
  tenantId: T1,
  label: 'Entra',
  hash: 'a'.repeat(64),
  createdAt: '2024-01-01T00:00:00.000Z',
  revoked: false,
};

const CLIENT: OAuthClientRecord = {
  clientId: 'client-1',
  tenantId: T1,
  label: 'Entra provisioning',
  createdAt: '2024-01-01T00:00:00.000Z',
  revoked: false,
  secrets: [{ id: 's1', hash: 'd'.repeat(64), createdAt: '2024-01-01T00:00:00.000Z' }],
};

async function scimErrorOf(promise: Promise<unknown>): Promise<ScimError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScimError);
  return error as ScimError;
}

export function describeTenantRepositoryContract(name: string, createHarness: () => StoreHarness): void {
  describe(`${name}: TenantRepository, StaticTokenRepository, OAuthClientRepository (admin API)`, () => {
    let harness: StoreHarness;
    let sut: StoreAdapters;

    beforeEach(async () => {
      harness = createHarness();
      sut = await harness.open();
    });

    afterEach(async () => {
      await sut.health.close();
      await harness.destroy();
    });

    async function reopen(): Promise<void> {
      await sut.health.close();
      sut = await harness.open();
    }

    describe('insertTenant', () => {
      it('creates a tenant with its settings', async () => {
        await sut.tenants.insertTenant(TENANT);
        expect(await sut.tenants.findTenant(T1)).toEqual(TENANT);
      });

      it('refuses an existing id with 409 and keeps the existing tenant', async () => {
        await sut.tenants.insertTenant(TENANT);
        const error = await scimErrorOf(sut.tenants.insertTenant({ ...TENANT, name: 'Other' }));
        expect(error.status).toBe(409);
        expect((await sut.tenants.findTenant(T1))!.name).toBe('One');
      });

      it('lets upsertTenant remove settings', async () => {
        await sut.tenants.insertTenant(TENANT);
        const { settings: _settings, ...withoutSettings } = TENANT;
        await sut.tenants.upsertTenant(withoutSettings);
        expect(await sut.tenants.findTenant(T1)).toEqual(withoutSettings);
      });
    });

    describe('expireToken', () => {
      it('sets the expiry of a token of the tenant', async () => {
        await sut.staticTokens.insertToken(TOKEN);
        expect(await sut.staticTokens.expireToken(T1, 'tok1', '2030-01-01T00:00:00.000Z')).toBe(true);
        expect((await sut.staticTokens.findTokenByHash(TOKEN.hash))!.expiresAt).toBe(
          '2030-01-01T00:00:00.000Z',
        );
      });

      it('does not change a token through another tenant', async () => {
        await sut.staticTokens.insertToken(TOKEN);
        expect(await sut.staticTokens.expireToken(T2, 'tok1', '2030-01-01T00:00:00.000Z')).toBe(false);
        expect((await sut.staticTokens.findTokenByHash(TOKEN.hash))!.expiresAt).toBeUndefined();
      });
    });

    describe('OAuth clients', () => {
      it('finds an inserted client by its client id', async () => {
        await sut.oauthClients.insertOAuthClient(CLIENT);
        expect(await sut.oauthClients.findOAuthClient('client-1')).toEqual(CLIENT);
        expect(await sut.oauthClients.findOAuthClient('client-2')).toBeNull();
      });

      it('refuses a client id used by another tenant with 409', async () => {
        await sut.oauthClients.insertOAuthClient(CLIENT);
        const error = await scimErrorOf(sut.oauthClients.insertOAuthClient({ ...CLIENT, tenantId: T2 }));
        expect(error.status).toBe(409);
      });

      it('lists the clients of one tenant by creation time', async () => {
        await sut.oauthClients.insertOAuthClient({
          ...CLIENT,
          clientId: 'b',
          createdAt: '2024-03-01T00:00:00.000Z',
        });
        await sut.oauthClients.insertOAuthClient({
          ...CLIENT,
          clientId: 'a',
          createdAt: '2024-02-01T00:00:00.000Z',
        });
        await sut.oauthClients.insertOAuthClient({ ...CLIENT, clientId: 'c', tenantId: T2 });
        expect((await sut.oauthClients.listOAuthClients(T1)).map((c) => c.clientId)).toEqual(['a', 'b']);
      });

      it('adds a secret, keeping the existing ones', async () => {
        await sut.oauthClients.insertOAuthClient(CLIENT);
        const secret = { id: 's2', hash: 'e'.repeat(64), createdAt: '2024-02-01T00:00:00.000Z' };
        expect(await sut.oauthClients.addOAuthClientSecret(T1, 'client-1', secret)).toBe(true);
        expect((await sut.oauthClients.findOAuthClient('client-1'))!.secrets).toEqual([
          CLIENT.secrets[0],
          secret,
        ]);
      });

      it('removes one secret and answers false for an unknown secret', async () => {
        await sut.oauthClients.insertOAuthClient(CLIENT);
        expect(await sut.oauthClients.removeOAuthClientSecret(T1, 'client-1', 'nope')).toBe(false);
        expect(await sut.oauthClients.removeOAuthClientSecret(T1, 'client-1', 's1')).toBe(true);
        expect((await sut.oauthClients.findOAuthClient('client-1'))!.secrets).toEqual([]);
      });

      it('revokes a client of the tenant', async () => {
        await sut.oauthClients.insertOAuthClient(CLIENT);
        expect(await sut.oauthClients.revokeOAuthClient(T1, 'client-1')).toBe(true);
        expect((await sut.oauthClients.findOAuthClient('client-1'))!.revoked).toBe(true);
      });

      it('changes nothing through another tenant', async () => {
        await sut.oauthClients.insertOAuthClient(CLIENT);
        const secret = { id: 's2', hash: 'e'.repeat(64), createdAt: '2024-02-01T00:00:00.000Z' };
        expect([
          await sut.oauthClients.addOAuthClientSecret(T2, 'client-1', secret),
          await sut.oauthClients.removeOAuthClientSecret(T2, 'client-1', 's1'),
          await sut.oauthClients.revokeOAuthClient(T2, 'client-1'),
        ]).toEqual([false, false, false]);
        expect(await sut.oauthClients.findOAuthClient('client-1')).toEqual(CLIENT);
      });

      it('returns copies that cannot change the store', async () => {
        await sut.oauthClients.insertOAuthClient(CLIENT);
        const found = (await sut.oauthClients.findOAuthClient('client-1'))!;
        found.secrets.push({ id: 'x', hash: 'f'.repeat(64), createdAt: 'c' });
        expect((await sut.oauthClients.findOAuthClient('client-1'))!.secrets).toHaveLength(1);
      });
    });

    it('keeps the scopes of a token (stream-management tokens), absent for a full-access one', async () => {
      await sut.staticTokens.insertToken({ ...TOKEN, scopes: ['ssf.manage'] });
      await sut.staticTokens.expireToken(T1, 'tok1', '2030-01-01T00:00:00.000Z');
      await reopen();
      expect((await sut.staticTokens.findTokenByHash(TOKEN.hash))!.scopes).toEqual(['ssf.manage']);
      expect((await sut.staticTokens.listTokens(T1))[0].scopes).toEqual(['ssf.manage']);
    });

    it('keeps tenants with settings, token expiries and OAuth clients across close and reopen', async () => {
      await sut.tenants.insertTenant(TENANT);
      await sut.staticTokens.insertToken(TOKEN);
      await sut.staticTokens.expireToken(T1, 'tok1', '2030-01-01T00:00:00.000Z');
      await sut.oauthClients.insertOAuthClient(CLIENT);
      await sut.oauthClients.addOAuthClientSecret(T1, 'client-1', {
        id: 's2',
        hash: 'e'.repeat(64),
        createdAt: '2024-02-01T00:00:00.000Z',
      });
      await sut.oauthClients.removeOAuthClientSecret(T1, 'client-1', 's1');
      await reopen();
      expect(await sut.tenants.findTenant(T1)).toEqual(TENANT);
      expect((await sut.staticTokens.findTokenByHash(TOKEN.hash))!.expiresAt).toBe(
        '2030-01-01T00:00:00.000Z',
      );
      expect((await sut.oauthClients.findOAuthClient('client-1'))!.secrets.map((s) => s.id)).toEqual(['s2']);
    });
  });
}
