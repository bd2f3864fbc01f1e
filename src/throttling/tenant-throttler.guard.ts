import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { RouteFlagsCache } from '../auth/route-flags';
import { principalOf } from '../auth/tenant.decorator';
import { ScimError } from '../scim/errors';
import { RATE_LIMITED_TOTAL, RateLimitReason, TENANT_RATE_LIMITED_TOTAL } from './rate-limit.metrics';
import { TenantRateLimits } from './tenant-rate-limits';

/**
 * Rate limit per credential (architecture §1: auth guard → throttler). Registered as a global guard right after
 * BearerAuthGuard, so the principal is known: the bucket is the credential's (Principal.credentialId), never
 * the client address — Entra calls from many addresses, and many tenants may share one egress address.
 * The limit is the tenant's (TenantRateLimits); public routes (probes, metrics, docs) and requests without a
 * principal (admin routes have their own guard) are not throttled.
 *
 * Over the limit: 429 with Retry-After (docs/entra.md §10.3 recommends exactly this if one must throttle) and a
 * SCIM error body. The bucket (gcra.ts) lets a credential send `burst` requests at once and `perSecond`
 * sustained; X-RateLimit-* headers are not sent (setHeaders: false), only Retry-After on a 429.
 */
@Injectable()
export class TenantThrottlerGuard extends ThrottlerGuard {
  private readonly routes: RouteFlagsCache;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly limits: TenantRateLimits,
    @InjectMetric(RATE_LIMITED_TOTAL) private readonly refused: Counter<'reason'>,
    @InjectMetric(TENANT_RATE_LIMITED_TOTAL) private readonly refusedByTenant: Counter<'tenant'>,
  ) {
    super(options, storage, reflector);
    this.routes = new RouteFlagsCache(reflector);
  }

  /**
   * ThrottlerGuard.canActivate, for our one throttler and without its per-request reads of @Throttle and
   * @SkipThrottle metadata (six Reflector reads and four awaits per throttler per request): no route uses those
   * decorators, since the limit is the tenant's, set in handleRequest. What is left is the same: skip, then
   * handleRequest (storage increment, 429).
   */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.skips(context)) return true;
    return this.handleRequest({
      context,
      throttler: this.throttlers[0],
      // Replaced by the tenant's limit in handleRequest.
      limit: 0,
      ttl: 0,
      blockDuration: 0,
      // ThrottlerGuard's constructor bound these to this guard's getTracker and generateKey.
      getTracker: this.commonOptions.getTracker!,
      generateKey: this.commonOptions.generateKey!,
    });
  }

  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return this.skips(context);
  }

  private skips(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    return this.routes.of(context).isPublic || principalOf(context.switchToHttp().getRequest()) === undefined;
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    const principal = principalOf(request.context.switchToHttp().getRequest());
    if (!principal) return true;
    const { perSecond, burst } = await this.limits.forTenant(principal.tenantId);
    if (perSecond <= 0) return true;
    // ThrottlerStorage.increment(key, ttl, limit) read as a bucket of `limit` tokens refilled over `ttl` ms.
    return super.handleRequest({
      ...request,
      limit: burst,
      ttl: (burst * 1000) / perSecond,
      blockDuration: 0,
    });
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    return principalOf(request)?.credentialId ?? '';
  }

  /** One bucket per credential for all routes (the default key is per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string): string {
    return `rate:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    this.refused.inc({ reason: 'rate_limit' satisfies RateLimitReason });
    // The tenant of the principal: an id the admin created, never one the client chose (bounded label).
    const tenant = principalOf(context.switchToHttp().getRequest())?.tenantId;
    if (tenant !== undefined) this.refusedByTenant.inc({ tenant });
    const perSecond = Number(((detail.limit * 1000) / detail.ttl).toFixed(2));
    const seconds = Math.max(1, detail.timeToBlockExpire);
    throw ScimError.tooManyRequests(
      `Too many requests: this credential may send ${plural(perSecond, 'request')} per second ` +
        `(bursts of ${detail.limit}); retry after ${plural(seconds, 'second')}`,
      seconds,
    );
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
