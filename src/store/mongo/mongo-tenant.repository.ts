import { Collection } from 'mongoose';
import { ScimError } from '../../scim/errors';
import {
  OAuthClientRecord,
  OAuthClientSecretRecord,
  TenantRecord,
  TenantRepository,
  TokenRecord,
} from '../ports';
import { fromStored, isDuplicateKeyError, toStored } from './mongo.mapping';

const NO_ID = { projection: { _id: 0 } };

export class MongoTenantRepository extends TenantRepository {
  constructor(
    private readonly tenants: Collection,
    private readonly tokens: Collection,
    private readonly oauthClients: Collection<OAuthClientRecord>,
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

  async insertTenant(tenant: TenantRecord): Promise<void> {
    try {
      await this.tenants.insertOne(toStored(tenant));
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw ScimError.conflict(`A tenant with id "${tenant.id}" already exists`);
      }
      throw error;
    }
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

  async expireToken(tenantId: string, tokenId: string, expiresAt: string): Promise<boolean> {
    const { matchedCount } = await this.tokens.updateOne({ tenantId, id: tokenId }, { $set: { expiresAt } });
    return matchedCount === 1;
  }

  async insertOAuthClient(client: OAuthClientRecord): Promise<void> {
    try {
      await this.oauthClients.insertOne(toStored(client));
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw ScimError.conflict(`An OAuth client with id "${client.clientId}" already exists`);
      }
      throw error;
    }
  }

  async findOAuthClient(clientId: string): Promise<OAuthClientRecord | null> {
    const doc = await this.oauthClients.findOne({ clientId }, NO_ID);
    return doc ? fromStored<OAuthClientRecord>(doc) : null;
  }

  async listOAuthClients(tenantId: string): Promise<OAuthClientRecord[]> {
    const docs = await this.oauthClients
      .find({ tenantId }, NO_ID)
      .sort({ createdAt: 1, clientId: 1 })
      .toArray();
    return docs.map((doc) => fromStored<OAuthClientRecord>(doc));
  }

  async addOAuthClientSecret(
    tenantId: string,
    clientId: string,
    secret: OAuthClientSecretRecord,
  ): Promise<boolean> {
    const { matchedCount } = await this.oauthClients.updateOne(
      { tenantId, clientId },
      { $push: { secrets: toStored(secret) } },
    );
    return matchedCount === 1;
  }

  async removeOAuthClientSecret(tenantId: string, clientId: string, secretId: string): Promise<boolean> {
    // Matching on the secret too makes "no such secret" a false result, in one atomic update.
    const { matchedCount } = await this.oauthClients.updateOne(
      { tenantId, clientId, 'secrets.id': secretId },
      { $pull: { secrets: { id: secretId } } },
    );
    return matchedCount === 1;
  }

  async revokeOAuthClient(tenantId: string, clientId: string): Promise<boolean> {
    const { matchedCount } = await this.oauthClients.updateOne(
      { tenantId, clientId },
      { $set: { revoked: true } },
    );
    return matchedCount === 1;
  }
}
