import { TenantRecord, TenantRepository } from '../store/ports';
import { CredentialResolver, MAX_CREDENTIAL_LENGTH } from './credential.resolver';
import type { Principal } from './principal';
import { CredentialVerifier, InactiveCredentialError } from './credential-verifier';

function verifier(
  answer: (credential: string) => Principal | null,
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
    );

    await expect(sut.resolve('token')).resolves.toBe(ALICE);
  });

  it('returns null when no verifier recognises it', async () => {
    await expect(new CredentialResolver([verifier(() => null)], ACTIVE).resolve('token')).resolves.toBeNull();
  });

  it('refuses an oversized credential without asking any verifier', async () => {
    const first = verifier(() => ALICE);

    await expect(
      new CredentialResolver([first], ACTIVE).resolve('x'.repeat(MAX_CREDENTIAL_LENGTH + 1)),
    ).resolves.toBeNull();
    expect(first.verify).not.toHaveBeenCalled();
  });

  it('refuses a valid credential of a disabled tenant, whatever the verifier said', async () => {
    const sut = new CredentialResolver([verifier(() => ALICE)], tenants({ id: 'a', disabled: true }));

    await expect(sut.resolve('token')).rejects.toBeInstanceOf(InactiveCredentialError);
  });

  it('refuses a valid credential of a tenant that does not exist', async () => {
    await expect(
      new CredentialResolver([verifier(() => ALICE)], tenants({ id: 'b' })).resolve('token'),
    ).rejects.toBeInstanceOf(InactiveCredentialError);
  });
});
