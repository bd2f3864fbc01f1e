import { ScimError } from '../../scim/errors';
import { OAuthClientRecord, OAuthClientRepository, OAuthClientSecretRecord } from '../ports';
import { compareIds } from '../store-query.util';
import { EmbeddedStore, toJsonValue } from './embedded.store';

/** OAuth clients in the embedded store, indexed in memory by client_id. */
export class EmbeddedOAuthClientRepository extends OAuthClientRepository {
  constructor(private readonly store: EmbeddedStore) {
    super();
  }

  async insertOAuthClient(client: OAuthClientRecord): Promise<void> {
    if (this.store.oauthClients.has(client.clientId)) {
      throw ScimError.conflict(`An OAuth client with id "${client.clientId}" already exists`);
    }
    const { json, value } = toJsonValue(client);
    this.store.statements.insertOAuthClient.run(client.clientId, client.tenantId, json);
    this.store.oauthClients.set(client.clientId, value);
    await this.store.durable();
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

  private async updateOAuthClient(
    tenantId: string,
    clientId: string,
    change: (client: OAuthClientRecord) => OAuthClientRecord,
  ): Promise<boolean> {
    const client = this.store.oauthClients.get(clientId);
    if (!client || client.tenantId !== tenantId) return false;
    const { json, value } = toJsonValue(change(client));
    this.store.statements.updateOAuthClient.run(json, clientId);
    this.store.oauthClients.set(clientId, value);
    await this.store.durable();
    return true;
  }
}
