import { Collection, Connection, Model, Schema } from 'mongoose';
import { OAuthClientRecord } from '../ports';
import { DEFAULT_JOURNAL_RETENTION_DAYS } from '../journal-retention';
import { guardAdapters, StorageCondition } from '../storage-failure';
import { StoreAdapters } from '../store-query.util';
import { ensureJournalRetention, MongoJournalRepository } from './mongo-journal.repository';
import { MongoMembershipRepository } from './mongo-membership.repository';
import { MongoResourceRepository } from './mongo-resource.repository';
import { MongoServerSecretRepository, ServerSecretDocument } from './mongo-server-secret.repository';
import { MongoStoreHealth } from './mongo-store.health';
import { mongoStorageFailure } from './mongo-storage-failure';
import { MongoSubscriptionRepository } from './mongo-subscription.repository';
import { MongoOAuthClientRepository } from './mongo-oauth-client.repository';
import { MongoStaticTokenRepository } from './mongo-static-token.repository';
import { MongoTenantRepository } from './mongo-tenant.repository';
import {
  journalCounterSchema,
  journalSchema,
  membershipSchema,
  oauthClientSchema,
  resourceSchema,
  serverSecretSchema,
  tenantSchema,
  tokenSchema,
  uniqueResourceIndexes,
} from './mongo.schemas';
import { DocumentModel } from '../../scim/document/document-model';
import { createDefaultRegistry } from '../../scim/schema/core-schemas';

function modelOf(connection: Connection, name: string, schema: () => Schema): Model<any> {
  return connection.models[name] ?? connection.model(name, schema());
}

export interface MongoStoreOptions {
  /** JOURNAL_RETENTION_DAYS (default 30): the journal's TTL index expires entries older than this. */
  journalRetentionDays?: number;
  /** The server's document model (its unique attributes); the RFC 7643 schemas alone when absent. */
  model?: DocumentModel;
}

/**
 * Binds the ports to an open mongoose connection: compiles the models, creates their collections and the
 * indexes declared in mongo.schemas.ts (a no-op when they exist), then returns the adapters.
 */
export async function createMongoStore(
  connection: Connection,
  options: MongoStoreOptions = {},
): Promise<StoreAdapters> {
  const models = {
    resources: modelOf(connection, 'ScimResource', resourceSchema),
    memberships: modelOf(connection, 'ScimMembership', membershipSchema),
    tenants: modelOf(connection, 'ScimTenant', tenantSchema),
    tokens: modelOf(connection, 'ScimToken', tokenSchema),
    oauthClients: modelOf(connection, 'ScimOAuthClient', oauthClientSchema),
    journal: modelOf(connection, 'ScimJournalEntry', journalSchema),
    journalCounters: modelOf(connection, 'ScimJournalCounter', journalCounterSchema),
    serverSecrets: modelOf(connection, 'ScimServerSecret', serverSecretSchema),
  };
  for (const model of Object.values(models)) {
    await model.init();
    await model.createIndexes();
  }
  const documentModel = options.model ?? new DocumentModel(createDefaultRegistry());
  // Straight on the collection, not in the mongoose schema: the model is per store, the compiled schema per
  // connection. A document written before its attribute became unique has no shadow until its next write.
  for (const { fields, options: indexOptions } of uniqueResourceIndexes(documentModel)) {
    await models.resources.collection.createIndex(fields, indexOptions);
  }
  await ensureJournalRetention(
    connection.db!,
    models.journal.collection,
    options.journalRetentionDays ?? DEFAULT_JOURNAL_RETENTION_DAYS,
  );
  const condition = new StorageCondition();
  // Out of disk space, no writable primary, unreachable: 503 with Retry-After, and readiness fails until a
  // probe write succeeds (MongoStoreHealth).
  return guardAdapters(
    {
      resources: new MongoResourceRepository(
        connection,
        models.resources.collection,
        models.memberships.collection,
        models.journal.collection,
        models.journalCounters.collection,
        documentModel,
      ),
      memberships: new MongoMembershipRepository(models.memberships.collection),
      tenants: new MongoTenantRepository(models.tenants.collection),
      staticTokens: new MongoStaticTokenRepository(models.tokens.collection),
      oauthClients: new MongoOAuthClientRepository(
        models.oauthClients.collection as unknown as Collection<OAuthClientRecord>,
      ),
      health: new MongoStoreHealth(connection, condition),
      journal: new MongoJournalRepository(models.journal.collection, models.journalCounters.collection),
      subscriptions: await MongoSubscriptionRepository.create(connection),
      secrets: new MongoServerSecretRepository(
        models.serverSecrets.collection as unknown as Collection<ServerSecretDocument>,
      ),
    },
    mongoStorageFailure,
    condition,
  );
}
