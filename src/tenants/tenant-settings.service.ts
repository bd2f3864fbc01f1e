import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TenantRepository, TenantSettings } from '../store/ports';

/** What a tenant's requests run with: its own settings, else the server-wide configuration. */
export interface EffectiveTenantSettings {
  /** Tenant's strictExtensions, else STRICT_EXTENSIONS. */
  strictExtensions: boolean;
  /**
   * Tenant's rate limit, else RATE_LIMIT_PER_SECOND / RATE_LIMIT_BURST. requestsPerSecond 0 means no limit.
   * A tenant that sets requestsPerSecond without burst gets a burst of twice its rate (the server default ratio).
   */
  rateLimit: { requestsPerSecond: number; burst: number };
}

/**
 * How long a tenant's settings are reused without reading the store again. Settings only shape behaviour
 * (never access): the admin API invalidates this replica's entry at once, other replicas see a change within
 * this time. Whether a tenant is disabled is NOT read here: the credential check reads it on every request.
 */
export const TENANT_SETTINGS_TTL_MS = 1000;

/** Per-tenant settings with server-wide fallback (issue "Many tenants, one server"). */
@Injectable()
export class TenantSettingsService {
  private readonly cache = new Map<string, { settings: EffectiveTenantSettings; until: number }>();

  constructor(
    private readonly tenants: TenantRepository,
    private readonly config: AppConfig,
  ) {}

  async get(tenantId: string): Promise<EffectiveTenantSettings> {
    const now = Date.now();
    const cached = this.cache.get(tenantId);
    if (cached && cached.until > now) return cached.settings;
    const tenant = await this.tenants.findTenant(tenantId);
    const settings = this.effective(tenant?.settings ?? {});
    this.cache.set(tenantId, { settings, until: now + TENANT_SETTINGS_TTL_MS });
    return settings;
  }

  /** Forgets the cached settings of one tenant (after an admin change), or of all. */
  invalidate(tenantId?: string): void {
    if (tenantId === undefined) this.cache.clear();
    else this.cache.delete(tenantId);
  }

  /** The settings a tenant record stands for, without reading the store. */
  effective(own: TenantSettings): EffectiveTenantSettings {
    const rate = own.rateLimit;
    return {
      strictExtensions: own.strictExtensions ?? this.config.strictExtensions,
      rateLimit: rate
        ? { requestsPerSecond: rate.requestsPerSecond, burst: rate.burst ?? 2 * rate.requestsPerSecond }
        : { requestsPerSecond: this.config.rateLimitPerSecond, burst: this.config.rateLimitBurst },
    };
  }
}
