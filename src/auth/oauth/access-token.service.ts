import { Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { MAX_OAUTH_TTL } from '../../config/load-config';
import type { OAuthClient, OAuthClientSecret } from './oauth-clients.config';
import { SigningKey } from './signing-key';

/** RFC 9068 §2.1: the `typ` of JWT access tokens; no other JWT signed with the key can pass for one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Replicas' clocks may differ a little; more than this and a token counts as expired / not yet valid. */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** The claims of an access token (RFC 9068 §2.2 plus ours). */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  /** The client id (client credentials: the client is the subject, RFC 9068 §2.2). */
  sub: string;
  client_id: string;
  /** The tenant of the client. */
  tid: string;
  /** secretFingerprint() of the secret that obtained the token. */
  secret_id: string;
  /** Space-separated granted scopes (RFC 8693 §4.2). */
  scope: string;
  iat: number;
  exp: number;
  jti: string;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
  claims: AccessTokenClaims;
}

/** A token that is not one of ours or no longer valid; `message` is safe to show to the client. */
export class InvalidAccessTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAccessTokenError';
  }
}

/** Issues and checks the JWT access tokens of the client-credentials grant. */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly config: AppConfig,
    private readonly key: SigningKey,
  ) {}

  get lifetimeSeconds(): number {
    return this.config.oauthTokenTtlSeconds;
  }

  async issue(
    client: OAuthClient,
    secret: OAuthClientSecret,
    scopes: readonly string[],
    now: Date = new Date(),
  ): Promise<IssuedToken> {
    const iat = Math.floor(now.getTime() / 1000);
    const claims: AccessTokenClaims = {
      iss: this.config.oauthIssuer,
      aud: this.config.oauthAudience,
      sub: client.id,
      client_id: client.id,
      tid: client.tenantId,
      secret_id: secret.fingerprint,
      scope: scopes.join(' '),
      iat,
      exp: iat + this.lifetimeSeconds,
      jti: randomUUID(),
    };
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: this.key.alg, typ: ACCESS_TOKEN_TYPE, kid: this.key.kid })
      .sign(this.key.privateKey);
    return { token, expiresIn: this.lifetimeSeconds, claims };
  }

  /**
   * Checks signature (with the one algorithm of our key: no `none`, no algorithm confusion), type, issuer,
   * audience, expiry and the presence of every claim we rely on. Throws InvalidAccessTokenError.
   */
  async verify(token: string, now: Date = new Date()): Promise<AccessTokenClaims> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key.publicKey, {
        algorithms: [this.key.alg],
        typ: ACCESS_TOKEN_TYPE,
        issuer: this.config.oauthIssuer,
        audience: this.config.oauthAudience,
        currentDate: now,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        // However long the configured lifetime, no token of ours lives longer than 6 hours.
        maxTokenAge: MAX_OAUTH_TTL,
        requiredClaims: ['iss', 'aud', 'sub', 'exp', 'iat', 'jti'],
      }));
    } catch (error) {
      throw new InvalidAccessTokenError(describe(error));
    }
    for (const claim of ['client_id', 'tid', 'secret_id', 'scope'] as const) {
      if (typeof payload[claim] !== 'string') {
        throw new InvalidAccessTokenError(`The access token has no "${claim}" claim`);
      }
    }
    if (payload.client_id !== payload.sub) {
      throw new InvalidAccessTokenError('The access token has inconsistent client claims');
    }
    return payload as unknown as AccessTokenClaims;
  }
}

function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The access token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return 'The access token was issued by another issuer';
      case 'aud':
        return 'The access token is meant for another audience';
      case 'iat':
      case 'nbf':
        return 'The access token is not valid yet';
      case 'typ':
        return 'The token is not an access token';
      default:
        return `The access token has an invalid "${error.claim}" claim`;
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The access token is signed with another algorithm';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The access token signature is invalid';
  return 'The access token is malformed';
}
