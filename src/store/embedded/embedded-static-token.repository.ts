import { ScimError } from '../../scim/errors';
import { StaticTokenRepository, TokenRecord } from '../ports';
import { compareIds } from '../store-query.util';
import { EmbeddedStore, toJsonValue } from './embedded.store';

/** Static tokens in the embedded store, indexed in memory by id and by hash (the bearer check's lookup). */
export class EmbeddedStaticTokenRepository extends StaticTokenRepository {
  constructor(private readonly store: EmbeddedStore) {
    super();
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
    await this.store.durable();
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

  private async updateToken(
    tenantId: string,
    tokenId: string,
    changes: Partial<TokenRecord>,
  ): Promise<boolean> {
    const token = this.store.tokensById.get(tokenId);
    if (!token || token.tenantId !== tenantId) return false;
    const { json, value } = toJsonValue({ ...token, ...changes });
    this.store.statements.updateToken.run(json, tokenId);
    this.store.tokensById.set(tokenId, value);
    this.store.tokensByHash.set(value.hash, value);
    await this.store.durable();
    return true;
  }
}
