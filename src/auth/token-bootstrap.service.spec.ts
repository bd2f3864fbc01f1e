import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { StaticTokenRepository, TenantRecord, TenantRepository, TokenRecord } from '../store/ports';
import { hashToken } from './token-hash';
import { DEFAULT_TENANT_ID, TokenBootstrapService } from './token-bootstrap.service';

/** Tenants and their static tokens in memory: the two ports the bootstrap uses, in one fake. */
class InMemoryTenants implements TenantRepository, StaticTokenRepository {
  readonly tenants = new Map<string, TenantRecord>();
  readonly tokens: TokenRecord[] = [];

  async findTenant(id: string) {
    return this.tenants.get(id) ?? null;
  }
  async upsertTenant(tenant: TenantRecord) {
    this.tenants.set(tenant.id, tenant);
  }
  async listTenants() {
    return [...this.tenants.values()];
  }
  async findTokenByHash(hash: string) {
    return this.tokens.find((t) => t.hash === hash) ?? null;
  }
  async insertToken(token: TokenRecord) {
    this.tokens.push({ ...token });
  }
  async listTokens(tenantId: string) {
    return this.tokens.filter((t) => t.tenantId === tenantId);
  }
  async revokeToken(tenantId: string, tokenId: string) {
    const token = this.tokens.find((t) => t.id === tokenId && t.tenantId === tenantId);
    if (token) token.revoked = true;
    return token !== undefined;
  }
  // Not used by the bootstrap.
  insertTenant = notUsed;
  expireToken = notUsed;
}

async function notUsed(): Promise<never> {
  throw new Error('not used by TokenBootstrapService');
}

const ENV_TOKEN = 'env-token-0123456789abcdef';

function config(scimToken?: string): AppConfig {
  return { scimToken } as AppConfig;
}

describe(TokenBootstrapService.name, () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('creates the default tenant', async () => {
    const tenants = new InMemoryTenants();

    await new TokenBootstrapService(config(ENV_TOKEN), tenants, tenants).onApplicationBootstrap();

    expect(tenants.tenants.get(DEFAULT_TENANT_ID)).toMatchObject({ id: 'default', disabled: false });
  });

  it('stores only the hash of SCIM_TOKEN', async () => {
    const tenants = new InMemoryTenants();

    await new TokenBootstrapService(config(ENV_TOKEN), tenants, tenants).onApplicationBootstrap();

    expect(tenants.tokens).toEqual([
      expect.objectContaining({
        tenantId: 'default',
        label: 'SCIM_TOKEN',
        hash: hashToken(ENV_TOKEN),
        revoked: false,
      }),
    ]);
    expect(JSON.stringify(tenants.tokens)).not.toContain(ENV_TOKEN);
  });

  it('does not register the same SCIM_TOKEN twice', async () => {
    const tenants = new InMemoryTenants();

    await new TokenBootstrapService(config(ENV_TOKEN), tenants, tenants).onApplicationBootstrap();
    await new TokenBootstrapService(config(ENV_TOKEN), tenants, tenants).onApplicationBootstrap();

    expect(tenants.tokens).toHaveLength(1);
  });

  it('revokes the previous SCIM_TOKEN when it changes', async () => {
    const tenants = new InMemoryTenants();
    await new TokenBootstrapService(config(ENV_TOKEN), tenants, tenants).onApplicationBootstrap();

    await new TokenBootstrapService(
      config('new-env-token-0123456789'),
      tenants,
      tenants,
    ).onApplicationBootstrap();

    expect(tenants.tokens.map((t) => [t.hash, t.revoked])).toEqual([
      [hashToken(ENV_TOKEN), true],
      [hashToken('new-env-token-0123456789'), false],
    ]);
  });

  it('does not bring a revoked SCIM_TOKEN back', async () => {
    const tenants = new InMemoryTenants();
    await new TokenBootstrapService(config(ENV_TOKEN), tenants, tenants).onApplicationBootstrap();
    tenants.tokens[0].revoked = true;

    await new TokenBootstrapService(config(ENV_TOKEN), tenants, tenants).onApplicationBootstrap();

    expect(tenants.tokens).toEqual([expect.objectContaining({ revoked: true })]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('SCIM_TOKEN has been revoked'));
  });

  it("refuses a SCIM_TOKEN that is another tenant's credential", async () => {
    const tenants = new InMemoryTenants();
    await tenants.insertToken({
      id: 'x',
      tenantId: 'acme',
      label: 'admin',
      hash: hashToken(ENV_TOKEN),
      createdAt: '',
      revoked: false,
    });

    await expect(
      new TokenBootstrapService(config(ENV_TOKEN), tenants, tenants).onApplicationBootstrap(),
    ).rejects.toThrow(/tenant "acme"/);
  });

  it('generates a token when none is configured or active, and prints it once', async () => {
    const tenants = new InMemoryTenants();

    await new TokenBootstrapService(config(), tenants, tenants).onApplicationBootstrap();

    expect(tenants.tokens).toEqual([expect.objectContaining({ label: 'generated', revoked: false })]);
    expect(warn).toHaveBeenCalledTimes(1);
    const token = /generated bearer token for tenant "default": (\S+)/.exec(
      String(warn.mock.calls[0][0]),
    )?.[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashToken(token as string)).toBe(tenants.tokens[0].hash);
  });

  it('does not generate another token while one is active', async () => {
    const tenants = new InMemoryTenants();
    await new TokenBootstrapService(config(), tenants, tenants).onApplicationBootstrap();

    await new TokenBootstrapService(config(), tenants, tenants).onApplicationBootstrap();

    expect(tenants.tokens).toHaveLength(1);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('revokes a generated token once SCIM_TOKEN is configured', async () => {
    const tenants = new InMemoryTenants();
    await new TokenBootstrapService(config(), tenants, tenants).onApplicationBootstrap();

    await new TokenBootstrapService(config(ENV_TOKEN), tenants, tenants).onApplicationBootstrap();

    expect(tenants.tokens.map((t) => [t.label, t.revoked])).toEqual([
      ['generated', true],
      ['SCIM_TOKEN', false],
    ]);
  });

  it('keeps a token rotated from SCIM_TOKEN through the admin API when restarted with the same SCIM_TOKEN', async () => {
    const tenants = new InMemoryTenants();
    await new TokenBootstrapService(config(ENV_TOKEN), tenants, tenants).onApplicationBootstrap();
    // POST /admin/tenants/default/tokens/{id}/rotate: the new token keeps the label, the old one is revoked.
    tenants.tokens[0].revoked = true;
    await tenants.insertToken({
      id: 'rotated',
      tenantId: DEFAULT_TENANT_ID,
      label: 'SCIM_TOKEN',
      hash: hashToken('rotated-token-0123456789abcdef'),
      createdAt: new Date(Date.parse(tenants.tokens[0].createdAt) + 60_000).toISOString(),
      revoked: false,
    });

    await new TokenBootstrapService(config(ENV_TOKEN), tenants, tenants).onApplicationBootstrap();

    expect(tenants.tokens.find((t) => t.id === 'rotated')).toMatchObject({ revoked: false });
  });
});
