import mongoose, { Connection, Model, Schema } from 'mongoose';
import { StoreAdapters } from '../store-query.util';
import { MongoMembershipRepository } from './mongo-membership.repository';
import { MongoResourceRepository } from './mongo-resource.repository';
import { MongoStoreHealth } from './mongo-store.health';
import { MongoTenantRepository } from './mongo-tenant.repository';
import { membershipSchema, resourceSchema, tenantSchema, tokenSchema } from './mongo.schemas';

function modelOf(connection: Connection, name: string, schema: () => Schema): Model<any> {
  return connection.models[name] ?? connection.model(name, schema());
}

/**
 * Binds the ports to an open mongoose connection: compiles the models, creates their collections and the
 * indexes declared in mongo.schemas.ts (a no-op when they exist), then returns the adapters.
 */
export async function createMongoStore(connection: Connection): Promise<StoreAdapters> {
  const models = {
    resources: modelOf(connection, 'ScimResource', resourceSchema),
    memberships: modelOf(connection, 'ScimMembership', membershipSchema),
    tenants: modelOf(connection, 'ScimTenant', tenantSchema),
    tokens: modelOf(connection, 'ScimToken', tokenSchema),
  };
  for (const model of Object.values(models)) {
    await model.init();
    await model.createIndexes();
  }
  return {
    resources: new MongoResourceRepository(
      connection,
      models.resources.collection,
      models.memberships.collection,
    ),
    memberships: new MongoMembershipRepository(models.memberships.collection),
    tenants: new MongoTenantRepository(models.tenants.collection, models.tokens.collection),
    health: new MongoStoreHealth(connection),
  };
}

/**
 * Connects to MONGODB_URI and binds the ports. The initial connect waits for a server for up to
 * serverSelectionTimeoutMS (mongoose default 30 s), which covers a replica set that starts with the app.
 */
export async function openMongoStore(uri: string): Promise<StoreAdapters> {
  const connection = await mongoose.createConnection(uri).asPromise();
  try {
    return await createMongoStore(connection);
  } catch (error) {
    await connection.close();
    throw error;
  }
}
