import { AppConfig } from '../config/app-config';
import { TenantRecord, TenantRepository } from '../store/ports';
import { TENANT_SETTINGS_TTL_MS, TenantSettingsService } from './tenant-settings.service';

const SERVER = { strictExtensions: false, rateLimitPerSecond: 200, rateLimitBurst: 400 } as AppConfig;

function tenant(settings?: TenantRecord['settings']): TenantRecord {
  return { id: 't1', name: 'T1', disabled: false, createdAt: '2026-01-01T00:00:00.000Z', settings };
}

function repository(record: TenantRecord | null): TenantRepository & { findTenant: jest.Mock } {
  return { findTenant: jest.fn(async () => record) } as unknown as TenantRepository & {
    findTenant: jest.Mock;
  };
}

describe(TenantSettingsService.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('falls back to the server-wide settings when the tenant has none', async () => {
    const sut = new TenantSettingsService(repository(tenant()), SERVER);

    await expect(sut.get('t1')).resolves.toEqual({
      strictExtensions: false,
      rateLimit: { requestsPerSecond: 200, burst: 400 },
    });
  });

  it('falls back to the server-wide settings for an unknown tenant', async () => {
    const sut = new TenantSettingsService(repository(null), {
      ...SERVER,
      strictExtensions: true,
    } as AppConfig);

    await expect(sut.get('nobody')).resolves.toMatchObject({ strictExtensions: true });
  });

  it("uses the tenant's own settings", async () => {
    const sut = new TenantSettingsService(
      repository(tenant({ strictExtensions: true, rateLimit: { requestsPerSecond: 5, burst: 7 } })),
      SERVER,
    );

    await expect(sut.get('t1')).resolves.toEqual({
      strictExtensions: true,
      rateLimit: { requestsPerSecond: 5, burst: 7 },
    });
  });

  it('gives a tenant rate without burst a burst of twice the rate', async () => {
    const sut = new TenantSettingsService(
      repository(tenant({ rateLimit: { requestsPerSecond: 5 } })),
      SERVER,
    );

    await expect(sut.get('t1')).resolves.toMatchObject({ rateLimit: { requestsPerSecond: 5, burst: 10 } });
  });

  it('reuses the settings within the cache lifetime', async () => {
    const tenants = repository(tenant());
    const sut = new TenantSettingsService(tenants, SERVER);

    await sut.get('t1');
    await sut.get('t1');

    expect(tenants.findTenant).toHaveBeenCalledTimes(1);
  });

  it('reads the store again once the cache lifetime is over', async () => {
    const tenants = repository(tenant());
    const sut = new TenantSettingsService(tenants, SERVER);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now);
    await sut.get('t1');

    jest.spyOn(Date, 'now').mockReturnValue(now + TENANT_SETTINGS_TTL_MS);
    await sut.get('t1');

    expect(tenants.findTenant).toHaveBeenCalledTimes(2);
  });

  it('reads the store again after invalidate()', async () => {
    const tenants = repository(tenant());
    const sut = new TenantSettingsService(tenants, SERVER);
    await sut.get('t1');

    sut.invalidate('t1');
    await sut.get('t1');

    expect(tenants.findTenant).toHaveBeenCalledTimes(2);
  });
});
