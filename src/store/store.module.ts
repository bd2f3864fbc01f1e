import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DocumentModel } from '../scim/document/document-model';
import { SchemaRegistryModule } from '../schemas/schema-registry.module';
import { CommitEvents, ObservedResourceRepository } from './commit-observer';
import { openEmbeddedStore } from './embedded/embedded-store.factory';
import {
  JournalRepository,
  MembershipRepository,
  OAuthClientRepository,
  ResourceRepository,
  ServerSecretRepository,
  StaticTokenRepository,
  StoreHealth,
  TenantRepository,
} from './ports';
import { STORE_ADAPTERS, StoreAdapters } from './store-query.util';
import { SubscriptionRepository } from './subscription.port';

const logger = new Logger('StoreModule');

/** What the store choice depends on; known when the application module is built (AppModule.forRoot). */
export type StoreConfig = Pick<AppConfig, 'mongodbUri'>;

function openEmbedded(config: AppConfig, model: DocumentModel): StoreAdapters {
  const adapters = openEmbeddedStore(config.dataDir, {
    journalRetentionDays: config.journalRetentionDays,
    model,
  });
  logger.log(`Using the embedded store in ${config.dataDir}`);
  return adapters;
}

/**
 * The MongoDB adapter, loaded only when it is used: mongoose and the driver are some 400 modules, a quarter of
 * a second of every embedded-store boot (Nest accepts a promised module among `imports`).
 */
function mongoStoreModule(uri: string): Promise<DynamicModule> {
  return import('./mongo/mongo-store.module').then(({ MongoStoreModule }) => MongoStoreModule.forRoot(uri));
}

/**
 * MONGODB_URI set → MongoDB through @nestjs/mongoose (MongoStoreModule); unset → the embedded store in DATA_DIR
 * (architecture §4). The choice is made when the application module is built, so the embedded store never
 * imports MongooseModule (which would always open a connection).
 *
 * Binds the store ports (ResourceRepository, MembershipRepository, TenantRepository, StaticTokenRepository,
 * OAuthClientRepository, JournalRepository,
 * ServerSecretRepository, SubscriptionRepository, StoreHealth) for the whole application, to the adapter the
 * configuration picks, with the application's DocumentModel (its unique attributes, extensions included), and
 * closes the store on shutdown. ResourceRepository is the adapter's, wrapped so that every commit is reported to
 * CommitEvents (ObservedResourceRepository), which the metrics watch without the store knowing them.
 */
@Global()
@Module({})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(STORE_ADAPTERS) private readonly adapters: StoreAdapters) {}

  static forRoot(config: StoreConfig): DynamicModule {
    const mongo = config.mongodbUri !== undefined && config.mongodbUri !== '';
    return {
      imports: [SchemaRegistryModule, ...(mongo ? [mongoStoreModule(config.mongodbUri!)] : [])],
      exports: [
        CommitEvents,
        JournalRepository,
        MembershipRepository,
        ResourceRepository,
        ServerSecretRepository,
        StoreHealth,
        TenantRepository,
        StaticTokenRepository,
        OAuthClientRepository,
        SubscriptionRepository,
      ],
      global: true,
      module: StoreModule,
      providers: [
        ...(mongo
          ? []
          : [{ provide: STORE_ADAPTERS, inject: [AppConfig, DocumentModel], useFactory: openEmbedded }]),
        { provide: JournalRepository, inject: [STORE_ADAPTERS], useFactory: (a: StoreAdapters) => a.journal },
        {
          provide: MembershipRepository,
          inject: [STORE_ADAPTERS],
          useFactory: (a: StoreAdapters) => a.memberships,
        },
        { provide: CommitEvents, useFactory: () => new CommitEvents() },
        {
          // Every commit timed and reported to CommitEvents (metrics), still the adapter's one write.
          provide: ResourceRepository,
          inject: [STORE_ADAPTERS, CommitEvents],
          useFactory: (a: StoreAdapters, events: CommitEvents) =>
            new ObservedResourceRepository(a.resources, events),
        },
        {
          provide: ServerSecretRepository,
          inject: [STORE_ADAPTERS],
          useFactory: (a: StoreAdapters) => a.secrets,
        },
        { provide: StoreHealth, inject: [STORE_ADAPTERS], useFactory: (a: StoreAdapters) => a.health },
        { provide: TenantRepository, inject: [STORE_ADAPTERS], useFactory: (a: StoreAdapters) => a.tenants },
        {
          provide: StaticTokenRepository,
          inject: [STORE_ADAPTERS],
          useFactory: (a: StoreAdapters) => a.staticTokens,
        },
        {
          provide: OAuthClientRepository,
          inject: [STORE_ADAPTERS],
          useFactory: (a: StoreAdapters) => a.oauthClients,
        },
        {
          provide: SubscriptionRepository,
          inject: [STORE_ADAPTERS],
          useFactory: (a: StoreAdapters) => a.subscriptions,
        },
      ],
    };
  }

  /** Closes SQLite (checkpointing the WAL) or the MongoDB connection. */
  async onApplicationShutdown(): Promise<void> {
    await this.adapters.health.close();
  }
}
