import { Injectable } from '@nestjs/common';
import { ScimError } from '../../scim/errors';
import { CredentialVerifier, InactiveCredentialError, VerifiedPrincipal } from '../credential-verifier';
import { AccessTokenService, InvalidAccessTokenError } from './access-token.service';
import { OAuthClientRegistry } from './oauth-client.registry';

/** JWS compact serialization (RFC 7515 §7.1): three base64url parts. Static tokens have no dots. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Prefix of the credentialId of OAuth principals: `oauth:<client_id>`. */
export const OAUTH_CREDENTIAL_PREFIX = 'oauth:';

/**
 * Access tokens issued by POST /oauth2/token. Runs after the static-token verifier, and only for JWT-shaped
 * credentials. A JWT that fails is refused here with RFC 6750 §3.1 `error="invalid_token"` and the reason,
 * rather than the generic 401: a client holding an expired token learns that it must fetch a new one.
 * The token alone is not enough: its client must still be configured and enabled, its secret still
 * configured — removing a client (or a leaked secret) revokes its tokens on the next request.
 */
@Injectable()
export class JwtCredentialVerifier extends CredentialVerifier {
  constructor(
    private readonly tokens: AccessTokenService,
    private readonly clients: OAuthClientRegistry,
  ) {
    super();
  }

  async verify(credential: string, now: Date = new Date()): Promise<VerifiedPrincipal | null> {
    if (!JWT_SHAPE.test(credential)) return null;
    let claims;
    try {
      claims = await this.tokens.verify(credential, now);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) throw invalidToken(error.message);
      throw error;
    }
    const client = await this.clients.find(claims.sub);
    // The signature proves this server issued the token: a refusal from here on is not a guess.
    if (!client || client.disabled || client.tenantId !== claims.tid) {
      throw inactiveToken('The OAuth client of this access token is disabled or no longer exists');
    }
    if (!client.secrets.some((s) => s.fingerprint === claims.secret_id)) {
      throw inactiveToken('The client secret that obtained this access token has been removed');
    }
    // The tenant (disabled or gone) is checked by CredentialResolver for every kind of credential.
    return {
      tenantId: client.tenantId,
      credentialId: `${OAUTH_CREDENTIAL_PREFIX}${client.id}`,
      label: client.name ?? client.id,
      // Narrowing a client's scopes takes effect on its tokens already issued, like removing the client does.
      scopes: claims.scope.split(' ').filter((scope) => scope !== '' && client.scopes.includes(scope)),
      // RFC 7519 §4.1.4: not accepted from `exp` on, so not answered from a cache either.
      validUntil: claims.exp * 1000,
    };
  }
}

function challenge(description: string): Record<string, string> {
  return {
    'WWW-Authenticate': `Bearer realm="scim", error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"`,
  };
}

/** RFC 6750 §3.1: 401 with the Bearer challenge naming the error; the body is a SCIM error (RFC 7644 §3.12). */
export function invalidToken(description: string): ScimError {
  return new ScimError(401, undefined, description, challenge(description));
}

/** The same 401 for a token this server issued that no longer grants access (not counted as a guess). */
function inactiveToken(description: string): ScimError {
  return new InactiveCredentialError(description, challenge(description));
}
