import { Injectable, Logger } from '@nestjs/common';
import { TenantRepository } from '../../store/ports';
import { AccessTokenService } from './access-token.service';
import { presentedClientCredentials, TokenRequestParams } from './client-credentials';
import { OAuthClientRegistry } from './oauth-client.registry';
import { SCOPE_TOKEN } from './oauth-clients.config';
import { OAuthError } from './oauth-error';

export const CLIENT_CREDENTIALS_GRANT = 'client_credentials';

/** RFC 6749 §5.1 successful response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** The granted scope (RFC 6749 §5.1: required when it differs from the requested one; always sent here). */
  scope: string;
}

/** The same answer for an unknown client, a wrong or expired secret and a disabled client. */
const AUTHENTICATION_FAILED = 'Client authentication failed';

/** The token endpoint's logic (RFC 6749 §4.4 client credentials grant); the controller only adapts HTTP. */
@Injectable()
export class TokenEndpointService {
  private readonly logger = new Logger('OAuth');

  constructor(
    private readonly clients: OAuthClientRegistry,
    private readonly tokens: AccessTokenService,
    private readonly tenants: TenantRepository,
  ) {}

  /** Throws OAuthError (RFC 6749 §5.2). */
  async handle(
    authorization: string | undefined,
    body: unknown,
    now: Date = new Date(),
  ): Promise<TokenResponse> {
    const params = tokenRequestParams(body);
    // RFC 6749 §4.4.2: grant_type is REQUIRED and must be client_credentials.
    const grantType = params.grant_type;
    if (grantType === undefined || grantType === '') {
      throw OAuthError.invalidRequest(
        'Missing grant_type; this endpoint serves grant_type=client_credentials',
      );
    }
    if (grantType !== CLIENT_CREDENTIALS_GRANT) {
      throw new OAuthError(
        'unsupported_grant_type',
        `grant_type ${JSON.stringify(truncate(grantType))} is not supported; use client_credentials`,
      );
    }

    const credentials = presentedClientCredentials(authorization, params);
    const outcome = await this.clients.authenticate(credentials.clientId, credentials.clientSecret, now);
    if (!outcome.ok) {
      this.logger.warn(
        `Token request refused (${outcome.reason}) for client ${JSON.stringify(truncate(outcome.clientId))}` +
          (outcome.secretLabel ? ` (secret "${outcome.secretLabel}")` : ''),
      );
      throw OAuthError.invalidClient(AUTHENTICATION_FAILED);
    }
    const { client, secret } = outcome;
    const tenant = await this.tenants.findTenant(client.tenantId);
    if (!tenant || tenant.disabled) {
      this.logger.warn(
        `Token request refused for client "${client.id}": tenant "${client.tenantId}" is missing or disabled`,
      );
      throw OAuthError.invalidClient(AUTHENTICATION_FAILED);
    }

    const scopes = grantedScopes(params.scope, client.scopes);
    const issued = await this.tokens.issue(client, secret, scopes, now);
    this.logger.log(
      `Issued an access token to client "${client.id}" (tenant "${client.tenantId}", ${credentials.method}` +
        `${secret.label ? `, secret "${secret.label}"` : ''}, scope "${issued.claims.scope}", jti ${issued.claims.jti})`,
    );
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: issued.claims.scope,
    };
  }
}

/**
 * The request parameters as strings. A form body arrives parsed (form-body.parser.ts, duplicates refused
 * there); a JSON body must be an object of strings.
 */
export function tokenRequestParams(body: unknown): TokenRequestParams {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw OAuthError.invalidRequest('The token request body must be form parameters or a JSON object');
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string') {
      throw OAuthError.invalidRequest(`Parameter ${JSON.stringify(truncate(name))} must be a string`);
    }
    Object.defineProperty(params, name, { value, enumerable: true });
  }
  return params;
}

/**
 * RFC 6749 §3.3: `scope` is a space-delimited list; absent (or empty) → every scope the client may have.
 * Asking for a scope the client may not have is invalid_scope — never a silent narrowing.
 */
export function grantedScopes(requested: string | undefined, allowed: readonly string[]): string[] {
  const tokens = (requested ?? '').split(' ').filter((s) => s !== '');
  if (tokens.length === 0) return [...allowed];
  const malformed = tokens.find((s) => !SCOPE_TOKEN.test(s));
  if (malformed !== undefined) {
    throw new OAuthError(
      'invalid_scope',
      `Malformed scope ${JSON.stringify(truncate(malformed))} (RFC 6749 §3.3)`,
    );
  }
  const refused = tokens.filter((s) => !allowed.includes(s));
  if (refused.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `Scope ${refused.map((s) => JSON.stringify(truncate(s))).join(', ')} is not allowed for this client (allowed: ${allowed.join(' ')})`,
    );
  }
  return [...new Set(tokens)];
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
