import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CredentialCache } from '../auth/credential-cache';
import { OAuthClientRegistry } from '../auth/oauth/oauth-client.registry';
import { generateToken, hashToken } from '../auth/token-hash';
import { ScimError } from '../scim/errors';
import {
  OAuthClientRecord,
  OAuthClientSecretRecord,
  TenantRecord,
  OAuthClientRepository,
  StaticTokenRepository,
  TenantRepository,
  TenantSettings,
  TokenRecord,
} from '../store/ports';
import { AdminJournal } from '../streaming/admin-journal';
import { TenantSettingsService } from '../tenants/tenant-settings.service';
import {
  AddClientSecretDto,
  CreateOAuthClientDto,
  CreateTenantDto,
  IssueTokenDto,
  RotateTokenDto,
  TenantSettingsDto,
  UpdateTenantDto,
} from './admin.dto';
import {
  clientView,
  CreatedOAuthClientView,
  IssuedSecretView,
  IssuedTokenView,
  isExpired,
  OAuthClientView,
  secretView,
  tenantView,
  TenantView,
  tokenView,
  TokenView,
} from './admin.views';

/** More active secrets than this per client is refused: rotation needs two, a few more cover overlaps. */
export const MAX_CLIENT_SECRETS = 5;

/**
 * The admin API's logic: tenants, their static tokens and their OAuth clients (issue "Many tenants, one
 * server"). Secrets are generated here (256 random bits), returned once, and stored as SHA-256 hashes only.
 * Every credential lookup goes through the tenant in the path: another tenant's credential id is a 404,
 * exactly like an unknown one.
 */
@Injectable()
export class TenantAdminService {
  private readonly logger = new Logger('Admin');

  constructor(
    private readonly tenants: TenantRepository,
    private readonly tokens: StaticTokenRepository,
    private readonly clients: OAuthClientRepository,
    private readonly settings: TenantSettingsService,
    private readonly oauthClients: OAuthClientRegistry,
    private readonly journal: AdminJournal,
    private readonly credentials: CredentialCache,
  ) {}

  // ---- tenants -------------------------------------------------------------------------------------------

  async createTenant(dto: CreateTenantDto): Promise<TenantView> {
    const tenant: TenantRecord = {
      id: dto.id ?? randomUUID(),
      name: dto.name,
      disabled: false,
      createdAt: new Date().toISOString(),
    };
    const settings = mergeSettings({}, dto.settings);
    if (Object.keys(settings).length > 0) tenant.settings = settings;
    await this.tenants.insertTenant(tenant);
    this.settings.invalidate(tenant.id);
    await this.journal.record(tenant.id, 'tenant.created', 'Tenant', tenant.id);
    this.logger.log(`Created tenant "${tenant.id}"`);
    return this.view(tenant);
  }

  async listTenants(): Promise<TenantView[]> {
    return (await this.tenants.listTenants()).map((t) => this.view(t));
  }

  async getTenant(tenantId: string): Promise<TenantView> {
    return this.view(await this.tenant(tenantId));
  }

  async updateTenant(tenantId: string, dto: UpdateTenantDto): Promise<TenantView> {
    const tenant = await this.tenant(tenantId);
    const next: TenantRecord = { ...tenant };
    if (dto.name !== undefined) next.name = dto.name;
    if (dto.disabled !== undefined) next.disabled = dto.disabled;
    if (dto.settings !== undefined) {
      const settings = mergeSettings(tenant.settings ?? {}, dto.settings);
      if (Object.keys(settings).length > 0) next.settings = settings;
      else delete next.settings;
    }
    await this.tenants.upsertTenant(next);
    this.settings.invalidate(tenantId);
    this.credentials.invalidate();
    const changed = (['name', 'disabled', 'settings'] as const).filter((k) => dto[k] !== undefined);
    await this.journal.record(tenantId, 'tenant.updated', 'Tenant', tenantId, changed);
    if (next.disabled !== tenant.disabled) {
      this.logger.log(`${next.disabled ? 'Disabled' : 'Enabled'} tenant "${tenantId}"`);
    }
    return this.view(next);
  }

  // ---- static tokens -------------------------------------------------------------------------------------

  async issueToken(tenantId: string, dto: IssueTokenDto): Promise<IssuedTokenView> {
    await this.tenant(tenantId);
    return this.issue(tenantId, dto.label, futureDate(dto.expiresAt, 'expiresAt'), dto.scopes);
  }

  async listTokens(tenantId: string): Promise<TokenView[]> {
    await this.tenant(tenantId);
    const now = Date.now();
    return (await this.tokens.listTokens(tenantId)).map((t) => tokenView(t, now));
  }

  async getToken(tenantId: string, tokenId: string): Promise<TokenView> {
    return tokenView(await this.token(tenantId, tokenId), Date.now());
  }

