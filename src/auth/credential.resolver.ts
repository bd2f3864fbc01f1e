import { Inject, Injectable } from '@nestjs/common';
import { TenantRepository } from '../store/ports';
import { CREDENTIAL_VERIFIERS, CredentialVerifier, InactiveCredentialError } from './credential-verifier';
import type { Principal } from './principal';

/** Longer bearer values are refused before any hashing or lookup. */
export const MAX_CREDENTIAL_LENGTH = 4096;

/**
 * Resolves a presented bearer credential to the principal (tenant) it stands for, or null.
 * Whatever the verifier, the tenant is read again on every request: disabling a tenant takes effect on the
 * next request, also for self-contained credentials (JWTs) issued before. A disabled or unknown tenant gets
 * the same 401 as an unknown credential (InactiveCredentialError, which is not counted as a guess).
 */
@Injectable()
export class CredentialResolver {
  constructor(
    @Inject(CREDENTIAL_VERIFIERS) private readonly verifiers: readonly CredentialVerifier[],
    private readonly tenants: TenantRepository,
  ) {}

  async resolve(credential: string): Promise<Principal | null> {
    if (credential.length === 0 || credential.length > MAX_CREDENTIAL_LENGTH) return null;
    for (const verifier of this.verifiers) {
      const principal = await verifier.verify(credential);
      if (!principal) continue;
      if (!(await this.tenantIsActive(principal.tenantId))) throw new InactiveCredentialError();
      return principal;
    }
    return null;
  }

  private async tenantIsActive(tenantId: string): Promise<boolean> {
    const tenant = await this.tenants.findTenant(tenantId);
    return tenant !== null && !tenant.disabled;
  }
}
