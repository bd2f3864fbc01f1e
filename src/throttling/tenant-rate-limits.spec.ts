import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TenantRecord, TenantRepository } from '../store/ports';
import { TenantSettingsService } from '../tenants/tenant-settings.service';
import { TenantRateLimits } from './tenant-rate-limits';

const CONFIG = { rateLimitPerSecond: 200, rateLimitBurst: 400, strictExtensions: false } as AppConfig;

function sut(record: Partial<TenantRecord> | Error): TenantRateLimits {
  const tenants = {
    findTenant: async (id: string) => {
      if (record instanceof Error) throw record;
      return { id, name: id, disabled: false, createdAt: '2026-01-01T00:00:00.000Z', ...record };
    },
  } as unknown as TenantRepository;
  return new TenantRateLimits(new TenantSettingsService(tenants, CONFIG));
}

describe(TenantRateLimits.name, () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('uses RATE_LIMIT_PER_SECOND and RATE_LIMIT_BURST for a tenant without settings', async () => {
    await expect(sut({}).forTenant('t1')).resolves.toEqual({ perSecond: 200, burst: 400 });
  });

  it("uses the tenant's own rate and burst", async () => {
    const limits = sut({ settings: { rateLimit: { requestsPerSecond: 5, burst: 7 } } });

    await expect(limits.forTenant('t1')).resolves.toEqual({ perSecond: 5, burst: 7 });
  });

  it('gives a tenant override without burst twice its rate as burst', async () => {
    const limits = sut({ settings: { rateLimit: { requestsPerSecond: 50 } } });

    await expect(limits.forTenant('t1')).resolves.toEqual({ perSecond: 50, burst: 100 });
  });

  it('keeps a rate of 0 (unlimited for this tenant)', async () => {
    const limits = sut({ settings: { rateLimit: { requestsPerSecond: 0 } } });

    await expect(limits.forTenant('t1')).resolves.toMatchObject({ perSecond: 0 });
  });

  it('ignores an override that is not a number', async () => {
    const broken = { rateLimit: { requestsPerSecond: 'fast' } } as unknown as TenantRecord['settings'];

    await expect(sut({ settings: broken }).forTenant('t1')).resolves.toEqual({ perSecond: 200, burst: 400 });
  });

  it('gives a slow tenant a burst of at least 1', async () => {
    const limits = sut({ settings: { rateLimit: { requestsPerSecond: 0.2 } } });

    await expect(limits.forTenant('t1')).resolves.toEqual({ perSecond: 0.2, burst: 1 });
  });

  it('falls back to the default when the store fails', async () => {
    await expect(sut(new Error('store down')).forTenant('t1')).resolves.toEqual({
      perSecond: 200,
      burst: 400,
    });
  });
});
