import { Collection } from 'mongoose';
import { ScimError } from '../../scim/errors';
import { TenantRecord, TenantRepository, TokenRecord } from '../ports';
import { fromStored, isDuplicateKeyError, toStored } from './mongo.mapping';

const NO_ID = { projection: { _id: 0 } };

export class MongoTenantRepository extends TenantRepository {
  constructor(
    private readonly tenants: Collection,
    private readonly tokens: Collection,
  ) {
    super();
  }

  async findTenant(tenantId: string): Promise<TenantRecord | null> {
    const doc = await this.tenants.findOne({ id: tenantId }, NO_ID);
    return doc ? fromStored<TenantRecord>(doc) : null;
  }

  async upsertTenant(tenant: TenantRecord): Promise<void> {
    await this.tenants.replaceOne({ id: tenant.id }, toStored(tenant), { upsert: true });
  }

  async listTenants(): Promise<TenantRecord[]> {
    const docs = await this.tenants.find({}, NO_ID).sort({ id: 1 }).toArray();
    return docs.map((doc) => fromStored<TenantRecord>(doc));
  }

  async findTokenByHash(hash: string): Promise<TokenRecord | null> {
    const doc = await this.tokens.findOne({ hash }, NO_ID);
    return doc ? fromStored<TokenRecord>(doc) : null;
  }

  async insertToken(token: TokenRecord): Promise<void> {
    try {
      await this.tokens.insertOne(toStored(token));
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw ScimError.conflict(`A token with id "${token.id}" or the same secret already exists`);
      }
      throw error;
    }
  }

  async listTokens(tenantId: string): Promise<TokenRecord[]> {
    const docs = await this.tokens.find({ tenantId }, NO_ID).sort({ createdAt: 1, id: 1 }).toArray();
    return docs.map((doc) => fromStored<TokenRecord>(doc));
  }

  async revokeToken(tenantId: string, tokenId: string): Promise<boolean> {
    const { matchedCount } = await this.tokens.updateOne(
      { tenantId, id: tokenId },
      { $set: { revoked: true } },
    );
    return matchedCount === 1;
  }
}
