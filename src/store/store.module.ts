import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { openEmbeddedStore } from './embedded/embedded-store.factory';
import { openMongoStore } from './mongo/mongo-store.factory';
import {
  JournalRepository,
  MembershipRepository,
  ResourceRepository,
  StoreHealth,
  TenantRepository,
} from './ports';
import { StoreAdapters } from './store-query.util';

/** DI token of the adapters chosen at boot (internal to this module). */
export const STORE_ADAPTERS = Symbol('STORE_ADAPTERS');

const logger = new Logger('StoreModule');

/** MONGODB_URI set → MongoDB; unset → the embedded store in DATA_DIR (architecture §4). */
async function openStore(config: AppConfig): Promise<StoreAdapters> {
  if (config.mongodbUri) {
    const adapters = await openMongoStore(config.mongodbUri, {
      journalRetentionDays: config.journalRetentionDays,
    });
    logger.log('Using MongoDB (MONGODB_URI)');
    return adapters;
  }
  const adapters = openEmbeddedStore(config.dataDir, {
    journalRetentionDays: config.journalRetentionDays,
  });
  logger.log(`Using the embedded store in ${config.dataDir}`);
  return adapters;
}

/**
 * The choice is made when the application boots, from the injected AppConfig, so the module needs no
 * configuration at import time. (@nestjs/mongoose's MongooseModule is not used: it always opens a
 * connection, whatever the configuration, and the embedded store must not need a MongoDB.)
 *
 * Binds the store ports (ResourceRepository, MembershipRepository, TenantRepository, JournalRepository,
 * StoreHealth) for the whole application, to the adapter the configuration picks, and closes the store on
 * shutdown.
 */
@Global()
@Module({})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(STORE_ADAPTERS) private readonly adapters: StoreAdapters) {}

  static forRoot(): DynamicModule {
    return {
      exports: [JournalRepository, MembershipRepository, ResourceRepository, StoreHealth, TenantRepository],
      global: true,
      module: StoreModule,
      providers: [
        { provide: STORE_ADAPTERS, inject: [AppConfig], useFactory: openStore },
        { provide: JournalRepository, inject: [STORE_ADAPTERS], useFactory: (a: StoreAdapters) => a.journal },
        {
          provide: MembershipRepository,
          inject: [STORE_ADAPTERS],
          useFactory: (a: StoreAdapters) => a.memberships,
        },
        {
          provide: ResourceRepository,
          inject: [STORE_ADAPTERS],
          useFactory: (a: StoreAdapters) => a.resources,
        },
        { provide: StoreHealth, inject: [STORE_ADAPTERS], useFactory: (a: StoreAdapters) => a.health },
        { provide: TenantRepository, inject: [STORE_ADAPTERS], useFactory: (a: StoreAdapters) => a.tenants },
      ],
    };
  }

  /** Closes SQLite (checkpointing the WAL) or the MongoDB connection. */
  async onApplicationShutdown(): Promise<void> {
    await this.adapters.health.close();
  }
}
