import type { Principal } from './principal';

/**
 * One way of turning a presented bearer credential into a principal. Returns null when the credential is not
 * one of its kind or is not valid; the CredentialResolver asks each verifier in turn. Today: static tokens
 * stored as hashes; tomorrow e.g. OAuth 2.0 client-credentials JWTs (entra.md) as another verifier.
 */
export abstract class CredentialVerifier {
  abstract verify(credential: string): Promise<Principal | null>;
}

/** Multi-provider token under which every verifier is registered, in order of precedence. */
export const CREDENTIAL_VERIFIERS = Symbol('CREDENTIAL_VERIFIERS');
