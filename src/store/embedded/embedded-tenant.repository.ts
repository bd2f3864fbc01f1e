import { ScimError } from '../../scim/errors';
import { TenantRecord, TenantRepository, TokenRecord } from '../ports';
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
    const token = this.store.tokensById.get(tokenId);
    if (!token || token.tenantId !== tenantId) return false;
    const { json, value } = toJsonValue({ ...token, revoked: true });
    this.store.statements.updateToken.run(json, tokenId);
    this.store.tokensById.set(tokenId, value);
    this.store.tokensByHash.set(value.hash, value);
    return true;
  }
}
