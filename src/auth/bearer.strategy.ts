import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { CredentialResolver } from './credential.resolver';
import type { Principal } from './principal';

export const BEARER_STRATEGY = 'bearer';

interface RequestWithHeaders {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * passport-http-bearer reads a token from the Authorization header (RFC 6750 §2.1) — and also from an
 * `access_token` body field or query parameter (§2.2, §2.3). Only the header is accepted here: a query
 * parameter ends up in proxy logs, and a SCIM body is resource data, not a credential.
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, BEARER_STRATEGY) {
  constructor(private readonly credentials: CredentialResolver) {
    super({ passReqToCallback: true });
  }

  async validate(request: RequestWithHeaders, token: string): Promise<Principal | false> {
    if (!fromAuthorizationHeader(request, token)) return false;
    return (await this.credentials.resolve(token)) ?? false;
  }
}

function fromAuthorizationHeader(request: RequestWithHeaders, token: string): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match !== null && match[1] === token;
}
