import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminCredential } from '../auth/admin-credential';
import { AppConfig } from '../config/app-config';
import { ScimError } from '../scim/errors';
import { AuthFailureLimiter } from '../throttling/auth-failure.limiter';

/** Challenge of the admin API: another realm than SCIM's, so a client knows which credential is asked for. */
export const ADMIN_CHALLENGE = 'Bearer realm="admin"';

export const ADMIN_DISABLED_DETAIL = 'admin API disabled: set ADMIN_TOKEN';
export const ADMIN_MISSING_DETAIL = 'Authentication required: send "Authorization: Bearer <ADMIN_TOKEN>"';
export const ADMIN_INVALID_DETAIL = 'The admin token is invalid';

/**
 * Guards the admin API with ADMIN_TOKEN alone. Tenant credentials are never looked up here: a SCIM token is
 * just a wrong admin token (401), so the admin API cannot be used to test SCIM tokens either. Without
 * ADMIN_TOKEN the API is closed (403), never open.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly admin: AdminCredential;

  constructor(
    config: AppConfig,
    private readonly authFailures: AuthFailureLimiter,
  ) {
    this.admin = new AdminCredential(config.adminToken);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.admin.configured) throw ScimError.forbidden(ADMIN_DISABLED_DETAIL);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    // Failed admin tokens are throttled per client address and credential like SCIM tokens (429 once blocked).
    await this.authFailures.assertNotBlocked(request, header);
    if (header === undefined) {
      throw (
        (await this.authFailures.recordFailure(request, header, 'no credentials')) ??
        unauthorized(ADMIN_MISSING_DETAIL)
      );
    }
    // RFC 6750 §2.1: only the Authorization header; never a query parameter that would reach access logs.
    if (!this.admin.matchesHeader(header)) {
      throw (
        (await this.authFailures.recordFailure(request, header, 'invalid credentials')) ??
        unauthorized(ADMIN_INVALID_DETAIL)
      );
    }
    return true;
  }
}

function unauthorized(detail: string): ScimError {
  return new ScimError(401, undefined, detail, { 'WWW-Authenticate': ADMIN_CHALLENGE });
}
