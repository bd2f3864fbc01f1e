import {
  BeforeApplicationShutdown,
  DynamicModule,
  Logger,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { BulkModule } from './bulk/bulk.module';
import { DiscoveryModule } from './discovery/discovery.module';
import { GroupsModule } from './groups/groups.module';
import { ResourcesModule } from './resources/resources.module';
import { SearchModule } from './search/search.module';
import { UsersModule } from './users/users.module';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { HealthModule } from './health/health.module';
import { JournalModule } from './journal/journal.module';
import { ScimEnvelopeInterceptor } from './http/scim-envelope.interceptor';
import { HttpErrorsModule } from './http/error-renderers';
import { ScimExceptionFilter } from './http/scim-exception.filter';
import { MetricsModule } from './metrics/metrics.module';
import { StoreModule } from './store/store.module';
import { StreamingCoreModule } from './streaming/streaming-core.module';
import { StreamingModule } from './streaming/streaming.module';
import { TenantsModule } from './tenants/tenants.module';
import { TenantThrottlerGuard } from './throttling/tenant-throttler.guard';
import { ThrottlingModule } from './throttling/throttling.module';

export interface AppModuleOptions {
  /** The validated configuration (ConfigModule provides it as AppConfig). */
  config: AppConfig;
  /** Extra modules, e.g. a test-only controller. */
  imports?: NonNullable<ModuleMetadata['imports']>;
}

/**
 * Wires the application (architecture §2). Request path: BearerAuthGuard (global, @Public() skips it) →
 * TenantThrottlerGuard (rate limit per credential) → controller → ScimEnvelopeInterceptor; every error → ScimExceptionFilter.
 */
@Module({
  imports: [
    AdminModule,
    AuthModule,
    BulkModule,
    DiscoveryModule,
    GroupsModule,
    HealthModule,
    HttpErrorsModule,
    JournalModule,
    MetricsModule,
    ResourcesModule,
    SearchModule,
    StreamingCoreModule,
    StreamingModule,
    TenantsModule,
    ThrottlingModule,
    UsersModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ScimExceptionFilter },
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    // Global guards run in registration order: the throttler needs the principal the auth guard attaches.
    { provide: APP_GUARD, useClass: TenantThrottlerGuard },
    { provide: APP_INTERCEPTOR, useClass: ScimEnvelopeInterceptor },
  ],
})
export class AppModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Shutdown');

  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      imports: [
        ConfigModule.forRoot(options.config),
        StoreModule.forRoot(options.config),
        ...(options.imports ?? []),
      ],
      module: AppModule,
    };
  }

  beforeApplicationShutdown(signal?: string): void {
    if (signal) this.logger.log(`${signal} received: refusing new connections, finishing requests in flight`);
  }

  onApplicationShutdown(signal?: string): void {
    if (signal) this.logger.log('Stopped');
  }
}
