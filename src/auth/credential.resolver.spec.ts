import { TenantRecord, TenantRepository } from '../store/ports';
import { CREDENTIAL_CACHE_TTL_MS, CredentialCache } from './credential-cache';
import { CredentialResolver, MAX_CREDENTIAL_LENGTH } from './credential.resolver';
import type { Principal } from './principal';
import { CredentialVerifier, InactiveCredentialError, VerifiedPrincipal } from './credential-verifier';

function verifier(
  answer: (credential: string) => VerifiedPrincipal | null,
): CredentialVerifier & { verify: jest.Mock } {
  return {
    verify: jest.fn(async (credential: string) => answer(credential)),
  } as unknown as CredentialVerifier & { verify: jest.Mock };
}

const ALICE: Principal = { tenantId: 'a', credentialId: 'c1', label: 'x' };
const BOB: Principal = { tenantId: 'b', credentialId: 'c2', label: 'y' };

function tenants(...records: Partial<TenantRecord>[]): TenantRepository {
  const byId = new Map(
    records.map((r) => [r.id!, { name: r.id!, disabled: false, createdAt: 'c', ...r } as TenantRecord]),
  );
  return { findTenant: jest.fn(async (id: string) => byId.get(id) ?? null) } as unknown as TenantRepository;
}

const ACTIVE = tenants({ id: 'a' }, { id: 'b' });

describe(CredentialResolver.name, () => {
  it('returns the principal of the first verifier that recognises the credential', async () => {
    const sut = new CredentialResolver(
      [verifier(() => null), verifier(() => ALICE), verifier(() => BOB)],
      ACTIVE,
      new CredentialCache(),
    );

    await expect(sut.resolve('token')).resolves.toEqual(ALICE);
  });

  it('returns null when no verifier recognises it', async () => {
    await expect(
      new CredentialResolver([verifier(() => null)], ACTIVE, new CredentialCache()).resolve('token'),
    ).resolves.toBeNull();
  });

  it('refuses an oversized credential without asking any verifier', async () => {
    const first = verifier(() => ALICE);

    await expect(
      new CredentialResolver([first], ACTIVE, new CredentialCache()).resolve(
        'x'.repeat(MAX_CREDENTIAL_LENGTH + 1),
      ),
    ).resolves.toBeNull();
    expect(first.verify).not.toHaveBeenCalled();
  });

  it('refuses a valid credential of a disabled tenant, whatever the verifier said', async () => {
    const sut = new CredentialResolver(
      [verifier(() => ALICE)],
      tenants({ id: 'a', disabled: true }),
      new CredentialCache(),
    );

    await expect(sut.resolve('token')).rejects.toBeInstanceOf(InactiveCredentialError);
  });

  it('refuses a valid credential of a tenant that does not exist', async () => {
    await expect(
      new CredentialResolver([verifier(() => ALICE)], tenants({ id: 'b' }), new CredentialCache()).resolve(
        'token',
      ),
    ).rejects.toBeInstanceOf(InactiveCredentialError);
  });

  describe('with the cache of verified credentials', () => {
    let now: number;
    let cache: CredentialCache;
    let check: ReturnType<typeof verifier>;
    let repository: TenantRepository;
    let sut: CredentialResolver;

    beforeEach(() => {
      now = 1_000_000;
      cache = new CredentialCache(() => now);
      check = verifier(() => ALICE);
      repository = tenants({ id: 'a' });
      sut = new CredentialResolver([check], repository, cache);
    });

    it('answers a credential verified within the TTL without the verifier or the tenant read', async () => {
      await sut.resolve('token');
      now += CREDENTIAL_CACHE_TTL_MS - 1;

      await expect(sut.resolve('token')).resolves.toEqual(ALICE);
      expect(check.verify).toHaveBeenCalledTimes(1);
      expect(repository.findTenant).toHaveBeenCalledTimes(1);
    });

    it('verifies again once the TTL is over, and after an invalidation at once', async () => {
      await sut.resolve('token');
      now += CREDENTIAL_CACHE_TTL_MS;
      await sut.resolve('token');
      expect(check.verify).toHaveBeenCalledTimes(2);

      cache.invalidate();
      await sut.resolve('token');
      expect(check.verify).toHaveBeenCalledTimes(3);
    });

    it('keeps a credential no longer than it is valid', async () => {
      const expiring = verifier(() => ({ ...ALICE, validUntil: now + 10 }));
      const resolver = new CredentialResolver([expiring], repository, cache);
      await expect(resolver.resolve('soon')).resolves.toEqual(ALICE);
      now += 10;

      await resolver.resolve('soon');
      expect(expiring.verify).toHaveBeenCalledTimes(2);
    });

    it('does not keep a verification that an invalidation overtook', async () => {
      const slow = verifier(() => ALICE);
      slow.verify.mockImplementationOnce(async () => {
        cache.invalidate(); // the token is revoked while its verification is under way
        return ALICE;
      });
      const resolver = new CredentialResolver([slow], repository, cache);
      await resolver.resolve('token');

      await resolver.resolve('token');
      expect(slow.verify).toHaveBeenCalledTimes(2);
    });

    it('keeps no refusal: a refused credential is verified each time', async () => {
      const refusing = new CredentialResolver([verifier(() => null)], repository, cache);
      await refusing.resolve('bad');
      await refusing.resolve('bad');

      const disabled = tenants({ id: 'a', disabled: true });
      const inactive = new CredentialResolver([check], disabled, cache);
      await expect(inactive.resolve('other')).rejects.toBeInstanceOf(InactiveCredentialError);
      await expect(inactive.resolve('other')).rejects.toBeInstanceOf(InactiveCredentialError);
      expect(disabled.findTenant).toHaveBeenCalledTimes(2);
    });
  });
});
