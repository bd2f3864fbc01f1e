import { Inject, Injectable } from '@nestjs/common';
import { TenantRepository } from '../store/ports';
import { CredentialCache } from './credential-cache';
import { CREDENTIAL_VERIFIERS, CredentialVerifier, InactiveCredentialError } from './credential-verifier';
import type { Principal } from './principal';

/** Longer bearer values are refused before any hashing or lookup. */
export const MAX_CREDENTIAL_LENGTH = 4096;

/**
 * Resolves a presented bearer credential to the principal (tenant) it stands for, or null.
 * Whatever the verifier, the tenant is read again: disabling a tenant takes effect on the next request, also
 * for self-contained credentials (JWTs) issued before. A disabled or unknown tenant gets the same 401 as an
 * unknown credential (InactiveCredentialError, which is not counted as a guess).
 *
 * A credential resolved less than CREDENTIAL_CACHE_TTL_MS ago is answered from CredentialCache, which the
 * admin API empties whenever a token, an OAuth client or a tenant changes: revoking a token or disabling a
 * tenant still takes effect on the next request of this replica.
 */
@Injectable()
export class CredentialResolver {
  constructor(
    @Inject(CREDENTIAL_VERIFIERS) private readonly verifiers: readonly CredentialVerifier[],
    private readonly tenants: TenantRepository,
    private readonly cache: CredentialCache,
  ) {}

  async resolve(credential: string): Promise<Principal | null> {
    if (credential.length === 0 || credential.length > MAX_CREDENTIAL_LENGTH) return null;
    const key = CredentialCache.keyOf(credential);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const generation = this.cache.generation;
    for (const verifier of this.verifiers) {
      const verified = await verifier.verify(credential);
      if (!verified) continue;
      if (!(await this.tenantIsActive(verified.tenantId))) throw new InactiveCredentialError();
      const { validUntil, ...principal } = verified;
      this.cache.set(key, principal, generation, validUntil);
      return principal;
    }
    return null;
  }

  private async tenantIsActive(tenantId: string): Promise<boolean> {
    const tenant = await this.tenants.findTenant(tenantId);
    return tenant !== null && !tenant.disabled;
  }
}