  /** Revocation is kept as a record (audit), and is idempotent. */
  async revokeToken(tenantId: string, tokenId: string): Promise<void> {
    await this.token(tenantId, tokenId);
    await this.tokens.revokeToken(tenantId, tokenId);
    this.credentials.invalidate();
    await this.journal.record(tenantId, 'token.revoked', 'Token', tokenId);
    this.logger.log(`Revoked token "${tokenId}" of tenant "${tenantId}"`);
  }

  /**
   * A new token with the same label; the old one is revoked at once, or, with graceSeconds, expires after
   * that delay (never later than it would have anyway), so that a client can be switched over without a gap.
   */
  async rotateToken(
    tenantId: string,
    tokenId: string,
    dto: RotateTokenDto,
  ): Promise<IssuedTokenView & { previous: TokenView }> {
    const old = await this.token(tenantId, tokenId);
    const now = Date.now();
    if (old.revoked || isExpired(old.expiresAt, now)) {
      throw ScimError.conflict(
        `Token "${tokenId}" is ${old.revoked ? 'revoked' : 'expired'}: issue a new token instead of rotating it`,
      );
    }
    const expiresAt = futureDate(dto.expiresAt, 'expiresAt');
    // The new token can do what the old one could.
    const issued = await this.issue(tenantId, old.label, expiresAt, old.scopes);
    const grace = dto.graceSeconds ?? 0;
    if (grace === 0) {
      await this.tokens.revokeToken(tenantId, tokenId);
    } else {
      const until = new Date(now + grace * 1000).toISOString();
      const earlier = old.expiresAt !== undefined && Date.parse(old.expiresAt) < Date.parse(until);
      if (!earlier) await this.tokens.expireToken(tenantId, tokenId, until);
    }
    this.credentials.invalidate();
    await this.journal.record(tenantId, 'token.rotated', 'Token', tokenId);
    this.logger.log(`Rotated token "${tokenId}" of tenant "${tenantId}" to "${issued.id}"`);
    return { ...issued, previous: await this.getToken(tenantId, tokenId) };
  }

  // ---- OAuth clients -------------------------------------------------------------------------------------

  async createClient(tenantId: string, dto: CreateOAuthClientDto): Promise<CreatedOAuthClientView> {
    await this.tenant(tenantId);
    const clientId = dto.clientId ?? randomUUID();
    // A client declared in configuration shadows a stored one (OAuthClientRegistry.find): created anyway,
    // its secret would be shown once and never authenticate.
    if (this.oauthClients.isConfigured(clientId)) {
      throw ScimError.conflict(
        `An OAuth client with id "${clientId}" is declared in configuration (oauth-clients.json / OAUTH_CLIENTS)`,
      );
    }
    const { secret, record } = newSecret(futureDate(dto.secretExpiresAt, 'secretExpiresAt'));
    const client: OAuthClientRecord = {
      clientId,
      tenantId,
      label: dto.label,
      createdAt: new Date().toISOString(),
      revoked: false,
      secrets: [record],
    };
    await this.clients.insertOAuthClient(client);
    await this.journal.record(tenantId, 'oauth-client.created', 'OAuthClient', client.clientId);
    this.logger.log(`Created OAuth client "${client.clientId}" of tenant "${tenantId}"`);
    return { ...clientView(client, Date.now()), clientSecret: secret };
  }

  async listClients(tenantId: string): Promise<OAuthClientView[]> {
    await this.tenant(tenantId);
    const now = Date.now();
    return (await this.clients.listOAuthClients(tenantId)).map((c) => clientView(c, now));
  }

  async getClient(tenantId: string, clientId: string): Promise<OAuthClientView> {
    return clientView(await this.client(tenantId, clientId), Date.now());
  }

  /**
   * Rotation, step 1: adds a secret and returns it once; the existing secrets stay valid until they are
   * deleted (step 2), so the client can be switched over without a gap.
   */
  async addClientSecret(
    tenantId: string,
    clientId: string,
    dto: AddClientSecretDto,
  ): Promise<IssuedSecretView> {
    const client = await this.client(tenantId, clientId);
    if (client.revoked) throw ScimError.conflict(`OAuth client "${clientId}" is revoked`);
    const now = Date.now();
    const active = client.secrets.filter((s) => !isExpired(s.expiresAt, now));
    if (active.length >= MAX_CLIENT_SECRETS) {
      throw ScimError.conflict(
        `OAuth client "${clientId}" already has ${MAX_CLIENT_SECRETS} active secrets: delete one first`,
      );
    }
    const { secret, record } = newSecret(futureDate(dto.expiresAt, 'expiresAt'));
    if (!(await this.clients.addOAuthClientSecret(tenantId, clientId, record)))
      throw clientNotFound(clientId);
    await this.journal.record(tenantId, 'oauth-client.secret-added', 'OAuthClient', clientId, ['secrets']);
    this.logger.log(`Added secret "${record.id}" to OAuth client "${clientId}" of tenant "${tenantId}"`);
    return { ...secretView(record, now), clientId, clientSecret: secret };
  }

