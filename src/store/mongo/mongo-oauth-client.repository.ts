import { Collection } from 'mongoose';
import { ScimError } from '../../scim/errors';
import { OAuthClientRecord, OAuthClientRepository, OAuthClientSecretRecord } from '../ports';
import { fromStored, isDuplicateKeyError, toStored } from './mongo.mapping';

const NO_ID = { projection: { _id: 0 } };

/** OAuth clients in MongoDB, unique on `clientId` across tenants. */
export class MongoOAuthClientRepository extends OAuthClientRepository {
  constructor(private readonly oauthClients: Collection<OAuthClientRecord>) {
    super();
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
