import { ScimError } from '../scim/errors';
import type { Principal } from './principal';

/**
 * One way of turning a presented bearer credential into a principal. Returns null when the credential is not
 * one of its kind or is not valid; the CredentialResolver asks each verifier in turn. Today: static tokens
 * stored as hashes; tomorrow e.g. OAuth 2.0 client-credentials JWTs (docs/entra.md) as another verifier.
 */
export abstract class CredentialVerifier {
  abstract verify(credential: string): Promise<VerifiedPrincipal | null>;
}

/** A principal and, when the credential expires, when (ms since the epoch): CredentialCache keeps it no longer. */
export interface VerifiedPrincipal extends Principal {
  validUntil?: number;
}

/** Multi-provider token under which every verifier is registered, in order of precedence. */
export const CREDENTIAL_VERIFIERS = Symbol('CREDENTIAL_VERIFIERS');

/** The body of every refused bearer credential: it says nothing about why, so nothing leaks about tenants. */
export const INVALID_CREDENTIAL_DETAIL = 'The bearer token is invalid, expired or revoked';

/**
 * A credential this server issued that no longer grants access: a revoked or expired token, a token of a
 * disabled tenant, an access token whose OAuth client or secret was removed. The client sees the same 401 as
 * for an unknown credential, but it is not a guess, so it does not count toward the failed-authentication
 * limit of its address: Entra calls every customer's server from shared Azure addresses, and one stale job
 * with a revoked token must not get every other tenant's provisioning refused with 429.
 */
export class InactiveCredentialError extends ScimError {
  constructor(
    detail = INVALID_CREDENTIAL_DETAIL,
    headers: Record<string, string> = { 'WWW-Authenticate': 'Bearer realm="scim"' },
  ) {
    super(401, undefined, detail, headers);
    this.name = 'InactiveCredentialError';
  }
}
