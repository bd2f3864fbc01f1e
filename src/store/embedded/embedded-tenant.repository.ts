import { ScimError } from '../../scim/errors';
import {
  OAuthClientRecord,
  OAuthClientSecretRecord,
  TenantRecord,
  TenantRepository,
  TokenRecord,
} from '../ports';
import { compareIds } from '../store-query.util';
import { EmbeddedStore, toJsonValue } from './embedded.store';

export class EmbeddedTenantRepository extends TenantRepository {
  constructor(private readonly store: EmbeddedStore) {
    super();
  }

  async findTenant(tenantId: string): Promise<TenantRecord | null> {
    const tenant = this.store.tenants.get(tenantId);
    return tenant ? structuredClone(tenant) : null;
  }

  async upsertTenant(tenant: TenantRecord): Promise<void> {
    const { json, value } = toJsonValue(tenant);
    this.store.statements.upsertTenant.run(tenant.id, json);
    this.store.tenants.set(tenant.id, value);
  }

  async insertTenant(tenant: TenantRecord): Promise<void> {
    if (this.store.tenants.has(tenant.id)) {
      throw ScimError.conflict(`A tenant with id "${tenant.id}" already exists`);
    }
    const { json, value } = toJsonValue(tenant);
    this.store.statements.insertTenant.run(tenant.id, json);
    this.store.tenants.set(tenant.id, value);
  }

  async listTenants(): Promise<TenantRecord[]> {
    return [...this.store.tenants.values()]
      .sort((a, b) => compareIds(a.id, b.id))
      .map((t) => structuredClone(t));
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | null> {
    const token = this.store.tokensByHash.get(hash);
    return token ? structuredClone(token) : null;
  }

  async insertToken(token: TokenRecord): Promise<void> {
    if (this.store.tokensById.has(token.id) || this.store.tokensByHash.has(token.hash)) {
      throw ScimError.conflict(`A token with id "${token.id}" or the same secret already exists`);
    }
    const { json, value } = toJsonValue(token);
    this.store.statements.insertToken.run(token.id, token.tenantId, token.hash, json);
    this.store.tokensById.set(value.id, value);
    this.store.tokensByHash.set(value.hash, value);
  }

  async listTokens(tenantId: string): Promise<TokenRecord[]> {
    return [...this.store.tokensById.values()]
      .filter((t) => t.tenantId === tenantId)
      .sort((a, b) => compareIds(a.createdAt, b.createdAt) || compareIds(a.id, b.id))
      .map((t) => structuredClone(t));
  }

  async revokeToken(tenantId: string, tokenId: string): Promise<boolean> {
    return this.updateToken(tenantId, tokenId, { revoked: true });
  }

  async expireToken(tenantId: string, tokenId: string, expiresAt: string): Promise<boolean> {
    return this.updateToken(tenantId, tokenId, { expiresAt });
  }

  async insertOAuthClient(client: OAuthClientRecord): Promise<void> {
    if (this.store.oauthClients.has(client.clientId)) {
      throw ScimError.conflict(`An OAuth client with id "${client.clientId}" already exists`);
    }
    const { json, value } = toJsonValue(client);
    this.store.statements.insertOAuthClient.run(client.clientId, client.tenantId, json);
    this.store.oauthClients.set(client.clientId, value);
  }

  async findOAuthClient(clientId: string): Promise<OAuthClientRecord | null> {
    const client = this.store.oauthClients.get(clientId);
    return client ? structuredClone(client) : null;
  }

  async listOAuthClients(tenantId: string): Promise<OAuthClientRecord[]> {
    return [...this.store.oauthClients.values()]
      .filter((c) => c.tenantId === tenantId)
      .sort((a, b) => compareIds(a.createdAt, b.createdAt) || compareIds(a.clientId, b.clientId))
      .map((c) => structuredClone(c));
  }

  async addOAuthClientSecret(
    tenantId: string,
    clientId: string,
    secret: OAuthClientSecretRecord,
  ): Promise<boolean> {
    return this.updateOAuthClient(tenantId, clientId, (c) => ({ ...c, secrets: [...c.secrets, secret] }));
  }

  async removeOAuthClientSecret(tenantId: string, clientId: string, secretId: string): Promise<boolean> {
    const client = this.store.oauthClients.get(clientId);
    if (!client || client.tenantId !== tenantId || !client.secrets.some((s) => s.id === secretId)) {
      return false;
    }
    return this.updateOAuthClient(tenantId, clientId, (c) => ({
      ...c,
      secrets: c.secrets.filter((s) => s.id !== secretId),
    }));
  }

  async revokeOAuthClient(tenantId: string, clientId: string): Promise<boolean> {
    return this.updateOAuthClient(tenantId, clientId, (c) => ({ ...c, revoked: true }));
  }

  private updateToken(tenantId: string, tokenId: string, changes: Partial<TokenRecord>): boolean {
    const token = this.store.tokensById.get(tokenId);
    if (!token || token.tenantId !== tenantId) return false;
    const { json, value } = toJsonValue({ ...token, ...changes });
    this.store.statements.updateToken.run(json, tokenId);
    this.store.tokensById.set(tokenId, value);
    this.store.tokensByHash.set(value.hash, value);
    return true;
  }

  private updateOAuthClient(
    tenantId: string,
    clientId: string,
    change: (client: OAuthClientRecord) => OAuthClientRecord,
  ): boolean {
    const client = this.store.oauthClients.get(clientId);
    if (!client || client.tenantId !== tenantId) return false;
    const { json, value } = toJsonValue(change(client));
    this.store.statements.updateOAuthClient.run(json, clientId);
    this.store.oauthClients.set(clientId, value);
    return true;
  }
}
