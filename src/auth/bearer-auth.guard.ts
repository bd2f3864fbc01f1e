import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { IS_PUBLIC_KEY } from '../http/public.decorator';
import { ScimError } from '../scim/errors';
import { BEARER_STRATEGY } from './bearer.strategy';
import type { Principal } from './principal';

/**
 * The global guard (architecture §5): every route needs a valid bearer token unless marked @Public().
 * Failures are SCIM 401s with `WWW-Authenticate: Bearer realm="scim"` (RFC 7644 §2, RFC 6750 §3).
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard(BEARER_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<T = Principal>(
    error: unknown,
    principal: unknown,
    _info: unknown,
    context: ExecutionContext,
  ): T {
    if (error) throw error;
    if (!principal) {
      const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
      throw ScimError.unauthorized(
        request.headers.authorization === undefined
          ? 'Authentication required: send "Authorization: Bearer <token>"'
          : 'The bearer token is invalid, expired or revoked',
      );
    }
    return principal as T;
  }
}
