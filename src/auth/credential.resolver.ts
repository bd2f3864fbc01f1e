import { Inject, Injectable } from '@nestjs/common';
import { TenantRepository } from '../store/ports';
import { CREDENTIAL_VERIFIERS, CredentialVerifier } from './credential-verifier';
import type { Principal } from './principal';

/** Longer bearer values are refused before any hashing or lookup. */
export const MAX_CREDENTIAL_LENGTH = 4096;

/**
 * Resolves a presented bearer credential to the principal (tenant) it stands for, or null.
 * Whatever the verifier, the tenant is read again on every request: disabling a tenant takes effect on the
 * next request, also for self-contained credentials (JWTs) issued before. A disabled or unknown tenant gets
 * the same null as an unknown credential, so the answer reveals nothing about it.
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
      if (principal) return (await this.tenantIsActive(principal.tenantId)) ? principal : null;
    }
    return null;
  }

  private async tenantIsActive(tenantId: string): Promise<boolean> {
    const tenant = await this.tenants.findTenant(tenantId);
    return tenant !== null && !tenant.disabled;
  }
}
