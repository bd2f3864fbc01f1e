import { Injectable } from '@nestjs/common';
import { StaticTokenRepository } from '../store/ports';
import { CredentialVerifier, InactiveCredentialError } from './credential-verifier';
import type { Principal } from './principal';
import { hashesEqual, hashToken } from './token-hash';

/** Opaque bearer tokens whose SHA-256 is stored per tenant (SCIM_TOKEN, generated, later admin-issued). */
@Injectable()
export class StaticTokenVerifier extends CredentialVerifier {
  constructor(private readonly tokens: StaticTokenRepository) {
    super();
  }

  async verify(token: string, now: Date = new Date()): Promise<Principal | null> {
    const hash = hashToken(token);
    const record = await this.tokens.findTokenByHash(hash);
    // The lookup is by hash already; the constant-time comparison keeps a store that matched loosely (or a
    // future prefix index) from turning into a timing oracle.
    if (!record || !hashesEqual(record.hash, hash)) return null;
    if (record.revoked) throw new InactiveCredentialError();
    if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now.getTime()) {
      throw new InactiveCredentialError();
    }
    // Whether the tenant is active is CredentialResolver's check, for every kind of credential.
    const principal: Principal = { tenantId: record.tenantId, credentialId: record.id, label: record.label };
    if (record.scopes !== undefined) principal.scopes = record.scopes;
    return principal;
  }
}
