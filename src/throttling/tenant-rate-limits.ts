import { Injectable, Logger } from '@nestjs/common';
import { TenantSettingsService } from '../tenants/tenant-settings.service';

/** The limit applied to each credential of a tenant. perSecond 0 means unlimited. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/**
 * The rate limit of a tenant's credentials, from TenantSettingsService (TenantRecord.settings.rateLimit, else
 * RATE_LIMIT_PER_SECOND / RATE_LIMIT_BURST; cached ≤ 1 s, invalidated by admin changes). An unusable
 * override (not a number, negative) and a failing store fall back to the server default: a rate limit must
 * never be the reason a request fails.
 */
@Injectable()
export class TenantRateLimits {
  private readonly logger = new Logger('RateLimit');

  constructor(private readonly settings: TenantSettingsService) {}

  async forTenant(tenantId: string): Promise<RateLimit> {
    try {
      const { requestsPerSecond, burst } = (await this.settings.get(tenantId)).rateLimit;
      // A bucket holds at least one token, or a slow tenant (0.2/s → burst 0.4) could never send anything.
      if (isCount(requestsPerSecond) && isCount(burst)) {
        return { perSecond: requestsPerSecond, burst: Math.max(1, burst) };
      }
      this.logger.warn(`Tenant "${tenantId}" has an unusable rate limit; using the server default`);
    } catch (error) {
      this.logger.warn(
        `Cannot read the rate limit of tenant "${tenantId}", using the server default: ${String(error)}`,
      );
    }
    const { requestsPerSecond, burst } = this.settings.effective({}).rateLimit;
    return { perSecond: requestsPerSecond, burst };
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}
