import { Collection } from 'mongoose';
import { ScimError } from '../../scim/errors';
import { StaticTokenRepository, TokenRecord } from '../ports';
import { fromStored, isDuplicateKeyError, toStored } from './mongo.mapping';

const NO_ID = { projection: { _id: 0 } };

/** Static tokens in MongoDB, unique on `id` and on `hash` (the bearer check's lookup). */
export class MongoStaticTokenRepository extends StaticTokenRepository {
  constructor(private readonly tokens: Collection) {
    super();
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
}
