import { DynamicModule, Logger, Module } from '@nestjs/common';
import { getConnectionToken, MongooseModule } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { AppConfig } from '../../config/app-config';
import { DocumentModel } from '../../scim/document/document-model';
import { SchemaRegistryModule } from '../../schemas/schema-registry.module';
import { STORE_ADAPTERS } from '../store-query.util';
import { instrumentMongoStore } from './mongo-pool.metrics';
import { createMongoStore } from './mongo-store.factory';

/**
 * The MongoDB store through @nestjs/mongoose: MongooseModule owns the connection (with its retries while the
 * database starts alongside the app) and closes it on shutdown; the adapters are bound to that connection.
 * Imported only when MONGODB_URI is set, so the embedded store never opens a MongoDB connection. The driver's
 * pool events and server selection failures become metrics here (mongo-pool.metrics.ts).
 */
@Module({})
export class MongoStoreModule {
  static forRoot(uri: string): DynamicModule {
    return {
      module: MongoStoreModule,
      // A database starting alongside the app gets about a minute; then boot fails with the driver's reason.
      imports: [
        SchemaRegistryModule,
        MongooseModule.forRoot(uri, { retryAttempts: 5, retryDelay: 2000, serverSelectionTimeoutMS: 10_000 }),
      ],
      providers: [
        {
          provide: STORE_ADAPTERS,
          inject: [getConnectionToken(), AppConfig, DocumentModel],
          useFactory: async (connection: Connection, config: AppConfig, model: DocumentModel) => {
            const adapters = await createMongoStore(connection, {
              journalRetentionDays: config.journalRetentionDays,
              model,
            });
            new Logger('StoreModule').log('Using MongoDB (MONGODB_URI)');
            // Pool events and server selection failures as metrics (docs/metrics.md).
            return instrumentMongoStore(connection.getClient(), adapters);
          },
        },
      ],
      exports: [STORE_ADAPTERS],
    };
  }
}