  async removeClientSecret(tenantId: string, clientId: string, secretId: string): Promise<void> {
    await this.client(tenantId, clientId);
    if (!(await this.clients.removeOAuthClientSecret(tenantId, clientId, secretId))) {
      throw ScimError.notFound(
        `Secret ${JSON.stringify(secretId)} of OAuth client ${JSON.stringify(clientId)} not found`,
      );
    }
    this.credentials.invalidate();
    await this.journal.record(tenantId, 'oauth-client.secret-removed', 'OAuthClient', clientId, ['secrets']);
    this.logger.log(`Deleted secret "${secretId}" of OAuth client "${clientId}" of tenant "${tenantId}"`);
  }

  async revokeClient(tenantId: string, clientId: string): Promise<void> {
    await this.client(tenantId, clientId);
    await this.clients.revokeOAuthClient(tenantId, clientId);
    this.credentials.invalidate();
    await this.journal.record(tenantId, 'oauth-client.revoked', 'OAuthClient', clientId);
    this.logger.log(`Revoked OAuth client "${clientId}" of tenant "${tenantId}"`);
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  private async issue(
    tenantId: string,
    label: string,
    expiresAt?: string,
    scopes?: string[],
  ): Promise<IssuedTokenView> {
    const token = generateToken();
    const record: TokenRecord = {
      id: randomUUID(),
      tenantId,
      label,
      hash: hashToken(token),
      createdAt: new Date().toISOString(),
      revoked: false,
    };
    if (expiresAt !== undefined) record.expiresAt = expiresAt;
    if (scopes !== undefined) record.scopes = [...new Set(scopes)];
    await this.tokens.insertToken(record);
    await this.journal.record(tenantId, 'token.created', 'Token', record.id);
    this.logger.log(`Issued token "${record.id}" (${JSON.stringify(label)}) for tenant "${tenantId}"`);
    return { ...tokenView(record, Date.now()), token };
  }

  private view(tenant: TenantRecord): TenantView {
    return tenantView(tenant, this.settings.effective(tenant.settings ?? {}));
  }

  private async tenant(tenantId: string): Promise<TenantRecord> {
    const tenant = await this.tenants.findTenant(tenantId);
    if (!tenant) throw ScimError.notFound(`Tenant ${JSON.stringify(tenantId)} not found`);
    return tenant;
  }

  private async token(tenantId: string, tokenId: string): Promise<TokenRecord> {
    await this.tenant(tenantId);
    const token = (await this.tokens.listTokens(tenantId)).find((t) => t.id === tokenId);
    if (!token) throw ScimError.notFound(`Token ${JSON.stringify(tokenId)} not found`);
    return token;
  }

  private async client(tenantId: string, clientId: string): Promise<OAuthClientRecord> {
    await this.tenant(tenantId);
    const client = await this.clients.findOAuthClient(clientId);
    // Another tenant's client is answered exactly like an unknown one.
    if (!client || client.tenantId !== tenantId) throw clientNotFound(clientId);
    return client;
  }
}

function clientNotFound(clientId: string): ScimError {
  return ScimError.notFound(`OAuth client ${JSON.stringify(clientId)} not found`);
}

function newSecret(expiresAt?: string): { secret: string; record: OAuthClientSecretRecord } {
  const secret = generateToken();
  const record: OAuthClientSecretRecord = {
    id: randomUUID(),
    hash: hashToken(secret),
    createdAt: new Date().toISOString(),
  };
  if (expiresAt !== undefined) record.expiresAt = expiresAt;
  return { secret, record };
}

/** An expiry must lie in the future (a credential born expired is a mistake); normalised to UTC. */
function futureDate(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw ScimError.invalidValue(`${field} must be an ISO 8601 date-time`);
  if (time <= Date.now())
    throw ScimError.invalidValue(`${field} must lie in the future (got ${JSON.stringify(value)})`);
  return new Date(time).toISOString();
}

/** PATCH semantics for settings: a given value replaces, null removes (back to the server-wide value). */
function mergeSettings(current: TenantSettings, change: TenantSettingsDto | undefined): TenantSettings {
  const next: TenantSettings = { ...current };
  if (!change) return next;
  if (change.strictExtensions === null) delete next.strictExtensions;
  else if (change.strictExtensions !== undefined) next.strictExtensions = change.strictExtensions;
  if (change.rateLimit === null) delete next.rateLimit;
  else if (change.rateLimit !== undefined) {
    next.rateLimit = { requestsPerSecond: change.rateLimit.requestsPerSecond };
    if (change.rateLimit.burst !== undefined) next.rateLimit.burst = change.rateLimit.burst;
  }
  return next;
}
