import { Inject, Injectable } from '@nestjs/common';
import { CREDENTIAL_VERIFIERS, CredentialVerifier } from './credential-verifier';
import type { Principal } from './principal';

/** Longer bearer values are refused before any hashing or lookup. */
export const MAX_CREDENTIAL_LENGTH = 4096;

/** Resolves a presented bearer credential to the principal (tenant) it stands for, or null. */
@Injectable()
export class CredentialResolver {
  constructor(@Inject(CREDENTIAL_VERIFIERS) private readonly verifiers: readonly CredentialVerifier[]) {}

  async resolve(credential: string): Promise<Principal | null> {
    if (credential.length === 0 || credential.length > MAX_CREDENTIAL_LENGTH) return null;
    for (const verifier of this.verifiers) {
      const principal = await verifier.verify(credential);
      if (principal) return principal;
    }
    return null;
  }
}
