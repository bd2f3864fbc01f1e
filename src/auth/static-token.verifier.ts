import { Injectable } from '@nestjs/common';
import { StaticTokenRepository } from '../store/ports';
import { CredentialVerifier, InactiveCredentialError, VerifiedPrincipal } from './credential-verifier';
import { hashesEqual, hashToken } from './token-hash';

/** Opaque bearer tokens whose SHA-256 is stored per tenant (SCIM_TOKEN, generated, later admin-issued). */
@Injectable()
export class StaticTokenVerifier extends CredentialVerifier {
  constructor(private readonly tokens: StaticTokenRepository) {
    super();
  }

  async verify(token: string, now: Date = new Date()): Promise<VerifiedPrincipal | null> {
    const hash = hashToken(token);
    const record = await this.tokens.findTokenByHash(hash);
    // The lookup is by hash already; the constant-time comparison keeps a store that matched loosely (or a
    // future prefix index) from turning into a timing oracle.
    if (!record || !hashesEqual(record.hash, hash)) return null;
    if (record.revoked) throw new InactiveCredentialError();
    const expiresAt = record.expiresAt === undefined ? undefined : Date.parse(record.expiresAt);
    if (expiresAt !== undefined && expiresAt <= now.getTime()) throw new InactiveCredentialError();
    // Whether the tenant is active is CredentialResolver's check, for every kind of credential.
    const principal: VerifiedPrincipal = {
      tenantId: record.tenantId,
      credentialId: record.id,
      label: record.label,
    };
    if (record.scopes !== undefined) principal.scopes = record.scopes;
    if (expiresAt !== undefined) principal.validUntil = expiresAt;
    return principal;
  }
}
