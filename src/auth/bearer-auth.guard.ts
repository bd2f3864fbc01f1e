import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { ScimError } from '../scim/errors';
import { AuthFailureLimiter } from '../throttling/auth-failure.limiter';
import { AppConfig } from '../config/app-config';
import { AdminCredential } from './admin-credential';
import { BEARER_STRATEGY } from './bearer.strategy';
import { INVALID_CREDENTIAL_DETAIL, InactiveCredentialError } from './credential-verifier';
import type { Principal } from './principal';
import { RouteFlagsCache } from './route-flags';
import { accessOf, assertAccess, type ScimAccess } from './scim-access';
import { principalOf } from './tenant.decorator';

/**
 * The global guard (architecture §5): every route needs a valid bearer token unless marked @Public() or
 * as an admin route (those have their own guard, src/admin/admin.guard.ts).
 * Failures are SCIM 401s with `WWW-Authenticate: Bearer realm="scim"` (RFC 7644 §2, RFC 6750 §3); they are
 * logged and counted per client address and credential, which gets 429 after too many (AuthFailureLimiter).
 * An OAuth access token must also carry the scope the route needs (scim-access.ts), or gets 403
 * `insufficient_scope`.
 * Stream management routes (`@RequiresAccess('stream-management')`, the SSF API) also admit ADMIN_TOKEN; the
 * tenant is then the one named by `?tenant=` (streamManagementTenant), since the credential names none.
 */
@Injectable()
export class BearerAuthGuard extends AuthGuard(BEARER_STRATEGY) {
  private readonly admin: AdminCredential;
  private readonly routes: RouteFlagsCache;

  constructor(
    reflector: Reflector,
    private readonly authFailures: AuthFailureLimiter,
    config: AppConfig,
  ) {
    super();
    this.admin = new AdminCredential(config.adminToken);
    this.routes = new RouteFlagsCache(reflector);
  }

  override canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    const route = this.routes.of(context);
    if (route.isPublic) return true;
    // Admin routes answer to ADMIN_TOKEN only (their AdminGuard); a SCIM credential must not open them.
    if (route.isAdminRoute) return true;
    return this.authenticate(context, route.declaredAccess);
  }

  private async authenticate(context: ExecutionContext, declared: ScimAccess | undefined): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const credential = request.headers.authorization;
    await this.authFailures.assertNotBlocked(request, credential);
    if (declared === 'stream-management' && this.admin.matchesHeader(credential)) {
      (request as { user?: Principal }).user = {
        tenantId: namedTenant(request) ?? '',
        credentialId: 'admin',
        label: 'admin API',
        admin: true,
      };
      streamManagementTenant(request);
      return true;
    }
    let authenticated: boolean;
    try {
      authenticated = (await super.canActivate(context)) as boolean;
    } catch (error) {
      // A credential we issued that has been revoked, has expired or belongs to a disabled tenant is not a guess.
      if (error instanceof ScimError && error.status === 401 && !(error instanceof InactiveCredentialError)) {
        const reason = credential === undefined ? 'no credentials' : 'invalid credentials';
        throw (await this.authFailures.recordFailure(request, credential, reason)) ?? error;
      }
      throw error;
    }
    const principal = principalOf(request);
    if (authenticated && principal) {
      assertAccess(principal, accessOf(declared, request.method));
      if (declared === 'stream-management') streamManagementTenant(request);
    }
    return authenticated;
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
          : INVALID_CREDENTIAL_DETAIL,
      );
    }
    return principal as T;
  }
}

/** `?tenant=` of a request, when given once as a string. */
function namedTenant(request: FastifyRequest): string | undefined {
  const tenant = (request.query as Record<string, unknown> | undefined)?.tenant;
  return typeof tenant === 'string' ? tenant : undefined;
}

/**
 * The tenant whose streams a stream management request manages. ADMIN_TOKEN belongs to no tenant: it must name
 * one with `?tenant=<id>` (400 otherwise). A tenant's credential manages its own tenant's streams; `?tenant=` is
 * then optional and, when given, must be that tenant (403 otherwise: never another tenant's streams).
 */
export function streamManagementTenant(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (!principal) throw new Error('streamManagementTenant: no principal');
  const query = (request.query as Record<string, unknown> | undefined)?.tenant;
  if (query !== undefined && typeof query !== 'string') {
    throw ScimError.invalidValue('tenant must be given once, as a tenant id');
  }
  if (principal.admin) {
    if (query === undefined || query === '') {
      throw ScimError.invalidValue(
        'With ADMIN_TOKEN, name the tenant whose streams are managed: ?tenant=<tenant id>',
      );
    }
    return query;
  }
  if (query !== undefined && query !== principal.tenantId) {
    throw ScimError.forbidden(
      `This credential belongs to tenant ${JSON.stringify(principal.tenantId)}; it cannot manage the streams of tenant ${JSON.stringify(query)}`,
    );
  }
  return principal.tenantId;
}
